"""The consent records of a case, in the worker's language."""

from __future__ import annotations

from casecli import i18n
from casecli.forms.labels import display_value
from casecli.i18n import _, format_date
from casecli.ui.render import group, shown


def consent_lines(record: dict | None) -> list[str]:
    """One consent record as a few lines: who, when, at what age, its scope, and its status."""
    from casecli.forms import load_form

    if record is None:
        return [_("No consent recorded.")]
    form = load_form("consent")
    answers = record["answers"]

    def value(field_id: str) -> str:
        return shown(display_value(form.field(field_id), answers.get(field_id), i18n.current))

    status = (
        "[red]"
        + _("withdrawn on {date}: {reason}").format(
            date=format_date(record["withdrawn_on"]), reason=shown(record["withdraw_reason"] or "")
        )
        + "[/red]"
        if record["status"] == "withdrawn"
        else _("active")
    )
    age = "?" if record.get("child_age") is None else str(record["child_age"])
    lines = [
        _("{date}: {who} (age {age}), obtained by {by} — {status}").format(
            date=format_date(record["given_on"]), who=value("consent"), age=age, by=value("obtained_by"), status=status
        )
    ]
    if answers.get("assent_with"):
        lines.append("  " + value("assent_with"))
    if answers.get("consent_reason"):
        lines.append("  " + form.field("consent_reason").label(i18n.current) + ": " + value("consent_reason"))
    lines.append("  " + _("Scope: {scope}").format(scope=value("share_with")))
    if answers.get("withhold_notes"):
        lines.append("  " + _("Keep from: {notes}").format(notes=value("withhold_notes")))
    return lines


def consent_view(report: dict):
    parts = ["[bold]" + _("Consent in force") + "[/bold]", *consent_lines(report["in_force"])]
    earlier = [c for c in report["consents"] if not report["in_force"] or c["uid"] != report["in_force"]["uid"]]
    if earlier:
        parts.append("[bold]" + _("Earlier consents") + "[/bold]")
        for record in reversed(earlier):
            parts.extend(consent_lines(record))
    return group(parts)


def sharing_parts(sharing: dict) -> list:
    """The consent in force, then every sharing beside the consent of its day, in the worker's words."""
    from casecli.forms import load_form
    from casecli.ui.render import titled_table

    scope_field = load_form("consent").field("share_with")
    lang = i18n.current
    hows = {
        "referral": _("referral {ref}"),
        "handover": _("handover (bundle {ref})"),
        "copy": _("copy for consultation (bundle {ref})"),
        "information system": _("sent to the agency's Primero ({ref})"),
    }
    parts: list = ["[bold]" + _("Consent in force") + "[/bold]", *consent_lines(sharing["consent"])]
    table = titled_table(
        _("Information shared"), _("When"), _("With"), _("How"), _("What"), _("Shared with"), _("Consent that day")
    )
    for item in sharing["shared"]:
        consent = item["consent"]
        if consent["uid"] is None:
            verdict = "[red]" + _("no consent recorded") + "[/red]"
        elif consent["status"] == "withdrawn":
            verdict = "[red]" + _("withdrawn") + "[/red]"
        elif consent["within"]:
            verdict = _("within the consent of {date}").format(date=format_date(consent["given_on"]))
        else:
            verdict = (
                "[yellow]"
                + _("beyond the consent of {date}").format(date=format_date(consent["given_on"]))
                + "[/yellow]"
            )
        if item.get("override"):
            verdict += " — " + _("override: {reason}").format(reason=shown(item["override"]))
        what = _("the whole case") if item["what"] == "whole case" else shown(item["what"])
        table.add_row(
            shown(format_date(item["when"])),
            shown(item["with"]),
            shown(hows[item["how"]].format(ref=item["ref"])),
            what,
            shown(display_value(scope_field, item["scope"], lang)),
            verdict,
        )
    parts.append(table)
    return parts
