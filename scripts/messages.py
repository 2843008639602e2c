"""Maintain the translation catalogs.

    python scripts/messages.py extract   # add every message the CLI shows to each catalog (keeps translations)
    python scripts/messages.py compile   # .po -> .mo (commit both)

Needs babel (in the test extra). The messages are collected by importing the CLI and building
every command, so help texts and option descriptions are always complete.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def collected() -> set[str]:
    from casecli import i18n

    i18n.recorded = set()
    i18n.set_language("en")
    import typer.main

    from casecli import cli

    typer.main.get_command(cli.app).commands  # noqa: B018  (every command module imported: their help texts recorded)
    from babel.messages.extract import extract_from_dir

    from casecli import messages
    from casecli.case.reads.documents import template_messages

    in_code = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "casecli"), method_map=[("**.py", "python")], keywords={"_": None, "n_": (1, 2)}
        )
        if isinstance(message, str) or (isinstance(message, tuple) and all(isinstance(m, str) for m in message))
    }
    from casecli.case.file.plan_rules import ELEMENTS, ITEM_NAMES
    from casecli.commands.errors import STORAGE_MESSAGES
    from casecli.forms.labels import CODES

    data = (
        set(ELEMENTS)
        | set(ITEM_NAMES.values())
        | set(CODES.values())
        | {message for _needle, message in STORAGE_MESSAGES}
    )  # translated where they are shown
    return set(i18n.recorded) | set(messages.ALL) | template_messages() | in_code | data


def catalog_path(lang: str, domain: str = "casecli") -> Path:
    return ROOT / "casecli" / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


def _sort_key(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _untranslated(string) -> bool:
    return not all(string) if isinstance(string, tuple) else not string


def extract() -> None:
    from casecli.i18n import LANGUAGES

    found = collected()
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = catalog_path(lang)
        old = read_po(path.open("rb")) if path.exists() else Catalog(locale=lang, domain="casecli")
        new = Catalog(locale=lang, domain="casecli", project="casecli")
        for msgid in sorted(found, key=_sort_key):
            existing = old.get(msgid[0] if isinstance(msgid, tuple) else msgid)
            string = existing.string if existing else ""
            if isinstance(msgid, tuple) and not isinstance(string, tuple):
                string = ("", "")  # a plural: one translation for each of the language's forms
            new.add(msgid, string)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, new, width=0, omit_header=False, sort_output=True)
        missing = [m for m in new if m.id and _untranslated(m.string)]
        print(f"{path.relative_to(ROOT)}: {len(found)} messages, {len(missing)} untranslated")


def compile_all() -> None:
    for po in sorted((ROOT / "casecli" / "locale").rglob("*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        with po.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)
        print(f"compiled {po.relative_to(ROOT)}")


def _compiled(compiled, msgid):
    """What the compiled catalog says for a message (a plural: its forms for 1 and for 2, the first
    and the last of its forms in English and Spanish)."""
    if isinstance(msgid, tuple):
        return (compiled.ngettext(msgid[0], msgid[1], 1), compiled.ngettext(msgid[0], msgid[1], 2))
    return compiled.gettext(msgid)


def check() -> int:
    """Exit 1, listing them, if a message is missing, untranslated, or a .mo is stale."""
    import gettext
    import json

    from casecli.i18n import LANGUAGES, LOCALE_DIR

    found = collected()
    problems = []
    for lang in LANGUAGES:
        if lang == "en":
            continue
        with catalog_path(lang).open("rb") as handle:
            catalog = read_po(handle)
        translated = {m.id: m.string for m in catalog if m.id}
        problems += [f"{lang}: not in the catalog: {m!r}" for m in sorted(found - set(translated), key=_sort_key)]
        problems += [
            f"{lang}: untranslated: {m!r}"
            for m, t in sorted(translated.items(), key=lambda kv: _sort_key(kv[0]))
            if _untranslated(t)
        ]
        compiled = gettext.translation("casecli", LOCALE_DIR, languages=[lang])
        problems += [
            f"{lang}: casecli.mo is stale (run: python scripts/messages.py compile)"
            for m, t in translated.items()
            if not _untranslated(t) and _compiled(compiled, m) != ((t[0], t[-1]) if isinstance(t, tuple) else t)
        ][:1]
    print(json.dumps({"messages": len(found), "problems": problems}, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    action = sys.argv[1]
    if action == "check":
        sys.exit(check())
    {"extract": extract, "compile": compile_all}[action]()
