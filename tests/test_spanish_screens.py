"""Every screen of a whole case life in Spanish: each command's output (and error) is read for
English words and for the internal codes of the forms (`locally_integrated`, `child_assent`,
`approval.plan_activation` …). Data the worker typed, commands (`casecli …`), flags and file
paths are left out of the reading: they are the worker's, or a contract with their scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .test_assessment_plan import INITIAL
from .test_best_interests import BIA as ANY_BIA
from .test_best_interests import BID as ANY_BID
from .test_conference import CONFERENCE
from .test_cycle import PLAN, REFERRAL, VISIT
from .test_tracing import AUNT, CLOSURE, FOUND, REQUEST, REUNIFIED, TRACING, VERIFIED

# The panel approves the reunification with the aunt across the border (a durable solution needs it).
BIA = {**ANY_BIA, "best_interest_recommendation": "reunification"}
BID = {**ANY_BID, "durable_solution": "reunification"}

ROOT = Path(__file__).resolve().parents[1]

# Words of English sentences that Spanish never uses (a word shared by both, like "plan", is not here).
ENGLISH = re.compile(
    r"\b(the|and|with|was|were|has|have|from|this|that|which|their|your|been|will|would|should|"
    r"cases?|visits?|saved|recorded|approved|rejected|waiting|pending|due|days|child|worker|review|"
    r"referrals?|assessment|none|yes|missing|next|step|not|items?|since|until|after|before|when)\b",
    re.IGNORECASE,
)


def internal_codes() -> set[str]:
    """Option values and field ids of every form, and the settings' keys: what a worker never reads."""
    codes: set[str] = set()
    for path in (ROOT / "casecli" / "templates" / "forms").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for section in doc.get("sections", []):
            for field in section.get("fields", []):
                if "_" in field.get("id", ""):
                    codes.add(field["id"])
                for option in field.get("choices", []):
                    value = option.get("value") if isinstance(option, dict) else option
                    if isinstance(value, str) and "_" in value:
                        codes.add(value)
    settings = json.loads((ROOT / "casecli" / "templates" / "settings.json").read_text(encoding="utf-8"))
    codes |= set(settings["settings"])
    return codes


def readable(text: str, typed: list[str]) -> str:
    """The text a worker reads as casecli's own words: without what they typed, commands in
    backticks, flags, paths, case numbers and fingerprints."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"casecli [a-z-]+( [a-z-]+)?", " ", text)
    text = re.sub(r"--[a-z-]+", " ", text)
    text = re.sub(r"(/[\w.@-]+)+", " ", text)
    for value in sorted(typed, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def typed_values(*docs) -> list[str]:
    found: list[str] = []
    for doc in docs:
        if isinstance(doc, dict):
            found += typed_values(*doc.values())
        elif isinstance(doc, list):
            found += typed_values(*doc)
        elif isinstance(doc, str) and len(doc) > 2 and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc):
            found.append(doc)  # (a date typed is shown as the worker's language writes it: never left out)
    return found


def test_every_screen_of_a_case_life_in_spanish_has_no_english_and_no_internal_code(cli):
    from .conftest import registration_answers

    cli.init(language="es")
    screens: list[tuple[str, str]] = []

    def run(*args: str, ok: bool = True) -> str:
        result = cli("--lang", "es", *args)
        if ok:
            assert result.exit_code == 0, (args, result.stdout[-500:], result.stderr[-500:])
        screens.append((" ".join(args[:3]), result.stdout + result.stderr))
        return result.stdout

    child = registration_answers(share_with=TRACING)
    out = run("new-case", "--answers", cli.write("c.json", child))
    number = re.search(r"(MX7-\d{4}-\w)", out).group(1)
    run("assess", number, "--answers", cli.write("i.json", INITIAL))
    run("settings", "set", "approval.plan_activation", "1")  # the agency's default: a supervisor approves
    run("plan", "edit", number, "--answers", cli.write("p.json", PLAN), "--activate")
    run("approvals")
    run("show", number)  # the approval waiting, in the worker's words
    run("settings", "set", "approval.plan_activation", "0")
    run("plan", "activate", number)
    run("plan", "show", number)
    run("plan", "check", number)
    out = run("referral", "add", number, "--answers", cli.write("r.json", REFERRAL))
    ref = re.search(r"(R-MX7-\w+)", out).group(1)
    run("referral", "update", ref, "--status", "accepted", "--note", "cita el lunes")
    run("referral", "update", ref, "--status", "accepted", "--on", "2099-01-01", ok=False)
    run("referral", "list")
    run("visit", "add", number, "--answers", cli.write("v.json", VISIT))
    run("visit", "list", number)
    run("conference", "add", number, "--answers", cli.write("k.json", CONFERENCE))
    run("bia", number, "--answers", cli.write("bia.json", BIA))
    run("bid", number, "--answers", cli.write("bid.json", BID))
    run("family", "add", number, "--answers", cli.write("f.json", AUNT))
    run("tracing", "add", number, "--answers", cli.write("t.json", REQUEST))
    run("tracing", "action", number, "--answers", cli.write("a.json", FOUND))
    run("tracing", "verify", number, "--answers", cli.write("tv.json", VERIFIED))
    run("tracing", "reunify", number, "--answers", cli.write("tr.json", REUNIFIED))
    run("tracing", "list", number)
    run("consent", "show", number)
    run("show", number)
    run("show", number, "--voice")
    run("show", number, "--sharing")
    run("log", number)
    run("agenda", "--days", "60")
    run("list")
    run("report")
    run("approvals")
    run("verify")
    run("forms", "show", "visit")
    run("settings", "show")
    run("settings", "set", "approval.plan_activation", "x", ok=False)
    run("plan", "show", number, "--format", "html", "--output", str(cli.home / "plan.html"))
    # a consent the child's age (15) does not allow: refused naming the choice the worker reads (not
    # its code, nor the setting's key)
    adult_only = {
        "given_on": "2026-11-23",
        "child_informed": True,
        "consent": "caregiver_consent",
        "share_with": ["agency_team"],
    }
    run("consent", "new", number, "--answers", cli.write("cn.json", adult_only), "--no-input", ok=False)
    assert "elija «El niño/a dio su consentimiento informado»" in screens[-1][1], screens[-1][1]
    closure = {**CLOSURE, "notes": "Vive con su tía", "follow_up_confirmation": "El DIF de San Pedro Sula la visitó"}
    run("close", number, "--answers", cli.write("cl.json", closure), "--acknowledge-open")
    run("show", number)

    typed = typed_values(
        child, INITIAL, PLAN, REFERRAL, VISIT, CONFERENCE, BIA, BID, AUNT, REQUEST, FOUND, VERIFIED, REUNIFIED, closure
    )
    typed += ["Casa Refugio", "Ana Ruiz", "cita el lunes", "SQLCipher", "SQLite", "DIF"]
    codes = internal_codes()
    settings_keys = set(json.loads((ROOT / "casecli" / "templates" / "settings.json").read_text())["settings"])
    problems = []
    for command, text in screens:
        # What a screen must show as it is: a setting's key (what `settings set` takes), a form's
        # ids and choice values (what an answers file holds, `forms show` is there to say them).
        contract: set[str] = set()
        if command.startswith(("settings", "log", "report")):
            contract = settings_keys  # a setting made weaker is named by its key: the agency's word for it
        elif command.startswith("forms show"):
            contract = codes | {"home", "office", "phone", "other", "visit"}  # and the form's name
        words = readable(text, typed + sorted(contract))
        codes_here = codes - contract
        english = sorted({m.group(0) for m in ENGLISH.finditer(words)})
        shown_codes = sorted(code for code in codes_here if re.search(rf"(?<![\w.-]){re.escape(code)}(?![\w-])", words))
        iso = sorted(set(re.findall(r"\b\d{4}-\d{2}-\d{2}\b", words)))  # Spanish writes 23/11/2026
        if english or shown_codes or iso:
            problems.append((command, english, shown_codes + iso))
    assert problems == [], "\n".join(f"{c}: {e} {k}" for c, e, k in problems)
