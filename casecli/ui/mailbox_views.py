"""The rich views of the mailbox: the inbox, what went to each colleague, and the doctor's findings."""

from __future__ import annotations

from casecli.i18n import _, local_date, n_
from casecli.ui.render import group, shown, titled_table


def kind_words(kind: str) -> str:
    """A bundle's kind in the worker's language."""
    words = {
        "handover": _("handover"),
        "copy": _("copy"),
        "receipt": _("receipt"),
        "approval-decision": _("approval decision"),
        "tracing-request": _("tracing request"),
    }
    return words.get(kind, kind)


def state_words(state: str) -> str:
    words = {
        "ready": _("to import"),
        "partial": _("still arriving"),
        "other": _("not a bundle"),
        "not_for_me": _("for someone else"),
        "seen": _("imported already"),
        "unreadable": _("damaged"),
        "link": _("a link: left alone"),
        "too_large": _("too large: not read"),
    }
    return words.get(state, state)


def inbox_table(rows: list[dict]):
    """What arrived in my inbox: sender (a contact or not), kind, cases, date."""
    if not rows:
        return _("Your inbox is empty.")
    table = titled_table(
        _("Your inbox"), _("File"), _("State"), _("From"), _("Contact"), _("Kind"), _("Cases"), _("Made")
    )
    for row in rows:
        contact = row.get("contact")
        table.add_row(
            shown(row["file"][:12]),
            shown(state_words(row["state"])),
            shown(row["sender"]),
            shown(contact) if contact else ("[yellow]" + _("not a contact") + "[/yellow]" if row["sender"] else ""),
            shown(kind_words(row["kind"])),
            shown(", ".join(row["cases"])),
            shown(local_date(row["created"])) if row["created"] else "",
        )
    return table


def status_table(rows: list[dict], refused_here: int = 0):
    """Per colleague: sent, delivered, acknowledged, refused, waiting, last sent to and heard from;
    and how many refused files my inbox's refused/ holds."""
    held = n_(
        "Your inbox's refused/ folder holds {count} refused file (the oldest go past `mailbox.refused_keep`).",
        "Your inbox's refused/ folder holds {count} refused files (the oldest go past `mailbox.refused_keep`).",
        refused_here,
    ).format(count=refused_here)
    if not rows:
        return (
            group([_("Nothing sent or received through the mailbox yet."), held])
            if refused_here
            else _("Nothing sent or received through the mailbox yet.")
        )
    table = titled_table(
        _("Mailbox, per colleague"),
        _("Colleague"),
        _("Sent"),
        _("Delivered"),
        _("Acknowledged"),
        _("Refused"),
        _("Oldest unacknowledged"),
        _("Last sent"),
        _("Last heard from"),
    )
    for row in rows:
        days = row["unacknowledged_days"]
        table.add_row(
            shown(row["contact"] or row["name"]),
            str(row["sent"] - row["receipts_sent"]),
            str(row["delivered"] - row["receipts_sent"]),
            str(row["acknowledged"]),
            str(row["refused"]),
            "" if days is None else n_("{days} day", "{days} days", days).format(days=days),
            shown(local_date(row["last_sent"])) if row["last_sent"] else "",
            shown(local_date(row["last_heard"])) if row["last_heard"] else _("never"),
        )
    return group([table, held]) if refused_here else table


def doctor_view(findings: list[dict]):
    marks = {"ok": "[green]✓[/green]", "warning": "[yellow]![/yellow]", "problem": "[red]✗[/red]"}
    return group([f"{marks[f['level']]} {shown(f['what'])}" for f in findings])
