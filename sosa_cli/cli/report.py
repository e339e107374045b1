"""`sosa report`: where the arrangement stands, on one page to look at."""

from typing import Annotated

import typer

from ..i18n import _
from .options import DbOption, ForceOption, open_desk, out_option
from .output import message, print_letter


def report(
    period: Annotated[
        str | None, typer.Option("--period", help="A 年度 (令和8年度, 2026年度) or FROM..TO (2026-04-01..2026-09-30); default: this 年度.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Labels in ja (default) or en.")] = "ja",
    fmt: Annotated[str, typer.Option("--format", help="html (default): one page; xlsx: the same tables, one sheet each (needs --out).")] = "html",
    out: Annotated[str | None, typer.Option("--out", help="File or folder (DIR/) to write, e.g. report.html; - or omitted: stdout.")] = None,
    force: ForceOption = False,
    show: Annotated[bool, typer.Option("--open", help="Open the page in your browser (without --out, from a new temporary folder).")] = False,
    db: DbOption = None,
) -> None:
    """Write one self-contained HTML page of where the arrangement stands in a period.

    Companies by status, consents to share and enrolments per month; each JP→US request's
    timeline, the median days to each step and the outcomes; the companies' answers to US
    asks; what is due in the next 30 days on a day strip (開庁日 shaded). Charts are SVG
    drawn into the page: no script, no font or file fetched; it prints on A4 landscape.
    --format xlsx writes the same tables as a workbook, one sheet each.

    Example: sosa report --period 令和8年度 --out ~/sosa/ --open
    """
    from ..clock import today
    from ..report import gather, language, parse_period, write

    lang = language(lang)
    day = today()
    chosen = parse_period(period, day)
    if show and out is None:
        import tempfile

        out = tempfile.mkdtemp(prefix="sosa-report-") + "/"
    conn = open_desk(db)
    result = write(gather(conn, chosen, today=day), out_option(out, force), lang=lang, fmt=fmt.strip().lower())
    if result.destination == "stdout":
        print_letter(result.content.decode("utf-8"))
    else:
        typer.echo(result.destination)
        message(_("Wrote the report for {period} to {destination}.").format(period=chosen.label, destination=result.destination))
        if show:
            import webbrowser
            from pathlib import Path

            if not webbrowser.open(Path(result.destination).as_uri()):
                message(_("No browser could be started here; open the file above yourself."))
