"""What `import` and `inbox import` show of a bundle: its summary before the questions, and the
settled result after (a receipt's settlements, a tracing request, a supervisor's decision, each
case's outcome). Everything a bundle brought is shown escaped: it is data, never markup."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from casecli.handover.settle import (
    AlreadyImported,
    CasesImported,
    DecisionSettled,
    ReceiptSettled,
    Settled,
    TracingRequestRead,
)
from casecli.i18n import _, format_date, format_time, n_
from casecli.plaintext import visible
from casecli.ui.render import shown

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

    from casecli.handover.incoming import Incoming


def show_settled(out: Console, settled: Settled, file_name: str) -> None:
    """The result of settling one bundle, whatever it brought."""
    if isinstance(settled, AlreadyImported) and settled.just_now:
        out.print(
            _("{file} was just imported in another casecli window: nothing changed here.").format(file=shown(file_name))
        )
    elif isinstance(settled, AlreadyImported):
        out.print(_("{file} was imported (or refused) already: nothing changed.").format(file=shown(file_name)))
    elif isinstance(settled, ReceiptSettled):
        print_receipt(out, settled)
    elif isinstance(settled, TracingRequestRead):
        from casecli.ui.tracing_views import tracing_request_view

        out.print(tracing_request_view(settled.reader, settled.request, settled.sender_known))
    elif isinstance(settled, DecisionSettled):
        print_decision(out, settled.done)
    elif isinstance(settled, CasesImported):
        print_outcomes(out, settled.outcomes)


def print_decision(out: Console, done: dict) -> None:
    from casecli.case.decisions.approvals import SHARING_KINDS, kind_words

    kind = kind_words(done["kind"])
    line = (
        _("{kind} of {number} approved by {by}.")
        if done["approved"]
        else _("{kind} of {number} rejected by {by}; the case stays as it was.")
    )
    out.print(line.format(kind=kind.capitalize(), number=done["case_number"], by=shown(done["by"])))
    if done["comment"]:
        out.print(_("Comment: {comment}").format(comment=shown(done["comment"])))
    if done["approved"] and done["kind"] in SHARING_KINDS:
        out.print(_("Write the bundle now: run the same `casecli export` again (the approval allows it once)."))


def print_receipt(out: Console, settled: ReceiptSettled) -> None:
    reader = settled.reader
    words = {
        "transferred": _("handover accepted: transferred"),
        "active_again": _("handover refused: active again here"),
        "already_settled": _("already settled: nothing changed"),
        "accepted_after_revoke": _("accepted after you revoked it: agree with them who keeps the case"),
        "not_a_recipient": _("not sent to them: nothing changed"),
        "unproven": _(
            "the receipt does not prove it knows the bundle's passphrase (anyone can sign a receipt): nothing changed"
        ),
        "unknown": _("no such handover here: nothing changed"),
        "acknowledged": _("received by them"),
    }
    out.print(
        _("Receipt from [bold]{sender}[/bold] ({fingerprint})").format(
            sender=shown(reader.sender_name), fingerprint=reader.fingerprint
        )
    )
    if settled.reason:
        out.print("  " + _("Reason: {reason}").format(reason=shown(settled.reason)))
    out.print("\n".join(f"{shown(number)}: {words[what]}" for number, what in sorted(settled.cases.items())))


def print_outcomes(out: Console, outcomes: dict[str, str]) -> None:
    words = {
        "added": _("added"),
        "brought_forward": _("brought forward"),
        "replaced": _("replaced by theirs"),
        "kept_both": _("kept both (theirs for review)"),
        "unchanged": _("unchanged (you have the same or newer)"),
    }
    # Plain text, not markup (a case number comes from the bundle), one soft-wrapped block: rich
    # took 3 s to mark up and wrap the 8,829 lines of a large import, this 0.1 s.
    text = "\n".join(f"{visible(number)}: {words[outcome]}" for number, outcome in outcomes.items())
    out.print(text, markup=False, highlight=False, soft_wrap=True)


class CaseProgress:
    """`advance(total)` over cases: the bar appears at the first case, so the questions asked before
    the writing starts never share the screen with it; on a terminal only."""

    def __init__(self, description: str) -> None:
        from casecli.ui.terminal import progress_bar

        self.description = description
        self.progress = progress_bar()
        self.task: TaskID | None = None

    def __call__(self, total: int) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task(self.description, total=None)
        self.progress.update(self.task, total=total, advance=1)

    def stop(self) -> None:
        if self.task is not None:
            self.progress.stop()


@contextmanager
def case_progress(description: str) -> Iterator[Callable[[int], None]]:
    """A progress bar over cases (`CaseProgress`), stopped however the work ends."""
    advance = CaseProgress(description)
    try:
        yield advance
    finally:
        advance.stop()


def bundle_summary(out: Console, incoming: Incoming) -> None:
    reader = incoming.reader
    known = (
        _("your contact {name}").format(name=shown(incoming.known_sender))
        if incoming.known_sender
        else "[yellow]" + _("NOT in your contacts") + "[/yellow]"
    )
    kind = (
        _("HANDOVER (you become the case worker)") if incoming.handover else _("copy for consultation (read-only here)")
    )
    out.print(
        _("Bundle from [bold]{sender}[/bold], {agency} — fingerprint {fingerprint} — {known}").format(
            sender=shown(reader.sender_name),
            agency=shown(reader.sender_agency),
            fingerprint=shown(reader.fingerprint),
            known=known,
        )
    )
    out.print(
        n_("{kind}; {count} case; made {date}", "{kind}; {count} cases; made {date}", len(incoming.cases)).format(
            kind=kind, count=len(incoming.cases), date=shown(format_time(reader.header.get("created")))
        )
    )
    if incoming.sender_revoked is not None:
        out.print(
            "[yellow]"
            + _("The agency revoked {name} on {date} ({reason}); this bundle was made before.").format(
                name=shown(reader.sender_name),
                date=shown(format_date(incoming.sender_revoked.on)),
                reason=shown(incoming.sender_revoked.reason),
            )
            + "[/yellow]"
        )
    note = incoming.meta.get("note") or {}
    for key, label in (
        ("key_concerns", _("Key concerns")),
        ("upcoming_dates", _("Upcoming dates")),
        ("child_told", _("What the child was told")),
    ):
        if note.get(key):
            out.print(f"  {label}: {shown(note[key])}")
    names = {
        "new": _("new here"),
        "same_or_older": _("you have this or newer"),
        "continues": _("newer than yours"),
        "diverged": _("changed on both sides"),
    }
    # One text for all the cases, with no markup to parse (the data made visible, never markup):
    # rich read each line's markup, most of a 10,000-case summary's time; a pipe gets it as it is.
    from rich.text import Text

    lines = "\n".join(
        f"  {visible(number)}  {visible(case.child_name)}  — {names[case.decision]}"
        for number, case in sorted(incoming.cases.items())
    )
    if out.is_terminal:
        out.print(Text(lines))
    else:
        out.file.write(lines + "\n")
