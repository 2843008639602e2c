"""Data is never markup or terminal control: hostile text in every free-text answer of every form a
case goes through, then every read command and every document format over it."""

from __future__ import annotations

from casecli.forms import load_form

from .conftest import registration_answers
from .test_assessment_plan import COMPREHENSIVE, INITIAL
from .test_cycle import PLAN, REFERRAL, VISIT

# Rich markup that is not ours (a stray closing tag made `list` fail for the whole store), the
# escape sequences for clear screen, window title, clipboard (OSC 52), a link (OSC 8), a bell, a
# right-to-left override and NUL, and HTML that a Markdown reader would run.
HOSTILE = (
    "Ana [/] Maria [bold red]x[/] "
    "\x1b[2J\x1b]0;title\x07\x1b]52;c;SGVsbG8=\x07\x1b]8;;http://x.example/\x07link\x1b]8;;\x07"
    "\u202eevil\u202c\x00 <script>alert(1)</script><iframe src=x></iframe> [click](javascript:alert(1))"
)
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\u202e")


def hostile(form_name: str, answers: dict) -> dict:
    """The answers with every text field (and every text field a form has but the answers lack) hostile."""
    form = load_form(form_name)
    out = dict(answers)
    for field in form.fields:
        reference = field.id == "plan_item"  # names a plan item by its id, not free text
        if (
            field.type in ("text", "longtext")
            and not field.spec.get("validator")
            and not reference
            and field.applies(out)
        ):
            limit = field.spec.get("max_length") or len(HOSTILE)
            out[field.id] = HOSTILE[:limit]
    return out


def hostile_plan() -> dict:
    plan = {"header": hostile("plan-header", PLAN["header"])}
    for key, form_name in (("protection_needs", "plan-need"), ("services", "plan-service"), ("actions", "plan-action")):
        plan[key] = [hostile(form_name, item) for item in PLAN[key]]
    return plan


def assert_safe(text: str, where: str, document: bool = False) -> None:
    for control in RAW_CONTROLS:
        assert control not in text, f"{where}: raw {control!r} reaches the terminal or file"
    if document:  # a terminal runs no HTML; a document opened in a browser or a Markdown reader would
        assert "<script>" not in text and "<iframe" not in text, f"{where}: raw HTML"


def test_hostile_text_in_every_free_text_answer_breaks_no_view_and_reaches_no_terminal(ready):
    cli = ready
    answers = hostile("registration", registration_answers())
    number = cli.register(**answers)
    cli.ok("assess", number, "--answers", cli.write("i.json", hostile("assessment-initial", INITIAL)))
    cli.ok("assess", number, "--comprehensive", "--answers", cli.write("c.json", hostile("assessment-comprehensive", COMPREHENSIVE)))  # fmt: skip
    cli.ok("plan", "edit", number, "--answers", cli.write("p.json", hostile_plan()))
    cli.ok("referral", "add", number, "--answers", cli.write("r.json", hostile("referral", REFERRAL)))
    cli.ok("visit", "add", number, "--answers", cli.write("v.json", hostile("visit", {**VISIT, "visited_on": "2026-11-23"})))  # fmt: skip

    reads = [
        ["list"],
        ["list", "--search", "ana"],
        ["show", number],
        ["show", number, "--history", "--sharing"],
        ["log", number],
        ["plan", "check", number],
        ["plan", "history", number],
        ["plan", "show", number],
        ["referral", "list"],
        ["visit", "list", number],
        ["agenda", "--days", "365"],
        ["duplicates"],
        ["verify"],
    ]
    for args in reads:
        result = cli.ok(*args)
        assert_safe(result.stdout + result.stderr, " ".join(args))
    shown = cli.ok("show", number).stdout
    assert "Ana [/] Maria" in shown  # the name as typed, brackets and all
    assert "\\x1b" in shown  # the escape written out, not obeyed

    for fmt in ("markdown", "html"):
        document = cli.home / f"plan.{fmt}"
        cli.ok("plan", "show", number, "--format", fmt, "--output", str(document))
        assert_safe(document.read_text(encoding="utf-8"), f"plan show --format {fmt}", document=True)
    markdown = (cli.home / "plan.markdown").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in markdown and "\\[click\\]" in markdown

    # --json keeps the data exactly as stored: it is for programs, which escape for themselves
    assert cli.json("show", number)["child_name"].startswith("Ana [/] Maria")


def test_hostile_text_in_review_closure_handover_note_and_a_bundles_header(home, monkeypatch):
    """The review and closure forms, the handover note, and the sender's name and agency that a
    bundle's header carries (shown in the import summary before the trust question)."""
    from .test_handover import Worker, identity

    ana = Worker(home, "ana", monkeypatch)
    ana.init(name=HOSTILE[:100], agency=HOSTILE[:100])
    luis = Worker(home, "luis", monkeypatch)
    luis.init(name="Luis Pérez", case_number_prefix="GT2")
    ana.ok("contacts", "add", "luis", identity(luis))
    number = ana.register(share_with=["agency_team", "other_organisations"])  # Luis's agency is another
    review = {
        "participants": ["child"],
        "progress": "ok",
        "child_views": "bien",
        "decision": "continue",
        "risk_level": "high",
        "next_review": "2027-06-01",
    }
    ana.ok("review", number, "--answers", ana.write("rv.json", hostile("review", review)))
    sibling = ana.register(name_first="Kevin", sex="male")
    closure = {"reason": "other", "reason_other": "x", "final_visit": True, "child_informed": True}
    ana.ok("close", sibling, "--answers", ana.write("cl.json", hostile("closure", closure)))
    note = {**hostile("handover-note", {}), "transfer_reason": "organisational"}
    bundle = home / "hostile.bundle"
    exported = ana.ok("export", number, "--to", "luis", "--handover", "--output", str(bundle), "--answers", ana.write("n.json", note))  # fmt: skip
    assert_safe(exported.stdout + exported.stderr, "export")
    for args in (["show", number, "--history"], ["show", sibling], ["log", number], ["identity"], ["list"]):
        result = ana.ok(*args)
        assert_safe(result.stdout + result.stderr, " ".join(args))
    imported = luis.ok("import", str(bundle), "--yes", "--trust-sender")
    assert_safe(imported.stdout + imported.stderr, "import summary")
    assert "Ana [/] Maria" in imported.stdout
    for args in (["show", number, "--history", "--sharing"], ["log", number], ["verify"], ["contacts", "list"]):
        result = luis.ok(*args)
        assert_safe(result.stdout + result.stderr, " ".join(args))


def test_c1_controls_and_line_separators_are_escaped_in_json(ready):
    import json

    number = ready.register(name_first="Ana\u009b31m\u2028\x7fX")
    for args in (["list", "--json"], ["show", number, "--json"]):
        out = ready.ok(*args).stdout
        assert not any(ch in out for ch in "\u009b\u2028\x7f"), args
        assert "\\u009b" in out and "\\u2028" in out and "\\u007f" in out
        json.loads(out)  # still JSON, the name intact once decoded
    assert json.loads(ready.ok("show", number, "--json").stdout)["child_name"].startswith("Ana\u009b31m")


def test_a_cell_of_a_line_is_what_the_screen_shows_on_one_line():
    """`cell_safe`, the one pass the list and the agenda make over each cell they write, says
    exactly what `one_line(visible(…))` says: controls written out, a tab or a line break a space."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from casecli.plaintext import cell_safe, visible
    from casecli.ui.pipe import one_line

    tricky = st.sampled_from(list("ab \t\n\r\x0b\x0c\x1b\x1c\x1e\x7f\x85\u2028\u2029\u200e\u202e\u2066é"))

    @settings(max_examples=3000, deadline=None)
    @given(st.text(alphabet=tricky, max_size=12))
    def same(text: str) -> None:
        assert cell_safe(text) == one_line(visible(text))

    same()
    assert cell_safe("Ana\tMaría\nLópez\x1b[2J") == "Ana María López\\x1b[2J"
