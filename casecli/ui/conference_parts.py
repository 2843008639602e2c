"""The lists of a case conference, as a part of its wizard: who took part, and the follow-up
actions. Asked after the conference's questions, shown in its summary, and corrected there."""

from __future__ import annotations

from casecli.context import Env
from casecli.forms import load_form
from casecli.forms.labels import display_value
from casecli.i18n import _


class ConferenceParts:
    def __init__(self, env: Env, participants: list[dict] | None = None, actions: list[dict] | None = None):
        self.env = env
        self.participants: list[dict] = list(participants or [])
        self.actions: list[dict] = list(actions or [])
        self._asked_participants = bool(self.participants)
        self._asked_actions = bool(self.actions)

    def _collect(self, form_name: str, question: str, console) -> list[dict]:
        from casecli.ui import prompts
        from casecli.ui.wizard import ask_all

        form = load_form(form_name)
        items: list[dict] = []
        while prompts.select(question, [(_("Add one"), True), (_("Done"), False)], default=not items):
            items.append(ask_all(form, self.env, {}, console))
        return items

    def ask(self, console) -> None:
        if not self._asked_participants:
            console.print("\n[bold]" + _("Who took part (the child and the caregiver too)") + "[/bold]")
            self.participants = self._collect("conference-participant", _("Add a participant?"), console)
        if not self._asked_actions:
            console.print("\n[bold]" + _("Follow-up actions (they go into the next plan version)") + "[/bold]")
            self.actions = self._collect("plan-action", _("Add a follow-up action?"), console)

    def rows(self) -> list[tuple[str, str]]:
        lang = self.env.lang
        role = load_form("conference-participant").field("role")
        due = load_form("plan-action").field("due")
        out = [
            (
                _("Participant"),
                f"{p['name']} — {display_value(role, p.get('role'), lang)}"
                + (f" ({p['agency']})" if p.get("agency") else ""),
            )
            for p in self.participants
        ]
        out += [
            (_("Follow-up action"), f"{a['action']} — {a['owner']}, {display_value(due, a.get('due'), lang)}")
            for a in self.actions
        ]
        return out

    def corrections(self) -> list[tuple[str, str]]:
        return [
            (_("Participants: enter them again ({count})").format(count=len(self.participants)), "item:participants"),
            (_("Follow-up actions: enter them again ({count})").format(count=len(self.actions)), "item:actions"),
        ]

    def correct(self, key: str, console) -> None:
        if key == "item:participants":
            self.participants = self._collect("conference-participant", _("Add a participant?"), console)
        else:
            self.actions = self._collect("plan-action", _("Add a follow-up action?"), console)
