"""`casecli report`: a supervisor's view of the team's caseload; de-identified statistics."""

from __future__ import annotations

from pathlib import Path

import typer

from casecli.commands.common import JsonOption, command, console, deliver_document, emit, opened
from casecli.commands.errors import CaseCliGroup
from casecli.i18n import _

FORMATS = ("html", "csv", "xlsx")


app = typer.Typer(cls=CaseCliGroup)  # this module's commands, added to casecli's by cli.py


@command(app, "report")
def report_cmd(
    ctx: typer.Context,
    names: bool = typer.Option(False, "--names", help=_("Name the children (default: case numbers only).")),
    deidentified: bool = typer.Option(
        False,
        "--deidentified",
        help=_("Aggregate figures only, small cells suppressed, for coordination reports (--format csv or xlsx)."),
    ),
    fmt: str | None = typer.Option(None, "--format", help=_("html (with charts); csv or xlsx (with --deidentified).")),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help=_("Write the document to this file (plain text: not encrypted)."),
        dir_okay=False,
    ),
    as_json: bool = JsonOption,
) -> None:
    """The caseload per case worker and for the team: open cases by stage and risk, what is
    overdue, approvals waiting, days to an active plan, visits made against planned, and cases
    unvisited for longer than their risk level allows.

    Example: casecli report
    Example: casecli report --format html --output caseload.html
    Example: casecli report --deidentified --format csv --output figures.csv
    Example: casecli report --deidentified --format xlsx --output figures.xlsx
    """
    from casecli.errors import InvalidInput

    if fmt is not None and fmt not in FORMATS:
        raise InvalidInput(_("--format: expected one of: {choices}").format(choices=", ".join(FORMATS)))
    if deidentified and fmt not in ("csv", "xlsx"):
        raise InvalidInput(_("--deidentified: give --format csv or xlsx (and --output FILE)"))
    if fmt in ("csv", "xlsx") and not deidentified:
        raise InvalidInput(_("--format {format}: only with --deidentified (the figures, not cases)").format(format=fmt))
    if deidentified and output is None:
        raise InvalidInput(_("--output: name the file for the figures"))
    if deidentified and names:
        raise InvalidInput(_("--names: not with --deidentified (it names no child)"))
    with opened(ctx) as (env, store):
        if deidentified:
            from casecli.case.reads.statistics import deidentified_rows, to_csv, to_xlsx
            from casecli.store import settings

            threshold = settings.get(store, "report.suppress_under")
            rows = deidentified_rows(store, threshold)
            data = to_xlsx(rows) if fmt == "xlsx" else to_csv(rows).encode("utf-8")
        else:
            from casecli.case.reads.report import caseload

            report = caseload(store, env.today, names)
            if fmt == "html":
                from casecli.case.reads.documents import render_report

                text = render_report(report, store.profile().get("agency", ""), env.lang)
    if deidentified:
        from casecli.fsutil import write_private_atomic

        assert output is not None
        write_private_atomic(output, data)
        console(stderr=True).print(
            _(
                "Wrote {path}: figures only (no name, case number or free text), counts under {threshold} suppressed."
            ).format(path=output, threshold=threshold)
        )
        return
    if fmt == "html":
        deliver_document(text, "html", output)
        return
    from casecli.ui.report_views import report_view

    emit(report, as_json, report_view, page=True)
