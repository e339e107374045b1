"""`sosa report`: where the arrangement stands, for one period, as facts and as one HTML page.

:func:`gather` collects the facts of a period (a 年度, April–March, or `FROM..TO`):

- the register as it stands today: companies by status, consents to share with the USG
  and with US primes (enrolled companies), enrolments per month of the period (the date
  the Code of Conduct was accepted);
- the JP→US requests opened in the period: each one's timeline, opened → sent →
  acknowledged → rated → accepted (by the supplier) → closed, from the request's own date
  columns (sent_on, rated_on, closed_on) and otherwise from its audit entries (the Japan
  date of the entry that opened it or moved it to the step); the median days from opening
  to each step; the outcomes;
- the US asks received in the period: the companies' answers by kind, the answer rate,
  the median days a company took to answer and the desk took to reply to DoD;
- what is due in the next 30 days, from the facts `sosa status` uses (status.attention).

:func:`render_html` draws them into one self-contained page (inline CSS, inline SVG, no
script, no remote resource) that prints on A4 landscape.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from . import files
from .errors import SosaError
from .i18n import N_, _

STEPS = ("opened", "sent", "acknowledged", "rated", "accepted", "closed")
# The audit status that marks a step reached, where the request keeps no date of its own.
STEP_STATUS = {"sent": "sent", "acknowledged": "acknowledged", "rated": "rated", "accepted": "supplier-accepted", "closed": "closed"}
ANSWERS = ("accept", "partial", "decline", "none", "awaiting")
COMPANY_STATUSES = ("applied", "enrolled", "suspended", "withdrawn")
DUE_DAYS = 30
PERIOD_HINT = N_("give a 年度 (令和8年度, 2026年度) or FROM..TO (2026-04-01..2026-09-30)")
_NENDO = re.compile(r"^(?:(令和|平成|昭和)(元|\d{1,2})|(\d{4}))年度$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def holds(self, iso: str | None) -> bool:
        return bool(iso) and self.start.isoformat() <= (iso or "")[:10] <= self.end.isoformat()


def nendo(fy: int) -> Period:
    from .calendar import format_nendo

    return Period(date(fy, 4, 1), date(fy + 1, 3, 31), format_nendo(fy))


def parse_period(value: str | None, today: date) -> Period:
    """`令和8年度`, `2026年度`, `2026-04-01..2026-09-30` (either side ISO or 和暦); None: today's 年度."""
    from .calendar import fiscal_year, parse_date

    if value is None:
        return nendo(fiscal_year(today))
    text = unicodedata.normalize("NFKC", value).strip()
    if ".." in text:
        first, _dots, last = text.partition("..")
        try:
            start, end = parse_date(first), parse_date(last)
        except SosaError as exc:
            raise SosaError(_("--period {value!r}: {reason}").format(value=value, reason=exc.message), hint=_(PERIOD_HINT)) from None
        if end < start:
            raise SosaError(_("--period {value!r} ends before it starts").format(value=value), hint=_(PERIOD_HINT))
        return Period(start, end, f"{start.isoformat()} – {end.isoformat()}")
    found = _NENDO.match(text)
    if found is None:
        raise SosaError(_("--period {value!r} is not a period").format(value=value), hint=_(PERIOD_HINT))
    if found.group(3):
        fy = int(found.group(3))
    else:
        # A 年度 is named by the era of its 31 December (令和元年度 began on 平成31年4月1日);
        # 平成31年度 had no 31 December in 平成, but its 1 April was.
        era, year = found.group(1), found.group(2)
        try:
            fy = parse_date(f"{era}{year}年12月31日").year
        except SosaError:
            try:
                fy = parse_date(f"{era}{year}年4月1日").year
            except SosaError as exc:
                raise SosaError(_("--period {value!r}: {reason}").format(value=value, reason=exc.message), hint=_(PERIOD_HINT)) from None
    if not 1990 <= fy <= 2100:
        raise SosaError(_("--period {value!r}: no 年度 of sosa's records").format(value=value), hint=_(PERIOD_HINT))
    return nendo(fy)


@dataclass
class Timeline:
    """One JP→US request: the date each step was reached (None: not reached)."""

    key: str
    company: str
    name_ja: str
    name_en: str
    status: str
    outcome: str | None
    steps: dict[str, date | None]

    def name(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name_en or self.name_ja

    def days_to(self, step: str) -> int | None:
        opened, reached = self.steps["opened"], self.steps[step]
        return None if opened is None or reached is None else (reached - opened).days

    def segments(self) -> list[tuple[str, date, date]]:
        """(step reached, from, to) for each stretch between two steps reached in turn."""
        reached = [(s, d) for s in STEPS if (d := self.steps[s]) is not None]
        return [(step, start, end) for (_, start), (step, end) in zip(reached, reached[1:], strict=False)]


@dataclass
class Report:
    period: Period
    today: date
    companies: dict[str, int]
    consents: dict[str, int]  # enrolled, usg, primes
    enrolments: list[tuple[str, int]]  # (YYYY-MM, companies)
    requests: list[Timeline]
    median_days: dict[str, float | None]
    outcomes: dict[str, int]
    asks: int
    answers: dict[str, int]
    answer_rate: float | None
    days_to_answer: float | None
    days_to_reply: float | None
    due: list = field(default_factory=list)  # status.Attention, due within DUE_DAYS (overdue included)

    def consent_counts(self) -> list[tuple[str, int]]:
        """(label key, companies): enrolled, consenting to the USG, to US primes."""
        return [("enrolled_total", self.consents["enrolled"]), ("usg", self.consents["usg"]), ("primes", self.consents["primes"])]

    def as_dict(self) -> dict:
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(), "label": self.period.label},
            "today": self.today.isoformat(),
            "companies": self.companies,
            "consents": self.consents,
            "enrolments": dict(self.enrolments),
            "requests": [
                {
                    "key": t.key,
                    "company": t.company,
                    "status": t.status,
                    "outcome": t.outcome,
                    "steps": {s: d.isoformat() if d else None for s, d in t.steps.items()},
                }
                for t in self.requests
            ],
            "median_days": self.median_days,
            "outcomes": self.outcomes,
            "asks": self.asks,
            "answers": self.answers,
            "answer_rate": self.answer_rate,
            "days_to_answer": self.days_to_answer,
            "days_to_reply": self.days_to_reply,
            "due": [a.as_dict() for a in self.due],
        }


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def _days(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    return (date.fromisoformat(end[:10]) - date.fromisoformat(start[:10])).days


def _months(period: Period) -> list[str]:
    months, current = [], period.start.replace(day=1)
    while current <= period.end:
        months.append(current.strftime("%Y-%m"))
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _timeline(conn: sqlite3.Connection, row: sqlite3.Row, zone) -> Timeline:
    from . import audit

    seen: dict[str, date] = {}
    for entry in audit.history(conn, row["key"]):
        on = datetime.fromisoformat(entry.at).astimezone(zone).date()
        if entry.action == "open":
            seen.setdefault("opened", on)
        status = (entry.after or {}).get("status") if isinstance(entry.after, dict) else None
        for step, marker in STEP_STATUS.items():
            if status == marker or (step == "closed" and status == "withdrawn"):
                seen.setdefault(step, on)
    own = {"sent": row["sent_on"], "rated": row["rated_on"], "closed": row["closed_on"]}
    steps: dict[str, date | None] = {}
    for step in STEPS:
        column = own.get(step)
        steps[step] = date.fromisoformat(column[:10]) if column else seen.get(step)
    if steps["opened"] is None:
        steps["opened"] = date.fromisoformat(row["created_at"][:10])
    # Audit entries carry the day a change was typed in, the date columns the day the
    # officer gave (a rating recorded late with --rated-on): no step is drawn after the
    # one that followed it.
    later: date | None = None
    for step in reversed(STEPS):
        reached = steps[step]
        if reached is not None:
            if later is not None and reached > later:
                steps[step] = reached = later
            later = reached
    return Timeline(row["key"], row["company"], row["name_ja"], row["name_en"], row["status"], row["outcome"], steps)


def gather(conn: sqlite3.Connection, period: Period | None = None, *, today: date | None = None) -> Report:
    """The facts of `period` (default: today's 年度)."""
    from .clock import today as desk_today
    from .clock import zone
    from .status import attention

    day = today or desk_today()
    period = period or parse_period(None, day)
    start, end = period.start.isoformat(), period.end.isoformat()

    companies = dict.fromkeys(COMPANY_STATUSES, 0)
    for status, n in conn.execute("SELECT status, COUNT(*) FROM companies GROUP BY status"):
        companies[status] = n
    consents = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(share_usg != 0), 0), COALESCE(SUM(share_primes != 0), 0) FROM companies WHERE status = 'enrolled'"
    ).fetchone()
    per_month = dict.fromkeys(_months(period), 0)
    for month, n in conn.execute(
        "SELECT substr(coc_accepted_on, 1, 7), COUNT(*) FROM companies WHERE coc_accepted_on BETWEEN ? AND ? GROUP BY 1", (start, end)
    ):
        per_month[month] = n

    desk_zone = zone()
    rows = conn.execute(
        "SELECT r.key, r.status, r.outcome, r.sent_on, r.rated_on, r.closed_on, r.created_at, c.key AS company, c.name_ja, c.name_en"
        " FROM requests r JOIN companies c ON c.id = r.company_id ORDER BY r.id"
    ).fetchall()
    timelines = [t for t in (_timeline(conn, row, desk_zone) for row in rows) if period.holds((t.steps["opened"] or day).isoformat())]
    median_days = {step: _median([d for t in timelines if (d := t.days_to(step)) is not None]) for step in STEPS[1:]}
    outcomes: dict[str, int] = {}
    for t in timelines:
        name = t.outcome or "open"
        outcomes[name] = outcomes.get(name, 0) + 1

    asks = conn.execute("SELECT received_on, replied_on FROM asks WHERE received_on BETWEEN ? AND ? AND status != 'cancelled'", (start, end)).fetchall()
    relays = conn.execute(
        "SELECT r.decision, r.sent_on, r.answered_on FROM relays r JOIN asks a ON a.id = r.ask_id"
        " WHERE a.received_on BETWEEN ? AND ? AND a.status != 'cancelled'",
        (start, end),
    ).fetchall()
    answers = dict.fromkeys(ANSWERS, 0)
    answered_days = []
    for relay in relays:
        kind = {"no-response": "none", None: "awaiting"}.get(relay["decision"], relay["decision"])
        answers[kind] += 1
        if kind in ("accept", "partial", "decline") and (d := _days(relay["sent_on"], relay["answered_on"])) is not None:
            answered_days.append(d)
    answered = answers["accept"] + answers["partial"] + answers["decline"]
    reply_days = [d for a in asks if (d := _days(a["received_on"], a["replied_on"])) is not None]

    horizon = (day + timedelta(days=DUE_DAYS - 1)).isoformat()
    # sosa status warns of a reply to DoD a few 開庁日 ahead; here, of any within the 30 days.
    # The report is a document: its lines read as they always have, whatever language the
    # officer's terminal speaks (the Japanese page names each kind by DUE_KINDS).
    found = _in_english(lambda: attention(conn, on=day, reply_days=DUE_DAYS, every=True))
    due = [a for a in found if a.due is not None and a.due <= horizon]
    return Report(
        period=period,
        today=day,
        companies=companies,
        consents={"enrolled": consents[0], "usg": consents[1], "primes": consents[2]},
        enrolments=list(per_month.items()),
        requests=timelines,
        median_days=median_days,
        outcomes=outcomes,
        asks=len(asks),
        answers=answers,
        answer_rate=answered / len(relays) if relays else None,
        days_to_answer=_median(answered_days),
        days_to_reply=_median(reply_days),
        due=due,
    )


def _in_english(work):
    """`work()` with sosa speaking English, then back to the officer's language."""
    from . import i18n

    spoken = i18n.language()
    if spoken == "en":
        return work()
    i18n.use("en")
    try:
        return work()
    finally:
        i18n.use(spoken)


FORMATS = ("html", "xlsx")


def file_name(day: date, fmt: str = "html") -> str:
    return f"sosa-report-{day.isoformat()}.{fmt}"


@dataclass
class ReportFile:
    destination: str  # a path, or "stdout"
    content: bytes


def write(report: Report, out: str | Path | None, *, lang: str = "ja", fmt: str = "html") -> ReportFile:
    """The page (or the workbook), written where `--out` says (files.write rules); no `--out`
    or `-`: the caller prints the page; a workbook needs a file."""
    if fmt not in FORMATS:
        raise SosaError(_("--format {fmt!r} is not a format of the report").format(fmt=fmt), hint=_("use html or xlsx"))
    if fmt == "xlsx" and (out is None or str(out) == "-"):
        raise SosaError(_("an Excel workbook needs a file"), hint=_("add --out FILE.xlsx (or --out DIR/)"))
    content = render_xlsx(report, lang=lang) if fmt == "xlsx" else render_html(report, lang=lang).encode("utf-8")
    path = files.target(out, file_name(report.today, fmt))
    if path is None:
        return ReportFile("stdout", content)
    return ReportFile(str(files.write(path, content, force=files.forced(out))), content)


# --- the page -----------------------------------------------------------------------------

LABELS: dict[str, tuple[str, str]] = {
    "title": ("SoSA 実施状況報告", "SoSA desk report"),
    "period": ("対象期間", "Period"),
    "made": ("作成日", "Made on"),
    "register": ("参加企業の状況", "The register"),
    "by_status": ("状態別の企業数", "Companies by status"),
    "consents": ("情報提供への同意（参加中の企業）", "Consent to share (enrolled companies)"),
    "enrolments": ("月別の参加企業数（行動規範の受諾日）", "Enrolments per month (Code of Conduct accepted)"),
    "requests": ("米国への要請", "JP→US requests"),
    "timeline": ("要請ごとの経過", "Each request's timeline"),
    "median": ("要請から各段階までの日数（中央値）", "Median days from opening to each step"),
    "outcomes": ("結果", "Outcomes"),
    "asks": ("米国からの要請", "US asks"),
    "answers": ("企業の回答（種類別）", "Companies' answers by kind"),
    "answer_rate": ("回答率", "Answer rate"),
    "days_to_answer": ("企業の回答までの日数（中央値）", "Median days for a company to answer"),
    "days_to_reply": ("米国国防省への回答までの日数（中央値）", "Median days to reply to DoD"),
    "asks_received": ("受けた要請", "Asks received"),
    "due": ("今後30日の期限", "Due in the next 30 days"),
    "strip_note": ("網掛けは開庁日、数字はその日の期限の件数", "Shaded: 開庁日 (JP government working days); figures: deadlines that day"),
    "overdue": ("期限超過", "Overdue"),
    "none_due": ("今後30日に期限はありません。", "Nothing is due in the next 30 days."),
    "no_requests": ("この期間に開始した要請はありません。", "No request was opened in this period."),
    "days": ("日", "days"),
    "step": ("段階", "Step"),
    "count": ("件数", "Count"),
    "request": ("要請", "Request"),
    "company": ("企業", "Company"),
    "name": ("企業名", "Company name"),
    "status": ("状態", "Status"),
    "due_on": ("期限", "Due"),
    "what": ("内容", "What"),
    "record": ("記録", "Record"),
    "detail": ("詳細", "Detail"),
    "usg": ("米国政府への提供", "to the USG"),
    "primes": ("米国主要防衛関連企業への提供", "to US primes"),
    "enrolled_total": ("参加中", "enrolled"),
    "month": ("月", "Month"),
    "dash": ("—", "—"),
    # states and steps (GLOSSARY.md)
    "applied": ("申請中", "applied"),
    "enrolled": ("参加中", "enrolled"),
    "suspended": ("参加停止中", "suspended"),
    "withdrawn": ("参加取りやめ", "withdrawn"),
    "opened": ("作成", "opened"),
    "sent": ("送付", "sent"),
    "acknowledged": ("受理", "acknowledged"),
    "rated": ("優先格付", "rated"),
    "accepted": ("供給企業の受諾", "accepted"),
    "closed": ("終了", "closed"),
    "accept": ("協力可能", "accept"),
    "partial": ("一部協力可能", "partial"),
    "decline": ("協力困難", "decline"),
    "none": ("未回答", "no response"),
    "awaiting": ("回答待ち", "awaiting"),
    "resolved": ("遅延解消", "resolved"),
    "unresolved": ("未解消", "unresolved"),
    "open": ("継続中", "open"),
}
# A request's status and outcome, where the word differs from a company's or an answer's.
OUTCOME_LABELS = {
    "partial": ("一部解消", "partial"),
    "withdrawn": ("取下げ", "withdrawn"),
    "draft": ("未送付", "draft"),
    "declined": ("米国が不同意", "declined by DoD"),
    "supplier-accepted": ("供給企業の受諾", "supplier accepted"),
}
# What `sosa status` lists, by kind (its own words are English).
DUE_KINDS = {
    "relay-overdue": "企業の回答期限を超過",
    "reply-due": "米国への回答期限",
    "supplement-due": "米国への追加回答",
    "request-follow-up": "要請のフォローアップ期限を超過",
    "supplier-deadline": "供給企業の受否期限",
}
STEP_COLOURS = {"sent": "#4e79a7", "acknowledged": "#59a14f", "rated": "#edc948", "accepted": "#f28e2b", "closed": "#9c755f"}
FONTS_JA = '"IPAexMincho", "IPAMincho", "Noto Serif CJK JP", "Noto Sans CJK JP", "Hiragino Mincho ProN", "Yu Mincho", serif'
FONTS_HEADINGS = '"IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif'
SVG_NS = "http://www.w3.org/2000/svg"
CSS = f"""
@page {{ size: A4 landscape; margin: 12mm; }}
body {{ font-family: {FONTS_JA}; font-size: 10pt; color: #222; margin: 0 auto; max-width: 270mm; }}
h1, h2, h3, svg text {{ font-family: {FONTS_HEADINGS}; }}
h1 {{ font-size: 16pt; margin: 0 0 2mm; }}
h2 {{ font-size: 12pt; border-bottom: 1px solid #888; margin: 6mm 0 2mm; break-after: avoid; }}
h3 {{ font-size: 10pt; margin: 3mm 0 1mm; }}
section {{ break-inside: avoid; }}
.row {{ display: flex; flex-wrap: wrap; gap: 8mm; }}
table {{ border-collapse: collapse; font-size: 9pt; }}
th, td {{ border: 1px solid #bbb; padding: 1px 4px; text-align: left; vertical-align: top; white-space: nowrap; }}
td:last-child {{ white-space: normal; }}
td.n {{ text-align: right; }}
.meta {{ color: #555; }}
svg {{ display: block; }}
"""


def _e(value: object) -> str:
    from html import escape

    return escape("" if value is None else str(value), quote=True)


def language(value: str) -> str:
    """`--lang`: ja or en."""
    lang = value.strip().lower()
    if lang not in ("ja", "en"):
        raise SosaError(_("--lang {value!r} is not a language of the report").format(value=value), hint=_("use ja or en"))
    return lang


class _Page:
    def __init__(self, lang: str) -> None:
        self.lang = language(lang)
        self.index = 0 if lang == "ja" else 1

    def t(self, key: str) -> str:
        return LABELS[key][self.index] if key in LABELS else key

    def outcome(self, key: str) -> str:
        return OUTCOME_LABELS[key][self.index] if key in OUTCOME_LABELS else self.t(key)

    def days(self, value: float | None) -> str:
        if value is None:
            return self.t("dash")
        shown = f"{value:g}"
        return f"{shown}{self.t('days')}" if self.lang == "ja" else f"{shown} {self.t('days')}"


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="{SVG_NS}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}">'
        + "".join(body)
        + "</svg>"
    )


def bars(rows: list[tuple[str, int]], label: str, *, colour: str = "#4e79a7", width: int = 360) -> str:
    """Horizontal bars, one per row: its label, a bar as long as its count, the count."""
    line, left = 20, 150
    top = max((n for _, n in rows), default=0) or 1
    span = width - left - 40
    body = []
    for i, (name, n) in enumerate(rows):
        y = i * line
        body.append(f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end">{_e(name)}</text>')
        body.append(f'<rect x="{left}" y="{y + 3}" width="{max(1, round(span * n / top))}" height="{line - 6}" fill="{colour if n else "#ddd"}"/>')
        body.append(f'<text x="{left + max(1, round(span * n / top)) + 4}" y="{y + 14}" font-size="11">{n}</text>')
    return _svg(width, max(1, len(rows)) * line, body, label)


def columns(rows: list[tuple[str, int]], label: str, *, width: int = 520, height: int = 150) -> str:
    """Vertical bars over time (enrolments per month)."""
    bottom, n = height - 20, max(1, len(rows))
    top = max((v for _, v in rows), default=0) or 1
    step = width / n
    body = [f'<line x1="0" y1="{bottom}" x2="{width}" y2="{bottom}" stroke="#888"/>']
    for i, (name, v) in enumerate(rows):
        h = round((bottom - 16) * v / top)
        x = round(i * step + step * 0.15)
        body.append(f'<rect x="{x}" y="{bottom - max(h, 1)}" width="{max(1, round(step * 0.7))}" height="{max(h, 1)}" fill="{"#59a14f" if v else "#ddd"}"/>')
        if v:
            body.append(f'<text x="{round(x + step * 0.35)}" y="{bottom - h - 3}" font-size="10" text-anchor="middle">{v}</text>')
        body.append(f'<text x="{round(i * step + step / 2)}" y="{height - 5}" font-size="9" text-anchor="middle">{_e(name[2:])}</text>')
    return _svg(width, height, body, label)


def timelines(items: list[Timeline], page: _Page, start: date, end: date, label: str, *, width: int = 960) -> str:
    """One horizontal bar per request: a segment per step reached, as long as the days it took."""
    line, left, right = 22, 190, 20
    first = min([start, *(t.steps["opened"] for t in items if t.steps["opened"])])
    last = max([end, *(d for t in items for d in t.steps.values() if d)])
    total = max(1, (last - first).days)
    span = width - left - right

    def x(d: date) -> int:
        return left + round(span * (d - first).days / total)

    legend = "".join(
        f'<rect x="{left + i * 150}" y="4" width="10" height="10" fill="{colour}"/>'
        f'<text x="{left + i * 150 + 14}" y="13" font-size="10">{_e(page.t(step))}</text>'
        for i, (step, colour) in enumerate(STEP_COLOURS.items())
    )
    body = [
        legend,
        f'<text x="{left}" y="32" font-size="9">{first.isoformat()}</text>',
        f'<text x="{width - right}" y="32" font-size="9" text-anchor="end">{last.isoformat()}</text>',
    ]
    for i, item in enumerate(items):
        y = 40 + i * line
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" font-size="10" text-anchor="end">'
            f"{_e(item.key)} {_e(item.company)} {_e(page.outcome(item.outcome or item.status))}</text>"
        )
        body.append(f'<line x1="{left}" y1="{y + 10}" x2="{width - right}" y2="{y + 10}" stroke="#eee"/>')
        opened = item.steps["opened"]
        if opened is not None:
            body.append(f'<circle cx="{x(opened)}" cy="{y + 10}" r="3" fill="#333"><title>{_e(page.t("opened"))} {opened.isoformat()}</title></circle>')
        for step, a, b in item.segments():
            w = max(2, x(b) - x(a))
            days = (b - a).days
            body.append(
                f'<rect x="{x(a)}" y="{y + 3}" width="{w}" height="{line - 8}" fill="{STEP_COLOURS[step]}">'
                f"<title>{_e(page.t(step))} {b.isoformat()} ({_e(page.days(days))})</title></rect>"
            )
            if w >= 18:
                body.append(f'<text x="{x(a) + w / 2:.0f}" y="{y + 14}" font-size="9" fill="#fff" text-anchor="middle">{days}</text>')
    return _svg(width, 40 + max(1, len(items)) * line, body, label)


def day_strip(due: list, today: date, page: _Page, label: str, *, width: int = 960) -> str:
    """The next DUE_DAYS days in a row, 開庁日 shaded, each with the number of deadlines that day."""
    from .calendar import is_jp_working_day

    cell = (width - 70) / DUE_DAYS
    counts: dict[str, int] = {}
    overdue = 0
    for item in due:
        if item.due < today.isoformat():
            overdue += 1
        else:
            counts[item.due] = counts.get(item.due, 0) + 1
    body = [
        f'<rect x="0" y="14" width="62" height="36" fill="{"#e15759" if overdue else "#eee"}"/>',
        f'<text x="31" y="10" font-size="9" text-anchor="middle">{_e(page.t("overdue"))}</text>',
        f'<text x="31" y="38" font-size="13" text-anchor="middle" fill="{"#fff" if overdue else "#333"}">{overdue}</text>',
    ]
    for i in range(DUE_DAYS):
        d = today + timedelta(days=i)
        x = 70 + i * cell
        working = is_jp_working_day(d)
        body.append(f'<rect x="{x:.1f}" y="14" width="{cell - 2:.1f}" height="36" fill="{"#d0dcea" if working else "#ffffff"}" stroke="#bbb"/>')
        if d.day == 1 or i == 0:
            body.append(f'<text x="{x:.1f}" y="10" font-size="9">{d.month}/{d.day}</text>')
        body.append(f'<text x="{x + cell / 2 - 1:.1f}" y="62" font-size="8" text-anchor="middle">{d.day}</text>')
        n = counts.get(d.isoformat())
        if n:
            body.append(f'<circle cx="{x + cell / 2 - 1:.1f}" cy="32" r="9" fill="#f28e2b"><title>{d.isoformat()}: {n}</title></circle>')
            body.append(f'<text x="{x + cell / 2 - 1:.1f}" y="36" font-size="10" text-anchor="middle">{n}</text>')
    return _svg(width, 66, body, label)


def _table(headers: list[str], rows: Sequence[Sequence[object]], numeric: frozenset[int] = frozenset()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    cell = ('<td class="n">', "<td>")
    body = "".join("<tr>" + "".join(f"{cell[i not in numeric]}{_e(v)}</td>" for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: Report, *, lang: str = "ja") -> str:
    """The report as one self-contained HTML page."""
    page = _Page(lang)
    t = page.t
    rate = t("dash") if report.answer_rate is None else f"{report.answer_rate * 100:.0f}%"
    status_rows = [(t(s), n) for s, n in report.companies.items()]
    consent_rows = [(t(k), n) for k, n in report.consent_counts()]
    answer_rows = [(t(k), n) for k, n in report.answers.items()]
    outcome_rows = [(page.outcome(k), n) for k, n in sorted(report.outcomes.items())]
    median_rows = [[t(step), page.days(days)] for step, days in report.median_days.items()]
    request_rows = [
        [item.key, f"{item.company} {item.name(lang)}", page.outcome(item.outcome or item.status)]
        + [d.isoformat() if d else t("dash") for d in item.steps.values()]
        for item in report.requests
    ]
    due_rows = [[a.due, DUE_KINDS.get(a.kind, a.what) if lang == "ja" else a.what, a.record or "", a.company or "", a.detail] for a in report.due]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{_e(t("title"))} {_e(report.period.label)}</title>',
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>',
        f"<h1>{_e(t('title'))}</h1>",
        f'<p class="meta">{_e(t("period"))}: {_e(report.period.label)} ({report.period.start.isoformat()} – {report.period.end.isoformat()})'
        f" · {_e(t('made'))}: {report.today.isoformat()}</p>",
        f'<section><h2>{_e(t("register"))}</h2><div class="row">',
        f"<div><h3>{_e(t('by_status'))}</h3>{bars(status_rows, t('by_status'))}</div>",
        f"<div><h3>{_e(t('consents'))}</h3>{bars(consent_rows, t('consents'), colour='#76b7b2')}</div>",
        f"<div><h3>{_e(t('enrolments'))}</h3>{columns(report.enrolments, t('enrolments'))}</div>",
        "</div></section>",
        f"<section><h2>{_e(t('requests'))}</h2>",
        f"<h3>{_e(t('timeline'))}</h3>",
        timelines(report.requests, page, report.period.start, report.period.end, t("timeline")) if report.requests else f"<p>{_e(t('no_requests'))}</p>",
        '<div class="row">',
        f"<div><h3>{_e(t('median'))}</h3>{_table([t('step'), t('days')], median_rows)}</div>",
        f"<div><h3>{_e(t('outcomes'))}</h3>{bars(outcome_rows, t('outcomes'), colour='#9c755f')}</div>",
        "</div>",
        _table([t("request"), t("company"), t("status"), *(t(s) for s in STEPS)], request_rows) if request_rows else "",
        "</section>",
        f'<section><h2>{_e(t("asks"))}</h2><div class="row">',
        f"<div><h3>{_e(t('answers'))}</h3>{bars(answer_rows, t('answers'), colour='#f28e2b')}</div>",
        "<div>"
        + _table(
            [t("what"), t("count")],
            [
                [t("asks_received"), report.asks],
                [t("answer_rate"), rate],
                [t("days_to_answer"), page.days(report.days_to_answer)],
                [t("days_to_reply"), page.days(report.days_to_reply)],
            ],
            frozenset({1}),
        )
        + "</div>",
        "</div></section>",
        f"<section><h2>{_e(t('due'))}</h2>",
        f'<p class="meta">{_e(t("strip_note"))}</p>',
        day_strip(report.due, report.today, page, t("due")),
        _table([t("due_on"), t("what"), t("record"), t("company"), t("detail")], due_rows) if due_rows else f"<p>{_e(t('none_due'))}</p>",
        "</section>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# --- the same tables as a workbook ---------------------------------------------------------

SHEETS = {
    "by_status": ("状態別", "By status"),
    "consents": ("同意", "Consents"),
    "enrolments": ("月別参加", "Enrolments"),
    "requests": ("要請の経過", "Requests"),
    "median": ("日数の中央値", "Median days"),
    "outcomes": ("要請の結果", "Outcomes"),
    "answers": ("回答", "Answers"),
    "due": ("今後30日", "Next 30 days"),
}


def tables(report: Report, *, lang: str = "ja") -> list[tuple[str, list[str], list[list[object]]]]:
    """The report's tables: (sheet name, headers, rows); dates as dates, counts as numbers."""
    page = _Page(lang)
    t = page.t
    rate = None if report.answer_rate is None else round(report.answer_rate, 4)
    requests: list[list[object]] = [
        [
            item.key,
            item.company,
            item.name(lang),
            page.outcome(item.outcome or item.status),
            *(item.steps[s] for s in STEPS),
            *(item.days_to(s) for s in STEPS[1:]),
        ]
        for item in report.requests
    ]
    return [
        ("by_status", [t("status"), t("count")], [[t(k), n] for k, n in report.companies.items()]),
        (
            "consents",
            [t("what"), t("count")],
            [[t(k), n] for k, n in report.consent_counts()],
        ),
        ("enrolments", [t("month"), t("count")], [[month, n] for month, n in report.enrolments]),
        (
            "requests",
            [t("request"), t("company"), t("name"), t("status"), *(t(s) for s in STEPS), *(f"{t(s)} ({t('days')})" for s in STEPS[1:])],
            requests,
        ),
        ("median", [t("step"), t("days")], [[t(step), days] for step, days in report.median_days.items()]),
        ("outcomes", [t("outcomes"), t("count")], [[page.outcome(k), n] for k, n in sorted(report.outcomes.items())]),
        (
            "answers",
            [t("what"), t("count")],
            [[t(k), n] for k, n in report.answers.items()]
            + [
                [t("asks_received"), report.asks],
                [t("answer_rate"), rate],
                [t("days_to_answer"), report.days_to_answer],
                [t("days_to_reply"), report.days_to_reply],
            ],
        ),
        (
            "due",
            [t("due_on"), t("what"), t("record"), t("company"), t("detail")],
            [[date.fromisoformat(a.due), DUE_KINDS.get(a.kind, a.what) if lang == "ja" else a.what, a.record, a.company, a.detail] for a in report.due],
        ),
    ]


def render_xlsx(report: Report, *, lang: str = "ja") -> bytes:
    """One sheet per table. Every text cell is written as a string (openpyxl would store
    a name beginning with `=` as a formula), dates as dates, the header row frozen."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    index = 0 if lang == "ja" else 1
    book = Workbook(write_only=True)
    for key, headers, rows in tables(report, lang=lang):
        sheet = book.create_sheet(SHEETS[key][index])
        sheet.freeze_panes = "A2"

        def cell(value: Any, sheet=sheet) -> Any:
            written = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                written.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                written.data_type = "s"
            return written

        sheet.append([cell(h) for h in headers])
        for row in rows:
            sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
