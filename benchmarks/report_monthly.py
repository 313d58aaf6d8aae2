"""Time ``envplan report monthly --month 2021-06`` on a demo home (issue 20: < 3 s, < 0.5 GB).

Not a test; prints figures. Setup (not timed): a demo home as ``envplan serve --demo`` makes it
(``open_platform`` with demo settings: migrations, the plan, the 示例 progress, the bundled air
data imported into ``<home>/timeseries`` with its derived daily table). ``--home DIR`` reuses a
home made before (a new one is made there when DIR is empty).

Timed, each in a fresh process as a user runs it (imports included, bytecode cached by a first
untimed run, in a private cache folder, even where PYTHONDONTWRITEBYTECODE is set):

1. ``envplan report monthly --month 2021-06 --format docx,xlsx,html --out …``, 3 runs: wall time
   (around the process), CPU time and peak RSS (``os.wait4`` resource usage of that process), against the
   targets (the best run for time, the largest peak for memory);
2. the split of one run, in one fresh process: imports, gathering (``monthly_bulletin``), then
   each format written alone (the Word chart is drawn once and reused by the page, as in the
   command);
3. with ``--pdf``: the same command with ``--format pdf`` (LibreOffice, an external process).

The machine's 1-minute load average is printed beside every figure: on a shared machine only the
proportions are comparable between runs.

With ``--baseline-src DIR`` (e.g. ``git archive main src | tar -x -C /tmp/old``, then
``/tmp/old/src``) each run is preceded by the same command on that code, for ratios at the same
load.

Usage: .venv/bin/python benchmarks/report_monthly.py [--home DIR] [--runs 3] [--pdf]
       [--baseline-src DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MONTH = "2021-06"
FORMATS = "docx,xlsx,html"
TARGET_SECONDS = 3.0
TARGET_BYTES = 0.5 * 1024**3


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} CPUs"


def make_home(home: Path) -> None:
    """A demo home as ``envplan serve --demo`` leaves it (not timed), made in a child process:
    on Linux a forked child starts with its parent's peak RSS, so the ~3 GB of this setup done
    in the benchmark's own process would show as every timed run's peak."""
    code = (
        "import sys\n"
        "from envplan.services.dashboard.platform import open_platform\n"
        "from envplan.services.settings import load_settings\n"
        "settings = load_settings({'ENVPLAN_HOME': sys.argv[1]}, demo=True)\n"
        "open_platform(settings, progress=lambda line: print(f'  {line}', flush=True)).close()\n"
    )
    subprocess.run([sys.executable, "-c", code, str(home)], check=True)


def envplan_command() -> list[str]:
    script = Path(sys.executable).with_name("envplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "envplan.cli"]


def child_env(home: Path, pycache: Path, src: Path | None = None) -> dict[str, str]:
    """The child's environment: the demo home, and bytecode cached as in a normal installation
    (some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every run compile envplan's ≈ 150
    modules again); the cache goes to a private folder, not into the source tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.pop("ENVPLAN_DATABASE_URL", None)
    env["ENVPLAN_HOME"] = str(home)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    if src is not None:  # another checkout's envplan (e.g. `git archive main src`) first
        env["PYTHONPATH"] = str(src)
    return env


def run_report(
    home: Path, out: Path, formats: str, src: Path | None = None
) -> tuple[float, float, int]:
    """One ``envplan report monthly`` process: (wall seconds, CPU seconds (user + system) and
    peak RSS bytes of that process)."""
    env = child_env(home, out.parent / ("pycache-baseline" if src else "pycache"), src)
    command = [*envplan_command(), "report", "monthly", "--month", MONTH]
    command += ["--format", formats, "--out", str(out)]
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "stdout.txt", "wb") as stdout, open(out / "stderr.txt", "wb") as stderr:
        began = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
        # Reaped here, not by Popen: wait4 gives this process's own resource usage.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = (out / "stderr.txt").read_text(encoding="utf-8", errors="replace")
        raise SystemExit(f"envplan report monthly failed ({process.returncode}):\n{error}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024  # KiB on Linux


def split(home: Path, out: Path) -> None:
    """Child mode: one fresh process timing imports, gathering and each format; prints JSON."""
    began = time.perf_counter()
    from functools import partial

    from envplan.plan import default_plan
    from envplan.reports.bulletin import write_bulletin, write_bulletin_xlsx_with_ledger
    from envplan.reports.charts import render_chart_png
    from envplan.services.bulletin import BulletinRequest, Month, monthly_bulletin, open_records
    from envplan.services.settings import load_settings

    figures: dict[str, float] = {"imports": time.perf_counter() - began}
    mark = time.perf_counter()
    settings = load_settings({"ENVPLAN_HOME": str(home)}, demo=True)
    with open_records(settings.database_url) as session:
        result = monthly_bulletin(
            BulletinRequest(Month.parse(MONTH)),
            plan=default_plan(),
            home=settings.home,
            session=session,
        )
    figures["gather (records, air, water, soil, ledger rows)"] = time.perf_counter() - mark
    charts: dict[int, bytes] = {}

    def chart(item: object) -> bytes:
        if id(item) not in charts:
            charts[id(item)] = render_chart_png(item)  # type: ignore[arg-type]
        return charts[id(item)]

    writer = partial(write_bulletin_xlsx_with_ledger, ledger=result.ledger)
    for fmt in FORMATS.split(","):
        mark = time.perf_counter()
        write_bulletin(result.bulletin, out, (fmt,), ledger_writer=writer, render_chart=chart)
        figures[fmt + (" (incl. drawing the chart)" if fmt == "docx" else "")] = (
            time.perf_counter() - mark
        )
    figures["total in process"] = time.perf_counter() - began
    print(json.dumps(figures, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="demo home to reuse (made there when empty)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="also time --format pdf")
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="a src/ folder of an older checkout: its runs alternate with these (same load)",
    )
    parser.add_argument("--split", nargs=2, metavar=("HOME", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.split:
        split(Path(args.split[0]), Path(args.split[1]))
        return

    work = Path(tempfile.mkdtemp(prefix="envplan-report-bench-"))
    home = args.home or work / "home"
    if not (home / "envplan-home.json").is_file():
        print(f"setup: demo home {home} (open_platform, demo settings), {load()}")
        began = time.perf_counter()
        make_home(home)
        print(f"setup done in {time.perf_counter() - began:.1f} s (not timed)")
    run_report(home, work / "warm", FORMATS)  # compiles the bytecode; not counted
    if args.baseline_src:
        run_report(home, work / "warm-baseline", FORMATS, args.baseline_src)

    print(f"envplan report monthly --month {MONTH} --format {FORMATS} (fresh process each):")
    walls, peaks = [], []
    for run in range(1, args.runs + 1):
        if args.baseline_src:
            old = run_report(home, work / f"baseline{run}", FORMATS, args.baseline_src)
            print(
                f"  run {run} baseline ({args.baseline_src}): {old[0]:.2f} s wall, "
                f"{old[1]:.2f} s CPU, peak RSS {old[2] / 1024**2:.0f} MiB   [{load()}]"
            )
        wall, cpu, peak = run_report(home, work / f"run{run}", FORMATS)
        walls.append(wall)
        peaks.append(peak)
        print(
            f"  run {run}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {peak / 1024**2:.0f} MiB"
            f"   [{load()}]"
        )
    best, worst = min(walls), max(walls)
    print(
        f"  wall {best:.2f}–{worst:.2f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if best < TARGET_SECONDS else 'NOT met'} by the best run), "
        f"peak RSS max {max(peaks) / 1024**2:.0f} MiB (target < 512 MiB: "
        f"{'met' if max(peaks) < TARGET_BYTES else 'NOT met'})"
    )

    completed = subprocess.run(
        [sys.executable, __file__, "--split", str(home), str(work / "split")],
        env=child_env(home, work / "pycache"),
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    print(f"split of one run (one fresh process)   [{load()}]:")
    for name, seconds in figures.items():
        print(f"  {name}: {seconds:.2f} s")
    for path in sorted(p for p in (work / "run1").iterdir() if p.suffix != ".txt"):
        print(f"  file {path.name}: {path.stat().st_size / 1024:.0f} KiB")

    if args.pdf:
        wall, cpu, _ = run_report(home, work / "pdf", "pdf")
        print(f"--format pdf (LibreOffice): {wall:.2f} s wall, {cpu:.2f} s CPU   [{load()}]")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
