"""Time the 2021-06 monthly bulletin on the seeded demo (not a test; prints figures).

Setup (not timed): a fresh SQLite records database, migrations, the Jincheng 2021 plan with the
seeded 示例 progress (``envplan.services.demo.seed_demo``) and the frozen 2021-06 dispatch
snapshot.

Timed, in one process (the figures include the first import of matplotlib and python-docx):
1. the bulletin in docx + xlsx + html (``envplan.reports.bulletin.build_bulletin``, the call
   ``envplan report monthly`` and the web download make), with the bundled air data and the 示例
   water and soil files; target: under 10 s;
2. the same again (warm: modules imported, fonts cached);
3. the PDF through LibreOffice, separately (an external process; skipped when not installed).

Usage: .venv/bin/python benchmarks/bulletin_time.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="copy the generated files to this folder")
    args = parser.parse_args()

    from envplan.plan import default_plan
    from envplan.services import supervision
    from envplan.services.demo import seed_demo
    from envplan.store import make_engine, make_session_factory, upgrade

    work = Path(tempfile.mkdtemp(prefix="envplan-bench-"))
    url = f"sqlite:///{work / 'records.sqlite3'}"
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    plan = default_plan()
    with make_session_factory(engine)() as session:
        seed_demo(session, plan, as_of=dt.date(2021, 7, 31))
        supervision.take_snapshot(session, "2021-06")
        session.commit()
    engine.dispose()
    print(
        f"setup (migrations, plan, 示例 seed, 2021-06 snapshot): {time.perf_counter() - started:.1f} s"
    )

    from envplan.reports.bulletin import BulletinFiles, build_bulletin
    from envplan.reports.pdf import libreoffice_path
    from envplan.services.bulletin_monthly import BulletinOptions
    from envplan.services.bulletin_sources import (
        air_inputs_from_files,
        bundled_daily_air_files,
        demo_soil_files,
        demo_water_file,
        soil_facts_from_files,
        water_facts_from_file,
    )

    def build(out: Path, formats: tuple[str, ...]) -> tuple[float, float, BulletinFiles]:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        farmland, construction = demo_soil_files()
        files = build_bulletin(
            "2021-06",
            out_dir=out,
            formats=formats,
            database_url=url,
            plan=plan,
            air=air_inputs_from_files(bundled_daily_air_files()),
            water=water_facts_from_file(demo_water_file(), "2021-06", plan=plan),
            soil=soil_facts_from_files(farmland, construction),
            options=BulletinOptions(demo_data=True),
        )
        assert isinstance(files, BulletinFiles)
        return time.perf_counter() - begin, time.process_time() - begin_cpu, files

    load = os.getloadavg()[0]
    cold, cold_cpu, files = build(work / "cold", ("docx", "xlsx", "html"))
    warm, warm_cpu, _ = build(work / "warm", ("docx", "xlsx", "html"))
    tables = sum(1 for _ in files.bulletin.tables())
    rows = sum(len(t.rows) for t in files.bulletin.tables())
    print(f"machine load average (1 min) before timing: {load:.1f} on {os.cpu_count()} CPUs")
    print(
        f"bulletin 2021-06 (docx + xlsx + html), first run: {cold:.2f} s wall, "
        f"{cold_cpu:.2f} s CPU (target < 10 s)"
    )
    print(
        f"bulletin 2021-06 (docx + xlsx + html), second run: {warm:.2f} s wall, {warm_cpu:.2f} s CPU"
    )
    print(
        f"  content: {tables} tables, {rows} table rows, {len(list(files.bulletin.gaps()))} data gaps"
    )
    for fmt, path in files.paths.items():
        print(f"  {fmt}: {path.stat().st_size / 1024:.0f} KiB")
    if libreoffice_path() is None:
        print("PDF: LibreOffice not installed, skipped")
    else:
        pdf_time, _, pdf_files = build(work / "pdf", ("pdf",))
        print(f"bulletin 2021-06 PDF via LibreOffice (incl. assembly): {pdf_time:.2f} s")
        files.paths.update(pdf_files.paths)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for path in files.paths.values():
            shutil.copy(path, args.keep / path.name)
        print(f"files copied to {args.keep}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
