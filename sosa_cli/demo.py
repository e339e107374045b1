"""`sosa demo`: the desk's workflow on sample data, in a fresh database.

Everything the demo writes stays in its own folder: the database, a demo office profile
(config.yaml) and the letters. The officer's own database and settings are not touched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SosaError
from .i18n import _
from .shipped import data_file
from .store import open_db
from .words import count

SAMPLE_COMPANIES = "sample/companies.yaml"


@dataclass
class DemoRun:
    folder: Path
    database: Path
    conn: sqlite3.Connection
    steps: list[str] = field(default_factory=list)


# A fictional office profile: what an officer sets once with `sosa config set`.
DEMO_OFFICE = {
    "contact_name": "山田 太郎",
    "contact_phone": "03-5555-0100",
    "contact_email": "sosa-demo@example.go.jp",
    "doc_prefix": "装備政策",
    "doc_prefix_en": "ATLA-EPD",
    # The Director signs English letters; the desk officer is named as the point of contact.
    "sender_name_en": "Ichiro Suzuki",
    "contact_name_en": "Taro Yamada",
}
# The demo's delays: (company, supplier, CAGE, PO, part number, NSN, description,
# quantity, need date, promised date, program, program in English, impact, efforts,
# JSDF service, contract, supplier's address).
DEMO_DELAYS = [
    (
        "C-0001",
        "Acme Hydraulics Inc.",
        "1ABC2",
        "PO-2026-0042",
        "HV-2210-7",
        "1650-01-234-5678",
        "Servo valve, flight control",
        "4",
        "2027-01-15",
        "2027-04-30",
        "F-15J 近代化改修",
        "F-15J modernization",
        "Two aircraft held for want of the valve from February 2027.",
        "Weekly calls with the supplier since October 2026; alternate sources checked, none qualified.",
        "asdf",
        "ASDF-2026-0815",
        "1200 Harbor Blvd, Torrance, CA 90501, USA",
    ),
    (
        "C-0001",
        "Acme Hydraulics Inc.",
        "1ABC2",
        "PO-2026-0042",
        "HV-2210-9",
        "1650-01-234-5690",
        "Actuator seal kit",
        "20",
        "2027-01-15",
        "2027-03-31",
        "F-15J 近代化改修",
        "F-15J modernization",
        "Scheduled maintenance would slip by six weeks.",
        "Supplier asked to split the delivery; its answer is awaited.",
        "asdf",
        "ASDF-2026-0815",
        "1200 Harbor Blvd, Torrance, CA 90501, USA",
    ),
    (
        "C-0003",
        "Pacific Turbine Components LLC",
        "4XY78",
        "PO-CA-2026-311",
        "TB-88120",
        "2840-01-555-0199",
        "Turbine blade set",
        "12",
        "2027-02-28",
        "2027-06-15",
        "F110エンジン・オーバーホール",
        "F110 engine overhaul line",
        "Engine overhaul line stops in March 2027.",
        "Expedite fee offered; the supplier cites a forging shortage.",
        "asdf",
        "ASDF-2026-1102",
        "88 Industrial Way, Wichita, KS 67219, USA",
    ),
]


@contextlib.contextmanager
def demo_office(run: DemoRun) -> Iterator[Path]:
    """Point sosa at the demo's own office profile for the length of the demo."""
    from . import config

    path = run.folder / "config.yaml"
    previous = os.environ.get("SOSA_CONFIG")
    os.environ["SOSA_CONFIG"] = str(path)
    try:
        for key, value in DEMO_OFFICE.items():
            config.set_value(key, value)
        yield path
    finally:
        if previous is None:
            os.environ.pop("SOSA_CONFIG", None)
        else:
            os.environ["SOSA_CONFIG"] = previous


def prepare(folder: str | Path | None) -> DemoRun:
    """A new demo database in `folder` (created if needed) or in a new temporary folder."""
    if folder is None:
        target = Path(tempfile.mkdtemp(prefix="sosa-demo-"))
    else:
        target = Path(folder).expanduser().resolve()
        target.mkdir(parents=True, exist_ok=True)
    database = target / "sosa.db"
    if database.exists():
        raise SosaError(_("{folder} already holds a sosa database").format(folder=target), hint=_("give an empty folder with --dir"))
    conn = open_db(database, command="sosa demo")
    return DemoRun(folder=target, database=database, conn=conn)


def enroll_samples(run: DemoRun) -> list[str]:
    from .enrollment import enroll_and_notify, initial_status, validate_company
    from .fields import Invalid
    from .importing import read_records

    source = SAMPLE_COMPANIES
    records = []
    for doc in read_records(data_file(source).read_bytes(), source):
        record, problems = validate_company(doc.values, doc.lines)
        if problems or record is None:  # the shipped sample is tested; this guards an officer's edited copy
            raise Invalid(problems, source)
        records.append(record)
    keys, notices = enroll_and_notify(run.conn, records, source=source)
    applied = [key for key, record in zip(keys, records, strict=True) if initial_status(record.values) == "applied"]
    run.steps.append(
        _(
            "Enrolled {companies} from data/{source} ({first}…{last}) and recorded {applied}, without a Code of Conduct date, as applied;"
            " issued {notices} ({first_number}…{last_number}), none to the applicant."
        ).format(
            companies=count(len(keys) - len(applied), "{n} sample company", "{n} sample companies"),
            source=source,
            first=keys[0],
            last=keys[-1],
            applied=", ".join(applied),
            notices=count(len(notices), "{n} enrollment notice", "{n} enrollment notices"),
            first_number=notices[0].letter.doc_number,
            last_number=notices[-1].letter.doc_number,
        )
    )
    return keys


def request_priority_support(run: DemoRun) -> list[str]:
    """The JP→US flow: delays reported, one request followed to its outcome, one left open."""
    from . import delays, issuing, requests

    conn = run.conn
    fields = (
        "company",
        "supplier",
        "supplier_cage",
        "po",
        "part_number",
        "nsn",
        "description",
        "quantity",
        "need_date",
        "promised_date",
        "program",
        "program_en",
        "impact",
        "efforts",
        "service_branch",
        "contract",
        "supplier_address",
    )
    # The first request runs over several weeks, each step on its own day: reported
    # and sent, acknowledged, rated, accepted by the supplier, closed with its notice.
    with as_of(working_days_back(30)):
        keys = [delays.add(conn, dict(zip(fields, row, strict=True))).key for row in DEMO_DELAYS]
        delays.update(conn, keys[0], {"promised_date": "2027-05-31"}, note="supplier's letter: forging rework")
        first = requests.open_request(conn, keys[:2], action="rating", urgency="critical")
        _sent, letter = requests.send(conn, first.key)
    run.steps.append(_("Recorded delays {delays}; {first} slipped again (kept as a slip).").format(delays=", ".join(keys), first=keys[0]))
    with as_of(working_days_back(27)):
        requests.update(conn, first.key, status="acknowledged", dod_ref="IBP-SoSA-2026-0117")
    with as_of(working_days_back(22)):
        rated = requests.update(conn, first.key, status="rated", rating="DO-A1")
    with as_of(working_days_back(14)):
        requests.update(conn, first.key, committed_date="2027-01-12", status="supplier-accepted", note="Supplier accepted the rated order.")
    with as_of(working_days_back(10)):
        requests.close(conn, first.key, "resolved")
        outcome = issuing.render(conn, "outcome", first.key)
    run.steps.append(
        _(
            "Opened {request} for {delays} and sent the request letter {number} on {sent_on}; DoD rated it DO-A1 on {rated_on}"
            " (supplier to answer by {deadline}); the supplier accepted and committed to a new date; closed resolved and"
            " issued the outcome notice {outcome} on {outcome_on}."
        ).format(
            request=first.key,
            delays=", ".join(keys[:2]),
            number=letter.entry.doc_number,
            sent_on=letter.entry.letter_date,
            rated_on=rated.rated_on,
            deadline=rated.supplier_deadline,
            outcome=outcome.entry.doc_number,
            outcome_on=outcome.entry.letter_date,
        )
    )
    return keys


# A delayed service (役務): DPAS covers services as well as parts (DOMAIN.md §2). It has a
# description and a service code (PSC), no part number or NSN, and is one lot.
DEMO_SERVICE = {
    "company": "C-0003",
    "service": "yes",
    "supplier": "GE Aerospace",
    "supplier_cage": "07482",
    "po": "PO-CA-2026-318",
    "description": "F110 engine depot repair",
    "psc": "J028",
    "need_date": "2027-02-28",
    "promised_date": "2027-05-31",
    "program": "F110エンジン・オーバーホール",
    "program_en": "F110 engine overhaul line",
    "impact": "Two engines wait for depot repair; the overhaul line stops in March 2027.",
    "efforts": "Repair slot requested monthly since September 2026; no other depot is qualified.",
    "service_branch": "asdf",
}


def send_a_second_request(run: DemoRun, keys: list[str]) -> None:
    """A second request, for a late part and a late service (役務), sent six 開庁日 ago and
    rated since: its supplier's clock is running."""
    from . import delays, requests

    conn = run.conn
    with as_of(working_days_back(6)):
        service = delays.add(conn, DEMO_SERVICE)
        keys = [*keys, service.key]
        second = requests.open_request(conn, keys[2:], action="rating", urgency="urgent")
        requests.send(conn, second.key)
    with as_of(working_days_back(4)):
        requests.update(conn, second.key, status="acknowledged", dod_ref="IBP-SoSA-2026-0121")
    with as_of(working_days_back(2)):
        rated = requests.update(conn, second.key, status="rated", rating="DX-A1")
    run.steps.append(
        _(
            "Recorded {service}, a delayed service ({description}: 役務, no part number); opened and sent {request} for {part} and {service};"
            " DoD rated it DX-A1, so the supplier must accept or reject the rated order by {deadline} (10 US working days, 15 CFR 700.13)."
        ).format(service=service.key, description=service.description, request=second.key, part=keys[2], deadline=rated.supplier_deadline)
    )


def working_days_back(count: int):
    """The date `count` 開庁日 before today."""
    from datetime import timedelta

    from .calendar import is_jp_working_day
    from .clock import today

    day, back = today(), 0
    while back < count:
        day -= timedelta(days=1)
        back += is_jp_working_day(day)
    return day


@contextlib.contextmanager
def as_of(day) -> Iterator[None]:
    """Let the desk's "today" be `day` (SOSA_TODAY), so earlier work carries its own dates.

    The demo is one command, which runs on one day (clock.one_day): the block is a day of
    its own, and the command's day is back once it ends."""
    from .clock import one_day

    previous = os.environ.get("SOSA_TODAY")
    os.environ["SOSA_TODAY"] = day.isoformat()
    try:
        with one_day():
            yield
    finally:
        if previous is None:
            os.environ.pop("SOSA_TODAY", None)
        else:
            os.environ["SOSA_TODAY"] = previous


# The demo's first ask, relayed on the demo's first day.
FIRST_ASK = {
    "dod_ref": "IBP-SoSA-2026-0230",
    "program": "AN/TPY-2 radar sustainment",
    "part_number": "MC-4410-2",
    "nsn": "5962-01-456-7890",
    "description": "Microcircuit, hybrid, radar receiver",
    "quantity": "12",
    "current_date": "2027-09-30",
    "requested_date": "2027-05-31",
    "reason": "Radar units returning to service for an exercise in June 2027.",
}


def relay_an_ask(run: DemoRun, reply_by) -> list[str]:
    """The US→JP flow, first day: DoD's ask recorded and relayed to four participants.

    Run `as_of` a day eight 開庁日 back with five to answer, so that by today one
    company's answer is overdue and can be reminded. Returns the companies relayed to.
    """
    from datetime import timedelta

    from . import asks
    from .clock import today

    conn = run.conn
    day = today()
    ask = asks.record_ask(conn, {**FIRST_ASK, "received_on": (day - timedelta(days=1)).isoformat(), "reply_by": reply_by.isoformat()})
    matched = [row["key"] for row in asks.matching_companies(conn, ask.key)]
    companies = [*matched, *(c for c in ("C-0005", "C-0010", "C-0003") if c not in matched)]
    relayed = asks.relay(conn, ask.key, companies, within=5)
    run.steps.append(
        _(
            "On {day}: recorded DoD's ask {ask} (NSN class 5962: {matched} matches; the applicant C-0008 is not proposed)"
            " and relayed it to {companies} with letters {first}…{last}, answers due {answer_by}."
        ).format(
            day=day.isoformat(),
            ask=ask.key,
            matched=", ".join(matched),
            companies=", ".join(companies),
            first=relayed.letters[0].letter.doc_number,
            last=relayed.letters[-1].letter.doc_number,
            answer_by=relayed.relays[0].answer_by,
        )
    )
    return companies


def collect_answers(run: DemoRun, companies: list[str]) -> None:
    """The US→JP flow, today: three answers, a reminder to the silent company, the reply to DoD."""
    from . import asks
    from .calendar import add_jp_working_days
    from .clock import today

    conn = run.conn
    ask_key = "A-0001"
    asks.respond(conn, ask_key, companies[0], "accept", committed_date="2027-05-31")
    asks.respond(
        conn,
        ask_key,
        companies[1],
        "partial",
        committed_date="2027-06-30",
        quantity="6",
        note="残り6個は当初納期",
        note_en="The other six at the current delivery date.",
    )
    asks.respond(conn, ask_key, companies[2], "decline", note="生産ラインに余力なし", note_en="No spare capacity on the production line.")
    reminded = asks.remind(conn, ask_key)
    run.steps.append(
        _(
            "Today: recorded the answers: {accepts} accepts, {partial} brings 6 of 12 forward, {declines} declines"
            " (a normal answer: cooperation is voluntary); reminded {silent}, whose answer was overdue ({number})."
        ).format(accepts=companies[0], partial=companies[1], declines=companies[2], silent=companies[3], number=reminded.letters[0].letter.doc_number)
    )
    # The reminder's answer-by date is still ahead: the reply goes in part, and says that
    # answer will follow in a supplement (`sosa ask reply --supplement`).
    replied = asks.reply(conn, ask_key, silent_ok=frozenset(), partial=True)
    run.steps.append(
        _(
            "Replied to DoD in part with the answers in hand ({number}); {silent}'s answer, due by {answer_by} after the reminder,"
            " is awaited and will follow in a supplement."
        ).format(number=replied.letters[0].letter.doc_number, silent=companies[3], answer_by=reminded.relays[0].answer_by)
    )
    day = today()
    second = asks.record_ask(
        conn,
        {
            "dod_ref": "IBP-SoSA-2026-0244",
            "received_on": day.isoformat(),
            "program": "MQ-9 sustainment",
            "part_number": "OPT-7781",
            "nsn": "6650-01-222-3344",
            "description": "Infrared lens assembly",
            "quantity": "8",
            "current_date": "2027-08-31",
            "requested_date": "2027-04-30",
            "reason": "Attrition replacement ahead of schedule.",
            "reply_by": add_jp_working_days(day, 3).isoformat(),
        },
    )
    relayed = asks.relay(conn, second.key, ["C-0006"], within=2)
    run.steps.append(
        _("Recorded a second ask {ask} (reply to DoD due {reply_by}) and relayed it to C-0006 ({number}); its answer is awaited.").format(
            ask=second.key, reply_by=second.reply_by, number=relayed.letters[0].letter.doc_number
        )
    )


def a_company_comes_back(run: DemoRun) -> None:
    """C-0007 withdrew four weeks ago and accepts the Code of Conduct anew today: the same
    record is enrolled again (its key and history kept), and a new notice goes to it."""
    from . import config, issuing
    from .clock import today
    from .enrollment import enroll, validate_company
    from .register import get_company, set_status

    conn = run.conn
    with as_of(working_days_back(20)):
        set_status(conn, "C-0007", "withdrawn", reason="company request: business reorganisation", action="withdraw")
    company = get_company(conn, "C-0007")
    again = {"name_ja": company.name_ja, "name_en": company.name_en, "corporate_number": company.corporate_number}
    record, _problems = validate_company({**again, "coc_version": "1.1", "coc_accepted_on": today().isoformat(), "share_usg": "yes"})
    assert record is not None  # built from a stored company
    enroll(conn, [record], returning=True)
    notice = issuing.enrollment(conn, get_company(conn, "C-0007"), profile=config.load())
    run.steps.append(
        _(
            "C-0007 {name} withdrew four weeks ago and came back today: re-enrolled under the same key, its history kept,"
            " with the Code of Conduct accepted anew; new enrollment notice {number}."
        ).format(name=company.name_ja, number=notice.entry.doc_number)
    )


def run_the_desk(run: DemoRun) -> None:
    """The whole workflow over seven weeks, each step on a day of its own: enrollment 35
    開庁日 ago, a request followed from its letter to its outcome, a US ask relayed eight
    開庁日 ago and answered today."""
    from .calendar import add_jp_working_days
    from .clock import today

    reply_by = add_jp_working_days(today(), 4)
    with as_of(working_days_back(35)):
        enroll_samples(run)
    delay_keys = request_priority_support(run)
    with as_of(working_days_back(8)):
        companies = relay_an_ask(run, reply_by)
    send_a_second_request(run, delay_keys)
    collect_answers(run, companies)
    a_company_comes_back(run)


def write_the_desk_files(run: DemoRun) -> list[Path]:
    """What the desk hands on, written at the end: the report to look at, the deadlines for
    the officer's calendar, and an e-mail draft of each letter relayed today's ask to a company."""
    from . import calendar_export, mail, report
    from .letters import list_letters

    folder = run.database.parent
    page = report.write(report.gather(run.conn), f"{folder}/")
    deadlines = calendar_export.export(run.conn, f"{folder}/")
    drafts = []
    for letter in list_letters(run.conn, status="issued"):
        if letter.kind in ("relay", "reminder"):
            try:
                drafts.append(mail.draft(run.conn, letter.key))
            except SosaError:  # WeasyPrint installed but unable to print here: attach the Word letter
                drafts.append(mail.draft(run.conn, letter.key, fmt="docx"))
    written = [Path(page.destination), Path(deadlines.destination)] + [d.path for d in drafts if d.path is not None]
    run.steps.append(
        _(
            "Wrote the desk report ({report}), the deadlines for the calendar ({calendar}, {events} events)"
            " and {drafts} e-mail drafts of the relay and reminder letters."
        ).format(report=Path(page.destination).name, calendar=Path(deadlines.destination).name, events=len(deadlines.deadlines), drafts=len(drafts))
    )
    return written


def formats_available() -> tuple[list[str], str | None]:
    """The letter formats this machine can produce, and why PDF is missing if it is."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint without pango
        return ["md", "html", "docx"], _("PDF left out: {error} ({reason}); pip install 'sosa-cli[pdf]'").format(error=exc.__class__.__name__, reason=exc)
    return ["md", "html", "docx", "pdf"], None


def write_every_format(run: DemoRun, progress=None) -> list[Path]:
    """Every issued letter written in every format this machine can produce, into one folder."""
    from . import config
    from .letters import list_letters, render_issued

    profile = config.load()

    formats, missing = formats_available()
    issued = list_letters(run.conn, status="issued")
    written: set[Path] = set()
    done = 0
    for letter in issued:
        for fmt in list(formats):
            try:
                result = render_issued(run.conn, letter.key, fmt=fmt, profile=profile)
            except SosaError as exc:
                if fmt != "pdf":
                    raise
                # WeasyPrint is installed but the machine cannot print the letter (no
                # Japanese font, say): the demo goes on without PDFs and says why.
                formats.remove("pdf")
                missing = _("PDF left out: {reason}").format(reason=exc)
                continue
            if result.path is not None:
                written.add(result.path)
            done += 1
            if progress:
                progress(done)
    folder = run.database.parent / f"{run.database.stem}-letters"  # the database's letters folder
    if missing:
        said = _("Wrote each of the {n} letters as {formats} into {folder} ({missing}).")
    else:
        said = _("Wrote each of the {n} letters as {formats} into {folder}.")
    run.steps.append(said.format(n=len(issued), formats=", ".join(formats), folder=folder, missing=missing))
    return sorted(written)
