"""casecli as Primero's offline companion: cases out in the shape Primero v2's API takes (checked
against the target instance's JSON Schema), and Primero's bulk JSON export in.

Primero takes cases only through its API (`POST /api/v2/cases` with `{"data": {...}}`), validating
every payload against a JSON Schema built from its form configuration. What goes where is data
(`templates/primero/mapping.json`, printed by docs/primero.md); the target's schema decides what it
accepts (`--schema`, else Primero's default configuration, `templates/primero/case-schema.json`).
Nothing is changed silently: a value Primero has no option for is left out, or approximated only
where the mapping says so, and every such value is in the summary shown before anything is written.
"""

from __future__ import annotations

SYSTEM = "primero"
