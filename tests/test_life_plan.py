"""The child's Life Plan (`plan show --for-child`): the plan in plain words, in English and Spanish,
with no case jargon and no other person's contact details."""

from __future__ import annotations

import re

import pytest

from .test_assessment_plan import INITIAL
from .test_cycle import PLAN

# Words of the case workers' trade a 12-year-old should not meet in their own plan.
JARGON = {
    "en": [
        "case", "case number", "protection", "assessment", "intervention", "referral", "implementation",
        "monitoring", "BID", "best interests", "caseload", "stage", "risk", "consent", "closure", "draft",
    ],
    "es": [
        "caso", "número de caso", "protección", "evaluación", "intervención", "remisión", "derivación",
        "implementación", "monitoreo", "DIS", "interés superior", "riesgo", "consentimiento", "cierre", "borrador",
    ],
}  # fmt: skip
CONTACTS = ["+52 962 555 0101", "962 555 0101", "dra.lopez@clinica.mx", "(962) 123-4567"]


@pytest.fixture
def planned(ready):
    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    plan = {
        **PLAN,
        "services": [
            {**PLAN["services"][0], "provider": "Clínica San José, tel. +52 962 555 0101 (dra.lopez@clinica.mx)"}
        ],
        "protection_needs": [{**PLAN["protection_needs"][0], "who": "Ana Ruiz (962) 123-4567"}],
    }
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", plan), "--activate")
    return ready, number


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_life_plan_speaks_to_the_child_without_jargon_or_contacts(planned, tmp_path, lang):
    cli, number = planned
    for fmt in ("markdown", "html"):
        page = tmp_path / f"life.{fmt}"
        cli.ok("plan", "show", number, "--for-child", "--format", fmt, "--lang", lang, "--output", str(page))
        text = page.read_text(encoding="utf-8")
        words = re.sub(r"<[^>]+>", " ", text) if fmt == "html" else text
        for contact in CONTACTS:
            assert contact not in text
        assert number not in text
        for word in JARGON[lang]:
            assert not re.search(rf"\b{re.escape(word)}\b", words, re.IGNORECASE), word
        assert PLAN["header"]["child_views"] in text and "Clínica San José" in text and "Call the aunt" in text
        if lang == "es":
            assert "Mi plan de vida" in text and "más o menos cada 7 días" in text and "Dónde vivo" in text
        else:
            assert "My Life Plan" in text and "about every 7 days" in text and "Ana Ruiz" in text
    if lang == "es":
        assert 'class="drawing"' in text  # space for the child's own drawing or words


def test_no_plan_no_life_plan(ready):
    number = ready.register()
    refused = ready("plan", "show", number, "--for-child")
    assert refused.exit_code == 3 and "no plan yet" in refused.stderr


def test_the_documents_tell_todays_truth_not_the_last_plan_versions(planned):
    """After a BID deciding reunification and the reunification itself, the plan document (still
    version 1) says what was decided and that the child was reunified, and the Life Plan says
    where the child lives now and names no shelter as the carer."""
    from .test_best_interests import BIA, BID
    from .test_tracing import AUNT, FOUND, REQUEST, REUNIFIED, VERIFIED

    ready, number = planned
    ready.ok("consent", "new", number, "--answers", ready.write("c.json", {
        "child_informed": True, "consent": "child_consent",
        "share_with": ["agency_team", "service_providers", "family", "family_tracing"],
    }))  # fmt: skip
    ready.ok("bia", number, "--answers", ready.write("bia.json", BIA), "--no-input")
    ready.ok("bid", number, "--answers", ready.write("bid.json", {**BID, "durable_solution": "reunification"}))
    ready.ok("family", "add", number, "--answers", ready.write("f.json", AUNT))
    ready.ok("tracing", "add", number, "--answers", ready.write("r.json", REQUEST))
    ready.ok("tracing", "action", number, "--answers", ready.write("a.json", FOUND))
    ready.ok("tracing", "verify", number, "--answers", ready.write("v.json", VERIFIED))
    ready.ok("tracing", "reunify", number, "--answers", ready.write("u.json", REUNIFIED))
    plan = ready.ok("plan", "show", number, "--format", "markdown").stdout
    assert "Plan version 1" in plan
    assert "Family reunification" in plan and "not yet identified" not in plan.lower()
    assert "Reunified on" in plan and "Rosa Mejía" in plan and "San Pedro Sula" in plan
    life = ready.ok("plan", "show", number, "--for-child", "--format", "markdown").stdout
    assert "I live with Rosa Mejía, in San Pedro Sula." in life
    assert "Casa Refugio looks after me" not in life and "I live at" not in life
    spanish = ready.ok("--lang", "es", "plan", "show", number, "--format", "markdown").stdout
    assert "Rosa Mejía" in spanish and "Reunified on" not in spanish
    assert "The plan is that I go to live with my family." in life  # the panel's decision, in plain words


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_life_plan_is_honest_about_who_made_it_and_gives_a_number_to_call(ready, lang):
    number = ready.register()
    ready.ok("assess", number, "--answers", ready.write("i.json", INITIAL))
    absent = {
        **PLAN["header"],
        "child_took_part": False,
        "not_part_reason": "In hospital the week the plan was made",
    }
    absent.pop("child_views", None)
    ready.ok("plan", "edit", number, "--answers", ready.write("p.json", {**PLAN, "header": absent}), "--activate")
    hotline = "Línea de la Procuraduría 800 222 0000"
    ready.ok("settings", "set", "agency.hotline", hotline)
    life = ready.ok("--lang", lang, "plan", "show", number, "--for-child", "--format", "markdown").stdout
    together = {"en": "We made it together", "es": "Lo hicimos juntos"}[lang]
    without = {"en": "without you this time", "es": "esta vez sin ti"}[lang]
    assert together not in life and without in life
    assert hotline in life  # kept on purpose: the number a child can call is never blanked
    undecided = {"en": "What happens next is not decided yet", "es": "Todavía no se decide lo que sigue"}[lang]
    assert undecided in life
