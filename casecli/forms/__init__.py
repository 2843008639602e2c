"""Forms as data: loading the versioned definitions under templates/forms, and checking answers.

A form is a list of sections of fields. Each field has an id, a type, whether it is required,
labels in every supported language, and the limits its answers must meet; `when` makes a field
apply only when another answer has a given value. Code never lists questions: the wizard, the
answers-file loader and `casecli forms show` all read these definitions.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from casecli.context import FIRST_YEAR, LAST_YEAR
from casecli.errors import InvalidAnswers, InvalidInput
from casecli.i18n import _, parse_date

LANGUAGES = ("en", "es")
FIELD_TYPES = ("text", "longtext", "date", "integer", "boolean", "choice", "multichoice")
MISSING = "missing"
YES = {"yes", "y", "true", "1", "si", "sí", "s"}
NO = {"no", "n", "false", "0"}


def _text(labels: dict[str, str] | None, lang: str) -> str:
    if not labels:
        return ""
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()))


def _holds(when: dict, answers: dict) -> bool:
    value = answers.get(when["field"])
    if "equals" in when:
        return value == when["equals"]
    if "in" in when:
        return value in when["in"]
    if "contains" in when:
        return isinstance(value, list) and when["contains"] in value
    return True


@dataclass(frozen=True)
class Field:
    """One question of a form. Its spec is data read once per process and never changed, so what
    it says is worked out once (a bundle's import checks a hundred thousand answers)."""

    spec: dict
    section: str

    @functools.cached_property
    def id(self) -> str:
        return self.spec["id"]

    @functools.cached_property
    def type(self) -> str:
        return self.spec["type"]

    @functools.cached_property
    def required(self) -> bool:
        return bool(self.spec.get("required", False))

    @property
    def choices(self) -> list[dict]:
        return self.spec.get("choices", [])

    @functools.cached_property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c["value"] for c in self.choices)

    def offered_values(self, current: Any = None) -> list[str]:
        """The choices a wizard offers: a retired one (kept so that old answers keep their meaning)
        only when it is the current answer."""
        kept = current if isinstance(current, list) else [current]
        return [c["value"] for c in self.choices if not c.get("retired") or c["value"] in kept]

    @property
    def voice(self) -> str | None:
        """ "said" when the answer is the child's own words, "told" when it is what the child was
        told; None otherwise (the child's voice, gathered across steps by `show --voice`)."""
        return self.spec.get("voice")

    @property
    def settles(self) -> tuple[str, ...]:
        """The questions whose rule problem this one (kept for when needed) settles: a problem on
        them is answered by asking this, not by asking them again (`"settles"` in the form)."""
        return tuple(self.spec.get("settles", ()))

    @property
    def when_needed(self) -> bool:
        """Asked only when a rule across fields needs it (`"asked": "when_needed"`), not in the first pass."""
        return self.spec.get("asked") == "when_needed"

    def label(self, lang: str = "en") -> str:
        return _text(self.spec.get("label"), lang)

    def help(self, lang: str = "en") -> str:
        return _text(self.spec.get("help"), lang)

    def choice_label(self, value: Any, lang: str = "en") -> str:
        for choice in self.choices:
            if choice["value"] == value:
                return _text(choice.get("label"), lang)
        return str(value)

    def applies(self, answers: dict) -> bool:
        """Whether this field is asked, given the answers so far (see `when`)."""
        when = self.spec.get("when")
        if not when:
            return True
        if isinstance(when, list):  # any one of several conditions
            return any(_holds(condition, answers) for condition in when)
        return _holds(when, answers)

    def expected(self) -> str:
        """What a valid answer looks like, for error messages."""
        t = self.type
        if t == "date":
            return (
                _("a date as YYYY-MM-DD, not in the future")
                if self.spec.get("not_future")
                else _("a date as YYYY-MM-DD")
            )
        if t == "integer":
            lo, hi = self.spec.get("min"), self.spec.get("max")
            if lo is not None and hi is not None:
                return _("a whole number from {low} to {high}").format(low=lo, high=hi)
            return _("a whole number")
        if t == "boolean":
            return _("yes or no")
        if t == "choice":
            return _("one of: {choices}").format(choices=", ".join(self.choice_values))
        if t == "multichoice":
            return _("a list of: {choices}").format(choices=", ".join(self.choice_values))
        limit = self.spec.get("max_length")
        return _("text of at most {count} characters").format(count=limit) if limit else _("text")

    def default(self, today: dt.date) -> Any:
        default = self.spec.get("default")
        if default == "today":
            return today.isoformat()
        return default

    @functools.cached_property
    def text_rules(self) -> tuple[int | None, str | None]:
        return self.spec.get("max_length"), self.spec.get("validator")

    @functools.cached_property
    def not_future(self) -> bool:
        return bool(self.spec.get("not_future"))

    def coerce(self, raw: Any, today: dt.date) -> Any:
        """Turn an answer (typed, or from an answers file) into its stored value.

        Returns None for an empty answer; raises ValueError with what is expected otherwise.
        """
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            return None
        t = self.type
        if t in ("text", "longtext"):
            if not isinstance(raw, str):
                raise ValueError(_("expected {what}").format(what=self.expected()))
            value = raw.strip()
            limit, pattern = self.text_rules
            if limit and len(value) > limit:
                raise ValueError(_("expected {what}").format(what=self.expected()))
            if pattern:
                value = VALIDATORS[pattern](value)
            return value
        if t == "date":
            try:
                value = parse_date(str(raw))
            except ValueError:
                raise ValueError(_("expected {what}").format(what=self.expected())) from None
            if self.not_future and value > today:
                raise ValueError(_("expected {what} (got a future date)").format(what=self.expected()))
            if not FIRST_YEAR <= value.year <= LAST_YEAR:
                raise ValueError(_("expected {what}").format(what=self.expected()))
            return value.isoformat()
        if t == "integer":
            if isinstance(raw, bool):
                raise ValueError(_("expected {what}").format(what=self.expected()))
            try:
                number = int(str(raw).strip())
            except ValueError:
                raise ValueError(_("expected {what}").format(what=self.expected())) from None
            lo, hi = self.spec.get("min"), self.spec.get("max")
            if (lo is not None and number < lo) or (hi is not None and number > hi):
                raise ValueError(_("expected {what}").format(what=self.expected()))
            return number
        if t == "boolean":
            if isinstance(raw, bool):
                return raw
            word = str(raw).strip().lower()
            if word in YES:
                return True
            if word in NO:
                return False
            raise ValueError(_("expected {what}").format(what=self.expected()))
        if t == "choice":
            value = str(raw).strip()
            if value not in self.choice_values:
                raise ValueError(_("expected {what}").format(what=self.expected()))
            return value
        if t == "multichoice":
            items = raw.split(",") if isinstance(raw, str) else raw
            if not isinstance(items, list):
                raise ValueError(_("expected {what}").format(what=self.expected()))
            values = [str(item).strip() for item in items if str(item).strip()]
            bad = [v for v in values if v not in self.choice_values]
            if bad:
                raise ValueError(_("expected {what}").format(what=self.expected()))
            exclusive = self.spec.get("exclusive")
            if exclusive and exclusive in values and len(values) > 1:
                raise ValueError(_("'{choice}' cannot be chosen with other answers").format(choice=exclusive))
            return list(dict.fromkeys(values)) or None
        raise ValueError(f"unknown field type {t}")

    def describe(self) -> dict:
        out = {
            "id": self.id,
            "section": self.section,
            "type": self.type,
            "required": self.required,
            "label": self.spec.get("label", {}),
        }
        for key in (
            "help",
            "min",
            "max",
            "max_length",
            "not_future",
            "default",
            "when",
            "validator",
            "exclusive",
            "asked",
            "settles",
        ):
            if key in self.spec:
                out[key] = self.spec[key]
        if self.choices:
            out["choices"] = [{"value": c["value"], "label": c.get("label", {})} for c in self.choices]
        return out


@dataclass(frozen=True)
class Form:
    doc: dict

    @property
    def id(self) -> str:
        return self.doc["form"]

    @property
    def version(self) -> int:
        return int(self.doc["version"])

    def title(self, lang: str = "en") -> str:
        return _text(self.doc.get("title"), lang)

    @property
    def sections(self) -> list[dict]:
        return self.doc["sections"]

    def section_title(self, section_id: str, lang: str = "en") -> str:
        for section in self.sections:
            if section["id"] == section_id:
                return _text(section.get("title"), lang)
        return section_id

    # A form is read once per process and never changes (load_form): its fields are made once.
    @functools.cached_property
    def fields(self) -> list[Field]:
        return [Field(spec, section["id"]) for section in self.sections for spec in section["fields"]]

    @functools.cached_property
    def _by_id(self) -> dict[str, Field]:
        found: dict[str, Field] = {}
        for field in self.fields:
            found.setdefault(field.id, field)  # the first of an id, as a scan would find it
        return found

    def field(self, field_id: str) -> Field:
        return self._by_id[field_id]

    def applicable(self, answers: dict) -> list[Field]:
        return [f for f in self.fields if f.applies(answers)]

    @property
    def renamed(self) -> dict[str, str]:
        """Old field ids and the ids they became ("renamed" in the form's file): answers files,
        bundles and drafts of an earlier version keep working."""
        return self.doc.get("renamed", {})

    def upgraded(self, answers: dict) -> dict:
        """`answers` with every old field id under its new one (the same dict when none is old)."""
        renamed = self.renamed
        if not renamed or not any(key in renamed for key in answers):
            return answers
        return {
            renamed.get(key, key): value
            for key, value in answers.items()
            if not (key in renamed and renamed[key] in answers)
        }

    @functools.cached_property
    def quick_checks(self) -> dict:
        """Each field id's quick check of a stored value (forms/stored.py), made once."""
        from casecli.forms.stored import quick_checks

        return quick_checks(self.fields)

    @functools.cached_property
    def _checked_in_order(self) -> tuple[tuple[str, Field, bool, bool], ...]:
        """Each field with what `check` asks of it first, worked out once (a bundle's import checks
        a hundred thousand sets of answers)."""
        return tuple((f.id, f, f.required, bool(f.spec.get("when"))) for f in self.fields)

    def check(self, answers: dict, today: dt.date, use_defaults: bool = True) -> tuple[dict, dict[str, str]]:
        """Validate a whole set of answers: return (clean answers, problems by field id).

        Without `use_defaults`, a field left out stays out (a wizard then asks it, default
        pre-filled). Answers to fields that do not apply (their `when` is not met) are dropped, so a changed
        answer never leaves a stale dependent answer behind.
        """
        known = self._by_id
        answers = self.upgraded(answers)
        problems: dict[str, str] = {}
        for key in answers:
            if key not in known:
                problems[key] = _("unknown field (not in form {form} v{version})").format(
                    form=self.id, version=self.version
                )
        clean: dict[str, Any] = {}
        given = answers.get
        for field_id, field, required, conditional in self._checked_in_order:
            raw = given(field_id)
            if raw is None and use_defaults:
                raw = field.default(today)
            if raw is None and not required:
                continue  # nothing to check and nothing to keep, whether it applies or not
            if conditional and not field.applies(clean):
                continue
            try:
                value = field.coerce(raw, today)
            except ValueError as exc:
                problems[field.id] = str(exc)
                continue
            if value is None:
                if field.required:
                    problems[field.id] = MISSING
                continue
            clean[field.id] = value
        return clean, problems

    def validate(self, answers: dict, today: dt.date) -> dict:
        clean, problems = self.check(answers, today)
        if problems:
            raise InvalidAnswers(self.id, problems)
        return clean

    def describe(self) -> dict:
        return {
            "form": self.id,
            "version": self.version,
            "title": self.doc.get("title", {}),
            "languages": list(self.doc.get("languages", LANGUAGES)),
            "sections": [{"id": s["id"], "title": s.get("title", {})} for s in self.sections],
            "fields": [f.describe() for f in self.fields],
        }


def _case_number_prefix(value: str) -> str:
    from casecli.casenumber import normalize_prefix
    from casecli.errors import InvalidCaseNumber

    try:
        return normalize_prefix(value)
    except InvalidCaseNumber:
        raise ValueError(_("expected 2 to 8 letters or digits (not U or Z), e.g. MX7")) from None


VALIDATORS = {"case_number_prefix": _case_number_prefix}


def form_names() -> list[str]:
    folder = resources.files("casecli") / "templates" / "forms"
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


@functools.lru_cache(maxsize=64)
def load_form(name: str) -> Form:
    """A form by name, read once per process (forms are data shipped with casecli: they do not
    change while it runs, and the agenda or a report asks for the same few thousands of times)."""
    folder = resources.files("casecli") / "templates" / "forms"
    path = folder / f"{name}.json"
    if not path.is_file():
        raise InvalidInput(
            _("form {name}: no such form; known forms: {forms}").format(name=repr(name), forms=", ".join(form_names()))
        )
    return Form(json.loads(path.read_text(encoding="utf-8")))


def load_answers_file(path) -> dict:
    """Read an answers file (JSON object, keys are field ids) with a one-line error if it is bad."""
    from pathlib import Path

    file = Path(path)
    try:
        # utf-8-sig: Windows Notepad may start a UTF-8 file with a byte-order mark
        doc = json.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InvalidInput(_("--answers: no such file: {path}").format(path=file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            _("--answers: cannot read {path}: {reason}").format(path=file, reason=exc.__class__.__name__)
        ) from None
    except (RecursionError, ValueError) as exc:  # not JSON, nested too deep, or a number too long to read
        if not isinstance(exc, json.JSONDecodeError):
            raise InvalidInput(
                _("--answers: {path} is not valid JSON (nested too deep or a number too long)").format(path=file)
            ) from None
        raise InvalidInput(
            _("--answers: {path} is not valid JSON (line {line}, column {column})").format(
                path=file, line=exc.lineno, column=exc.colno
            )
        ) from None
    if not isinstance(doc, dict):
        raise InvalidInput(_("--answers: {path} must hold a JSON object whose keys are field ids").format(path=file))
    return doc
