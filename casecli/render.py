"""Rich views of the values the core returns; `--json` prints the same values unchanged."""

from __future__ import annotations

from casecli.i18n import format_date

RISK_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}


def age_text(row: dict) -> str:
    if row.get("age") is None:
        return "?"
    return f"~{row['age']}" if row.get("age_estimated") else str(row["age"])


def case_table(rows: list[dict]):
    from rich.table import Table

    table = Table(title=f"{len(rows)} case{'s' if len(rows) != 1 else ''}", title_justify="left")
    for column in ("Case number", "Child", "Age", "Stage", "Risk", "Case worker", "Registered", "Next due"):
        table.add_column(column, no_wrap=column in ("Case number", "Registered", "Next due"))
    for row in rows:
        marks = " [dim](demo)[/dim]" if row["demo"] else ""
        stage = row["stage"] + (" [yellow](incomplete)[/yellow]" if row["incomplete"] else "")
        risk = row["risk"]
        table.add_row(
            row["case_number"],
            row["child_name"] + marks,
            age_text(row),
            stage,
            f"[{RISK_STYLE.get(risk, '')}]{risk}[/]",
            row["case_worker"],
            format_date(row["registered_on"]),
            format_date(row["next_due"]),
        )
    return table


def case_view(record: dict, console, lang: str = "en") -> None:
    from rich.panel import Panel
    from rich.table import Table

    from casecli.forms import load_form
    from casecli.prompts import display_value

    header = (
        f"[bold]{record['case_number']}[/bold]  {record['child_name']}  age {age_text(record)}\n"
        f"stage: {record['stage']}   risk: [{RISK_STYLE.get(record['risk'], '')}]{record['risk']}[/]   "
        f"case worker: {record['case_worker']}   registered: {format_date(record['registered_on'])}"
        + ("\n[yellow]training case (fictional)[/yellow]" if record.get("demo") else "")
    )
    if record.get("incomplete"):
        header += f"\n[yellow]quick registration, still to complete:[/yellow] {', '.join(record.get('missing', []))}"
    words = {"same_child": "same child as", "sibling": "sibling of", "not_same": "checked, not the same child as"}
    for link in record.get("links", []):
        header += f"\n{words[link['kind']]} {link['case_number']}"
    console.print(Panel(header, expand=False))
    form = load_form(record["form"]["id"])
    answers = record["registration"]
    table = Table(title="1. Registration", show_header=False, title_justify="left")
    table.add_column("Question", style="dim")
    table.add_column("Answer")
    section = None
    for field in form.applicable(answers):
        if field.id not in answers:
            continue
        if field.section != section:
            section = field.section
            table.add_row(f"[bold]{form.section_title(section, lang)}[/bold]", "")
        table.add_row(field.label(lang), display_value(field, answers[field.id], lang))
    console.print(table)
    assessments = record.get("assessments", [])
    if assessments:
        table = Table(title="2. Assessments (newest first)", title_justify="left")
        for column in ("Date", "Kind", "Risk", "Needs found", "By"):
            table.add_column(column)
        for a in assessments:
            needs = ", ".join(f"{n['domain']} ({n['judgement']})" for n in a["needs"]) or "—"
            risk = a["risk_after"] if a["risk_before"] == a["risk_after"] else f"{a['risk_before']} → {a['risk_after']}"
            table.add_row(format_date(a["assessed_on"]), a["kind"], risk, needs, a["created_by"])
        console.print(table)
    plan = record.get("plan")
    if plan:
        data = plan["data"]
        in_force = f"; version {plan['active_version']} is in force" if plan["active_version"] not in (None, plan["version"]) else ""
        console.print(
            f"[bold]3. Care and Protection Plan[/bold]: version {plan['version']} ({plan['status']}{in_force}) — "
            f"{len(data['protection_needs'])} protection need(s), {len(data['services'])} service(s), "
            f"{len(data['actions'])} other action(s); visits every {data['header'].get('visit_every_days', '?')} days. "
            f"`casecli plan show {record['case_number']}`"
        )
    referrals = record.get("referrals", [])
    if referrals:
        table = Table(title="4. Referrals", title_justify="left")
        for column in ("Referral", "Service", "Agency", "Status", "Since"):
            table.add_column(column)
        for r in referrals:
            flag = " [red](waiting too long)[/red]" if r["stale"] else ""
            table.add_row(r["ref"], r["service_type"], r["answers"]["agency"], r["status"] + flag, r["since"])
        console.print(table)
    visits = record.get("visits", [])
    if visits:
        count = record.get("visit_count", {})
        table = Table(title=f"5. Visits ({count.get('count', len(visits))}; planned every {count.get('every_days') or '—'} days; "
                            f"{count.get('late_gaps', 0)} late)", title_justify="left")
        for column in ("Date", "Kind", "Child seen", "Placement suitable", "Next visit"):
            table.add_column(column)
        for v in visits:
            seen = ("yes, alone" if v["answers"].get("seen_alone") else "yes") if v["child_seen"] else "no"
            table.add_row(format_date(v["visited_on"]), v["answers"]["kind"], seen, v["answers"]["placement_suitable"], format_date(v["next_visit"]))
        console.print(table)
    for review in record.get("reviews", []):
        console.print(f"Review {review['reviewed_on']}: {review['decision']} (by {review['by']})")
    for closure in record.get("closures", []):
        line = f"Closed {closure['closed_on']}: {closure['reason']}"
        if closure["reopened_on"]:
            line += f"; reopened {closure['reopened_on']}: {closure['reopen_reason']}"
        console.print(line)
    for conflict in record.get("conflicts", []):
        console.print(f"[yellow]A diverged version from {conflict['sender']} ({len(conflict['records'])} records, received "
                      f"{conflict['received_at'][:10]}) is kept for review: `casecli show {record['case_number']} --json`.[/yellow]")
    for item in record.get("due", []):
        late = f" [red]({item['days_late']} days late)[/red]" if item["overdue"] else ""
        console.print(f"Due {item['due']}{late}: {item['what']} — `{item['command']}`")
    deadlines = record.get("deadlines") or {}
    due = [f"{what.replace('_', ' ')} by {when}" for what, when in deadlines.items() if when]
    if due and record.get("next_due"):
        console.print(f"Deadlines: {', '.join(due)}; next due {record['next_due']}.")
    if "sharing" in record:
        consent = record["sharing"]["consent"]
        console.print(f"[bold]Consent[/bold]: {consent.get('consent', '—')}; may be shared with: {', '.join(consent.get('share_with', [])) or '—'}"
                      + (f"; withhold: {consent['withhold_notes']}" if consent.get("withhold_notes") else ""))
        table = Table(title="Information shared", title_justify="left")
        for column in ("When", "With", "How", "What", "Consent"):
            table.add_column(column)
        for item in record["sharing"]["shared"]:
            table.add_row(item["when"], item["with"], item["how"], item["what"], ", ".join(f"{k}: {v}" for k, v in item["consent"].items() if v))
        console.print(table)
    if "history" in record:
        history = Table(title="History", title_justify="left")
        for column in ("#", "When (UTC)", "Who", "What"):
            history.add_column(column)
        for event in record["history"]:
            history.add_row(str(event["seq"]), event["at"], event["actor"], event["summary"])
        console.print(history)
