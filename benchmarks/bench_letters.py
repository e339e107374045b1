"""Per-letter cost of each format once the process is warm: md, html, docx, pdf.

Enrollment notices are issued (md) to a generated register, then each is rendered again
in every format in one process, as `sosa enroll --letter` or a batch of relays would:
imports, templates and fonts are loaded once, so the figure is the letter itself.
Target (issue 6): a PDF letter ≤ 0.15 s warm.
Run: python benchmarks/bench_letters.py [--quick]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# Last on the path, not first: the checkout's sosa_cli/ must not hide the installed package,
# whose sosa_cli.templates and sosa_cli.data exist only once installed (pyproject.toml).
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import SOSA, bench_env, write_companies  # noqa: E402

FORMATS = ("md", "html", "docx", "pdf")
OFFICE = {
    "doc_prefix": "装備政策",
    "contact_name": "山田 太郎",
    "contact_phone": "03-3268-3111",
    "contact_email": "sosa@example.go.jp",
    "sender_name_en": "Taro Yamada",
}

# Run in a child process: the warm loop must not share this process's imports or settings.
WARM_LOOP = r"""
import json, sys, time
from sosa_cli.store import open_db
try:  # what `sosa letter render` calls: issuing.render since the letters package (issue 10)
    from sosa_cli.issuing import render as issue
except ImportError:
    from sosa_cli.letters import issue

n, folder = int(sys.argv[1]), sys.argv[2]
conn = open_db()
keys = [f"C-{i:04d}" for i in range(1, n + 1)]
for key in keys:
    issue(conn, "enrollment", key, fmt="md", out=folder)
result = {}
for fmt in sys.argv[3].split(","):
    issue(conn, "enrollment", keys[0], fmt=fmt, out=folder)  # warm: imports, template, fonts
    start = time.perf_counter()
    for key in keys:
        issue(conn, "enrollment", key, fmt=fmt, out=folder)
    result[fmt] = (time.perf_counter() - start) / n
print(json.dumps(result))
"""


def main(quick: bool = False) -> int:
    n = 5 if quick else 50
    try:
        import weasyprint  # noqa: F401

        formats = FORMATS
    except (ImportError, OSError):
        formats = FORMATS[:3]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = bench_env(tmp_path / "bench.db")
        env.update(SOSA_CONFIG=str(tmp_path / "config.yaml"), SOSA_TODAY="2026-11-26", SOSA_USER="bench")
        env.pop("SOSA_TEMPLATES", None)
        source = write_companies(tmp_path / "companies.yaml", n)
        subprocess.run([*SOSA, "enroll", "--from", str(source)], env=env, check=True, capture_output=True)
        for key, value in OFFICE.items():
            subprocess.run([*SOSA, "config", "set", key, value], env=env, check=True, capture_output=True)
        out = subprocess.run(
            # -P: `-c` would put the current folder (perhaps a checkout) before the installed package.
            [sys.executable, "-P", "-c", WARM_LOOP, str(n), f"{tmp_path / 'letters'}/", ",".join(formats)],  # DIR/: into the folder
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    seconds = json.loads(out)
    md = seconds["md"]
    print(f"enrollment notices rendered again from their record, {n} per format, warm process")
    for fmt in formats:
        ratio = seconds[fmt] / md
        target = "   (target ≤ 150 ms)" if fmt == "pdf" else ""
        print(f"{fmt:5} {seconds[fmt] * 1000:7.1f} ms per letter   {ratio:5.1f}× md{target}")
    if "pdf" not in formats:
        print("pdf   skipped: the pdf extra (WeasyPrint) is not installed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(quick="--quick" in sys.argv))
