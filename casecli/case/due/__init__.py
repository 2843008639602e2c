"""The rules that make things due on a case, and the derived state kept at write time: deadlines by
risk (`deadlines`), every due item and its sentence (`due_rules`, `due_text`), what decisions and
outcomes make due (`outcomes_due`, `bid_rules`: when a BID is required, `reunification`: the
follow-up a reunification makes due), and `lifecycle`, which stores a case's stage, next due date
and due items in the transaction of each change (the agenda and the report read these)."""
