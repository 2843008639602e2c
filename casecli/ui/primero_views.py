"""What `export --primero` shows before it writes: every value that does not reach Primero as it
is, grouped by field (how many cases, why), and what has no home in Primero at all."""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.table import Table

from casecli.i18n import _, n_
from casecli.ui.render import shown


def _no_home_words() -> dict[str, str]:
    return {
        "voice": _("the child's words across steps"),
        "plan_versions": _("earlier plan versions"),
        "consents": _("the consent history"),
        "handover_notes": _("handover notes"),
        "history": _("events of the history chain"),
    }


def _what_words() -> dict[str, str]:
    return {"lost": _("left out"), "approximated": _("approximated"), "no field": _("no field in Primero")}


def primero_summary(summary: dict):
    """The summary as a table of fields (and the counts of what has no home)."""
    groups: Counter = Counter()
    cases: dict[tuple, set] = {}
    for loss in summary["losses"]:
        key = (loss["field"], loss["to"] or "—", loss["what"], loss["why"])
        groups[key] += 1
        cases.setdefault(key, set()).add(loss["case"])
    parts: list = [
        n_(
            "{count} case for Primero, checked against {schema}.",
            "{count} cases for Primero, checked against {schema}.",
            summary["cases"],
        ).format(count=summary["cases"], schema=shown(summary["schema"]))
    ]
    if groups:
        table = Table(title=_("What does not reach Primero as it is"), title_justify="left")
        table.add_column(_("casecli answer"))
        table.add_column(_("Primero field"))
        table.add_column(_("What happens"))
        table.add_column(_("Why"))
        table.add_column(_("Cases"), justify="right")
        words = _what_words()
        for key in sorted(groups):
            field, to, what, why = key
            table.add_row(shown(field), shown(to), words.get(what, what), shown(why), str(len(cases[key])))
        parts.append(table)
    else:
        parts.append(_("Every answer reaches Primero as it is."))
    homeless = {k: v for k, v in summary["no_home"].items() if v}
    if homeless:
        names = _no_home_words()
        listed = ", ".join(f"{names[k]}: {v}" for k, v in homeless.items())
        carried = summary["notes_carried"]
        parts.append(
            (
                _("No home in Primero ({what}); carried as notes: {count}.")
                if carried
                else _("No home in Primero ({what}); --notes carries them as notes.")
            ).format(what=listed, count=carried)
        )
    return Group(*parts)


def primero_import_view(cases: list, new_child: bool):
    """What comes in from Primero, case by case, and what stays there."""
    table = Table(title=_("From Primero"), title_justify="left")
    table.add_column(_("Primero case"))
    table.add_column(_("Child"))
    table.add_column(_("What happens"))
    table.add_column(_("Stays in Primero"))
    for case in cases:
        if case.refused:
            what = "[red]" + shown(_("not imported: {why}").format(why=case.refused)) + "[/red]"
        elif case.already:
            what = shown(_("already here as {number}").format(number=case.already))
        elif case.duplicates and not new_child:
            what = (
                "[yellow]"
                + shown(
                    _("possible duplicate of {numbers}: not imported (compare, then --new-child)").format(
                        numbers=", ".join(n for n, _score in case.duplicates[:3])
                    )
                )
                + "[/yellow]"
            )
        elif case.missing:
            what = shown(
                n_(
                    "a new case, {count} registration answer to complete",
                    "a new case, {count} registration answers to complete",
                    len(case.missing),
                ).format(count=len(case.missing))
            )
        else:
            what = _("a new case")
        name = " ".join(str(case.answers.get(k, "")) for k in ("name_first", "name_last")).strip()
        left = ", ".join(n["field"] for n in case.not_mapped)
        table.add_row(shown(case.label), shown(name or "—"), what, shown(left or "—"))
    return table


def sent_view(results: list):
    """Primero's answer, case by case."""
    words = {
        "created": _("created"),
        "updated": _("updated"),
        "refused": _("refused"),
        "failed": _("not sent"),
    }
    table = Table(title=_("Sent to Primero"), title_justify="left")
    table.add_column(_("Case"))
    table.add_column(_("Primero id"))
    table.add_column(_("Answer"))
    table.add_column(_("Primero says"))
    for sent in results:
        answer = f"{words[sent.how]} ({sent.status})" if sent.status else words[sent.how]
        style = "" if sent.accepted else "[red]"
        table.add_row(
            shown(sent.case_number),
            shown(sent.primero_id),
            style + shown(answer) + ("[/red]" if style else ""),
            shown(sent.detail or "—"),
        )
    return table
