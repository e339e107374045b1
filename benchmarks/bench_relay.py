"""`sosa relay` of one US ask, timed as an officer runs it (the installed `sosa`, start-up
included), each run on a fresh database.

1. md letters to 200 companies against 400: the ratio 400/200 shows whether a letter's cost
   grows with the number of relays of the ask. Target (issue 10): ≤ 2.2× (2.0× is linear).
2. 200 PDF letters (`sosa relay --format pdf`) against a floor measured in the same run:
   WeasyPrint printing 200 one-page Japanese letters (IPAex Mincho) in one Python process,
   one `HTML(string=…).write_pdf()` per letter with one FontConfiguration and one parsed CSS,
   start-up and imports included like the relay's. Target (issue 10): ≤ 1.5× the floor.
   The relay prints its letters in worker processes, one per CPU (at most 4); the same
   relay with SOSA_PDF_WORKERS=1 (one process, as the floor) is timed beside it, and both
   wall and CPU time are shown: the workers shorten the wait, not the work.

Run: python benchmarks/bench_relay.py [--quick] [--runs N] [--no-pdf]
(--quick: 20 against 40 companies, 10 PDF letters, one run each; the tests use it.)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

try:
    import resource
except ImportError:  # Windows: wall time only
    resource = None  # type: ignore[assignment]

# Last on the path, not first: the checkout's sosa_cli/ must not hide the installed package,
# whose sosa_cli.templates and sosa_cli.data exist only once installed (pyproject.toml).
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import SOSA, bench_env, write_companies  # noqa: E402

OFFICE = {
    "doc_prefix": "装備政策",
    "contact_name": "山田 太郎",
    "contact_phone": "03-5555-0100",
    "contact_email": "sosa@example.go.jp",
    "sender_name_en": "Taro Yamada",
}
ASK_FIELDS = {
    "dod-ref": "IBP-2026-0311",
    "received-on": "2026-11-25",
    "program": "AN/TPY-2 radar sustainment",
    "part-number": "MC-4410",
    "nsn": "5962-01-456-7890",
    "quantity": "12",
    "current-date": "2027-06-30",
    "requested-date": "2027-03-31",
    "reply-by": "2027-01-29",
    "reason": "exercise in June 2027",
}
ASK = [arg for name, value in ASK_FIELDS.items() for arg in (f"--{name}", value)]

# The floor's letter: a Japanese 依頼 of about a relay letter's length (~25 lines), one A4 page.
FLOOR_CSS = """
@page { size: A4; margin: 30mm 25mm 27mm 30mm; }
html { font-family: "IPAexMincho", serif; font-size: 10.5pt; line-height: 1.75; color: #000; }
body { margin: 0; }
p { margin: 0; }
.right { text-align: right; }
.addressee { margin: 2em 0 1.5em; }
.sender { text-align: right; margin-bottom: 2em; }
h1 { font-size: 1em; font-weight: normal; text-align: center; margin: 0 4em 1.5em; }
.body p { text-indent: 1em; }
.body p.ki { text-align: center; text-indent: 0; margin: 1.5em 0 1em; }
ol { margin: 0 0 1em; padding-left: 2em; }
.contact { display: table; margin: 2em 0 0 auto; }
.contact .indent { padding-left: 4em; }
"""
FLOOR_LETTER = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>装備政策第{number}号</title></head><body>
<div class="right"><p>装備政策第{number}号</p><p>令和8年11月26日</p></div>
<div class="addressee"><p>{company}</p><p>営業部　担当 {number}　殿</p></div>
<div class="sender"><p>防衛装備庁装備政策部装備政策課長</p><p>（公印省略）</p></div>
<h1>米国国防省からの納期の前倒しに係る協力依頼について（依頼）</h1>
<div class="body">
<p>標記について、日米間の防衛装備品等の供給の安定化に係る取決め（SoSA）に基づき、米国国防省から令和8年11月25日付けで、下記の品目の納期の前倒しについて協力の依頼がありました。</p>
<p>つきましては、貴社において協力が可能かどうかを御検討の上、令和8年12月10日までに下記担当あて御回答願います。</p>
<p>本依頼への協力は任意の協力であり、協力できない場合であっても貴社が不利益を受けることはありません。協力が困難な場合であっても、その旨を御回答願います。</p>
<p class="ki">記</p>
<ol>
<li>依頼元　米国国防省（整理番号　IBP-2026-0311）</li>
<li>対象品目　MC-4410（NSN　5962-01-456-7890）　数量　12</li>
<li>現在の納期　令和9年6月30日　　米国が希望する納期　令和9年3月31日</li>
<li>回答期限　令和8年12月10日</li>
<li>回答方法　協力の可否（可能な場合は前倒し後の納期）を下記担当あてE-mailにより御回答願います。</li>
</ol>
<p class="right">以上</p>
</div>
<div class="contact"><p>（担当）装備政策課SoSA担当</p><p class="indent">山田 太郎</p>
<p class="indent">電話　03-5555-0100</p><p class="indent">E-mail　sosa@example.go.jp</p></div>
</body></html>
"""
# Run in a child process, timed whole like the relay command: start-up, imports and fonts included.
FLOOR_SCRIPT = """
import html, json, sys, time
started = time.perf_counter()
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

n, folder = int(sys.argv[1]), sys.argv[2]
font_config = FontConfiguration()
css = CSS(string=@CSS@, font_config=font_config)
ready = time.perf_counter()
for i in range(1, n + 1):
    page = @LETTER@.format(number=i, company=html.escape(f"東雲精機株式会社{i}"))
    HTML(string=page).write_pdf(f"{folder}/floor-{i:04d}.pdf", stylesheets=[css], font_config=font_config)
done = time.perf_counter()
print(json.dumps({"setup": ready - started, "letters": done - ready}))
""".replace("@CSS@", repr(FLOOR_CSS)).replace("@LETTER@", repr(FLOOR_LETTER))


# The same floor over the relay's own letters: bare WeasyPrint printing the HTML letters
# `sosa relay --format html` wrote, one FontConfiguration, one loop. Against it the relay's
# PDF run shows what sosa adds to WeasyPrint itself, whatever the letters say.
SAME_LETTERS_SCRIPT = """
import json, pathlib, sys, time
started = time.perf_counter()
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

source, folder = pathlib.Path(sys.argv[1]), sys.argv[2]
font_config = FontConfiguration()
ready = time.perf_counter()
letters = sorted(source.glob("*.html"))
for i, path in enumerate(letters, start=1):
    HTML(string=path.read_text(encoding="utf-8")).write_pdf(f"{folder}/same-{i:04d}.pdf", font_config=font_config)
done = time.perf_counter()
print(json.dumps({"setup": ready - started, "letters": done - ready}))
"""


class RelayFailed(RuntimeError):
    """`sosa` refused or crashed; the message carries its stderr."""


def sosa(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([*SOSA, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RelayFailed(f"sosa {' '.join(args[:4])} … exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout.strip()


def prepare(folder: Path, companies: int, env: dict[str, str]) -> tuple[Path, str]:
    """A database with `companies` enrolled and one ask recorded, built through the public CLI."""
    folder.mkdir()
    db = folder / "template.db"
    source = write_companies(folder / "companies.yaml", companies)
    sosa(env, "--db", str(db), "enroll", "--from", str(source))
    ask = sosa(env, "--db", str(db), "ask", "record", *ASK)
    return db, ask


def fresh_copy(template: Path, db: Path) -> Path:
    """A fresh database for one run: a page-for-page copy of the prepared one."""
    src, dst = sqlite3.connect(f"file:{template}?mode=ro", uri=True), sqlite3.connect(db)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return db


class Timing(NamedTuple):
    wall: float  # seconds, what the officer waits
    cpu: float  # user + system seconds of the process: steadier on a machine others are using


def _children_cpu() -> float:
    if resource is None:
        return math.nan
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(argv: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, Timing]:
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return result, Timing(wall, _children_cpu() - cpu)


def relay_time(template: Path, ask: str, companies: int, fmt: str, env: dict[str, str], work: Path, workers: str | None = None) -> Timing:
    """One `sosa relay ASK --to … --format FMT --out DIR` on a fresh database (SOSA_PDF_WORKERS=`workers` if given)."""
    if workers is not None:
        env = {**env, "SOSA_PDF_WORKERS": workers}
    work.mkdir()
    db = fresh_copy(template, work / "desk.db")
    out = work / "letters"
    out.mkdir()
    targets = [arg for i in range(1, companies + 1) for arg in ("--to", f"C-{i:04d}")]
    result, timing = run_timed([*SOSA, "--db", str(db), "relay", ask, *targets, "--format", fmt, "--out", str(out)], env)
    if result.returncode != 0:
        raise RelayFailed(f"sosa relay to {companies} companies ({fmt}) exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    written = len(list(out.iterdir()))
    assert written == companies, f"{written} letters written for {companies} companies"
    return timing


def floor_time(letters: int, env: dict[str, str], work: Path) -> tuple[Timing, dict[str, float]]:
    """The floor's whole process; also its own split between start-up and the letters."""
    work.mkdir()
    # -P: `-c` would put the current folder (perhaps a checkout) first on sys.path.
    result, timing = run_timed([sys.executable, "-P", "-c", FLOOR_SCRIPT, str(letters), str(work)], env)
    if result.returncode != 0:
        raise RuntimeError(f"the WeasyPrint floor exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    assert len(list(work.iterdir())) == letters
    return timing, json.loads(result.stdout)


def same_letters_time(html_folder: Path, letters: int, env: dict[str, str], work: Path) -> Timing:
    """Bare WeasyPrint printing the relay's own HTML letters, as one whole process."""
    work.mkdir()
    result, timing = run_timed([sys.executable, "-P", "-c", SAME_LETTERS_SCRIPT, str(html_folder), str(work)], env)
    if result.returncode != 0:
        raise RuntimeError(f"the same-letters floor exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    assert len(list(work.iterdir())) == letters
    return timing


def printing_workers(letters: int) -> str:
    """How many worker processes the relay uses for `letters` PDF letters here."""
    from sosa_cli.letters.pdf import _workers

    n = _workers(letters)
    return f"{n} worker processes" if n > 1 else "its own process (no workers)"


def pdf_facts(pdf: Path) -> str:
    """Pages and embedded fonts of one PDF, when poppler's tools are installed."""
    facts = []
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        facts += [f"{line.split()[-1]} page(s)" for line in info.splitlines() if line.startswith("Pages:")]
    if shutil.which("pdffonts"):
        lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
        facts.append("font " + ", ".join(sorted({line.split()[0].partition("+")[2] or line.split()[0] for line in lines if line.strip()})))
    return "; ".join(facts) or "pdfinfo/pdffonts not installed"


def pdf_unavailable() -> str | None:
    """Why this machine cannot print the PDF part, or None."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: pango missing
        return "the pdf extra (WeasyPrint) is not installed or cannot load"
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        if "IPAexMincho" not in fonts:
            return "the IPAex Mincho font is not installed (Debian: fonts-ipaexfont)"
    return None


def median(samples: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in samples), statistics.median(t.cpu for t in samples))


def line(label: str, samples: list[Timing], letters: int) -> str:
    m = median(samples)
    runs = " ".join(f"{t.wall:.2f}" for t in samples)
    return f"  {label:24} {m.wall:7.2f} s  {m.wall / letters * 1000:6.1f} ms/letter   cpu {m.cpu:7.2f} s   wall of each run: {runs}"


def verdict(ratio: float, target: float) -> str:
    return "ok" if ratio <= target else "OVER"


def main(quick: bool = False, runs: int | None = None, pdf: bool = True) -> int:
    small, large = (20, 40) if quick else (200, 400)
    pdf_letters = 10 if quick else 200
    runs = runs or (1 if quick else 5)
    pdf_runs = runs if quick else max(3, runs // 2 + 1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = bench_env()
        env.update(SOSA_CONFIG=str(tmp_path / "config.yaml"), SOSA_TODAY="2026-11-26", SOSA_USER="bench")
        env.pop("SOSA_TEMPLATES", None)
        env["SOSA_DB"] = str(tmp_path / "unused.db")  # every relay names its own with --db
        for key, value in OFFICE.items():
            sosa(env, "config", "set", key, value)
        template, ask = prepare(tmp_path / "template", large, env)

        if not quick:  # warm-up, not timed: bytecode written, page cache filled
            relay_time(template, ask, 2, "md", env, tmp_path / "warm-md")
        md: dict[int, list[Timing]] = {small: [], large: []}
        for run in range(runs):
            # Alternate the order so a machine slowing down or speeding up favours neither size.
            for n in (small, large) if run % 2 == 0 else (large, small):
                md[n].append(relay_time(template, ask, n, "md", env, tmp_path / f"md-{n}-{run}"))
        m_small, m_large = median(md[small]), median(md[large])
        ratio, cpu_ratio = m_large.wall / m_small.wall, m_large.cpu / m_small.cpu

        if quick:
            print("short mode (--quick): the figures show the benchmark works, not the tool's speed")
        print(f"`sosa relay {ask} --to … --format md`: the installed command, start-up included,")
        print(f"median of {runs} run(s), each on a fresh database of {large} enrolled companies")
        print(line(f"{small} companies", md[small], small))
        print(line(f"{large} companies", md[large], large))
        print(f"  ratio {large}/{small}: {ratio:.2f}× wall, {cpu_ratio:.2f}× cpu  (target ≤ 2.20×; 2.00× is linear)  {verdict(ratio, 2.2)}")
        each = (m_large.wall - m_small.wall) / (large - small) * 1000, (m_large.cpu - m_small.cpu) / (large - small) * 1000
        print(f"  letters {small + 1}–{large}: {each[0]:.1f} ms wall, {each[1]:.1f} ms cpu each (start-up excluded)")

        if not pdf:
            return 0
        reason = pdf_unavailable()
        if reason:
            print(f"pdf: skipped, {reason}")
            return 0
        if not quick:  # warm-up, not timed: WeasyPrint's bytecode, the font cache
            relay_time(template, ask, 2, "pdf", env, tmp_path / "warm-pdf")
            floor_time(2, env, tmp_path / "warm-floor")
        relays: list[Timing] = []
        alone: list[Timing] = []
        floors: list[Timing] = []
        same: list[Timing] = []
        inside: list[dict[str, float]] = []
        relay_time(template, ask, pdf_letters, "html", env, tmp_path / "html")
        html_letters = tmp_path / "html" / "letters"
        for run in range(pdf_runs):
            relays.append(relay_time(template, ask, pdf_letters, "pdf", env, tmp_path / f"pdf-{run}"))
            alone.append(relay_time(template, ask, pdf_letters, "pdf", env, tmp_path / f"pdf-alone-{run}", workers="1"))
            timing, split = floor_time(pdf_letters, env, tmp_path / f"floor-{run}")
            floors.append(timing)
            inside.append(split)
            same.append(same_letters_time(html_letters, pdf_letters, env, tmp_path / f"same-{run}"))
        m_relay, m_floor = median(relays), median(floors)
        setup = statistics.median(s["setup"] for s in inside)
        loop = statistics.median(s["letters"] for s in inside)
        pdf_ratio, pdf_cpu_ratio = m_relay.wall / m_floor.wall, m_relay.cpu / m_floor.cpu
        relay_sample = sorted((tmp_path / "pdf-0" / "letters").iterdir())[0]
        floor_sample = tmp_path / "floor-0" / "floor-0001.pdf"

        print()
        print(f"{pdf_letters} PDF letters, median of {pdf_runs} run(s) side by side; whole processes, start-up included")
        print(f"  the relay prints in {printing_workers(pdf_letters)} on a machine with {os.cpu_count()} CPU(s)")
        print(line("sosa relay --format pdf", relays, pdf_letters))
        print(line("floor (WeasyPrint)", floors, pdf_letters))
        print(f"    floor inside: start-up, import and fonts {setup:.2f} s; then {loop / pdf_letters * 1000:.1f} ms per letter")
        print(f"  ratio relay/floor: {pdf_ratio:.2f}× wall, {pdf_cpu_ratio:.2f}× cpu  (target ≤ 1.50×)  {verdict(pdf_ratio, 1.5)}")
        m_alone = median(alone)
        print(line("sosa relay, one process", alone, pdf_letters))
        print(f"  ratio one process/floor: {m_alone.wall / m_floor.wall:.2f}× wall, {m_alone.cpu / m_floor.cpu:.2f}× cpu  (SOSA_PDF_WORKERS=1)")
        m_same = median(same)
        print(line("WeasyPrint, same letters", same, pdf_letters))
        print(f"  ratio relay/same letters: {m_relay.wall / m_same.wall:.2f}× wall, {m_relay.cpu / m_same.cpu:.2f}× cpu  (what sosa adds to WeasyPrint)")
        print(f"  relay letter: {pdf_facts(relay_sample)}; floor letter: {pdf_facts(floor_sample)}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20/40 companies and 10 PDF letters, one run")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5; PDF: 3)")
    parser.add_argument("--no-pdf", action="store_true", help="only the md figures")
    args = parser.parse_args()
    try:
        raise SystemExit(main(quick=args.quick, runs=args.runs, pdf=not args.no_pdf))
    except RelayFailed as error:
        print(f"bench_relay: {error}", file=sys.stderr)
        raise SystemExit(1) from None
