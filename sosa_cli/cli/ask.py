"""`sosa ask …` and `sosa relay`: DoD's asks, relayed to participants, answered, replied to."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import N_, _, ngettext, strerror
from .dryrun import DryRunOption
from .dryrun import dry_run as dry_run_letters
from .options import DbOption, ForceOption, JsonOption, YesOption, confirm, open_desk, out_option
from .output import check_letter_destination, count, letter_sink, message, print_card, print_table, progress, state, stdin_is_terminal

app = typer.Typer(help="US asks from DoD: record, list, show, respond, remind, reply, close, cancel.", no_args_is_help=True)

LIST_COLUMNS = [
    ("key", N_("Key")),
    ("dod_ref", N_("DoD ref")),
    ("status", N_("Status")),
    ("received_on", N_("Received")),
    ("reply_by", N_("Reply by")),
    ("part", N_("Item")),
    ("relay_count", N_("Relayed")),
    ("answered", N_("Answered")),
    ("overdue", N_("Overdue")),
]
ITEM_COLUMNS = [
    ("position", N_("#")),
    ("part_number", N_("Part number")),
    ("nsn", N_("NSN")),
    ("description", N_("Description")),
    ("quantity", N_("Qty")),
    ("current_date", N_("Current date")),
    ("requested_date", N_("Requested date")),
    ("customer", N_("US customer")),
    ("order_number", N_("Order")),
    ("psc", N_("Service code (PSC)")),
]
RELAY_COLUMNS = [
    ("company_key", N_("Company")),
    ("company_name", N_("Name")),
    ("status", N_("State")),
    ("sent_on", N_("Sent")),
    ("answer_by", N_("Answer by")),
    ("reminders", N_("Reminders")),
    ("decision", N_("Answer")),
    ("committed_date", N_("Committed")),
    ("quantity", N_("Qty")),
    ("note", N_("Note")),
    ("note_en", N_("Note (en)")),
]
LETTER_COLUMNS = [
    ("key", N_("Letter")),
    ("kind", N_("Kind")),
    ("company", N_("Company")),
    ("doc_number", "文書番号"),
    ("letter_date", N_("Date")),
    ("status", N_("Status")),
]
MATCH_COLUMNS = [("key", N_("Company")), ("name_ja", N_("Name")), ("matched", N_("Matching FSC / PSC"))]

# What an answer was, as a message says it (the English as the reply to DoD words it).
DECISION_SAID = {"accept": N_("accepted"), "partial": N_("partially accepted"), "decline": N_("declined"), "no-response": N_("no response")}

AskKey = Annotated[str, typer.Argument(help="Ask key, e.g. A-0001.")]
Format = Annotated[str, typer.Option("--format", help="Letter format: md, html, docx or pdf.")]
Out = Annotated[str | None, typer.Option("--out", help="Folder for the letters (default: the letters folder); - prints them.")]
Mail = Annotated[bool, typer.Option("--mail", help="Also write an e-mail draft (.eml) per company beside the letters, the letter attached; nothing is sent.")]


def _show_letters(results: list) -> None:
    """The files written; letters for standard output were printed by `letter_sink` already."""
    for result in results:
        if result.path is not None:
            typer.echo(str(result.path))


def _refuse_mail_to_stdout(mail: bool, out: str | None) -> None:
    from ..errors import SosaError

    if mail and out == "-":
        raise SosaError(_("--mail writes the drafts beside the letters' files, and --out - prints the letters"), hint=_("drop --out -, or give --out FOLDER"))


def _note(warning: str) -> None:
    message(_("Note: {warning}.").format(warning=warning))


def _write_drafts(conn, results: list, failed: Callable[[str, str], str]) -> None:
    """One e-mail draft per letter just issued, beside its file (`--mail`); the letters stand if a draft fails.

    `failed(letter, reason)` says what was done and which draft could not be written.
    """
    from ..errors import SosaError
    from ..mail import draft

    for result in results:
        try:
            made = draft(conn, result.letter.key, folder=result.path.parent)
        except SosaError as exc:
            raise SosaError(
                failed(result.letter.key, exc.message),
                hint=_("write it with `sosa letter mail {letter}` (--format docx where PDF cannot be printed)").format(letter=result.letter.key),
            ) from None
        typer.echo(str(made.path))
        for warning in made.warnings:
            _note(warning)
    n = len(results)
    message(
        ngettext(
            "Wrote {n} e-mail draft beside the letters, each with its letter attached; nothing was sent.",
            "Wrote {n} e-mail drafts beside the letters, each with its letter attached; nothing was sent.",
            n,
        ).format(n=f"{n:,}")
    )


def _summary(ask) -> dict[str, Any]:
    data = ask.as_dict()
    first = ask.items[0] if ask.items else None
    data["part"] = first and first.what
    data["relay_count"] = len(ask.relays)
    return data


# --- record ------------------------------------------------------------------------------


@app.command()
def record(
    dod_ref: Annotated[str | None, typer.Option("--dod-ref", help="DoD's reference for the ask.")] = None,
    received_on: Annotated[str | None, typer.Option("--received-on", help="Date the ask came in (default: today).")] = None,
    program: Annotated[str | None, typer.Option("--program", help="US program or end item, in English as DoD gave it.")] = None,
    service: Annotated[bool, typer.Option("--service", help="The item is a service (役務: repair, overhaul, test): no part number or NSN.")] = False,
    part_number: Annotated[str | None, typer.Option("--part-number", help="Part number.")] = None,
    nsn: Annotated[str | None, typer.Option("--nsn", help="NSN, with or without hyphens.")] = None,
    psc: Annotated[str | None, typer.Option("--psc", help="A service's code (PSC), e.g. J015: `sosa relay --match` finds the companies performing it.")] = None,
    description: Annotated[str | None, typer.Option("--description", help="What the part is or the service does, in English.")] = None,
    quantity: Annotated[str | None, typer.Option("--quantity", help="Quantity asked (a positive whole number).")] = None,
    current_date: Annotated[str | None, typer.Option("--current-date", help="Current delivery date (ISO or 和暦).")] = None,
    requested_date: Annotated[str | None, typer.Option("--requested-date", help="Date DoD asks for: earlier than the current date; no ASAP.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why DoD needs it earlier.")] = None,
    reply_by: Annotated[str | None, typer.Option("--reply-by", help="Date DoD wants ATLA's reply by.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="US customer (prime or buyer) the order is owed to.")] = None,
    order_number: Annotated[str | None, typer.Option("--order-number", help="Order or contract number DoD gave.")] = None,
    from_file: Annotated[Path | None, typer.Option("--from", help="YAML file of asks (a mapping or a list; items: for several items).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Confirm that an ask under a DoD reference already recorded is a separate ask.")] = False,
    db: DbOption = None,
) -> None:
    """Record an ask received from DoD; prints its key.

    The requested date must be earlier than the current delivery date: otherwise nothing
    would be brought forward. A DoD reference already recorded is refused, naming its
    ask, unless you confirm (--yes) that DoD sent a separate ask under it.

    Example: sosa ask record --dod-ref IBP-2026-0311 --nsn 5962-01-456-7890 --part-number MC-4410
    --quantity 12 --current-date 2027-06-30 --requested-date 2027-03-31 --reply-by 2026-12-18
    """
    from .. import asks
    from ..errors import SosaError

    given = {
        "dod_ref": dod_ref,
        "received_on": received_on,
        "program": program,
        "service": "yes" if service else None,
        "part_number": part_number,
        "nsn": nsn,
        "psc": psc,
        "description": description,
        "quantity": quantity,
        "current_date": current_date,
        "requested_date": requested_date,
        "reason": reason,
        "reply_by": reply_by,
        "customer": customer,
        "order_number": order_number,
    }
    raw = {k: v for k, v in given.items() if v is not None}
    conn = open_desk(db)
    if from_file is not None:
        if raw:
            raise SosaError(_("give the ask either in a file (--from) or as options, not both"))
        from ..importing import read_records

        source = str(from_file)
        try:
            data = sys.stdin.buffer.read() if source == "-" else from_file.read_bytes()
        except OSError as exc:
            raise SosaError(_("cannot read {source}: {reason}").format(source=source, reason=strerror(exc))) from None
        keys = asks.record_asks(conn, read_records(data, source), source=source, separate=yes)
        for key in keys:
            typer.echo(key)
        n = len(keys)
        message(ngettext("Recorded {n} ask from {source}.", "Recorded {n} asks from {source}.", n).format(n=f"{n:,}", source=source))
        return
    for name, option in (
        ("dod_ref", "--dod-ref"),
        *([] if service else [("quantity", "--quantity")]),
        ("current_date", "--current-date"),
        ("requested_date", "--requested-date"),
        ("reply_by", "--reply-by"),
    ):
        if name not in raw:
            raise SosaError(_("missing {option}").format(option=option), hint=_("see `sosa ask record --help`"))
    asks.validate(raw)  # what is wrong with the ask itself is said before a repeated reference
    said = asks.duplicate_reference(conn, raw["dod_ref"])
    if said:
        if stdin_is_terminal() and not yes:
            message(_("{sentence}.").format(sentence=said))
        confirm(_("Record this as a separate ask?"), yes, refusal=said, hint=_(asks.SEPARATE_HINT))
    ask = asks.record_ask(conn, raw, separate=bool(said))
    typer.echo(ask.key)
    item = ask.items[0]
    message(
        _("Recorded {key} ({dod_ref}): {item} ×{quantity}, {current_date} → {requested_date}; reply to DoD by {reply_by}.").format(
            key=ask.key,
            dod_ref=ask.dod_ref,
            item=item.what,
            quantity=item.quantity,
            current_date=item.current_date,
            requested_date=item.requested_date,
            reply_by=ask.reply_by,
        )
    )


# --- list, show ------------------------------------------------------------------------


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="received, relayed, partly-replied, replied, closed or cancelled.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only asks with an overdue relay or past DoD's reply-by date.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the asks, filtered by status or overdue.

    Example: sosa ask list --overdue
    """
    from ..asks import list_asks

    rows = [_summary(a) for a in list_asks(open_desk(db), status=status, overdue=overdue)]
    print_table(rows, LIST_COLUMNS, as_json=as_json, title=count(len(rows), "{n} ask", "{n} asks"), empty=_("no asks match"))


@app.command()
def show(ask: AskKey, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show an ask: its items, every relay with its state, answer and due date, the letters, the history.

    Example: sosa ask show A-0001
    """
    from ..asks import get_ask
    from ..letters import list_letters
    from .history import record_history

    conn = open_desk(db)
    found = get_ask(conn, ask)
    data = found.as_dict()
    letters = [letter.as_dict() for letter in list_letters(conn, record=found.key)]
    data["letters"] = letters
    data["history"], history_section = record_history(conn, found.key)
    waiting = found.waiting
    relayed = len(found.relays)
    fields = [
        (N_("Key"), found.key),
        (N_("Status"), state(found.status, found.cancel_reason, of="ask")),
        (N_("DoD reference"), found.dod_ref),
        (N_("Received"), found.received_on),
        (N_("Reply to DoD by"), _("{date} (past)").format(date=found.reply_by) if found.reply_overdue else found.reply_by),
        (N_("Program"), found.program),
        (N_("Reason"), found.reason),
        (
            N_("Relayed to"),
            ngettext("{n} company; {answered} answered, {overdue} overdue", "{n} companies; {answered} answered, {overdue} overdue", relayed).format(
                n=f"{relayed:,}", answered=relayed - len(waiting), overdue=len(found.overdue_relays)
            ),
        ),
        (N_("Replied"), found.replied_on),
        (N_("Closed"), found.closed_on),
    ]
    if not as_json:
        # The table says why a late relay is not overdue: its company is no longer chased.
        data["relays"] = [
            {**r, "status": state(r["status"], r["company_status"], of="relay")} if r["company_status"] != "enrolled" else r for r in data["relays"]
        ]
    print_card(
        _("{key} ask from DoD").format(key=found.key),
        fields,
        data=data,
        as_json=as_json,
        sections=[
            (N_("Items"), data["items"], ITEM_COLUMNS),
            (N_("Relays"), data["relays"], RELAY_COLUMNS),
            (N_("Letters"), letters, LETTER_COLUMNS),
            history_section,
        ],
    )


# --- answers, reminders, the reply ----------------------------------------------------------


@app.command()
def respond(
    ask: AskKey,
    company: Annotated[str, typer.Argument(help="The company that answered: key or 法人番号.")],
    decision: Annotated[str, typer.Option("--decision", help="accept, partial, decline or no-response.")],
    committed_date: Annotated[str | None, typer.Option("--committed-date", help="Date the company commits to (accept, partial).")] = None,
    quantity: Annotated[str | None, typer.Option("--quantity", help="Quantity it can bring forward (partial).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Conditions or a note from the company.")] = None,
    note_en: Annotated[str | None, typer.Option("--note-en", help="The note in English, for the reply to DoD.")] = None,
    db: DbOption = None,
) -> None:
    """Record a company's answer to a relay; run it again to correct an answer.

    Declining is a normal answer: cooperation is voluntary.

    Example: sosa ask respond A-0001 C-0002 --decision accept --committed-date 2027-03-31
    """
    from ..asks import respond as record_answer

    relay = record_answer(open_desk(db), ask, company, decision, committed_date=committed_date, quantity=quantity, note=note, note_en=note_en)
    said = {"company": relay.company_key, "ask": relay.ask_key, "decision": _(DECISION_SAID[relay.decision or "no-response"])}
    if relay.decision in ("accept", "partial"):
        message(_("Recorded {company}'s answer to {ask}: {decision}: {quantity} by {date}.").format(**said, quantity=relay.quantity, date=relay.committed_date))
    else:
        message(_("Recorded {company}'s answer to {ask}: {decision}.").format(**said))


@app.command()
def remind(
    ask: AskKey,
    within: Annotated[int | None, typer.Option("--within", help="開庁日 for the new answer-by date (default: setting reminder_answer_days, 5).")] = None,
    fmt: Format = "md",
    out: Out = None,
    force: ForceOption = False,
    mail: Mail = False,
    dry_run: DryRunOption = False,
    db: DbOption = None,
) -> None:
    """Send a reminder (再依頼) to every company whose answer is overdue.

    A company no longer enrolled (withdrawn or suspended) is not reminded; the command
    says which were skipped. The new answer-by date is never after DoD's reply-by date;
    when no 開庁日 is left before that date, reply to DoD instead.

    Example: sosa ask remind A-0001 --format html
    """
    from ..asks import get_ask
    from ..asks import remind as send_reminders

    check_letter_destination(fmt, out, several=True)
    _refuse_mail_to_stdout(mail, out)
    conn = open_desk(db)
    if dry_run:
        dry_run_letters(conn, lambda: send_reminders(conn, ask, within=within, fmt=fmt))
        return
    with progress(_("Reminders"), len(get_ask(conn, ask).overdue_relays)) as step:
        result = send_reminders(conn, ask, within=within, fmt=fmt, out=out_option(out, force), progress=step, emit=letter_sink(out))
    for line in result.skipped:
        message(_("{sentence}.").format(sentence=line))
    if not result.relays:
        message(_("No answer to {key} is overdue; no reminder sent.").format(key=result.ask.key))
        return
    _show_letters(result.letters)
    for warning in result.warnings:
        _note(warning)
    for relay, letter in zip(result.relays, result.letters, strict=True):
        message(
            _("Reminded {company} ({letter} {number}); new answer-by date {date}.").format(
                company=relay.company_key, letter=letter.letter.key, number=letter.letter.doc_number, date=relay.answer_by
            )
        )
    if mail:
        _write_drafts(conn, result.letters, _reminders_sent_but)


def _reminders_sent_but(letter: str, reason: str) -> str:
    return _("the reminders were sent, but the e-mail draft of {letter} could not be written: {reason}").format(letter=letter, reason=reason)


@app.command()
def reply(
    ask: AskKey,
    partial: Annotated[bool, typer.Option("--partial", help="Reply now though some company's answer-by date is still ahead; its answer follows.")] = False,
    supplement: Annotated[bool, typer.Option("--supplement", help="After a partial reply: send DoD the answers it said were awaited.")] = False,
    yes: YesOption = False,
    fmt: Format = "md",
    out: Annotated[str | None, typer.Option("--out", help="File or folder for the letter (default: the letters folder); - prints it.")] = None,
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    db: DbOption = None,
) -> None:
    """Issue the English reply to DoD with every company's answer; the ask becomes replied.

    While some company's answer-by date (first or reminded) is still ahead, the reply
    waits for it, or goes now with --partial: the letter says which answers are awaited,
    and --supplement later sends them as a further numbered letter. Companies past their
    date without an answer are reported as no response, after a confirmation; --yes
    confirms whichever companies have not answered when the command reads them.

    Example: sosa ask reply A-0001 --format html
    """
    from ..asks import get_ask, not_answered, split_unanswered
    from ..asks import reply as send_reply
    from ..clock import today

    check_letter_destination(fmt, out)
    conn = open_desk(db)
    found = get_ask(conn, ask)
    _pending, silent = split_unanswered(found, today())
    if silent:
        names = ", ".join(f"{r.company_key} {r.company_name}" + ("" if r.chased else f" ({r.company_status})") for r in silent)
        if (stdin_is_terminal() and not yes) or dry_run:
            message(not_answered(len(silent), len(found.relays), found.key, names, listed=True))
        confirm(
            ngettext("Reply to DoD with it as no response?", "Reply to DoD with them as no response?", len(silent)),
            yes or dry_run,
            refusal=not_answered(len(silent), len(found.relays), found.key, names),
            hint=_("add --yes to reply with them as no response, or record their answers first with `sosa ask respond`"),
        )
    # The set read and confirmed here is checked again inside the reply's transaction
    # (asks._settle): a relay added or answered meanwhile refuses the reply, so nothing is
    # recorded as no response that the officer did not see. With --yes the same holds.
    confirmed = frozenset(r.company_key for r in silent)
    if dry_run:
        dry_run_letters(conn, lambda: send_reply(conn, found.key, silent_ok=confirmed, partial=partial, supplement=supplement, fmt=fmt))
        return
    result = send_reply(
        conn, found.key, silent_ok=confirmed, partial=partial, supplement=supplement, fmt=fmt, out=out_option(out, force), emit=letter_sink(out)
    )
    _show_letters(result.letters)
    letter = result.letters[0].letter
    said = {"key": result.ask.key, "letter": letter.key, "number": letter.doc_number, "companies": ", ".join(r.company_key for r in result.relays)}
    if supplement:
        if result.relays:
            done = _("Sent DoD the supplement on {key}: {letter} {number}; recorded {companies} as no response.")
        else:
            done = _("Sent DoD the supplement on {key}: {letter} {number}.")
    elif result.relays:
        done = _("Replied to DoD on {key}: {letter} {number}; recorded {companies} as no response.")
    else:
        done = _("Replied to DoD on {key}: {letter} {number}.")
    message(done.format(**said))
    awaited = result.ask.waiting
    if result.ask.status == "partly-replied" and awaited:
        names = ", ".join(_("{company} (by {date})").format(company=r.company_key, date=r.answer_by) for r in awaited)
        message(
            ngettext(
                "Awaited: {names}; send its answer with `sosa ask reply {key} --supplement`.",
                "Awaited: {names}; send their answers with `sosa ask reply {key} --supplement`.",
                len(awaited),
            ).format(names=names, key=result.ask.key)
        )


@app.command()
def close(ask: AskKey, db: DbOption = None) -> None:
    """Close an ask once DoD has ATLA's reply.

    Example: sosa ask close A-0001
    """
    from ..asks import close as close_ask

    found = close_ask(open_desk(db), ask)
    message(_("Closed {key}.").format(key=found.key))


@app.command()
def cancel(
    ask: AskKey,
    reason: Annotated[str, typer.Option("--reason", help="Why: e.g. DoD withdrew the ask by e-mail of a date.")],
    db: DbOption = None,
) -> None:
    """Record that DoD withdrew an ask.

    Example: sosa ask cancel A-0001 --reason "DoD withdrew the ask on 2026-12-02"
    """
    from ..asks import cancel as cancel_ask

    found = cancel_ask(open_desk(db), ask, reason)
    message(_("Cancelled {key}: {reason}.").format(key=found.key, reason=found.cancel_reason))


# --- relay (a top-level command) ------------------------------------------------------------


def relay(
    ask: AskKey,
    to: Annotated[list[str] | None, typer.Option("--to", help="A company to relay to (repeatable): key or 法人番号.")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Answer-by date (ISO or 和暦).")] = None,
    within: Annotated[int | None, typer.Option("--within", help="Answer within N 開庁日 (default: setting relay_answer_days, 10).")] = None,
    match: Annotated[
        bool, typer.Option("--match", help="Propose the enrolled companies that make a part's supply class (its NSN's FSC) or perform a service's PSC.")
    ] = False,
    yes: YesOption = False,
    fmt: Format = "md",
    out: Out = None,
    force: ForceOption = False,
    mail: Mail = False,
    dry_run: DryRunOption = False,
    db: DbOption = None,
) -> None:
    """Relay a US ask to participants: one relay and one Japanese relay letter per company.

    All or nothing: a company that is not enrolled or was already relayed refuses the
    whole command. The letter says cooperation is voluntary and asks for an answer
    even from a company that cannot help.

    Example: sosa relay A-0001 --to C-0002 --to C-0005 --within 10
    """
    from ..asks import matching_companies
    from ..asks import relay as relay_ask
    from ..errors import SosaError

    check_letter_destination(fmt, out, several=True)
    _refuse_mail_to_stdout(mail, out)
    conn = open_desk(db)
    companies = list(to or [])
    if match:
        proposed = matching_companies(conn, ask)
        if not proposed:
            if not companies:
                raise SosaError(
                    _("no enrolled company not yet relayed makes the supply class of {key}").format(key=ask.upper()), hint=_("name companies with --to")
                )
            message(_("No further enrolled company matches the supply class."))
        else:
            message(_("Enrolled companies whose supply classes or service codes match {key}:").format(key=ask.upper()))
            for row in proposed:
                message(f"  {row['key']}  {row['name_ja']}  ({row['matched']})")
            n = len(proposed)
            confirm(
                ngettext("Relay to this company?", "Relay to these {n} companies?", n).format(n=f"{n:,}"),
                yes or dry_run,
                refusal=ngettext("--match proposes {n} company for {key}", "--match proposes {n} companies for {key}", n).format(n=f"{n:,}", key=ask.upper()),
                hint=_("add --yes to relay to them, or name the companies with --to"),
            )
            companies += [row["key"] for row in proposed if row["key"] not in companies]
    if not companies:
        raise SosaError(_("name at least one company"), hint=_("add --to C-0001, or --match to propose companies by supply class"))
    if dry_run:
        dry_run_letters(conn, lambda: relay_ask(conn, ask, companies, due=due, within=within, fmt=fmt))
        return
    with progress(_("Relay letters"), len(companies)) as step:
        result = relay_ask(conn, ask, companies, due=due, within=within, fmt=fmt, out=out_option(out, force), progress=step, emit=letter_sink(out))
    _show_letters(result.letters)
    for warning in result.warnings:
        _note(warning)
    numbers = [r.letter.doc_number for r in result.letters]
    n = len(result.relays)
    message(
        ngettext(
            "Relayed {key} to {n} company ({companies}); letter {numbers}; answers due by {date}.",
            "Relayed {key} to {n} companies ({companies}); letters {numbers}; answers due by {date}.",
            n,
        ).format(
            key=result.ask.key,
            n=f"{n:,}",
            companies=", ".join(r.company_key for r in result.relays),
            numbers=numbers[0] if len(numbers) == 1 else f"{numbers[0]}…{numbers[-1]}",
            date=result.relays[0].answer_by,
        )
    )
    if mail:
        _write_drafts(
            conn,
            result.letters,
            lambda letter, reason: _("{key} was relayed, but the e-mail draft of {letter} could not be written: {reason}").format(
                key=result.ask.key, letter=letter, reason=reason
            ),
        )
