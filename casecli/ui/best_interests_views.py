"""Best Interests Assessments and BID panels, in `show` and in `bia list` / `bid list`."""

from __future__ import annotations

from casecli import i18n
from casecli.forms import load_form
from casecli.forms.labels import display_value
from casecli.i18n import _, format_date
from casecli.ui.render import shown, titled_table


def reason_words(why: str) -> str:
    """Why a BID is required (case.bid_rules.REASONS), in the worker's words."""
    return {
        "durable_solution": _("a durable solution for an unaccompanied or separated child"),
        "exceptional_care": _("a temporary care decision in exceptional circumstances"),
        "separation_against_will": _("separation from the parents against their will"),
    }.get(why, why)


def _outcome(kind: str, answers: dict) -> str:
    form = load_form(kind)
    field = "best_interest_recommendation" if kind == "bia" else "decision"
    return display_value(form.field(field), answers.get(field), i18n.current)


def records_table(number: str, kind: str, rows: list[dict]):
    title = (_("Best interests assessments of {number}") if kind == "bia" else _("BID panels of {number}")).format(
        number=shown(number)
    )
    table = titled_table(title, "#", _("Date"), _("Recommendation") if kind == "bia" else _("Decision"), _("By"))
    for row in rows:
        table.add_row(
            str(row["number"]), format_date(row["on_date"]), shown(_outcome(kind, row["answers"])), shown(row["by"])
        )
    return table


def best_interests_parts(record: dict) -> list:
    """A case's BIAs and BID panels in `show`, and whether a BID is required."""
    from casecli.ui.notes_views import written

    parts: list = []
    found = record.get("best_interests", {})
    number = shown(record["case_number"])
    for kind in ("bia", "bid"):
        for row in found.get(kind, []):
            heading = (
                _("Best interests assessment {count}, {date}: recommends {outcome}")
                if kind == "bia"
                else _("BID panel {count}, {date}: {outcome}")
            )
            text = heading.format(
                count=row["number"], date=format_date(row["on_date"]), outcome=_outcome(kind, row["answers"])
            )
            if row.get("approval") == "waiting":
                text += " — " + _("awaits a supervisor's approval")
            elif row.get("approval") in ("rejected", "void"):
                text += " — " + _("not approved by a supervisor")
            parts.append("[bold]" + shown(text) + "[/bold] " + f"`casecli {kind} show {number} {row['number']}`")
            parts.extend(written(kind, row["answers"]))
    required = record.get("bid_required")
    if required:
        parts.append(
            "[bold yellow]"
            + shown(
                _("A BID is required ({why}), by {date}.").format(
                    why=reason_words(required["why"]), date=format_date(required["due"])
                )
            )
            + "[/bold yellow] "
            + f"`casecli bid {number}`"
        )
    return parts
