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
    lang: str = typer.Option("en", "--lang", help=_("Language of the labels in the table view.")),
) -> None:
    """Show one form: each field's id, type, whether required, choices, limits and labels.

    Example: casecli forms show registration --json > registration-form.json
    """
    from casecli.forms import load_form

    form = load_form(name)
    if as_json:
        print_json(form.describe())
        return
    from rich.table import Table

    table = Table(title=f"{form.id} v{form.version}: {form.title(lang)}", title_justify="left")
    for column in (_("Field id"), _("Type"), _("Required"), _("Label"), _("Choices / limits")):
        table.add_column(column)
    for field in form.fields:
        d = field.describe()
        limits = ", ".join(field.choice_values) or field.expected()
        for when in d["when"] if isinstance(d.get("when"), list) else [d["when"]] if "when" in d else []:
            condition = f"= {when.get('equals')}" if "equals" in when else f"∈ {when.get('in')}"
            limits += "  " + _("(only when {field} {condition})").format(field=when["field"], condition=condition)
        table.add_row(field.id, field.type, _("yes") if field.required else "", field.label(lang), limits)
    console().print(table)


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


app.add_typer(forms_app, name="forms")
