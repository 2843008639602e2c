"""The case file: what every step reads. Finding a case by what was typed (`lookup`), the chained
history of every change (`history`, `signatures`), the tables that hold a case's records (`tables`:
what a bundle carries, what a purge deletes), and the records one step leaves for another: the
needs the latest assessment found (`needs`), the plan's stored versions and the rules of its shape
(`plans`, `plan_rules`), progress on plan items (`progress`) and referrals (`referrals`)."""
