"""The child's legal pathway in `asylum list` and `show`."""

from __future__ import annotations

from casecli import i18n
from casecli.case.legal.asylum import status_words
from casecli.forms import load_form
from casecli.forms.labels import display_value
from casecli.i18n import _, format_date
from casecli.ui.render import shown, titled_table


def _value(form_name: str, field_id: str, answers: dict) -> str:
    return display_value(load_form(form_name).field(field_id), answers.get(field_id), i18n.current)


def asylum_table(number: str, rows: list[dict]):
    table = titled_table(
        _("Asylum claims of {number}").format(number=shown(number)),
        "#",
        _("Entered"),
        _("Where"),
        _("Filed"),
        _("Status"),
        _("Since"),
    )
    for row in rows:
        a = row["answers"]
        table.add_row(
            str(row["number"]),
            format_date(row["entered_on"]),
            shown(_value("asylum-claim", "authority", a) if a.get("authority") else "—"),
            format_date(row["filed_on"]),
            shown(status_words(row["status"])),
            format_date(row["since"]),
        )
    return table


def asylum_parts(record: dict) -> list:
    """In `show`: each age assessment, and each asylum claim with its status since when."""
    parts: list = []
    for found in record.get("age_assessments", []):
        a = found["answers"]
        ages = str(a.get("outcome_age_min"))
        if a.get("outcome_age_max") is not None:
            ages += f"–{a['outcome_age_max']}"
        parts.append(
            "[bold]"
            + shown(
                _("Age assessment {n} ({date}, {method}, {agency}): {ages}; appeal: {appeal}").format(
                    n=found["number"],
                    date=format_date(found["assessed_on"]),
                    method=_value("age-assessment", "method", a),
                    agency=a.get("assessor_agency", ""),
                    ages=ages,
                    appeal=_value("age-assessment", "appeal", a),
                )
            )
            + "[/bold]"
        )
    for claim in record.get("asylum", []):
        parts.append(
            "[bold]"
            + shown(
                _("Asylum claim {n} (entered {entered}): {status}").format(
                    n=claim["number"], entered=format_date(claim["entered_on"]), status=status_words(claim["status"])
                )
            )
            + "[/bold]"
        )
        for step in claim["steps"]:
            a = step["answers"]
            words = _value("asylum-step", "step", a)
            if a.get("outcome"):
                words += ": " + _value("asylum-step", "outcome", a)
            if a.get("document_type"):
                words += ": " + _value("asylum-step", "document_type", a)
                if a.get("document_expires"):
                    words += " " + _("(expires {date})").format(date=format_date(a["document_expires"]))
            parts.append("    " + shown(f"{format_date(step['on_date'])}: {words}"))
    return parts


def _reported_words(incident: dict) -> str:
    if incident["reports"]:
        last = incident["reports"][-1]
        return _("reported to {whom} on {date}").format(
            whom=_value("incident-report", "reported_to", last["answers"]), date=format_date(last["on_date"])
        )
    a = incident["answers"]
    if a.get("reported_to") not in (None, "not_yet"):
        return _("reported to {whom} on {date}").format(
            whom=_value("incident", "reported_to", a), date=format_date(a.get("reported_on"))
        )
    if incident["waiver"] == "approved":
        return _("not reported (a supervisor approved why)")
    if incident["waiver"] == "waiting":
        return _("not reported (why awaits a supervisor's approval)")
    return _("not reported yet") if incident["must_report"] else _("not reported")


def incidents_table(number: str, rows: list[dict]):
    table = titled_table(
        _("Incidents of {number}").format(number=shown(number)),
        "#",
        _("Date"),
        _("Type"),
        _("Perpetrator"),
        _("Still at risk"),
        _("Report"),
    )
    for row in rows:
        a = row["answers"]
        report = shown(_reported_words(row))
        table.add_row(
            str(row["number"]),
            format_date(row["occurred_on"]),
            shown(_value("incident", "violence_type", a)),
            shown(_value("incident", "perpetrator_relationship", a)),
            shown(_value("incident", "still_at_risk", a)),
            f"[bold red]{report}[/bold red]" if row["unreported"] else report,
        )
    return table


def incident_view(number: str, incident: dict):
    from casecli.forms import load_form
    from casecli.ui.render import group

    form = load_form("incident")
    lines = ["[bold]" + shown(_("Incident {n} of {number}").format(n=incident["number"], number=number)) + "[/bold]"]
    for field in form.applicable(incident["answers"]):
        value = incident["answers"].get(field.id)
        if value not in (None, "", []):
            lines.append(shown(f"{field.label(i18n.current)}: {_value('incident', field.id, incident['answers'])}"))
    lines.append(shown(_reported_words(incident)))
    return group(lines)


def incident_parts(record: dict) -> list:
    """In `show`, under "Legal and protection": each incident and whether it was reported."""
    return [
        ("[bold red]" if i["unreported"] else "[bold]")
        + shown(
            _("Incident {n} ({date}, {kind}): {report}").format(
                n=i["number"],
                date=format_date(i["occurred_on"]),
                kind=_value("incident", "violence_type", i["answers"]),
                report=_reported_words(i),
            )
        )
        + ("[/bold red]" if i["unreported"] else "[/bold]")
        for i in record.get("incidents", [])
    ]


def authority_parts(record: dict) -> list:
    """In `show`, under "Legal and protection": the notifications and the restitution plan."""
    found = record.get("authority") or {}
    parts = [
        "[bold]"
        + shown(
            _("Authority notified ({authority}, {office}) on {date}").format(
                authority=_value("authority-notification", "authority", n["answers"]),
                office=n["answers"].get("office", ""),
                date=format_date(n["on_date"]),
            )
        )
        + "[/bold]"
        for n in found.get("notifications", [])
    ]
    for plan in found.get("restitution_plans", []):
        parts.append(
            "[bold]"
            + shown(
                _("Restitution plan of {date} ({by}): {count} measures").format(
                    date=format_date(plan["on_date"]),
                    by=plan["answers"].get("issued_by", ""),
                    count=len(plan["measures"]),
                )
            )
            + "[/bold]"
        )
        for n, measure in enumerate(plan["measures"], start=1):
            other = plan["elsewhere"].get(n)
            line = f"{n}. {measure}"
            if other:
                line += " — " + _("carried by {who}").format(who=other.get("carried_by", ""))
            parts.append("    " + shown(line))
    return parts


def authority_view(number: str, record: dict):
    from casecli.ui.render import group

    parts = authority_parts({"authority": record})
    if not parts:
        return _("{number}: the authority is not notified yet (`casecli authority {number}`).").format(
            number=shown(number)
        )
    return group(parts)
