"""Drafts: what a worker typed in a wizard that has not reached its save, kept in the store after
every answer (encrypted like every record), so that the terminal lost, an internal error or a kill
costs no typed answer. The next run of the same command on the same case offers to resume it; a
save, or a deliberate cancel, clears it. New registrations are kept under an empty case number."""

from __future__ import annotations

import json
from dataclasses import dataclass

from casecli.errors import StoreError
from casecli.store.db import Store, utc_now


@dataclass(frozen=True)
class Draft:
    store: Store
    command: str
    case_number: str = ""

    def load(self) -> tuple[dict, str] | None:
        """The answers kept, and when; None when there are none."""
        row = self.store.conn.execute(
            "SELECT answers, saved_at FROM drafts WHERE command = ? AND case_number = ?",
            (self.command, self.case_number),
        ).fetchone()
        if row is None:
            return None
        answers = json.loads(row[0])
        return (answers, row[1]) if isinstance(answers, dict) else None

    def keep(self, answers: dict) -> None:
        """Keep the answers so far; best effort: a store busy in another window, or a full disk,
        must not end the wizard the draft is there to protect (the next answer tries again)."""
        import sqlcipher3

        try:
            with self.store.transaction():
                self.store.conn.execute(
                    "INSERT OR REPLACE INTO drafts (command, case_number, answers, saved_at) VALUES (?, ?, ?, ?)",
                    (self.command, self.case_number, json.dumps(answers, ensure_ascii=False, default=str), utc_now()),
                )
        except (StoreError, sqlcipher3.DatabaseError):
            pass

    def clear(self) -> None:
        with self.store.transaction():
            self.store.conn.execute(
                "DELETE FROM drafts WHERE command = ? AND case_number = ?", (self.command, self.case_number)
            )
