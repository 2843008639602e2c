"""The child's family and the tracing requests, in `family list`, `tracing list` and `show`."""

from __future__ import annotations

from casecli import i18n
from casecli.forms import load_form
from casecli.forms.labels import display_value, label
from casecli.i18n import _, format_date
from casecli.ui.render import shown, titled_table


def _value(form_name: str, field_id: str, answers: dict) -> str:
    return display_value(load_form(form_name).field(field_id), answers.get(field_id), i18n.current)


def family_table(number: str, rows: list[dict]):
    table = titled_table(
        _("Family of {number}").format(number=shown(number)),
        _("Relation"),
        _("Name"),
        _("Alive?"),
        _("Last known location"),
        _("Caregiver"),
        _("Child wants contact"),
    )
    for row in rows:
        a = row["answers"]
        table.add_row(
            shown(_value("family-member", "relation", a)),
            shown(a.get("relation_name", "")),
            shown(_value("family-member", "relation_is_alive", a)),
            shown(a.get("relation_address_current") or ""),
            shown(_value("family-member", "relation_is_caregiver", a)),
            shown(_value("family-member", "child_wants_contact", a)),
        )
    return table


def tracing_table(number: str, rows: list[dict]):
    table = titled_table(
        _("Tracing requests of {number}").format(number=shown(number)),
        "#",
        _("Opened"),
        _("Whom"),
        _("Last known place"),
        _("Actions"),
        _("Status"),
    )
    for row in rows:
        a = row["answers"]
        table.add_row(
            str(row["number"]),
            format_date(row["on_date"]),
            shown(f"{a.get('sought_name', '')} ({_value('tracing-request', 'sought_relation', a)})"),
            shown(a.get("last_known_place", "")),
            str(sum(r["kind"] == "action" for r in row["records"])),
            shown(label(row["status"])),
        )
    return table


def tracing_parts(record: dict) -> list:
    """In `show`: the family members, and each tracing request with its status and last step."""
    parts: list = []
    if record.get("family"):
        parts.append("[bold]" + _("Family") + "[/bold]")
        for member in record["family"]:
            a = member["answers"]
            parts.append(
                "  "
                + shown(
                    f"{_value('family-member', 'relation', a)}: {a.get('relation_name', '')}"
                    f" — {_value('family-member', 'relation_is_alive', a)}"
                )
            )
    for request in record.get("tracing", []):
        a = request["answers"]
        parts.append(
            "[bold]"
            + shown(
                _("Tracing request {n}: {whom} — {status}").format(
                    n=request["number"],
                    whom=f"{a.get('sought_name', '')} ({_value('tracing-request', 'sought_relation', a)})",
                    status=label(request["status"]),
                )
            )
            + "[/bold]"
        )
        for step in request["records"]:
            parts.append("    " + shown(f"{format_date(step['on_date'])}: {_step_words(step)}"))
    return parts


def _step_words(step: dict) -> str:
    a = step["answers"]
    if step["kind"] == "action":
        return (
            f"{_value('tracing-action', 'tracing_type', a)} — {a.get('tracing_action_description', '')}"
            f" ({_value('tracing-action', 'tracing_outcome', a)})"
        )
    if step["kind"] == "verification":
        return _("verification: {result}").format(result=label("verified") if a.get("verified") else _("not verified"))
    if step["kind"] == "reunification":
        return _("reunified with {whom} in {where}").format(
            whom=a.get("reunified_with", ""), where=a.get("reunified_where", "")
        )
    return _("closed: {reason}").format(reason=a.get("reason", ""))


def tracing_request_view(reader, request: dict, known: bool):
    """A tracing request a partner received: who sent it, the child as tracing needs them, whom to find."""
    from casecli.ui.render import group

    sender = _("Tracing request from {name} ({agency}), fingerprint {fingerprint}").format(
        name=reader.sender_name, agency=reader.sender_agency, fingerprint=reader.fingerprint
    )
    lines = ["[bold]" + shown(sender) + "[/bold]"]
    if not known:
        lines.append(
            "[yellow]" + _("The sender is not in your contacts: check the fingerprint with them.") + "[/yellow]"
        )
    lines.append(_("Reference: {reference}").format(reference=shown(request["reference"])))
    for title, form_name, part in (
        (_("The child"), "registration", request.get("child", {})),
        (_("Whom to find"), "tracing-request", request.get("sought", {})),
    ):
        lines.append("[bold]" + title + "[/bold]")
        form = load_form(form_name)
        fields = {f.id: f for f in form.fields}
        for key, value in part.items():
            field = fields.get(key)
            if key == "age":
                lines.append("  " + _("Age: {age}").format(age=shown(str(value))))
            elif field is not None:
                lines.append(
                    f"  {shown(field.label(i18n.current))}: {shown(display_value(field, value, i18n.current))}"
                )
    return group(lines)
