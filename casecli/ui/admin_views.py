"""The rich views of the store's own read commands: log, verify, contacts, settings."""

from __future__ import annotations

from casecli.case.file.history import describe
from casecli.i18n import _, format_date, format_time, local_date
from casecli.ui.render import group, shown


def log_view(events: list[dict]):
    """The case's history: who changed what, when, with old and new values."""
    parts: list = []
    for event in events:
        parts.append(
            f"[bold]{event['seq']:>3}[/bold] {shown(format_time(event['at']))}  "
            f"{shown(event['actor'])}: {shown(describe(event))}"
        )
        for field, change in event["changes"].items():
            if isinstance(change, dict) and set(change) == {"old", "new"}:
                old, new = (_value_word(change[k]) for k in ("old", "new"))
                parts.append(f"      {shown(_field_word(field))}: {shown(old)} → {shown(new)}")
    return group(parts)


def _field_word(field: str) -> str:
    """A changed field in the worker's words: the registration's question, or a word of casecli's."""
    from casecli import i18n
    from casecli.forms import load_form

    if field == "risk":
        return _("Risk")
    try:
        return load_form("registration").field(field).label(i18n.current)
    except KeyError:
        return field


def _value_word(value: object) -> str:
    """A changed value: a stored code (a risk level, a status) as its word; anything else as it is."""
    from casecli.forms.labels import label

    return label(value) if isinstance(value, str) else str(value)


def verify_view(report: dict):
    ok, damaged = _("ok"), _("DAMAGED")
    if report["full"]:
        parts: list = [
            _("Pages (SQLCipher HMAC): {pages}; SQLite integrity: {integrity}; {count} case histories checked.").format(
                pages=ok if report["pages_ok"] else damaged,
                integrity=ok if report["integrity_ok"] else damaged,
                count=report["cases"],
            )
        ]
    else:
        parts = [
            _(
                "{count} case histories checked from their last verified event ({events} events re-hashed);"
                " `casecli verify --full` checks every page and every event."
            ).format(count=report["cases"], events=report["events_checked"])
        ]
    parts += [f"[yellow]{shown(note)}[/yellow]" for note in report["notes"]]
    for item in report.get("handovers", []):
        if item["known_as"] == "own":
            who = _("signed by you")
        elif item["known_as"] == "contact":
            who = _("signed by your contact {name}").format(name=shown(item["name"]))
        elif item["known_as"] == "recorded":
            who = _("signed by a key recorded when the case arrived ({source})").format(source=shown(item["name"]))
        else:
            who = "[red]" + _("not signed by any key this store knows") + "[/red]"
        parts.append(
            _("{number} event {seq}: handover {who}").format(
                number=shown(item["case_number"]), seq=item["seq"], who=who
            )
        )
    for item in report["broken"]:
        parts.append(
            "[red]"
            + _("{number}: event {seq} {why}").format(
                number=shown(item["case_number"]), seq=item["seq"], why=shown(item["why"])
            )
            + "[/red]"
        )
    return group(parts)


def contacts_view(rows: list[dict]):
    if not rows:
        return _("No contacts yet: `casecli contacts add NAME IDENTITY`.")
    return group([f"{shown(row['name']):20} {shown(row['agency']):24} {row['fingerprint']}" for row in rows])


def roster_view(known, pinned: bool):
    """The roster this store follows, or why there is none (roles not certified)."""
    if known is None:
        return (
            _("Roles not certified: this store has no roster of the agency yet (`casecli roster import FILE`).")
            if pinned
            else _(
                "Roles not certified: this store trusts no agency key yet (`casecli agency-key add casecli-agency2:…`)."
            )
        )
    from casecli.ui.render import titled_table

    table = titled_table(
        _("Roster {number} of {agency}").format(number=known.number, agency=shown(known.agency)),
        _("Name"),
        _("Role"),
        _("Fingerprint"),
        _("Valid"),
    )
    revoked = {r.fingerprint: r for r in known.revoked}
    for member in known.members:
        ended = revoked.get(member.fingerprint)
        valid = (
            _("revoked on {date}").format(date=format_date(ended.on))
            if ended
            else (f"{format_date(member.valid_from)} – {format_date(member.valid_to) if member.valid_to else ''}")
        )
        table.add_row(shown(member.name), shown(role_words(member.role)), member.fingerprint, valid)
    return table


def standing_line(standing) -> str:
    """What the agency's roster says of a contact, in one line."""
    if standing.roster is None:
        return _("Roles not certified: this store has no roster of the agency.")
    if standing.revoked is not None:
        return _("Revoked from {agency} on {date} (roster {number}).").format(
            agency=standing.agency, date=format_date(standing.revoked.on), number=standing.roster
        )
    if standing.certified:
        return _("Certified by {agency} as {role} (roster {number}).").format(
            agency=standing.agency, role=role_words(standing.role), number=standing.roster
        )
    return _("Not on the roster of {agency} ({number}): no role of this agency counts for them.").format(
        agency=standing.agency, number=standing.roster
    )


def role_words(role: str) -> str:
    """A roster's role in the worker's words."""
    return {"case_worker": _("case worker"), "supervisor": _("supervisor"), "coordinator": _("coordinator")}.get(
        role, role
    )


def settings_view(values: dict):
    from casecli import i18n
    from casecli.store import settings

    defaults = settings.defaults()
    parts = []
    for key, value in values.items():
        if key == "incident.reportable_types" and isinstance(value, str):
            # the types by their names here (their ids, for `settings set`, in `settings show --json`)
            from casecli.forms.labels import answer

            parts.append(
                f"{key} = " + shown(", ".join(answer("incident", "violence_type", v) for v in value.split(",") if v))
            )
            parts.append(f"    [dim]{shown(settings.about(key, i18n.current))}[/dim]")
            continue
        note = "" if value == defaults[key] else "  " + _("(default {value})").format(value=shown(repr(defaults[key])))
        parts.append(f"{key} = {shown(repr(value) if isinstance(value, str) else str(value))}{note}")
        parts.append(f"    [dim]{shown(settings.about(key, i18n.current))}[/dim]")
    return group(parts)


def handovers_table(rows: list[dict]):
    """Handovers waiting for a receipt: to whom, since when, and the command that takes one back."""
    from casecli.ui.render import titled_table

    if not rows:
        return _("No handover is waiting for a receipt.")
    table = titled_table(_("Handovers waiting for a receipt"), _("Case"), _("To"), _("Sent"), _("Days"), _("If lost"))
    for row in rows:
        table.add_row(
            shown(row["case_number"]),
            shown(row["to"]),
            shown(local_date(row["sent_at"])),
            str(row["days_waiting"]),
            shown(f"casecli handover revoke {row['case_number']} --reason …"),
        )
    return table
