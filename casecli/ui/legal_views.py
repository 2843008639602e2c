"""The child's legal pathway in `asylum list` and `show`."""

from __future__ import annotations

from casecli import i18n
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
        _("Filed"),
        _("Where"),
        _("Reference"),
        _("Status"),
        _("Since"),
    )
    for row in rows:
        a = row["answers"]
        table.add_row(
            str(row["number"]),
            format_date(row["filed_on"]),
            shown(_value("asylum-claim", "authority", a)),
            shown(a.get("reference") or ""),
            shown(_value("asylum-status", "status", {"status": row["status"]})),
            format_date(row["status_on"]),
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
                _("Asylum claim {n} ({where}, {filed}): {status} since {since}").format(
                    n=claim["number"],
                    where=_value("asylum-claim", "authority", claim["answers"]),
                    filed=format_date(claim["filed_on"]),
                    status=_value("asylum-status", "status", {"status": claim["status"]}),
                    since=format_date(claim["status_on"]),
                )
            )
            + "[/bold]"
        )
    return parts
