"""What was written down, to read again: visits' notes, reviews, referrals' updates, handover
notes received, and the child's voice across every step (`show --voice`)."""

from __future__ import annotations

from casecli import i18n
from casecli.case.decisions.approvals import what_waits
from casecli.forms.labels import answer, display_value, label
from casecli.i18n import _, format_date, local_date, n_
from casecli.ui.render import group, shown, titled_table

# Answers a table already shows: the notes list only what a person wrote.
WRITTEN = ("text", "longtext")


def written(form_name: str, answers: dict, leave_out: tuple[str, ...] = ()) -> list[str]:
    """Each written answer of a record as "question: answer" (the worker's words, escaped)."""
    from casecli.forms import load_form

    form = load_form(form_name)
    lines = []
    for field in form.applicable(answers):
        value = answers.get(field.id)
        if field.type in WRITTEN and value and field.id not in leave_out:
            lines.append(f"    [dim]{shown(field.label(i18n.current))}:[/dim] {shown(value)}")
    return lines


def notes_parts(record: dict) -> list:
    parts: list = []
    visits = record.get("visits", [])
    if any(written("visit", v["answers"]) for v in visits):
        parts.append("[bold]" + _("Visit notes (newest first)") + "[/bold]")
        for visit in visits:
            lines = written("visit", visit["answers"])
            if lines:
                parts.append(
                    "  "
                    + _("{date}, by {worker}").format(date=format_date(visit["visited_on"]), worker=shown(visit["by"]))
                )
                parts.extend(lines)
    for review in record.get("reviews", []):
        parts.append(
            "[bold]"
            + _("Review {date}: {decision} (by {worker})").format(
                date=format_date(review["reviewed_on"]),
                decision=shown(label(review["decision"])),
                worker=shown(review["by"]),
            )
            + "[/bold]"
        )
        from casecli.forms import load_form

        participants = load_form("review").field("participants")
        if review["answers"].get("participants"):
            parts.append(
                f"    [dim]{shown(participants.label(i18n.current))}:[/dim] "
                + shown(display_value(participants, review["answers"]["participants"], i18n.current))
            )
        parts.extend(written("review", review["answers"]))
    updated = [r for r in record.get("referrals", []) if len(r.get("updates", [])) > 1 or r["updates"][0]["note"]]
    if updated:
        parts.append("[bold]" + _("Referral updates") + "[/bold]")
        for referral in updated:
            parts.append(
                f"  {shown(referral['ref'])} — {shown(answer('referral', 'service_type', referral['service_type']))}"
            )
            for update in referral["updates"]:
                note = f": {shown(update['note'])}" if update["note"] else ""
                parts.append(
                    f"    {format_date(update['on_date'])} {shown(label(update['status']))}{note} "
                    + _("(by {worker})").format(worker=shown(update["by"]))
                )
    parts.extend(approval_lines(record))
    parts.extend(conference_parts(record))
    for note in record.get("handover_notes", []):
        parts.append(
            "[bold]"
            + _("Handover note from {sender}, received {date}").format(
                sender=shown(note["from"]), date=local_date(note["at"])
            )
            + "[/bold]"
        )
        parts.extend(written("handover-note", note["note"]))
    return parts


def conference_table(number: str, rows: list[dict]):
    from casecli.forms import load_form

    form = load_form("conference")
    table = titled_table(
        _("Case conferences of {number}").format(number=shown(number)),
        "#",
        _("Date"),
        _("Type"),
        _("Why"),
        _("Participants"),
        _("Decisions"),
    )
    for row in rows:
        answers = row["answers"]
        table.add_row(
            str(row["number"]),
            format_date(row["held_on"]),
            shown(display_value(form.field("kind"), row["kind"], i18n.current)),
            shown(display_value(form.field("reason"), answers.get("reason"), i18n.current)),
            str(len(answers.get("participants", []))),
            shown(answers.get("decisions", "")),
        )
    return table


def conference_parts(record: dict) -> list:
    """A case's conferences in `show`: when, why, the decisions, and the written answers."""
    from casecli.forms import load_form

    form = load_form("conference")
    parts: list = []
    for row in record.get("conferences", []):
        answers = row["answers"]
        parts.append(
            "[bold]"
            + _("Case conference {count}, {date}: {kind} — {reason}").format(
                count=row["number"],
                date=format_date(row["held_on"]),
                kind=shown(display_value(form.field("kind"), row["kind"], i18n.current)),
                reason=shown(display_value(form.field("reason"), answers.get("reason"), i18n.current)),
            )
            + "[/bold] "
            + f"`casecli conference show {shown(record['case_number'])} {row['number']}`"
        )
        parts.extend(written("conference", answers))
    return parts


def approvals_table(rows: list[dict]):
    if not rows:
        return _("Nothing waits for a supervisor's approval.")
    table = titled_table(_("Waiting for approval"), _("Case"), _("What"), _("Requested by"), _("Since"), _("Next"))
    several = {n for n in (r["case_number"] for r in rows) if sum(r["case_number"] == n for r in rows) > 1}
    for row in rows:
        what = what_waits(row["kind"], row["subject"])
        which = f"{row['case_number']} --kind {row['kind']}" if row["case_number"] in several else row["case_number"]
        if row.get("decided_here"):
            step = _("decided ({decision}); the worker imports it").format(decision=label(row["decided_here"]))
        elif row["requested_by_fingerprint"]:
            step = f"casecli approve {which} | casecli reject {which} --comment …"
        else:
            step = f"casecli approval request {row['case_number']} --to …"
        table.add_row(
            shown(row["case_number"]),
            shown(what),
            shown(row["requested_by"]),
            local_date(row["requested_at"]),
            shown(step),
        )
    return table


def approval_lines(record: dict) -> list:
    """A case's approvals in `show`: what was asked, and the supervisor's decision."""
    lines = []
    for row in record.get("approvals", []):
        what = what_waits(row["kind"], row["subject"])
        if row["status"] == "waiting":
            text = _("Awaiting approval: {what} (asked {date})").format(what=what, date=local_date(row["requested_at"]))
        elif row["status"] == "void":
            text = _("Approval request void: {what} was changed").format(what=what)
        else:
            verdict = {"approved": _("approved"), "used": _("approved and used")}.get(row["status"], _("rejected"))
            text = _("{what} {verdict} by {by} on {date}").format(
                what=what.capitalize(), verdict=verdict, by=row["decided_by"], date=local_date(row["decided_at"])
            )
            if row.get("comment"):
                text += f": {row['comment']}"
        lines.append(shown(text))
    if lines and not record.get("roles_certified", True):
        lines.append("[yellow]" + roles_not_certified() + "[/yellow]")
    return lines


def roles_not_certified() -> str:
    """Said alike by `show`, `approvals` and the report where no agency roster is known."""
    return _("Roles not certified: no roster of the agency here, so a supervisor is whoever their identity says.")


def step_name(step: str) -> str:
    """A step of the case (case.voice.STEPS) in the worker's words."""
    return {
        "registration": _("registration"),
        "consent": _("consent"),
        "initial assessment": _("initial assessment"),
        "comprehensive assessment": _("comprehensive assessment"),
        "plan": _("plan"),
        "visit": _("visit"),
        "review": _("review"),
        "closure": _("closure"),
        "handover": _("handover"),
        "conference": _("case conference"),
        "bia": _("best interests assessment"),
        "bid": _("best interests determination"),
        "tracing": _("family tracing"),
        "asylum": _("asylum claim"),
        "age assessment": _("age assessment"),
        "incident": _("incident"),
    }.get(step, step)


def earlier_words(store, number: str, field_id: str = "child_views") -> tuple[dict, dict]:
    """The child's last recorded words, offered where a later step asks for the child's views:
    (defaults, hints) for a wizard, prefilling the question and saying where the words come from."""
    from casecli.case.reads.voice import latest_words

    last = latest_words(store, number)
    if last is None:
        return {}, {}
    hint = _("The child's last recorded words ({step}, {date}); Enter keeps them, typing replaces them:").format(
        step=step_name(last["step"]), date=format_date(last["on"])
    )
    return {field_id: last["answer"]}, {field_id: hint}


def voice_view(record: dict):
    """The child's voice, in date order: what the child said, and what the child was told."""
    from casecli.forms import load_form

    lang = i18n.current
    voice = record.get("voice", [])
    if not voice:
        return _("Nothing the child said or was told is recorded yet for {number}.").format(
            number=shown(record["case_number"])
        )
    table = titled_table(
        _("The child's voice: {number}").format(number=shown(record["case_number"])),
        _("Date"),
        _("Step"),
        _("Question"),
        _("Answer"),
    )
    # "weighed": why a step went ahead against what the child said (the child's "no" heard, and answered)
    kinds = {"said": _("said"), "told": _("was told"), "weighed": _("weighed against it")}
    for entry in voice:
        field = load_form(entry["form"]).field(entry["field"])
        table.add_row(
            format_date(entry["on"]),
            shown(step_name(entry["step"])),
            f"[dim]({kinds.get(entry['kind'], entry['kind'])})[/dim] " + shown(field.label(lang)),
            shown(display_value(field, entry["answer"], lang)),
        )
    return group([table])


def follow_ups_line(count: int, number: str) -> str:
    """Where a conference's or a BID panel's follow-up actions go next."""
    return n_(
        "Its {count} follow-up action goes into the next plan version: `casecli plan edit {number}`.",
        "Its {count} follow-up actions go into the next plan version: `casecli plan edit {number}`.",
        count,
    ).format(count=count, number=number)
