"""The rich views of what the core returns: tables and the case view (`--json` prints the values as they are)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from casecli.case.file.history import describe
from casecli.forms.labels import answer, label, need
from casecli.i18n import _, format_date, format_time, local_date, n_
from casecli.ui.render import age_text, group, risk_text, shown, titled_table


def _case_columns() -> tuple[str, ...]:
    """The case list's columns, at a terminal and in a pipe alike."""
    return (
        _("Case number"),
        _("Child"),
        _("Age"),
        _("Stage"),
        _("Risk"),
        _("Case worker"),
        _("Registered"),
        _("Next due"),
    )


def case_table(rows: Sequence[Mapping[str, Any]]):
    from casecli.ui.render import parsed_table

    table = parsed_table(title=cases_counted(len(rows)), title_justify="left")
    for column in _case_columns():
        table.add_column(column, no_wrap=column in (_("Case number"), _("Registered"), _("Next due")))
    for row in rows:
        marks = " [dim]" + _("(demo)") + "[/dim]" if row["demo"] else ""
        stage = shown(label(row["stage"])) + (
            " [yellow](" + _("incomplete") + ")[/yellow]" if row["incomplete"] else ""
        )
        risk = row["risk"]
        table.add_row(
            shown(row["case_number"]),
            shown(row["child_name"]) + marks,
            age_text(row),
            stage,
            risk_text(risk),
            shown(row["case_worker"]),
            format_date(row["registered_on"]),
            format_date(row["next_due"]),
        )
    return table


def case_lines(rows: Iterable[Mapping[str, Any]], count: int):
    """The case list as a pipe gets it (the table's text, tab-separated), built from the values as
    they are read (`count` of them): no rich table, no markup to parse, and no list kept, for
    `list | grep` over a hundred thousand cases."""
    from casecli.plaintext import cell_safe

    yield "# " + cases_counted(count) + "\n"
    yield "\t".join(_case_columns()) + "\n"
    for _row, values in _case_values(rows):
        yield "\t".join(map(cell_safe, values)) + "\n"


def cases_counted(count: int) -> str:
    return _("1 case") if count == 1 else _("{count} cases").format(count=count)


def _case_values(rows: Iterable[Mapping[str, Any]]) -> Iterator[tuple[Mapping[str, Any], tuple[str, ...]]]:
    """Each case, with its row of the list as text (not yet made safe to show): the pipe's and the
    long table's. A date or a word is worked out once for all the rows that show it."""
    demo, incomplete = " " + _("(demo)"), " (" + _("incomplete") + ")"
    words: dict[str, str] = {}
    dates: dict[str | None, str] = {}
    for row in rows:
        stage, risk, registered, next_due = row["stage"], row["risk"], row["registered_on"], row["next_due"]
        yield (
            row,
            (
                row["case_number"],
                row["child_name"] + (demo if row["demo"] else ""),
                age_text(row),
                (words.get(stage) or words.setdefault(stage, label(stage))) + (incomplete if row["incomplete"] else ""),
                words.get(risk) or words.setdefault(risk, label(risk)),
                row["case_worker"],
                dates.get(registered) or dates.setdefault(registered, format_date(registered)),
                dates.get(next_due) or dates.setdefault(next_due, format_date(next_due)),
            ),
        )


def print_long_cases(out, rows: Iterable[Mapping[str, Any]]) -> None:
    """A long case list at a terminal, printed as the rows come (ui/long_table.stream_long)."""
    from casecli.plaintext import cell_safe
    from casecli.ui.long_table import stream_long
    from casecli.ui.render import RISK_STYLE

    def cells(rows: Iterable[Mapping[str, Any]]) -> Iterator[list]:
        for row, values in _case_values(rows):
            shown_cells: list = [cell_safe(value) for value in values]
            shown_cells[4] = (shown_cells[4], RISK_STYLE.get(row["risk"]))
            yield shown_cells

    stream_long(out, _case_columns(), cells(rows), cases_counted)


def case_view(record: dict, lang: str = "en"):
    """Everything about one case, grouped by step, as one renderable."""
    from rich.panel import Panel
    from rich.table import Table

    parts: list = []

    from casecli.forms import load_form
    from casecli.forms.labels import display_value

    header = (
        f"[bold]{shown(record['case_number'])}[/bold]  {shown(record['child_name'])}  "
        + _("age {age}").format(age=age_text(record))
        + "\n"
        + _("stage: {stage}   risk: {risk}   case worker: {worker}   registered: {date}").format(
            stage=shown(label(record["stage"])),
            risk=risk_text(record["risk"]),
            worker=shown(record["case_worker"]),
            date=format_date(record["registered_on"]),
        )
        + ("\n[yellow]" + _("training case (fictional)") + "[/yellow]" if record.get("demo") else "")
    )
    if record.get("incomplete"):
        header += (
            "\n[yellow]"
            + _("quick registration, still to complete:")
            + f"[/yellow] {shown(', '.join(record.get('missing', [])))}"
        )
    words = {
        "same_child": _("same child as"),
        "sibling": _("sibling of"),
        "not_same": _("checked, not the same child as"),
    }
    for link in record.get("links", []):
        header += f"\n{words.get(link['kind'], shown(link['kind']))} {shown(link['case_number'])}"
    for handover in record.get("handovers", []):
        if handover["outcome"] is None:
            header += (
                "\n[yellow]"
                + _(
                    "handed over to {to} on {date}: waiting for the receipt (`casecli handover revoke` if lost)"
                ).format(to=shown(handover["to"]), date=local_date(handover["sent_at"]))
                + "[/yellow]"
            )
    parts.append(Panel(header, expand=False))
    form = load_form(record["form"]["id"])
    answers = record["registration"]
    table = Table(title=_("1. Registration"), show_header=False, title_justify="left")
    table.add_column(_("Question"), style="dim")
    table.add_column(_("Answer"))
    section = None
    for field in form.applicable(answers):
        if field.id not in answers:
            continue
        if field.section != section:
            section = field.section
            table.add_row(f"[bold]{form.section_title(section, lang)}[/bold]", "")
        table.add_row(field.label(lang), shown(display_value(field, answers[field.id], lang)))
    parts.append(table)
    assessments = record.get("assessments", [])
    if assessments:
        table = titled_table(
            _("2. Assessments (newest first)"), _("Date"), _("Kind"), _("Risk"), _("Needs found"), _("By")
        )
        for a in assessments:
            needs = ", ".join(need(n) for n in a["needs"]) or "—"
            risk = (
                label(a["risk_after"])
                if a["risk_before"] == a["risk_after"]
                else f"{label(a['risk_before'])} → {label(a['risk_after'])}"
            )
            table.add_row(
                format_date(a["assessed_on"]),
                shown(label(a["kind"])),
                shown(risk),
                shown(needs),
                shown(a["created_by"]),
            )
        parts.append(table)
    plan = record.get("plan")
    if plan:
        data = plan["data"]
        needs, services, actions = data["protection_needs"], data["services"], data["actions"]
        in_force = (
            _("; version {version} is in force").format(version=plan["active_version"])
            if plan["active_version"] not in (None, plan["version"])
            else ""
        )
        parts.append(
            "[bold]"
            + _("3. Care and Protection Plan")
            + "[/bold]: "
            + _("version {version} ({status}{in_force})").format(
                version=plan["version"], status=label(plan["status"]), in_force=in_force
            )
            + " — "
            + ", ".join(
                (
                    n_("{count} protection need", "{count} protection needs", len(needs)).format(count=len(needs)),
                    n_("{count} service", "{count} services", len(services)).format(count=len(services)),
                    n_("{count} other action", "{count} other actions", len(actions)).format(count=len(actions)),
                )
            )
            + "; "
            + _("visits every {days} days.").format(days=data["header"].get("visit_every_days", "?"))
            + f" `casecli plan show {shown(record['case_number'])}`"
        )
    referrals = record.get("referrals", [])
    if referrals:
        table = titled_table(_("4. Referrals"), _("Referral"), _("Service"), _("Agency"), _("Status"), _("Since"))
        for r in referrals:
            flag = " [red](" + _("waiting too long") + ")[/red]" if r["stale"] else ""
            table.add_row(
                shown(r["ref"]),
                shown(answer("referral", "service_type", r["service_type"])),
                shown(r["answers"].get("agency", "")),
                shown(label(r["status"])) + flag,
                format_date(r["since"]),
            )
        parts.append(table)
    visits = record.get("visits", [])
    if visits:
        count = record.get("visit_count", {})
        table = titled_table(
            _("5. Visits ({count}; planned every {days} days; {late} late)").format(
                count=count.get("count", len(visits)),
                days=count.get("every_days") or "—",
                late=count.get("late_gaps", 0),
            ),
            _("Date"),
            _("Kind"),
            _("Child seen"),
            _("Placement suitable"),
            _("Next visit"),
        )
        for v in visits:
            seen = (_("yes, alone") if v["answers"].get("seen_alone") else _("yes")) if v["child_seen"] else _("no")
            table.add_row(
                format_date(v["visited_on"]),
                shown(answer("visit", "kind", v["answers"].get("kind"))),
                seen,
                shown(answer("visit", "placement_suitable", v["answers"].get("placement_suitable"))),
                format_date(v["next_visit"]),
            )
        parts.append(table)
    from casecli.ui.best_interests_views import best_interests_parts
    from casecli.ui.notes_views import notes_parts

    parts.extend(notes_parts(record))
    parts.extend(best_interests_parts(record))
    from casecli.ui.tracing_views import tracing_parts

    parts.extend(tracing_parts(record))
    from casecli.ui.legal_views import asylum_parts, authority_parts, incident_parts

    legal = authority_parts(record) + asylum_parts(record) + incident_parts(record)
    if legal:
        parts.append("[bold]" + _("Legal and protection") + "[/bold]")
        parts.extend(legal)
    for closure in record.get("closures", []):
        line = _("Closed {date}: {reason}").format(
            date=format_date(closure["closed_on"]), reason=shown(answer("closure", "reason", closure["reason"]))
        )
        if closure["reopened_on"]:
            line += _("; reopened {date}: {reason}").format(
                date=format_date(closure["reopened_on"]), reason=shown(closure["reopen_reason"])
            )
        parts.append(line)
    for breach in record.get("breaches", []):
        parts.append(
            "[bold red]"
            + shown(_("Breaks a rule ({date}): {what}").format(date=format_date(breach["on"]), what=breach["what"]))
            + "[/bold red]"
        )
    for conflict in record.get("conflicts", []):
        parts.append(
            "[yellow]"
            + _(
                "A diverged version from {sender} ({count} records, received {date}) is kept for review: {command}."
            ).format(
                sender=shown(conflict["sender"]),
                count=len(conflict["records"]),
                date=local_date(conflict["received_at"]),
                command=f"`casecli show {shown(record['case_number'])} --json`",
            )
            + "[/yellow]"
        )
    for item in record.get("due", []):
        late = " [red]" + _("({days} days late)").format(days=item["days_late"]) + "[/red]" if item["overdue"] else ""
        parts.append(
            _("Due {date}{late}: {what} — `{command}`").format(
                date=format_date(item["due"]), late=late, what=shown(item["what"]), command=shown(item["command"])
            )
        )
    deadlines = record.get("deadlines") or {}
    names = {"initial_assessment": _("initial assessment"), "plan": _("plan")}
    due = [
        _("{what} by {date}").format(what=names.get(what, what), date=format_date(when))
        for what, when in deadlines.items()
        if when
    ]
    if due and record.get("next_due"):
        parts.append(
            _("Deadlines: {deadlines}; next due {date}.").format(
                deadlines=", ".join(due), date=format_date(record["next_due"])
            )
        )
    if "sharing" in record:
        from casecli.ui.consent_views import sharing_parts

        parts.extend(sharing_parts(record["sharing"]))
    if "history" in record:
        history = titled_table(_("History"), "#", _("When"), _("Who"), _("What"))
        for event in record["history"]:
            history.add_row(
                str(event["seq"]), shown(format_time(event["at"])), shown(event["actor"]), shown(describe(event))
            )
        parts.append(history)
    return group(parts)


def referral_table(rows: list[dict]):
    table = titled_table(
        n_("{count} referral", "{count} referrals", len(rows)).format(count=len(rows)),
        _("Referral"),
        _("Case"),
        _("Service"),
        _("Agency"),
        _("Status"),
        _("Since"),
        "",
    )
    for r in rows:
        table.add_row(
            shown(r["ref"]),
            shown(r["case_number"]),
            shown(answer("referral", "service_type", r["service_type"])),
            shown(r["answers"].get("agency", "")),
            shown(label(r["status"])),
            format_date(r["since"]),
            "[red]" + _("waiting too long") + "[/red]" if r["stale"] else "",
        )
    return table


def visit_report(report: dict):
    """A case's visits, newest first, and how they kept to the plan's frequency."""
    lines = [
        f"{format_date(v['visited_on'])}  {shown(answer('visit', 'kind', v['answers'].get('kind')))}  "
        + (_("seen") if v["child_seen"] else _("not seen"))
        + "  "
        + _("next {date}").format(date=shown(format_date(v["next_visit"])))
        for v in report["visits"]
    ]
    lines.append(
        n_("{count} visit", "{count} visits", report["count"]).format(count=report["count"])
        + "; "
        + _("planned every {days} days").format(days=report["every_days"] or "—")
        + "; "
        + n_("{late} gap longer than planned.", "{late} gaps longer than planned.", report["late_gaps"]).format(
            late=report["late_gaps"]
        )
    )
    return group(lines)


def agenda_table(items: list[dict], until: dt.date):
    table = titled_table(
        n_("Agenda: {count} item due by {date}", "Agenda: {count} items due by {date}", len(items)).format(
            count=len(items), date=format_date(until)
        ),
        _("Case"),
        _("Risk"),
        _("Due"),
        _("What"),
        _("Do"),
    )
    for item in items:
        due = (
            f"[red]{format_date(item['due'])} " + _("({days} days late)").format(days=item["days_late"]) + "[/red]"
            if item["overdue"]
            else format_date(item["due"])
        )
        table.add_row(
            shown(item["case_number"]), risk_text(item["risk"]), due, shown(item["what"]), shown(item["command"])
        )
    return table


def agenda_lines(items: Iterable[Mapping[str, Any]], until: dt.date, count: int):
    """The agenda as a pipe gets it (the table's text, tab-separated), built from the values as
    they are read (`count` of them): no rich table, no markup to parse, and no list kept, for a
    daily `agenda | grep` over thousands of items."""
    from casecli.plaintext import cell_safe

    yield "# " + agenda_counted(count, until) + "\n"
    yield "\t".join(_agenda_columns()) + "\n"
    for _item, values in _agenda_values(items):
        yield "\t".join(map(cell_safe, values)) + "\n"


def _agenda_columns() -> tuple[str, ...]:
    return (_("Case"), _("Risk"), _("Due"), _("What"), _("Do"))


def _agenda_values(items: Iterable[Mapping[str, Any]]) -> Iterator[tuple[Mapping[str, Any], tuple[str, ...]]]:
    """Each agenda item, with its row as text (not yet made safe to show): the pipe's and the long
    table's. A date or a word is worked out once for all the items that show it."""
    late = _("({days} days late)")
    words: dict[str, str] = {}
    dates: dict[str, str] = {}
    for item in items:
        due, risk = item["due"], item["risk"]
        shown_due = dates.get(due) or dates.setdefault(due, format_date(due))
        if item["overdue"]:
            shown_due += " " + late.format(days=item["days_late"])
        risk_word = words.get(risk) or words.setdefault(risk, label(risk))
        yield item, (item["case_number"], risk_word, shown_due, item["what"], item["command"])


def print_long_agenda(out, items: Iterable[Mapping[str, Any]], until: dt.date) -> None:
    """A long agenda at a terminal, printed as the items come (ui/long_table.stream_long)."""
    from casecli.plaintext import cell_safe
    from casecli.ui.long_table import stream_long
    from casecli.ui.render import RISK_STYLE

    def cells(items: Iterable[Mapping[str, Any]]) -> Iterator[list]:
        for item, values in _agenda_values(items):
            shown_cells: list = [cell_safe(value) for value in values]
            shown_cells[1] = (shown_cells[1], RISK_STYLE.get(item["risk"]))
            if item["overdue"]:
                shown_cells[2] = (shown_cells[2], "red")
            yield shown_cells

    stream_long(out, _agenda_columns(), cells(items), lambda count: agenda_counted(count, until))


def agenda_counted(count: int, until: dt.date) -> str:
    return n_("Agenda: {count} item due by {date}", "Agenda: {count} items due by {date}", count).format(
        count=count, date=format_date(until)
    )


def duplicate_pairs_table(rows: list[dict]):
    table = titled_table(
        n_("{count} possible duplicate pair", "{count} possible duplicate pairs", len(rows)).format(count=len(rows)),
        _("Case"),
        _("Child"),
        _("Case"),
        _("Child"),
        _("Likeness"),
    )
    for row in rows:
        table.add_row(
            shown(row["case_a"]),
            shown(row["child_a"]),
            shown(row["case_b"]),
            shown(row["child_b"]),
            f"{row['score']:.2f}",
        )
    return table
