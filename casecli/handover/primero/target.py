"""The mapping (casecli's records → Primero's fields, as data) and the target's schema (what the
Primero instance accepts), and the one question asked of both: does this value fit that field?"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from casecli.errors import InvalidInput
from casecli.i18n import _
from casecli.package_data import templates_dir

# Ids derived from a case number or a record's uid: the same case gives the same Primero id on
# every laptop and every export, so sending it again updates the record instead of copying it.
NAMESPACE = uuid.UUID("6f1f3c1e-2b4e-5c59-9a57-0c3a5e1f7d21")
UUID_SHAPE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def stable_id(kind: str, key: str) -> str:
    """The lower-case UUID Primero knows one case or subform item by (a UUID 5 of casecli's key)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


@cache
def mapping() -> dict:
    """The mapping, as data (templates/primero/mapping.json)."""
    return json.loads((templates_dir() / "primero" / "mapping.json").read_text(encoding="utf-8"))


def default_schema_path() -> Path:
    return templates_dir() / "primero" / "case-schema.json"


@dataclass
class Fit:
    """A value as it goes to Primero: `value` (None when left out), and what happened to it:
    "kept", "renamed" (an option of the same meaning), "approximated" (the mapping's closest
    option) or "lost" (the target refuses it), with why."""

    value: Any
    what: str
    why: str = ""


class Target:
    """One Primero instance's case schema: its fields, its subforms' fields, and a validator for
    each, made once."""

    def __init__(self, path: Path | None = None):
        self.path = path or default_schema_path()
        try:
            schema = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInput(
                _("--schema: {file} is not a readable JSON Schema ({why})").format(file=self.path.name, why=exc)
            ) from None
        if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
            raise InvalidInput(
                _('--schema: {file} has no "properties": expected Primero\'s case schema').format(file=self.path.name)
            )
        self.schema = schema
        self.properties: dict[str, dict] = schema["properties"]
        self._validators: dict[tuple[str, ...], Any] = {}

    def has(self, field: str, subform: str | None = None) -> bool:
        return self._property(field, subform) is not None

    def _property(self, field: str, subform: str | None) -> dict | None:
        if subform is None:
            found = self.properties.get(field)
            return found if isinstance(found, dict) else None
        items = (self.properties.get(subform) or {}).get("items") or {}
        found = (items.get("properties") or {}).get(field)
        return found if isinstance(found, dict) else None

    def refusal(self, field: str, value: Any, subform: str | None = None) -> str | None:
        """Why the target refuses `value` for `field` (None when it accepts it)."""
        key = (subform or "", field)
        if key not in self._validators:
            from jsonschema import Draft202012Validator

            prop = self._property(field, subform)
            if prop is None:
                return _("no such field in the target's schema")
            self._validators[key] = Draft202012Validator({**prop, "$defs": self.schema.get("$defs", {})})
        error = next(iter(self._validators[key].iter_errors(value)), None)
        if error is None:
            return None
        if _is_choice(self._property(field, subform) or {}):
            return _("no option for it in the target's list")
        # the schema's rule it breaks, never its message: that quotes the value (a child's data)
        return _("not accepted: {why}").format(why=f"{error.validator} {json.dumps(error.validator_value)[:80]}")

    def check_whole(self, data: dict) -> list[str]:
        """Every error of a whole case against the target's schema, as its place and the rule it
        breaks (empty when it validates)."""
        from jsonschema import Draft202012Validator

        if ("whole",) not in self._validators:
            self._validators[("whole",)] = Draft202012Validator(self.schema)
        # where and which rule, never the schema's message: that quotes the value (a child's data)
        return [
            f"{'/'.join(str(p) for p in e.absolute_path) or '(case)'}: {e.validator}"
            for e in self._validators[("whole",)].iter_errors(data)
        ]


def _is_choice(prop: dict) -> bool:
    text = json.dumps(prop)
    return '"enum"' in text


def fit(target: Target, rule: dict, value: Any, subform: str | None = None) -> Fit:
    """`value` (casecli's) for the Primero field `rule["to"]`, by the mapping's rule: kept, renamed,
    approximated, or left out (lost) with why."""
    field = rule["to"]
    what = "kept"
    if "contains" in rule:
        value = rule["contains"] in (value if isinstance(value, list) else [value])
    elif isinstance(value, str | bool) and str(value) in {str(k) for k in rule.get("same", {})}:
        value, what = _lookup(rule["same"], value), "renamed"
    elif isinstance(value, str) and value in rule.get("closest", {}):
        value, what = rule["closest"][value], "approximated"
    shape = rule.get("shape")
    if shape == "list" and not isinstance(value, list):
        value = [value]
    elif shape == "date_time" and isinstance(value, str) and len(value) == 10:
        value = f"{value}T00:00:00Z"
    if not target.has(field, subform):
        return Fit(None, "lost", _("no such field in the target's schema"))
    why = target.refusal(field, value, subform)
    if why:
        return Fit(None, "lost", why)
    return Fit(value, what)


def _lookup(table: dict, value: str | bool) -> Any:
    return next(v for k, v in table.items() if str(k) == str(value))
