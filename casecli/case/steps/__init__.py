"""The steps of a case, in the order the work goes: registration, assessment (initial, then
comprehensive), the Care and Protection Plan, implementation (referrals, progress on plan items),
monitoring (visits, reviews) and closure.

Steps never import each other (a contract in `pyproject.toml`): what one step leaves for a later
one is read from the case file (`case/file/`: the assessed needs, the plan's versions, progress,
referrals), and what a decision adds comes from `case/decisions/`."""
