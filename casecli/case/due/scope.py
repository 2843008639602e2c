"""Which cases a due rule reads: one case (a write, `show`), some (a refresh of an import's cases,
a thousand at a time), or every case (the statistics). A rule read for some cases reads only
theirs: an import into a store of fifty thousand cases reads the imported cases' records, not the
store's, once per thousand."""

from __future__ import annotations

import json
from collections.abc import Sequence

Scope = str | Sequence[str] | None


def scoped(sql: str, column: str, only: Scope) -> tuple[str, list]:
    """`sql` (ending in a WHERE clause) limited to the cases of `only`, and its parameters."""
    if only is None:
        return sql, []
    if isinstance(only, str):
        return f"{sql} AND {column} = ?", [only]
    return f"{sql} AND {column} IN (SELECT value FROM json_each(?))", [json.dumps(list(only))]
