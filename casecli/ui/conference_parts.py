"""The lists of a case conference (or a BID panel), as a part of its wizard: who took part, and the
follow-up actions. Asked after the other questions, shown in the summary, and corrected there."""

from __future__ import annotations

from collections.abc import Callable

from casecli.context import Env
from casecli.forms import load_form
from casecli.forms.labels import display_value
from casecli.i18n import _
from casecli.ui.render import shown


class ConferenceParts:
    people_form = "conference-participant"

    def people_heading(self) -> str:
        return _("Who took part (the child and the caregiver too)")

    def people_question(self) -> str:
        return _("Add a participant?")

    def people_again(self, count: int) -> str:
        return _("Participants: enter them again ({count})").format(count=count)

    def person_word(self) -> str:
        return _("Participant")

    def known_question(self) -> str:
        return _("Who of these took part? (the records know them; the others are added next)")

    def __init__(
        self,
        env: Env,
        participants: list[dict] | None = None,
        actions: list[dict] | None = None,
        person_problem: Callable[[dict], str | None] | None = None,
        people_problem: Callable[[list[dict]], str | None] | None = None,
        known_people: list[dict] | None = None,
    ):
        self.env = env
        self.person_problem = person_problem  # a rule on one person, checked as the person is given
        self.people_problem = people_problem  # a rule on the whole list, checked at "Done"
        # people the records already know (the worker, the child, earlier participants): ticked,
        # not typed again
        self.known_people = list(known_people or [])
        self.participants: list[dict] = list(participants or [])
        self.actions: list[dict] = list(actions or [])
        self._asked_participants = bool(self.participants)
        self._asked_actions = bool(self.actions)
        self.changed = lambda: None  # the wizard keeps its draft here after each person or action

    def state(self) -> dict:
        return {
            "participants": self.participants,
            "actions": self.actions,
            "asked": [
                name
                for name, done in (("participants", self._asked_participants), ("actions", self._asked_actions))
                if done
            ],
        }

    def restore(self, state: dict) -> None:
        """What a cut-off run kept: the lists so far, and which of them the worker had finished."""
        people, actions, asked = state.get("participants"), state.get("actions"), state.get("asked") or []
        if isinstance(people, list):
            self.participants = [p for p in people if isinstance(p, dict)]
        if isinstance(actions, list):
            self.actions = [a for a in actions if isinstance(a, dict)]
        self._asked_participants = self._asked_participants or "participants" in asked
        self._asked_actions = self._asked_actions or "actions" in asked

    def _collect(self, form_name: str, question: str, console, kept: list[dict] | None = None) -> list[dict]:
        """The list, asked one by one after those `kept` (a resumed draft's); each kept as given."""
        from casecli.ui import prompts
        from casecli.ui.wizard import ask_all

        form = load_form(form_name)
        items: list[dict] = list(kept or [])
        into = "participants" if form_name == self.people_form else "actions"
        while True:
            if not prompts.select(question, [(_("Add one"), True), (_("Done"), False)], default=not items):
                whole = self.people_problem if form_name == self.people_form else None
                why = whole(items) if whole is not None else None
                if not why:
                    break
                console.print("[red]" + shown(why) + "[/red]")  # said at "Done", not at the save
                continue
            item = ask_all(form, self.env, {}, console)
            check = self.person_problem if form_name == self.people_form else None
            why = check(item) if check is not None else None
            if check is not None and why:  # said at once, with the answers to fix (not at the save)
                console.print("[red]" + shown(why) + "[/red]")
                item = ask_all(form, self.env, item, console)
                why = check(item)
                if why:
                    console.print("[red]" + shown(why) + "[/red] " + _("(not added)"))
                    continue
            items.append(item)
            setattr(self, into, list(items))
            self.changed()
        return items

    def _tick_known(self, console) -> None:
        """The people the records know, ticked in one list; the others are added one by one after.
        A person a rule refuses (a BIA's author on its panel) is said at once and not added."""
        from casecli.plaintext import visible
        from casecli.ui import prompts

        if not self.known_people or self.participants:
            return
        ticked = prompts.checkbox(
            self.known_question(), [(visible(self._person_line(p)), p) for p in self.known_people]
        )
        for person in ticked:
            why = self.person_problem(person) if self.person_problem is not None else None
            if why:
                console.print("[red]" + shown(why) + "[/red] " + _("(not added)"))
            else:
                self.participants.append(dict(person))
        self.changed()

    def _person_line(self, person: dict) -> str:
        role = load_form(self.people_form).field("role")
        return f"{person['name']} — {display_value(role, person.get('role'), self.env.lang)}" + (
            f" ({person['agency']})" if person.get("agency") else ""
        )

    def ask(self, console) -> None:
        if not self._asked_participants:
            console.print("\n[bold]" + self.people_heading() + "[/bold]")
            self._tick_known(console)
            self.participants = self._collect(self.people_form, self.people_question(), console, self.participants)
            self._asked_participants = True
            self.changed()
        if not self._asked_actions:
            console.print("\n[bold]" + _("Follow-up actions (they go into the next plan version)") + "[/bold]")
            self.actions = self._collect("plan-action", _("Add a follow-up action?"), console, self.actions)
            self._asked_actions = True
            self.changed()

    def rows(self) -> list[tuple[str, str]]:
        lang = self.env.lang
        due = load_form("plan-action").field("due")
        out = [(self.person_word(), self._person_line(p)) for p in self.participants]
        out += [
            (_("Follow-up action"), f"{a['action']} — {a['owner']}, {display_value(due, a.get('due'), lang)}")
            for a in self.actions
        ]
        return out

    def corrections(self) -> list[tuple[str, str]]:
        return [
            (self.people_again(len(self.participants)), "item:participants"),
            (_("Follow-up actions: enter them again ({count})").format(count=len(self.actions)), "item:actions"),
        ]

    def correct(self, key: str, console) -> None:
        if key == "item:participants":
            self.participants = []
            self._tick_known(console)
            self.participants = self._collect(self.people_form, self.people_question(), console)
        else:
            self.actions = self._collect("plan-action", _("Add a follow-up action?"), console)
        self.changed()


class PanelParts(ConferenceParts):
    """A BID panel's members and follow-up actions."""

    people_form = "bid-member"

    def people_heading(self) -> str:
        return _("The panel's members (the assessment's author only if the agency allows it)")

    def people_question(self) -> str:
        return _("Add a member?")

    def people_again(self, count: int) -> str:
        return _("Members: enter them again ({count})").format(count=count)

    def person_word(self) -> str:
        return _("Member")

    def known_question(self) -> str:
        return _("Who of these sat on the panel? (earlier panels' members; the others are added next)")
