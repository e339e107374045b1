"""A desk database of realistic size, built through the domain functions (so every record
has its audit entries, slips and letters like the real thing).

    python benchmarks/generate.py DB --companies 10000 --delays 100000

Proportions, per 1,000 companies: 10,000 delays (each with a slip or two), a request for
one delay in ten (most closed), an enrollment notice for one company in five, and US asks
relayed to a few companies each when the ask flow is present.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

# Last on the path, not first: the checkout's sosa_cli/ must not hide the installed package,
# whose sosa_cli.templates and sosa_cli.data exist only once installed (pyproject.toml).
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.fixtures import FSC, company_yaml  # noqa: E402

OFFICE = {
    "contact_name": "山田 太郎",
    "contact_phone": "03-5555-0100",
    "contact_email": "sosa@example.go.jp",
    "doc_prefix": "装備政策",
    "sender_name_en": "Taro Yamada",
}
SUPPLIERS = [
    ("Acme Hydraulics Inc.", "1ABC2"),
    ("Pacific Turbine Components LLC", "4XY78"),
    ("Liberty Avionics Corp.", "0LA55"),
    ("Great Lakes Forgings", "3GL21"),
    ("Sierra Microwave Systems", "7SM90"),
]
BATCH = 500  # records per transaction: large enough to be quick, small enough to show progress


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def generate(db: Path, companies: int, delays: int, *, seed: int = 7, config: Path | None = None) -> dict[str, int]:
    os.environ.setdefault("SOSA_TODAY", "2026-11-26")
    config = config or db.with_suffix(".config.yaml")
    os.environ["SOSA_CONFIG"] = str(config)
    from sosa_cli import config as settings
    from sosa_cli import delays as delay_domain
    from sosa_cli import enrollment, requests
    from sosa_cli.importing import read_records
    from sosa_cli.store import open_db, transaction

    for key, value in OFFICE.items():
        settings.set_value(key, value)
    rng = random.Random(seed)
    conn = open_db(db, command="benchmarks/generate.py")
    started = time.perf_counter()

    for first in range(1, companies + 1, BATCH):
        last = min(first + BATCH - 1, companies)
        text = "".join(company_yaml(i, rng) for i in range(first, last + 1))
        records = []
        for doc in read_records(text.encode("utf-8"), "generated"):
            record, problems = enrollment.validate_company(doc.values, doc.lines)
            assert not problems, problems
            records.append(record)
        enrollment.enroll(conn, records)
    _say(f"  {companies} companies in {time.perf_counter() - started:.1f} s")

    delay_keys: list[tuple[str, str]] = []
    with transaction(conn):
        for i in range(1, delays + 1):
            company = f"C-{rng.randint(1, companies):04d}"
            supplier, cage = rng.choice(SUPPLIERS)
            need = f"2027-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"
            promised = f"2027-{rng.randint(7, 12):02d}-{rng.randint(1, 28):02d}"
            fsc = rng.choice(FSC)
            delay = delay_domain.add(
                conn,
                {
                    "company": company,
                    "supplier": supplier,
                    "supplier_cage": cage,
                    "po": f"PO-{i:06d}",
                    "part_number": f"PN-{i:06d}",
                    "nsn": f"{fsc}01{i % 10**7:07d}",
                    "quantity": str(rng.randint(1, 50)),
                    "need_date": need,
                    "promised_date": promised,
                    "program": "F-15J",
                    "impact": "schedule",
                    "efforts": "weekly calls",
                },
            )
            if i % 3 == 0:
                delay_domain.update(conn, delay.key, {"promised_date": f"2027-12-{rng.randint(1, 28):02d}"}, note="slip")
            delay_keys.append((delay.key, company))
            if i % BATCH == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
    _say(f"  {delays} delays in {time.perf_counter() - started:.1f} s")

    request_count = 0
    with transaction(conn):
        for n, (key, _) in enumerate(delay_keys[::10], start=1):
            request = requests.open_request(conn, [key], action=rng.choice(list(requests.ACTIONS)), urgency=rng.choice(requests.URGENCIES))
            request_count += 1
            if n % 4:  # three in four have been sent and followed
                requests.mark_sent(conn, request.key)
                requests.update(conn, request.key, status="acknowledged", dod_ref=f"IBP-{n:06d}")
                if n % 4 != 3:
                    requests.update(conn, request.key, status="rated", rating=rng.choice(["DO-A1", "DO-G2", "DX-A7"]))
                    # Half the suppliers commit to a date that meets the need, half do not.
                    committed = "2026-12-31" if n % 2 else None
                    requests.update(conn, request.key, status="supplier-accepted", committed_date=committed)
                    requests.close(conn, request.key, "resolved" if committed else rng.choice(["partial", "unresolved"]))
            if n % BATCH == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
    _say(f"  {request_count} requests in {time.perf_counter() - started:.1f} s")

    notices = 0
    render = _letter_renderer()
    with transaction(conn):
        for i in range(1, companies + 1, 5):
            render(conn, "enrollment", f"C-{i:04d}", fmt="md", out="-")
            notices += 1
    _say(f"  {notices} letters in {time.perf_counter() - started:.1f} s")

    asks = _asks(conn, companies, rng)
    _say(f"  {asks} asks in {time.perf_counter() - started:.1f} s")
    conn.close()
    return {"companies": companies, "delays": delays, "requests": request_count, "letters": notices, "asks": asks}


def _letter_renderer():
    """What `sosa letter render KIND RECORD` calls: `issuing.render` since the letters
    package (issue 10), `letters.issue` before it."""
    try:
        from sosa_cli import issuing
    except ImportError:
        from sosa_cli import letters

        return letters.issue
    return issuing.render


def _asks(conn, companies: int, rng: random.Random) -> int:
    """US asks relayed to a few companies each, when this version has the ask flow."""
    try:
        from sosa_cli import asks
    except ImportError:
        return 0
    record = getattr(asks, "record_ask", None)
    relay = getattr(asks, "relay", None)
    if record is None or relay is None:
        return 0
    count = max(companies // 100, 1)
    for i in range(1, count + 1):
        ask = record(
            conn,
            {
                "dod_ref": f"DoD-ASK-{i:05d}",
                "received_on": "2026-11-02",
                "program": "US Navy sustainment",
                "part_number": f"ASK-PN-{i:05d}",
                "nsn": f"{rng.choice(FSC)}015551234",
                "quantity": "10",
                "current_date": "2027-06-30",
                "requested_date": "2027-03-31",
                "reason": "fleet readiness",
                "reply_by": "2026-12-18",
            },
        )
        targets = sorted({f"C-{rng.randint(1, companies):04d}" for _ in range(3)})
        relay(conn, ask.key, targets, out="-")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--delays", type=int, default=10000)
    args = parser.parse_args()
    if args.db.exists():
        parser.error(f"{args.db} exists; give a new file")
    counts = generate(args.db, args.companies, args.delays)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
