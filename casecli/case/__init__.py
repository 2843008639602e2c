"""The case, in the field's words, in rooms that name the work (each room's `__init__` says what
lives there, and `docs/architecture.md` draws how the rooms lean on each other):

- `steps/`: the steps of a case, from registration to closure. Steps never import each other.
- `family/`: family tracing and reunification.
- `decisions/`: what people decide about a case: approvals, consent, best-interests panels,
  case conferences, links between cases, possible duplicates.
- `file/`: the case file every step reads: finding a case, its chained history, the tables of
  its records, and the records one step leaves for the next (needs, plan versions, progress,
  referrals).
- `due/`: the rules that make things due, and the case's derived stage kept at write time.
- `child/`: who the child is as every room reads it: age and majority, name keys, the name index.
- `reads/`: the read models: the case list and `show`, the agenda, the report, de-identified
  figures, the child's voice, the printed documents.
- `demo`: fictional training cases made through the same steps.
"""
