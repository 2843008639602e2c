"""The rich views of the plan's read commands: check, history and diff (`--json` prints the values)."""

from __future__ import annotations

from casecli.case.file import plan_rules
from casecli.forms.labels import label
from casecli.i18n import _, format_date, format_time
from casecli.ui.render import group, shown, titled_table


def plan_check_view(report: dict):
    parts: list = []
    title = _("Plan of {number}").format(number=report["case_number"]) + (
        _(", version {version} ({status})").format(version=report["version"], status=label(report["status"]))
        if report["version"]
        else ""
    )
    parts.append(f"[bold]{title}[/bold]")
    parts.append("[green]" + _("Nothing missing.") + "[/green]" if not report["missing"] else _("Missing:"))
    for line in report["missing"]:
        parts.append(f"  • {shown(line)}")
    for item in report["overdue"]:
        parts.append(
            "  [red]"
            + _("overdue")
            + "[/red] "
            + _("{kind} “{title}” was due {date}").format(
                kind=shown(item["kind"]), title=shown(item["title"]), date=format_date(item["due"])
            )
        )
    return group(parts)


def plan_history_table(number: str, rows: list[dict]):
    table = titled_table(
        _("Plan versions of {number}").format(number=number),
        _("Version"),
        _("Status"),
        _("Saved by"),
        _("Saved at"),
        _("Activated at"),
    )
    for row in rows:
        table.add_row(
            str(row["version"]),
            shown(label(row["status"])),
            shown(row["saved_by"]),
            shown(format_time(row["saved_at"])),
            shown(format_date(row["activated_at"]) if row["activated_at"] else "—"),
        )
    return table


def plan_diff_view(changes: dict):
    parts: list = []
    if not changes:
        parts.append(_("No differences."))
    header = _("header")
    for field, change in changes.get("header", {}).items():
        parts.append(f"{header} {shown(field)}: {shown(change['old'])} → {shown(change['new'])}")
    for key in plan_rules.ITEM_FORMS:
        part = changes.get(key, {})
        for item in part.get("added", []):
            parts.append(
                f"[green]+ {_(plan_rules.ITEM_NAMES[key])}[/green] {shown(item.get(plan_rules.ITEM_TITLE_FIELD[key], ''))}"
            )
        for item in part.get("removed", []):
            parts.append(
                f"[red]- {_(plan_rules.ITEM_NAMES[key])}[/red] {shown(item.get(plan_rules.ITEM_TITLE_FIELD[key], ''))}"
            )
        for item_id, fields in part.get("changed", {}).items():
            for field, change in fields.items():
                parts.append(
                    f"~ {_(plan_rules.ITEM_NAMES[key])} {shown(item_id)} {shown(field)}: "
                    f"{shown(change['old'])} → {shown(change['new'])}"
                )
        if "reordered" in part:
            parts.append("~ " + _("{kind}s reordered").format(kind=_(plan_rules.ITEM_NAMES[key])))
    return group(parts)
