"""Time the 2021-06 monthly bulletin on the seeded demo (not a test; prints figures).

Setup (not timed): a fresh SQLite records database, migrations, the Jincheng 2021 plan with the
seeded 示例 progress (``envplan.services.demo.seed_demo``) and the frozen 2021-06 dispatch
snapshot.

Timed: the bulletin in docx + xlsx + html through ``envplan.reports.bulletin.build_bulletin`` (the
call ``envplan report monthly`` and the web download make), with the bundled air data and the 示例
water and soil files; target: under 10 s. Each measurement is a fresh Python process, as a user
running the command gets, and includes importing python-docx, openpyxl, matplotlib and polars:

1. first process with an empty bytecode cache (Python compiles every module it imports; this is
   what every run costs when PYTHONDONTWRITEBYTECODE is set, as in some sandboxes);
2. a second fresh process with the bytecode cached (a normal installation);
3. the same build again inside that process (modules loaded, fonts cached: the web platform case);
4. the PDF through LibreOffice, separately (an external process; skipped when not installed).

Usage: .venv/bin/python benchmarks/bulletin_time.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build(url: str, out: Path, formats: tuple[str, ...]) -> dict[str, object]:
    begin, begin_cpu = time.perf_counter(), time.process_time()
    from envplan.plan import default_plan
    from envplan.reports.bulletin import BulletinFiles, render_bulletin
    from envplan.services.bulletin import BulletinRequest, Month, monthly_bulletin, open_records
    from envplan.services.bulletin.sources import bundled_daily_air_files

    request = BulletinRequest(
        Month.parse("2021-06"), air_files=tuple(bundled_daily_air_files()), demo_data=True
    )
    with open_records(url) as session:
        result = monthly_bulletin(request, plan=default_plan(), session=session)
    files = render_bulletin(result, formats, out_dir=out)
    assert isinstance(files, BulletinFiles)
    return {
        "wall": time.perf_counter() - begin,
        "cpu": time.process_time() - begin_cpu,
        "tables": sum(1 for _ in files.bulletin.tables()),
        "rows": sum(len(t.rows) for t in files.bulletin.tables()),
        "gaps": len(list(files.bulletin.gaps())),
        "paths": {fmt: str(path) for fmt, path in files.paths.items()},
    }


def child(url: str, out: Path, repeat: bool) -> None:
    """One fresh process: build once (and once more in-process when ``repeat``); print JSON."""
    results = [build(url, out / "a", ("docx", "xlsx", "html"))]
    if repeat:
        results.append(build(url, out / "b", ("docx", "xlsx", "html")))
    print(json.dumps(results))


def run_child(url: str, out: Path, env: dict[str, str], repeat: bool) -> list[dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", url, str(out), *(["--repeat"] if repeat else [])],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: list[dict[str, object]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="copy the generated files to this folder")
    parser.add_argument("--child", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--repeat", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.repeat)
        return

    from envplan.plan import default_plan
    from envplan.services import supervision
    from envplan.services.demo import seed_demo
    from envplan.store import make_engine, make_session_factory, upgrade

    work = Path(tempfile.mkdtemp(prefix="envplan-bench-"))
    url = f"sqlite:///{work / 'records.sqlite3'}"
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        seed_demo(session, default_plan(), as_of=dt.date(2021, 7, 31))
        supervision.take_snapshot(session, "2021-06")
        session.commit()
    engine.dispose()
    print(
        f"setup (migrations, plan, 示例 seed, 2021-06 snapshot): {time.perf_counter() - started:.1f} s"
    )

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")  # a private, initially empty cache
    print(f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    (compiling,) = run_child(url, work / "p1", env, repeat=False)
    cached, again = run_child(url, work / "p2", env, repeat=True)
    for label, result in (
        ("fresh process, empty bytecode cache", compiling),
        ("fresh process, bytecode cached (target < 10 s)", cached),
        ("same process, second build", again),
    ):
        print(
            f"bulletin 2021-06 docx + xlsx + html, {label}: "
            f"{result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU"
        )
    print(
        f"  content: {cached['tables']} tables, {cached['rows']} table rows, {cached['gaps']} data gaps"
    )
    paths = {fmt: Path(str(p)) for fmt, p in dict(cached["paths"]).items()}  # type: ignore[call-overload]
    for fmt, path in paths.items():
        print(f"  {fmt}: {path.stat().st_size / 1024:.0f} KiB")

    from envplan.reports.pdf import libreoffice_path

    if libreoffice_path() is None:
        print("PDF: LibreOffice not installed, skipped")
    else:
        pdf = build(url, work / "pdf", ("pdf",))
        print(f"bulletin 2021-06 PDF via LibreOffice (incl. assembly): {pdf['wall']:.2f} s wall")
        paths.update({fmt: Path(str(p)) for fmt, p in dict(pdf["paths"]).items()})  # type: ignore[call-overload]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for path in paths.values():
            shutil.copy(path, args.keep / path.name)
        print(f"files copied to {args.keep}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
