"""`sosa demo`: run the desk's workflow on sample data and show the result."""

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import _
from .output import count, message, print_table, progress


def demo(
    folder: Annotated[Path | None, typer.Option("--dir", help="Folder for the demo database (default: a new temporary folder).")] = None,
) -> None:
    """Run the whole workflow on sample data in a fresh database, and show the register.

    Your own database is not touched.

    Example: sosa demo --dir /tmp/sosa-demo
    """
    from .. import demo as scenario
    from ..register import list_companies
    from ..status import attention
    from .company import LIST_COLUMNS
    from .status import print_status

    run = scenario.prepare(folder)
    message(_("Demo database: {path}").format(path=run.database))
    with scenario.demo_office(run) as profile:
        scenario.run_the_desk(run)
        issued = run.conn.execute("SELECT count(*) FROM letters WHERE status = 'issued'").fetchone()[0]
        with progress(_("Writing every letter in every format"), issued * len(scenario.formats_available()[0]), threshold=1) as step:
            files = scenario.write_every_format(run, progress=step)
        files += scenario.write_the_desk_files(run)
    for step_done in run.steps:
        message(f"• {step_done}")
    print_table([c.as_dict() for c in list_companies(run.conn)], LIST_COLUMNS, title=_("The participant register"))
    print_status(attention(run.conn))
    message(_("The {files} written:").format(files=count(len(files), "{n} file", "{n} files")))
    for path in files:
        typer.echo(str(path))
    message(_("Explore it with: SOSA_DB={database} SOSA_CONFIG={profile} sosa status").format(database=run.database, profile=profile))
