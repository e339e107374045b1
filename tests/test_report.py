"""`sosa report` (issue 14 §1): the facts of a period, and the one self-contained HTML page."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sosa_cli import report as report_module
from sosa_cli.errors import SosaError
from tests.conftest import OFFICE

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & Co"


def on(monkeypatch, day: str) -> None:
    """The desk's today and the audit's clock both on `day` (JST morning)."""
    monkeypatch.setenv("SOSA_TODAY", day)
    monkeypatch.setattr("sosa_cli.audit.now_utc", lambda: f"{day}T01:00:00+00:00")


@pytest.fixture
def desk(sosa, enrolled, monkeypatch):
    """The sample register, one more company with markup in its name, two requests and one ask relayed to three companies."""
    for key, value in OFFICE.items():
        sosa("config", "set", key, value)
    on(monkeypatch, "2026-06-01")
    sosa("enroll", "--name-ja", EVIL, "--name-en", EVIL, "--corporate-number", "8010401135790", "--coc-accepted-on", "2026-06-01", "--share-usg")
    on(monkeypatch, "2026-07-01")
    for n in (1, 2):
        sosa(
            *["delay", "add", "--company", "C-0001", "--supplier", "Acme Hydraulics Inc.", "--part-number", f"HV-{n}"],
            *["--quantity", "4", "--need-date", "2027-01-15", "--promised-date", "2027-04-30", "--impact", "held", "--efforts", "calls"],
        )
    sosa("request", "open", "D-0001")
    on(monkeypatch, "2026-07-03")
    sosa("request", "send", "R-0001")
    on(monkeypatch, "2026-07-13")
    sosa("request", "update", "R-0001", "--status", "acknowledged", "--dod-ref", "IBP-1")
    on(monkeypatch, "2026-07-21")
    sosa("request", "update", "R-0001", "--status", "rated", "--rating", "DO-A1")
    on(monkeypatch, "2026-07-31")
    sosa("request", "update", "R-0001", "--status", "supplier-accepted")
    on(monkeypatch, "2026-08-10")
    sosa("request", "close", "R-0001", "--outcome", "partial")
    on(monkeypatch, "2026-09-01")
    sosa("request", "open", "D-0002")
    on(monkeypatch, "2026-09-05")
    sosa("request", "send", "R-0002")
    on(monkeypatch, "2026-11-02")
    sosa(
        *["ask", "record", "--dod-ref", "IBP-9", "--received-on", "2026-11-02", "--part-number", "MC-4410", "--quantity", "12"],
        *["--current-date", "2027-06-30", "--requested-date", "2027-03-31", "--reply-by", "2026-12-10"],
    )
    sosa("relay", "A-0001", "--to", "C-0002", "--to", "C-0003", "--to", "C-0010", "--to", "C-0011")
    on(monkeypatch, "2026-11-06")
    sosa("ask", "respond", "A-0001", "C-0002", "--decision", "accept", "--committed-date", "2027-03-01")
    on(monkeypatch, "2026-11-12")
    sosa("ask", "respond", "A-0001", "C-0003", "--decision", "decline")
    sosa("ask", "respond", "A-0001", "C-0010", "--decision", "no-response")
    on(monkeypatch, "2026-11-26")
    return enrolled


def test_the_facts_of_a_nendo(desk):
    import sqlite3

    conn = sqlite3.connect(desk)
    conn.row_factory = sqlite3.Row
    facts = report_module.gather(conn, report_module.parse_period("令和8年度", date(2026, 11, 26)), today=date(2026, 11, 26))
    assert facts.period.start == date(2026, 4, 1) and facts.period.end == date(2027, 3, 31)
    assert facts.companies == {"applied": 1, "enrolled": 10, "suspended": 0, "withdrawn": 0}
    assert facts.consents == {"enrolled": 10, "usg": 8, "primes": 5}
    enrolments = dict(facts.enrolments)
    assert list(enrolments)[0] == "2026-04" and list(enrolments)[-1] == "2027-03"
    assert enrolments["2026-06"] == 1 and sum(enrolments.values()) == 1  # the sample enrolled in earlier 年度
    first, second = facts.requests
    assert {s: d.isoformat() if d else None for s, d in first.steps.items()} == {
        "opened": "2026-07-01",
        "sent": "2026-07-03",
        "acknowledged": "2026-07-13",
        "rated": "2026-07-21",
        "accepted": "2026-07-31",
        "closed": "2026-08-10",
    }
    assert [(s, (b - a).days) for s, a, b in first.segments()] == [("sent", 2), ("acknowledged", 10), ("rated", 8), ("accepted", 10), ("closed", 10)]
    assert second.steps["sent"] == date(2026, 9, 5) and second.steps["acknowledged"] is None
    # Median over the requests that reached the step: (2 + 4) / 2 to sent, R-0001 alone after.
    assert facts.median_days == {"sent": 3, "acknowledged": 12, "rated": 20, "accepted": 30, "closed": 40}
    assert facts.outcomes == {"partial": 1, "open": 1}
    assert facts.asks == 1
    assert facts.answers == {"accept": 1, "partial": 0, "decline": 1, "none": 1, "awaiting": 1}
    assert facts.answer_rate == 0.5
    assert facts.days_to_answer == 7  # 4 and 10 days
    assert facts.days_to_reply is None  # not yet replied
    # Due within 30 days, from sosa status's facts: C-0011's overdue answer, R-0002's follow-up, the reply to DoD.
    assert [(a.kind, a.record, a.due) for a in facts.due] == [
        ("request-follow-up", "R-0002", "2026-09-21"),
        ("relay-overdue", "A-0001", "2026-11-17"),
        ("reply-due", "A-0001", "2026-12-10"),
    ]
    # Another period: nothing of this 年度's work falls in 令和7年度.
    earlier = report_module.gather(conn, report_module.parse_period("2025年度", date(2026, 11, 26)), today=date(2026, 11, 26))
    assert earlier.requests == [] and earlier.asks == 0 and dict(earlier.enrolments)["2025-10"] == 1


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("令和8年度", "2026-04-01", "2027-03-31"),
        ("R8年度", None, None),
        ("2026年度", "2026-04-01", "2027-03-31"),
        ("令和元年度", "2019-04-01", "2020-03-31"),
        ("平成31年度", "2019-04-01", "2020-03-31"),
        ("平成30年度", "2018-04-01", "2019-03-31"),
        ("令和99年度", None, None),
        ("2026-04-01..2026-09-30", "2026-04-01", "2026-09-30"),
        ("令和8年4月1日..令和8年6月30日", "2026-04-01", "2026-06-30"),
    ],
)
def test_periods(text, start, end):
    if start is None:
        with pytest.raises(SosaError):
            report_module.parse_period(text, date(2026, 11, 26))
        return
    period = report_module.parse_period(text, date(2026, 11, 26))
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


def test_default_period_is_this_nendo():
    assert report_module.parse_period(None, date(2027, 3, 31)).label == "令和8年度"
    assert report_module.parse_period(None, date(2027, 4, 1)).label == "令和9年度"


class Page(HTMLParser):
    """The page's headings, its text, and every attribute that could fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3"):
            self._in = tag
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in:
            self.headings[-1] += data


def test_the_page(sosa, desk, tmp_path):
    html = sosa("report", "--period", "令和8年度").stdout
    page = Page()
    page.feed(html)
    for heading in (
        "SoSA 実施状況報告",
        "参加企業の状況",
        "状態別の企業数",
        "月別の参加企業数（行動規範の受諾日）",
        "米国への要請",
        "要請ごとの経過",
        "米国からの要請",
        "今後30日の期限",
    ):
        assert heading in page.headings
    # Self-contained: no script, no link, no image, nothing fetched; CSS for A4 landscape and Japanese fonts.
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert re.findall(r"https?://[^\s\"'<>]*", html) == ["http://www.w3.org/2000/svg"] * html.count("<svg ")
    assert "@font-face" not in html and "url(" not in html and "@import" not in html
    assert "size: A4 landscape" in html and "IPAexMincho" in html and "IPAexGothic" in html and "Noto Sans CJK JP" in html
    # The company's name is text, not markup.
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert any(EVIL in text for text in page.text)
    # Every chart is an SVG with a size, and everything drawn in it has one.
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 7
    for svg in svgs:
        root = ET.fromstring(svg)
        assert float(root.get("width")) > 0 and float(root.get("height")) > 0
        for rect in root.iter(f"{SVG}rect"):
            assert float(rect.get("width")) > 0 and float(rect.get("height")) > 0
    # The timeline: R-0001's five stretches, each as long as its days; R-0002 sent only.
    timeline = ET.fromstring(svgs[3])
    titles = [t.text for t in timeline.iter(f"{SVG}title")]
    assert "受理 2026-07-13 (10日)" in titles and "終了 2026-08-10 (10日)" in titles
    assert sum(1 for t in titles if t.startswith("送付")) == 2
    # The day strip: 30 days from today, the 開庁日 shaded (26 Nov 2026 is a Thursday, 28–29 the weekend).
    strip = ET.fromstring(svgs[6])
    days = [r for r in strip.iter(f"{SVG}rect")][1:]
    assert len(days) == 30
    assert [r.get("fill") for r in days[:4]] == ["#d0dcea", "#d0dcea", "#ffffff", "#ffffff"]
    assert any(t.text.startswith("2026-12-10") for t in strip.iter(f"{SVG}title"))  # A-0001's reply-by date


def test_english_and_files(sosa, desk, tmp_path):
    english = sosa("report", "--lang", "en", "--period", "2026-04-01..2026-09-30").stdout
    assert "<h2>JP→US requests</h2>" in english and "実施状況" not in english and 'lang="en"' in english
    folder = tmp_path / "out"
    written = sosa("report", "--out", f"{folder}/")
    path = folder / "sosa-report-2026-11-26.html"
    assert written.stdout.strip() == str(path) and "<h1>SoSA 実施状況報告</h1>" in path.read_text(encoding="utf-8")
    refused = sosa("report", "--out", str(path), "--lang", "en", ok=False)
    assert refused.exit_code == 1 and "already exists" in refused.stderr and "--force" in refused.stderr
    assert 'lang="ja"' in path.read_text(encoding="utf-8")
    sosa("report", "--out", str(path), "--lang", "en", "--force")
    assert 'lang="en"' in path.read_text(encoding="utf-8")


def test_an_empty_register(sosa):
    sosa("init")
    html = sosa("report").stdout
    assert "この期間に開始した要請はありません。" in html and "今後30日に期限はありません。" in html


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--period", "来年"], "is not a period"),
        (["--period", "2026-10-01..2026-04-01"], "ends before it starts"),
        (["--period", "2026-13-01..2027-01-01"], "--period"),
        (["--lang", "fr"], "--lang 'fr'"),
    ],
)
def test_refusals(sosa, args, words):
    sosa("init")
    result = sosa("report", *args, ok=False)
    assert result.exit_code == 1 and words in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""


def test_json_is_not_promised_but_the_facts_serialise(desk):
    import sqlite3

    conn = sqlite3.connect(desk)
    conn.row_factory = sqlite3.Row
    assert json.loads(json.dumps(report_module.gather(conn, today=date(2026, 11, 26)).as_dict()))["companies"]["enrolled"] == 10


def test_no_step_is_drawn_after_the_next(sosa, enrolled, monkeypatch, db_path):
    """The audit's day of typing comes after the officer's date of the next step: the
    timeline takes the next step's date, never a negative stretch."""
    import sqlite3

    for key, value in OFFICE.items():
        sosa("config", "set", key, value)
    sosa(
        *["delay", "add", "--company", "C-0001", "--supplier", "Acme Hydraulics Inc.", "--part-number", "HV-1"],
        *["--quantity", "4", "--need-date", "2027-01-15", "--promised-date", "2027-04-30", "--impact", "held", "--efforts", "calls"],
    )
    on(monkeypatch, "2026-08-01")
    sosa("request", "open", "D-0001")
    monkeypatch.setenv("SOSA_TODAY", "2026-07-05")  # sent_on is the desk's date; the audit still says 1 August
    sosa("request", "send", "R-0001")
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    [timeline] = report_module.gather(conn, today=date(2026, 11, 26)).requests
    assert timeline.steps["opened"] == timeline.steps["sent"] == date(2026, 7, 5)
    assert [(step, (b - a).days) for step, a, b in timeline.segments()] == [("sent", 0)]


# --- in a real browser: Debian's headless Chromium (.ci/run installs it) ----------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    (CHROMIUM is None or shutil.which("pdftotext") is None) and not os.environ.get("CI"), reason="chromium or poppler-utils not installed"
)


def browse(page: Path, folder: Path, *extra: str) -> list[str]:
    """Open `page` in headless Chromium with `extra` (a screenshot, a PDF print), no name resolving to
    anything; return the URLs the page itself asked for beyond its own file (from the network log)."""
    log = folder / f"net-{len(list(folder.glob('net-*')))}.json"
    quiet = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-first-run"]
    args = [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", *quiet, "--host-resolver-rules=MAP * ~NOTFOUND"]
    args += [f"--user-data-dir={folder / 'profile'}", f"--log-net-log={log}", *extra, page.as_uri()]
    subprocess.run(args, check=True, capture_output=True, timeout=120)
    net = json.loads(log.read_text(encoding="utf-8"))
    start = net["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    # The browser's own traffic (updates, time) is not the page's: the page's requests are keyed to its file:// origin.
    return [
        e["params"]["url"]
        for e in net["events"]
        if e["type"] == start and "file://" in e["params"].get("network_isolation_key", "") and not e["params"]["url"].startswith("file:")
    ]


@needs_chromium
def test_in_headless_chromium(sosa, desk, tmp_path):
    from PIL import Image

    page = tmp_path / "report.html"
    sosa("report", "--out", str(page))
    shot, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    fetched = browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1400,1400")
    fetched += browse(page, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert fetched == []
    # The charts are drawn: each bar colour of the page is on the screenshot.
    colours = {colour for _, colour in Image.open(shot).convert("RGB").getcolors(1 << 24)}
    for hex_colour in ("#4e79a7", "#76b7b2", "#59a14f", "#f28e2b", "#9c755f", "#d0dcea"):
        assert tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) in colours, hex_colour
    # The print: A4 landscape, with the Japanese headings as text in a Japanese font.
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)", info), info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for heading in ("SoSA 実施状況報告", "参加企業の状況", "米国への要請", "米国からの要請", "今後30日の期限"):
        assert heading in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"IPAex|Noto\w*CJK", fonts), fonts


@needs_chromium
def test_the_browser_check_sees_a_remote_resource(tmp_path):
    """The check above can fail: a page with a remote image is caught asking for it."""
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/x.png"></body></html>', encoding="utf-8")
    assert browse(page, tmp_path, f"--screenshot={tmp_path / 'x.png'}") == ["http://example.invalid/x.png"]


def test_the_tables_as_a_workbook(sosa, desk, tmp_path):
    from openpyxl import load_workbook

    sosa("company", "update", "C-0001", "--name-en", '=HYPERLINK("http://x.invalid","click")')
    refused = sosa("report", "--format", "xlsx", ok=False)
    assert refused.exit_code == 1 and "needs a file" in refused.stderr
    written = sosa("report", "--format", "xlsx", "--lang", "en", "--out", f"{tmp_path}/")
    path = tmp_path / "sosa-report-2026-11-26.xlsx"
    assert written.stdout.strip() == str(path)
    book = load_workbook(path)
    assert book.sheetnames == ["By status", "Consents", "Enrolments", "Requests", "Median days", "Outcomes", "Answers", "Next 30 days"]
    rows = [[c.value for c in row] for row in book["Requests"].iter_rows()]
    assert rows[0][:5] == ["Request", "Company", "Company name", "Status", "opened"]
    first = book["Requests"]["C2"], book["Requests"]["E2"]
    assert rows[1][:4] == ["R-0001", "C-0001", '=HYPERLINK("http://x.invalid","click")', "partial"]
    assert book["Requests"]["C2"].data_type == "s"  # text, never a formula
    assert first[1].is_date and first[1].value.date() == date(2026, 7, 1)
    assert rows[1][-5:] == [2, 12, 20, 30, 40]
    assert [[c.value for c in row] for row in book["By status"].iter_rows()][2] == ["enrolled", 10]
    due = [[c.value for c in row] for row in book["Next 30 days"].iter_rows()]
    assert [(r[0].date().isoformat(), r[2]) for r in due[1:]] == [("2026-09-21", "R-0002"), ("2026-11-17", "A-0001"), ("2026-12-10", "A-0001")]
    japanese = load_workbook(sosa("report", "--format", "xlsx", "--out", str(tmp_path / "ja.xlsx")).stdout.strip())
    assert japanese.sheetnames[0] == "状態別" and japanese["回答"]["A2"].value == "協力可能"


def test_open_in_the_browser(sosa, desk, tmp_path, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    written = Path(sosa("report", "--open").stdout.strip())
    assert written.name == "sosa-report-2026-11-26.html" and written.is_file()
    assert opened == [written.as_uri()]
    monkeypatch.setattr("webbrowser.open", lambda url: False)
    mine = tmp_path / "mine.html"
    result = sosa("report", "--open", "--out", str(mine))
    assert mine.is_file() and "open the file above yourself" in result.stderr
