"""The read models: the case list and the whole case (`view`, which only the read models import),
the agenda, a supervisor's report, de-identified figures (`statistics`), what was shared with whom
(`sharing`), the child's voice across every step (`voice`), and the printed documents (`documents`,
the child's `life_plan`). They read what the other rooms wrote and never write a record."""
