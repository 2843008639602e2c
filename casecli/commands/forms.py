"""`casecli forms list|show`: the form definitions, for preparing answers files."""

from __future__ import annotations

import typer

from casecli.commands.common import JsonOption, command, console, print_json
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

forms_app = typer.Typer(
    cls=CaseCliGroup, help=_("Show the forms casecli asks (fields, types, choices, labels)."), no_args_is_help=True
)


@command(forms_app, "list")
def list_forms(as_json: bool = JsonOption) -> None:
    """List the forms and their versions.

    Example: casecli forms list
    """
    from casecli.forms import form_names, load_form

    forms = [load_form(name) for name in form_names()]
    rows = [
        {"form": f.id, "version": f.version, "title": f.doc.get("title", {}), "fields": len(f.fields)} for f in forms
    ]
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table()
    for column in (_("Form"), _("Version"), _("Fields"), _("Title")):
        table.add_column(column)
    for row in rows:
        table.add_row(row["form"], str(row["version"]), str(row["fields"]), row["title"].get("en", ""))
    console().print(table)


@command(forms_app, "show")
def show_form(
    name: str = typer.Argument(..., help=_("Form name, e.g. registration.")),
    as_json: bool = JsonOption,
    lang: str | None = typer.Option(
        None, "--lang", help=_("Language of the labels in the table view (default: the interface's).")
    ),
) -> None:
    """Show one form: each field's id, type, whether required, choices, limits and labels.

    The ids and the choices' values are what an answers file uses; the labels are in your language.

    Example: casecli forms show registration --json > registration-form.json
    """
    from casecli import i18n
    from casecli.forms import load_form
    from casecli.forms.labels import display_value

    form = load_form(name)
    if as_json:
        print_json(form.describe())
        return
    from rich.table import Table

    lang = lang or i18n.current
    types = {
        "date": _("date"),
        "choice": _("choice"),
        "multichoice": _("choices"),
        "boolean": _("yes or no"),
        "text": _("text"),
        "longtext": _("long text"),
        "integer": _("whole number"),
    }
    table = Table(title=f"{form.id} v{form.version}: {form.title(lang)}", title_justify="left")
    for column in (_("Field id"), _("Type"), _("Required"), _("Label"), _("Choices / limits")):
        table.add_column(column)
    for field in form.fields:
        d = field.describe()
        limits = (
            ", ".join(f"{value} ({display_value(field, value, lang)})" for value in field.choice_values)
            or field.expected()
        )
        for when in d["when"] if isinstance(d.get("when"), list) else [d["when"]] if "when" in d else []:
            if "equals" in when:
                wanted = when["equals"]
                shown_value = (_("yes") if wanted else _("no")) if isinstance(wanted, bool) else str(wanted)
                condition = f"= {shown_value}"
            else:
                condition = f"∈ {', '.join(str(v) for v in when.get('in', []))}"
            limits += "  " + _("(only when {field} {condition})").format(field=when["field"], condition=condition)
        table.add_row(
            field.id, types.get(field.type, field.type), _("yes") if field.required else "", field.label(lang), limits
        )
    console().print(table)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(forms_app, name="forms")
