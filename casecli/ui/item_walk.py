"""The walk over the plan's open items at a visit or a review, as part of that wizard.

It runs after the form's questions and before the summary, so the summary shows each item's
answer and the worker can correct one like any other answer. Each item starts from its last
recorded status (what the last visit or mark said), or "not yet due" when nothing was recorded:
pressing Enter never claims an item was received or done.
"""

from __future__ import annotations

from casecli.context import Env
from casecli.forms import load_form
from casecli.forms.labels import display_value
from casecli.i18n import _, format_date
from casecli.ui.render import shown

NOTHING_YET = "not_yet"


class ItemWalk:
    """An extra part of a wizard: ask, summarise and correct the answers about plan items."""

    def __init__(self, env: Env, items: list[dict]):
        self.env = env
        self.items = items
        self.form = load_form("plan-item-check")
        self.answers: dict[str, dict] = {}
        self.changed = lambda: None  # the wizard keeps its draft here after each answer

    def state(self) -> dict:
        return {"items": self.answers}

    def restore(self, state: dict) -> None:
        """The answers a cut-off run kept, for the items still open."""
        kept = state.get("items")
        if isinstance(kept, dict):
            ids = {item["id"] for item in self.items}
            self.answers = {k: v for k, v in kept.items() if k in ids and isinstance(v, dict)}

    def _title(self, item: dict) -> str:
        kind_name = item["kind"]  # a plan item kind, translated as data (plan.ITEM_NAMES)
        return f"{_(kind_name).capitalize()}: {item['title']}"

    def _ask_one(self, item: dict, console, always_note: bool = False) -> None:
        from casecli.ui import prompts

        due = _("(by {date})").format(date=format_date(item["due"]) if item["due"] else "—")
        console.print(f"[bold]{shown(self._title(item))}[/bold] {due}")
        if item.get("last"):
            last = display_value(self.form.field("status"), item["last"], self.env.lang)
            said = f" — {shown(item['last_note'])}" if item.get("last_note") else ""
            console.print("  [dim]" + _("Last recorded: {status}").format(status=shown(last)) + said + "[/dim]")
        earlier = self.answers.get(item["id"], {})
        start = earlier.get("status") or item.get("last") or NOTHING_YET
        status = prompts.ask_field(self.form.field("status"), start, self.env.today, self.env.lang)
        note: str | None = earlier.get("note")
        # A note says what changed: asked when the status does (or when the worker corrects the
        # item at the summary); an item left as it was costs one Enter, not two.
        if status != start or always_note:
            note = prompts.ask_field(self.form.field("note"), note, self.env.today, self.env.lang)
        self.answers[item["id"]] = {"status": status, **({"note": note} if note else {})}
        self.changed()

    def ask(self, console) -> None:
        if self.items:
            console.print("\n[bold]" + _("The plan's open items") + "[/bold]")
        for item in self.items:
            if item["id"] not in self.answers:  # a resumed draft already holds the others
                self._ask_one(item, console)

    def rows(self) -> list[tuple[str, str]]:
        out = []
        for item in self.items:
            answer = self.answers.get(item["id"], {})
            status = display_value(self.form.field("status"), answer.get("status"), self.env.lang)
            out.append((self._title(item), status + (f" — {answer['note']}" if answer.get("note") else "")))
        return out

    def corrections(self) -> list[tuple[str, str]]:
        return [
            (f"{self._title(item)}: {value}", f"item:{item['id']}")
            for item, (_t, value) in zip(self.items, self.rows(), strict=True)
        ]

    def correct(self, key: str, console) -> None:
        item = next(i for i in self.items if f"item:{i['id']}" == key)
        self._ask_one(item, console, always_note=True)
