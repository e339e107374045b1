"""`sosa demo`: run the desk's workflow on sample data and show the result."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from .output import message, print_table


def demo(
    folder: Annotated[Optional[Path], typer.Option("--dir", help="Folder for the demo database (default: a new temporary folder).")] = None,
) -> None:
    """Run the whole workflow on sample data in a fresh database, and show the register.

    Your own database is not touched.

    Example: sosa demo --dir /tmp/sosa-demo
    """
    from .. import demo as scenario
    from ..register import list_companies
    from .company import LIST_COLUMNS

    run = scenario.prepare(folder)
    message(f"Demo database: {run.database}")
    with scenario.demo_office(run) as profile:
        scenario.enroll_samples(run)
        scenario.request_priority_support(run)
        scenario.relay_an_ask(run)
    for step in run.steps:
        message(f"• {step}")
    print_table([c.as_dict() for c in list_companies(run.conn)], LIST_COLUMNS, title="The participant register")
    letters = sorted(p.name for p in (run.folder / "letters").iterdir())
    message(f"Letters written to {run.folder / 'letters'}: {len(letters)} files")
    message(f"Explore it with: SOSA_DB={run.database} SOSA_CONFIG={profile} sosa request show R-0001")
    from ..status import attention
    from .status import print_status

    print_status(attention(run.conn))


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)
