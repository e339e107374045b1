"""Issuing letters for records: the domain's side of `sosa letter render`.

The letters package knows how a letter reads and how its number is issued, but nothing
of companies, requests or asks. Here a record key is resolved to the records a kind
needs, and those records are handed to the kind's builder (letters/kinds.py). The
commands that issue letters as part of their work (`sosa enroll --letter`, `sosa request
send`, `sosa relay`, `sosa ask remind`, `sosa ask reply`) call the same functions with
the records they already hold, so a relay to 400 companies loads the ask once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from . import config, letters
from .errors import SosaError
from .i18n import _
from .letters import kinds
from .letters.kinds import Target


def printed_ahead(
    conn: sqlite3.Connection,
    fmt: str,
    count: int,
    issue_all: Callable[[str, Callable[[int], None] | None], list[letters.LetterResult]],
    progress: Callable[[int], None] | None = None,
) -> list[letters.LetterResult]:
    """Issue a batch of `count` letters with `issue_all(fmt, progress)`, inside the caller's
    transaction, their PDFs printed ahead by worker processes.

    For PDF the batch is first rehearsed in HTML and undone (store.rehearsal), which tells
    each letter's page, number and all; worker processes (letters.pdf.printing_ahead) print
    those pages while the batch is issued for real, in order, as one process would.
    """
    from .letters.pdf import printing_ahead
    from .store import rehearsal

    if fmt != "pdf" or getattr(conn, "rehearsal", None) is not None:
        return issue_all(fmt, progress)
    with printing_ahead(count) as ahead:
        if ahead is not None:
            with rehearsal(conn):
                for page in issue_all("html", None):
                    ahead(str(page.content), page.entry.key)
        return issue_all(fmt, progress)


def enrollment_notices(conn: sqlite3.Connection, companies: list[Any], *, profile: config.Profile, fmt: str) -> list[letters.LetterResult]:
    """The notice (通知) of each company just enrolled, in the caller's transaction."""

    def issue_all(fmt: str, _progress: Callable[[int], None] | None) -> list[letters.LetterResult]:
        return [enrollment(conn, company, profile=profile, fmt=fmt) for company in companies]

    return printed_ahead(conn, fmt, len(companies), issue_all)


def enrollment(conn: sqlite3.Connection, company: Any, *, profile: config.Profile, **options: Any) -> letters.LetterResult:
    from .enrollment import issued_since_return

    target = Target(company.key, company.id, company.key)
    # A company that withdrew and came back gets a new notice; the one of its earlier
    # enrollment stays in the register as it was sent.
    return letters.issue(
        conn,
        "enrollment",
        target,
        lambda: kinds.enrollment(company),
        profile=profile,
        stands=lambda notice: issued_since_return(conn, company.key, notice.key),
        **options,
    )


def request_letter(conn: sqlite3.Connection, request: Any, company: Any, *, profile: config.Profile, **options: Any) -> letters.LetterResult:
    target = Target(request.key, company.id, company.key)
    return letters.issue(conn, "request", target, lambda: kinds.request(request, company), profile=profile, **options)


def outcome(conn: sqlite3.Connection, request: Any, company: Any, *, profile: config.Profile, **options: Any) -> letters.LetterResult:
    target = Target(request.key, company.id, company.key)
    return letters.issue(conn, "outcome", target, lambda: kinds.outcome(request, company), profile=profile, **options)


def relay(conn: sqlite3.Connection, ask: Any, relay_: Any, company: Any, *, profile: config.Profile, **options: Any) -> letters.LetterResult:
    target = Target(ask.key, company.id, company.key)
    return letters.issue(conn, "relay", target, lambda: kinds.relay(ask, relay_, company), profile=profile, **options)


def reminder(conn: sqlite3.Connection, ask: Any, relay_: Any, company: Any, *, profile: config.Profile, **options: Any) -> letters.LetterResult:
    target = Target(ask.key, company.id, company.key)

    def build() -> letters.LetterFacts:
        first = letters.issued(conn, "relay", target)
        first_letter = {"number": first.doc_number, "date": first.letter_date} if first else None
        return kinds.reminder(ask, relay_, company, first_letter)

    return letters.issue(conn, "reminder", target, build, profile=profile, **options)


def _reply_companies(conn: sqlite3.Connection, ask: Any) -> tuple[dict[str, Any], Callable[[str], bool]]:
    """The relayed companies by key, and whether each one's relay letter told it its name would go to DoD."""
    from .register import get_company

    companies = {r.company_key: get_company(conn, r.company_key) for r in ask.relays}

    def told(key: str) -> bool:
        company = companies[key]
        said = letters.snapshot_field(conn, "relay", Target(ask.key, company.id, company.key), ("relay", "disclose_to_dod"))
        return bool(said)

    return companies, told


def reply(conn: sqlite3.Connection, ask: Any, *, on: date, profile: config.Profile, **options: Any) -> letters.LetterResult:
    def build() -> letters.LetterFacts:
        return kinds.reply(ask, *_reply_companies(conn, ask), on=on.isoformat())

    return letters.issue(conn, "reply", Target(ask.key), build, profile=profile, on=on, **options)


def last_reply(conn: sqlite3.Connection, ask_key: str) -> letters.Letter | None:
    """The latest letter issued to DoD on an ask: its reply, or a supplement after it."""
    found = [letters.issued(conn, kind, Target(ask_key)) for kind in ("reply", "reply-supplement")]
    return max((f for f in found if f is not None), key=lambda f: f.id, default=None)


def reply_supplement(conn: sqlite3.Connection, ask: Any, *, on: date, profile: config.Profile, **options: Any) -> letters.LetterResult:
    """A further numbered letter to DoD forwarding the answers the last one said were awaited."""
    earlier = last_reply(conn, ask.key)
    if earlier is None or earlier.context is None:
        raise SosaError(
            _("{ask} has no reply letter in the register to supplement").format(ask=ask.key),
            hint=_("issue the reply again: sosa letter render reply {ask}").format(ask=ask.key),
        )
    context = earlier.context

    def build() -> letters.LetterFacts:
        return kinds.reply_supplement(ask, *_reply_companies(conn, ask), earlier=context)

    return letters.issue(conn, "reply-supplement", Target(ask.key), build, profile=profile, on=on, **options)


# --- `sosa letter render KIND RECORD` ------------------------------------------------------------


def render(
    conn: sqlite3.Connection,
    kind: str,
    record: str,
    *,
    company: str | None = None,
    fmt: str = "md",
    out: str | Path | None = None,
    draft: bool = False,
    on: str | date | None = None,
    profile: config.Profile | None = None,
    emit: Callable[[str | bytes], None] | None = None,
) -> letters.LetterResult:
    """Render (and, unless `draft`, issue) a letter of `kind` for the record named `record`.

    With `out="-"`, `emit` is handed the letter inside the transaction: a letter that
    cannot be printed is not issued.
    """
    from .calendar import parse_date
    from .fields import iso_date
    from .store import transaction

    spec = kinds.get_kind(kind)
    profile = profile or config.load()
    # Within twenty years of today, like every date a record takes: a letter dated 2118
    # would otherwise hold back every later letter of its series (they go in date order).
    letter_date = parse_date(iso_date(on)) if on is not None else None
    if spec.takes_company and not company:
        raise SosaError(_("a {kind} letter goes to one company").format(kind=spec.name), hint=_("add --company C-…"))
    if company and not spec.takes_company and spec.record != "C":
        raise SosaError(_("a {kind} letter takes no --company").format(kind=spec.name), hint=_("drop --company"))
    options: dict[str, Any] = {"fmt": fmt, "out": out, "draft": draft, "on": letter_date}
    with transaction(conn):
        if spec.record == "C":
            result = _company_letter(conn, record, company, profile, options)
        elif spec.record == "R":
            result = _request_letter(conn, spec.name, record, profile, options, draft=draft)
        else:
            result = _ask_letter(conn, spec.name, record, company, profile, options)
        if emit is not None and result.path is None:
            emit(result.content)
    return result


def _company_letter(conn: sqlite3.Connection, record: str, company: str | None, profile: config.Profile, options: dict[str, Any]) -> letters.LetterResult:
    from .register import get_company

    found = get_company(conn, record)
    if company is not None and get_company(conn, company).id != found.id:
        raise SosaError(_("this letter goes to the company {company} itself").format(company=found.key), hint=_("drop --company"))
    return enrollment(conn, found, profile=profile, **options)


def _request_letter(conn: sqlite3.Connection, kind: str, record: str, profile: config.Profile, options: dict[str, Any], *, draft: bool) -> letters.LetterResult:
    from .register import get_company
    from .requests import get_request

    request = get_request(conn, record)
    company = get_company(conn, request.company_key)
    if kind == "request":
        if not draft and letters.issued(conn, "request", Target(request.key, company.id, company.key)) is None:
            kinds.request_guard(request)
        return request_letter(conn, request, company, profile=profile, **options)
    return outcome(conn, request, company, profile=profile, **options)


def _ask_letter(
    conn: sqlite3.Connection, kind: str, record: str, company: str | None, profile: config.Profile, options: dict[str, Any]
) -> letters.LetterResult:
    from .asks import get_ask, get_relay
    from .register import get_company

    ask = get_ask(conn, record)
    if kind == "reply-supplement":
        # The supplement moves the ask (replied in part → replied) and records who stayed
        # silent, so it is issued by the command that does that; an issued one is written
        # again by its key.
        raise SosaError(
            _("a supplement to the reply is issued by `sosa ask reply {ask} --supplement`").format(ask=ask.key),
            hint=_("`sosa letter export L-…` writes an issued supplement again"),
        )
    if kind == "reply":
        if company is not None:
            raise SosaError(_("the reply goes to DoD, not to a company"), hint=_("drop --company"))
        on = options.pop("on") or (date.fromisoformat(ask.replied_on) if ask.replied_on else None)
        if on is None:
            from .clock import today

            on = today()
        return reply(conn, ask, on=on, profile=profile, **options)
    assert company is not None
    found = get_company(conn, company)
    relay_ = get_relay(ask, found.key)  # refuses a company this ask was not relayed to
    build = relay if kind == "relay" else reminder
    return build(conn, ask, relay_, found, profile=profile, **options)
