"""Documents rendered from Jinja2 templates in templates/documents: the plan, for print and signature.

The terminal view renders the Markdown document with rich; `--format markdown|html` gives the
printable file. `redact` leaves out the child's name and identifying details, and blanks the
child's names wherever a worker typed them in free text, for sharing with another sector.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from casecli.case.file import plan_rules, plans
from casecli.case.reads.today import CaseToday, case_today
from casecli.case.reads.view import get_case
from casecli.case.steps.registration import fold
from casecli.forms import load_form
from casecli.forms.labels import display_value, label
from casecli.i18n import _, format_date, format_time
from casecli.plaintext import markdown_text, visible

if TYPE_CHECKING:
    import jinja2

    from casecli.case.reads.report import Caseload
    from casecli.store.db import Store

FORMATS = ("markdown", "html")
REDACTED = "[…]"


def _environment(fmt: str, lang: str = "en") -> jinja2.Environment:
    import gettext

    import jinja2

    from casecli.i18n import DOMAIN, LOCALE_DIR

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("casecli", "templates/documents"),
        autoescape=fmt == "html",
        # Every value is data: in Markdown no HTML, links or emphasis of its own; in both, no controls.
        finalize=markdown_text if fmt == "markdown" else _html_value,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    # The document's language, which may differ from the interface's (a plan read with a family).
    env.install_gettext_translations(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True), newstyle=True
    )
    env.filters["cell"] = lambda text: str(text).replace("\n", " ")  # finalize escapes the rest
    env.filters["css_text"] = css_text
    return env


def _html_value(value: object) -> object:
    """A value printed in HTML: data made visible (no control obeyed); a template's own markup (a
    macro's output, already escaped where it holds data) kept as markup."""
    from markupsafe import Markup

    return Markup(visible(str(value))) if isinstance(value, Markup) else visible(value)


def css_text(text: object) -> str:
    """Data inside a CSS string (the agency's name in a page's margin): every character but
    letters, digits and spaces as a CSS hex escape, so no quote, brace or `<` ever reaches CSS."""
    return "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in visible(str(text)))


def _scrubber(names: list[str]) -> Callable[[Any], Any]:
    """Replace the child's names (any case, with or without accents) in free text."""
    tokens = sorted({t for n in names for t in re.findall(r"\w+", n) if len(t) >= 3}, key=len, reverse=True)
    if not tokens:
        return lambda text: text
    folded = [fold(t) for t in tokens]

    def scrub(text: Any) -> Any:
        if not isinstance(text, str):
            return text
        words = re.split(r"(\w+)", text)
        return "".join(REDACTED if fold(w) in folded else w for w in words)

    return scrub


def _rows(form_name: str, answers: dict, lang: str, scrub: Callable[[Any], Any]) -> list[tuple[str, str]]:
    form = load_form(form_name)
    return [
        (f.label(lang), scrub(display_value(f, answers[f.id], lang)))
        for f in form.applicable(answers)
        if f.id in answers
    ]


def plan_context(
    store: Store,
    text: str,
    today: dt.date,
    version: int | None = None,
    lang: str = "en",
    redact: bool = False,
    show_ids: bool = False,
) -> dict:
    from casecli.case.file.assessments import latest_needs

    case = get_case(store, text, today)
    number = case["case_number"]
    plan = plans.load(store, number, version)
    if plan is None:
        from casecli.errors import InvalidInput

        raise InvalidInput(
            _("{number} has no plan yet: create one with `casecli plan edit {number}`").format(number=number)
        )
    reg = case["registration"]
    names = [reg.get(k, "") for k in ("name_first", "name_last", "name_other")]
    scrub = _scrubber(names) if redact else (lambda value: value)
    data = plan["data"]
    header = data["header"]

    def items(key: str) -> list[dict]:
        form = load_form(plan_rules.ITEM_FORMS[key])
        source = plan_rules.ordered_services(data[key]) if key == "services" else data[key]
        return [
            {
                "id": str(item.get("id", ""))[:6],
                **{f.id: scrub(display_value(f, item.get(f.id), lang)) for f in form.fields},
            }
            for item in source
        ]

    header_form = load_form(plan_rules.HEADER_FORM)

    def shown(field_id: str) -> str:
        return scrub(display_value(header_form.field(field_id), header.get(field_id), lang))

    now = case_today(store, number)
    named = {k: v for k, v in header.items() if k in ("durable_solution", "durable_solution_decided_on")}
    if now.decided_solution and (named.get("durable_solution_decided_on") or "") < (now.decided_on or ""):
        # decided by a BID panel after this plan version was written: today's truth first
        named = {"durable_solution": now.decided_solution, "durable_solution_decided_on": now.decided_on}
    return {
        "case_number": number,
        "redacted": redact,
        "child_name": None if redact else case["child_name"],
        "age": case["age"],
        "age_estimated": case["age_estimated"],
        "age_disputed": case["age_disputed"],
        "sex": display_value(load_form("registration").field("sex"), reg.get("sex"), lang),
        "agency": store.profile().get("agency", ""),
        "version": plan["version"],
        "status": label(plan["status"], lang),
        "draft": plan["status"] != "active",
        "saved_at": format_time(plan["saved_at"], lang),
        "saved_by": plan["saved_by"],
        # The responsible case worker is the case's, today: after a handover the plan names the
        # new one at once (and the one it was written by), without waiting for a revision.
        "case_worker": scrub(case["case_worker"]),
        "plan_named": shown("case_worker") if header.get("case_worker") != case["case_worker"] else None,
        "placement": [
            (header_form.field(k).label(lang), shown(k))
            for k in ("care_arrangement", "provider", "location", "start_date")
        ],
        "durable_solution": _rows(
            plan_rules.HEADER_FORM, named or {"durable_solution": "not_yet_identified"}, lang, scrub
        ),
        "today": _today_facts(now, lang, scrub),
        "legal": [scrub(line) for line in legal_lines(store, number, lang)],
        "protection_needs": items("protection_needs"),
        "services": items("services"),
        "actions": items("actions"),
        "visit_every_days": header.get("visit_every_days"),
        "participation": _rows(
            plan_rules.HEADER_FORM,
            {k: v for k, v in header.items() if k in plan_rules.PARTICIPATION},
            lang,
            scrub,
        ),
        "missing": []
        if plan["status"] == "active"
        else plan_rules.missing(data, number, latest_needs(store, number), today),
        "generated_on": format_date(today, lang),
        "approved_by": _approval_of(store, number, plan["version"], lang),
        "lang": lang,
        "show_ids": show_ids,  # on the screen: `plan item done CASE ID` needs them; not on paper
    }


def legal_lines(store: Store, number: str, lang: str) -> list[str]:
    """The legal pathway as the plan document says it: the authority's step, each asylum claim's
    status, the incidents and how many wait for their report."""
    from casecli.case.legal.asylum import claims_of, status_words
    from casecli.case.legal.authority import authority_of, notified_on
    from casecli.case.legal.incidents import incidents_of

    lines = []
    notified = notified_on(store, number)
    lines.append(
        _("The child-protection authority was notified on {date}.").format(date=format_date(notified, lang))
        if notified
        else _("The child-protection authority is not notified yet.")
    )
    for plan in authority_of(store, number)["restitution_plans"][-1:]:
        lines.append(
            _("Its restitution plan of {date} orders {count} measures; {elsewhere} carried by others.").format(
                date=format_date(plan["on_date"], lang), count=len(plan["measures"]), elsewhere=len(plan["elsewhere"])
            )
        )
    for claim in claims_of(store, number):
        lines.append(_("Asylum claim {n}: {status}.").format(n=claim["number"], status=status_words(claim["status"])))
    incidents = incidents_of(store, number)
    if incidents:
        waiting = sum(1 for i in incidents if i["unreported"])
        lines.append(
            _("Incidents recorded: {count}; not yet reported: {waiting}.").format(count=len(incidents), waiting=waiting)
        )
    return lines


def _today_facts(now: CaseToday, lang: str, scrub: Callable[[Any], Any]) -> dict:
    """What happened after the plan that a reader must not miss (the templates say it in words)."""
    return {
        "reunified_on": format_date(now.reunified_on, lang) if now.reunified_on else None,
        "reunified_with": scrub(now.reunified_with or "—"),
        "reunified_where": scrub(now.reunified_where or "—"),
        "closed_on": format_date(now.closed_on, lang) if now.closed_on else None,
        "closure_reason": label(now.closure_reason or "", lang),
    }


def _approval_of(store: Store, number: str, version: int, lang: str) -> dict | None:
    """The supervisor's approval of this plan version: who, and when (in the document's language)."""
    from casecli.case.decisions.approvals import approvals_of

    for approval in approvals_of(store, number):
        if approval["status"] == "approved" and approval["subject"].get("version") == version:
            return {"by": approval["decided_by"], "on": format_time(approval["decided_at"], lang)[:10]}
    return None


def _people(form_name: str, people: list[dict], lang: str) -> list[dict]:
    role = load_form(form_name).field("role")
    return [
        {"name": p.get("name", ""), "role": display_value(role, p.get("role"), lang), "agency": p.get("agency", "")}
        for p in people
    ]


def _actions(actions: list[dict], lang: str) -> list[dict]:
    action_form = load_form("plan-action")
    return [{f.id: display_value(f, a.get(f.id), lang) for f in action_form.fields} for a in actions]


def _record(store: Store, record: dict, form_name: str, today: dt.date, lang: str, **parts: object) -> dict:
    """The context of a printable record (`record.*.j2`): its answers in the document's language,
    and the parts given (people, actions, signatures, notices)."""
    answers = record["answers"]
    return {
        "agency": store.profile().get("agency", ""),
        "case_number": record["case_number"],
        "kind": form_name,
        "number": record["number"],
        "held_on": format_date(record["on_date"], lang),
        "recorded_by": record["by"],
        "answers": _rows(
            form_name, {k: v for k, v in answers.items() if k not in ("participants", "members", "actions")}, lang, str
        ),
        "people": None,
        "actions": None,
        "notices": [],
        "signatures": [],
        "generated_on": format_date(today, lang),
        "lang": lang,
        **parts,
    }


def conference_context(store: Store, text: str, which: int, today: dt.date, lang: str = "en") -> dict:
    """A case conference as a printable record: the participants (each with a signature line)
    and the follow-up actions."""
    from casecli.case.decisions.conference import conference

    meeting = conference(store, text, which)
    people = _people("conference-participant", meeting["answers"].get("participants", []), lang)
    return _record(
        store,
        {**meeting, "on_date": meeting["held_on"]},
        "conference",
        today,
        lang,
        people=people,
        actions=_actions(meeting["answers"].get("actions", []), lang),
        signatures=people,
    )


def best_interests_context(
    store: Store, text: str, kind: str, which: int | None, today: dt.date, lang: str = "en"
) -> dict:
    """A BIA (signed by the worker who made it) or a BID panel's record (a signature line for each
    member, the decision and the follow-up actions) as a printable record."""
    from casecli.case.decisions import best_interests

    record = best_interests.one(store, text, kind, which)
    if kind == "bia":  # signed by the worker who made it (the template names the role)
        return _record(store, record, "bia", today, lang, signatures=[{"name": record["by"], "role": ""}])
    people = _people("bid-member", record["answers"].get("members", []), lang)
    return _record(
        store,
        record,
        "bid",
        today,
        lang,
        people=people,
        actions=_actions(record["answers"].get("actions", []), lang),
        signatures=people,
    )


def render(template: str, context: dict, fmt: str) -> str:
    """A document template (`NAME.md.j2` or `NAME.html.j2`) rendered in its context's language."""
    extension = "md" if fmt == "markdown" else "html"
    return _environment(fmt, context["lang"]).get_template(f"{template}.{extension}.j2").render(**context)


def render_report(report: Caseload, agency: str, lang: str) -> str:
    """The caseload report as one self-contained HTML page (no script, no network): tables and bar
    charts drawn as inline SVG, in the worker's language."""
    from casecli.case.reads.report import kind_name
    from casecli.forms.labels import label

    team = report["team"]

    def bars(pairs: list[tuple[str, int]]) -> dict:
        top = max((v for _k, v in pairs), default=0) or 1
        return {"rows": [{"label": k, "value": v, "width": round(300 * v / top)} for k, v in pairs], "height": 22}

    context = {
        **report,
        "agency": agency,
        "as_of": format_date(report["as_of"], lang),
        "lang": lang,
        "stage_chart": bars([(label(k, lang), v) for k, v in sorted(team["by_stage"].items())]),
        "risk_chart": bars([(label(k, lang), team["by_risk"][k]) for k in ("high", "medium", "low")]),
        "overdue_chart": bars(sorted((kind_name(k), v) for k, v in team["overdue"].items())),
        "worker_chart": bars([(w["case_worker"] or "", w["open"]) for w in report["workers"]]),
        "generated_on": format_date(report["as_of"], lang),
    }
    return _environment("html", lang).get_template("report.html.j2").render(**context)


def template_messages() -> set[str]:
    """Every message the document templates translate (for the catalogs)."""
    from importlib import resources

    env = _environment("html")
    folder = resources.files("casecli") / "templates" / "documents"
    found = set()
    for path in folder.iterdir():
        if path.name.endswith(".j2"):
            for _line, _function, message in env.extract_translations(path.read_text(encoding="utf-8")):  # type: ignore[attr-defined]  # the i18n extension adds it
                # a call with keyword arguments comes back as a tuple whose first item is the message
                text = message[0] if isinstance(message, tuple) else message
                if isinstance(text, str):
                    found.add(text)
    return found
