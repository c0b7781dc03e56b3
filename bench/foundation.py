"""Benchmarks of the foundation: working-calendar arithmetic and the audit chain.

Run: .venv/bin/python bench/foundation.py [--entries 20000]
It uses a throw-away embedded database (or DATABASE_URL if set to a scratch database) and
prints a Markdown table for docs/benchmarks.md.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def setup(data_dir: str) -> None:
    os.environ.setdefault("YUNWEI_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yunwei.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(label, count, func):
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    return label, count, elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20000, help="audit entries to append")
    parser.add_argument("--calls", type=int, default=20000, help="calendar calls per function")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir)
        from yunwei.core import audit, workcalendar

        tz = ZoneInfo("Asia/Shanghai")
        starts = [
            datetime(2026, 1, 1, 9, 0, tzinfo=tz) + timedelta(minutes=47 * i)
            for i in range(args.calls)
        ]
        workcalendar.clear_cache()
        rows = [
            timed(
                "calendar.deadline(start, 2)",
                args.calls,
                lambda: [workcalendar.deadline(s, 2) for s in starts],
            ),
            timed(
                "calendar.add_office_hours(start, 13.5)",
                args.calls,
                lambda: [workcalendar.add_office_hours(s, 13.5) for s in starts],
            ),
            timed(
                "calendar.filing_period(y, m) (uncached months)",
                12 * 10,
                lambda: [
                    workcalendar.filing_period(y, m)
                    for y in range(2017, 2027)
                    for m in range(1, 13)
                ],
            ),
            timed(
                "audit.record (one transaction each)",
                args.entries,
                lambda: [
                    audit.record(
                        "bench.entry", object_type="bench", object_id=str(i), after={"i": i}
                    )
                    for i in range(args.entries)
                ],
            ),
            timed("audit.verify (whole chain)", args.entries, lambda: audit.verify()),
        ]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("| operation | n | total s | per op µs | ops/s |")
    print("|---|---:|---:|---:|---:|")
    for label, count, elapsed in rows:
        per_op = elapsed / count * 1e6
        print(f"| {label} | {count} | {elapsed:.2f} | {per_op:.1f} | {count / elapsed:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
