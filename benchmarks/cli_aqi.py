"""`envplan air aqi` end to end on generated MEE city-hour files (not a test; prints figures).

Input layout: ``mee-city`` (the MEE city real-time table ``city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,
main_pollution,time``, one row per city-hour, ``—`` for a missing value) — the layout users feed
most often (the national real-time city table, as in tests/data/air). The file is generated, not
timed: every row is a city-hour of the real ``tests/data/air/mee-city-hourly-2019-02-04_2019-02-12``
file drawn at random (fixed seed), with the file's own AQI and primary pollutant, re-labelled onto a
grid of the file's 367 cities × consecutive hours from 2019-01-01 01:00 (no duplicate city-hour).

Timed, each in a FRESH subprocess, one after the other in the same run; wall time and the child's
peak resident set size (``os.wait4`` rusage ``ru_maxrss``):

CLI and floor are run ``--repeat`` times alternately (default 3); the table shows the least wall and
CPU time and the largest peak RSS of each, every wall time is printed too.

(i)   ``envplan air aqi FILE --format mee-city -o OUT --quiet`` — the installed CLI
      (``.venv/bin/envplan`` beside the running interpreter);
(ii)  the Polars floor: ``pl.read_csv(FILE)`` + ``write_csv`` of the same file (types inferred);
(iii) python-aqi 0.6.1 (ALGO_MEP) end to end on a sample: the first ``--sample`` rows read with the
      csv module, ``aqi.to_aqi`` on the six 1-h values, written with the csv module; its time is
      scaled linearly to the full row count.

Usage: .venv/bin/python benchmarks/cli_aqi.py [--rows 1000000,4000000] [--repeat 3] [--sample 20000]
       [--data DIR] [--keep] [--envplan PATH] [--cli-args ARGS]
       [--baseline OTHER_ENVPLAN]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL_FILE = HERE.parent / "tests" / "data" / "air" / "mee-city-hourly-2019-02-04_2019-02-12.csv.gz"
SEED = 20

FLOOR = """
import sys
import polars as pl
pl.read_csv(sys.argv[1]).write_csv(sys.argv[2])
"""

PYTHON_AQI = """
import csv, sys, time
import aqi
start = time.perf_counter()
names = {"SO2": "so2_1h", "NO2": "no2_1h", "CO": "co_1h", "O3": "o3_1h", "PM10": "pm10",
         "PM2.5": "pm25"}
limit = int(sys.argv[3])
with open(sys.argv[1], newline="", encoding="utf-8") as src, open(
    sys.argv[2], "w", newline="", encoding="utf-8"
) as dst:
    reader = csv.reader(src)
    header = next(reader)
    at = {p: header.index(p) for p in names}
    city, stamp = header.index("city"), header.index("time")
    writer = csv.writer(dst)
    writer.writerow(["site", "time", "aqi"])
    for n, row in enumerate(reader):
        if n >= limit:
            break
        record = [(names[p], row[i]) for p, i in at.items() if row[i] not in ("", "—")]
        try:
            value = aqi.to_aqi(record, algo=aqi.ALGO_MEP) if record else ""
        except Exception:  # python-aqi raises above its top breakpoints; still timed
            value = ""
        writer.writerow([row[city], row[stamp], value])
print(time.perf_counter() - start)
"""


def generate(rows: int, target: Path) -> None:
    """A mee-city CSV of `rows` city-hours drawn from the real file (fixed seed)."""
    import numpy as np
    import polars as pl

    real = pl.read_csv(REAL_FILE, infer_schema=False)
    cities = real["city"].unique(maintain_order=True)
    hours = -(-rows // cities.len())
    rng = np.random.default_rng(SEED)
    picked = real.drop("city", "time")[rng.integers(0, real.height, rows)]
    stamps = pl.datetime_range(
        pl.datetime(2019, 1, 1, 1),
        pl.datetime(2019, 1, 1, 1) + pl.duration(hours=hours - 1),
        "1h",
        eager=True,
    ).dt.strftime("%Y-%m-%d %H:%M:%S")
    grid = pl.DataFrame(
        {
            "city": pl.concat([cities] * hours)[:rows],
            "time": stamps.gather(np.repeat(np.arange(hours), cities.len())[:rows]),
        }
    )
    frame = pl.concat([grid, picked], how="horizontal").select(real.columns)
    frame.write_csv(target)


class Refused(Exception):
    """The child exited with an error (its stderr is the message)."""


def run(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS [GB] and stdout of one fresh child;
    ``Refused`` when it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise Refused(err.read().decode().strip() or out.read().decode().strip())
        cpu = usage.ru_utime + usage.ru_stime
        return elapsed, cpu, usage.ru_maxrss / 1024**2, out.read().decode()


def _best(runs: list[tuple[float, float, float, str]]) -> tuple[float, float, float, str]:
    """Least wall and CPU time, largest peak RSS of repeated runs (load only ever adds time)."""
    return (
        min(r[0] for r in runs),
        min(r[1] for r in runs),
        max(r[2] for r in runs),
        runs[-1][3],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,4000000", help="row counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="alternated runs of CLI and floor")
    parser.add_argument("--sample", type=int, default=20_000, help="python-aqi sample rows")
    parser.add_argument("--data", type=Path, default=None, help="folder for the generated files")
    parser.add_argument("--keep", action="store_true", help="keep generated files and outputs")
    parser.add_argument("--envplan", default=str(Path(sys.executable).parent / "envplan"))
    parser.add_argument(
        "--cli-args", default="--quiet", help="extra CLI arguments ('' for a CLI without --quiet)"
    )
    parser.add_argument(
        "--baseline",
        default=None,
        help="another envplan executable (e.g. main's): timed too, its output compared byte for byte",
    )
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.rows.split(",")]
    folder = args.data or Path(tempfile.mkdtemp(prefix="envplan-cli-aqi-"))
    folder.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    print(f"envplan CLI: {args.envplan}; input layout mee-city; files in {folder}")
    table = []
    for rows in sizes:
        source = folder / f"mee-city-{rows}.csv"
        if not source.exists():
            generate(rows, source)
        size_mb = source.stat().st_size / 1e6
        command = [
            args.envplan,
            "air",
            "aqi",
            str(source),
            "--format",
            "mee-city",
            "-o",
            str(folder / f"aqi-{rows}.csv"),
            *args.cli_args.split(),
        ]
        floor_command = [python, "-c", FLOOR, str(source), str(folder / f"floor-{rows}.csv")]
        clis, floors = [], []
        load = os.getloadavg()[0]
        try:
            for _ in range(args.repeat):  # alternated, so both see the same machine load
                clis.append(run(command))
                floors.append(run(floor_command))
        except Refused as refused:
            # e.g. the input limits of envplan.monitoring.input_limits
            print(f"{rows:,} rows: envplan air aqi refused the file: {refused}")
            continue
        cli, floor = _best(clis), _best(floors)
        print(
            f"{rows:,} rows, {args.repeat} alternated runs, wall s: envplan "
            f"{', '.join(f'{r[0]:.2f}' for r in clis)}; floor {', '.join(f'{r[0]:.2f}' for r in floors)}"
        )
        if args.baseline:
            base_out = folder / f"baseline-{rows}.csv"
            base = run(
                [
                    args.baseline,
                    "air",
                    "aqi",
                    str(source),
                    "--format",
                    "mee-city",
                    "-o",
                    str(base_out),
                ]
            )
            same = base_out.read_bytes() == (folder / f"aqi-{rows}.csv").read_bytes()
            print(
                f"{rows:,} rows: baseline {base[0]:.2f} s wall, {base[1]:.2f} s CPU, {base[2]:.2f} GB; "
                f"output {'IDENTICAL to' if same else 'DIFFERENT from'} the baseline's"
            )
            base_out.unlink()
        sample = min(args.sample, rows)
        theirs = run(
            [
                python,
                "-c",
                PYTHON_AQI,
                str(source),
                str(folder / f"python-aqi-{rows}.csv"),
                str(sample),
            ]
        )
        loop = float(theirs[3].split()[-1])  # the child's own time for the sample's rows
        scaled = theirs[0] - loop + loop * rows / sample  # process start + all rows
        table.append((rows, size_mb, cli, floor, scaled, (load, os.getloadavg()[0])))
        if not args.keep:
            for name in (f"aqi-{rows}.csv", f"floor-{rows}.csv", f"python-aqi-{rows}.csv"):
                (folder / name).unlink(missing_ok=True)
    print(
        f"{'rows':>10} {'MB':>5} | {'envplan wall s':>14} {'cpu s':>6} {'GB':>5} | "
        f"{'floor wall s':>12} {'cpu s':>6} {'GB':>5} | {'python-aqi s':>12} | "
        f"{'×python-aqi':>11} {'÷floor wall':>11} {'÷floor cpu':>10} {'÷floor RSS':>10} | "
        f"{'load 1 min':>10}"
    )
    for rows, size_mb, cli, floor, scaled, loads in table:
        print(
            f"{rows:>10,} {size_mb:>5.0f} | {cli[0]:>14.2f} {cli[1]:>6.2f} {cli[2]:>5.2f} | "
            f"{floor[0]:>12.2f} {floor[1]:>6.2f} {floor[2]:>5.2f} | {scaled:>12.1f} | "
            f"{scaled / cli[0]:>10.0f}× {cli[0] / floor[0]:>10.2f}× {cli[1] / floor[1]:>9.2f}× "
            f"{cli[2] / floor[2]:>9.2f}× | {loads[0]:>4.1f}–{loads[1]:<4.1f}"
        )
    print(
        f"python-aqi: the first {args.sample:,} rows timed inside its process, scaled to the row "
        "count, plus its process start; ×python-aqi = its wall time ÷ envplan's. Load: the 1-minute "
        "load average before the first and after the last timed run of that row count. Targets "
        "(1 M and 4 M rows): ≥ 200× python-aqi, ≤ 2× floor wall and CPU time, ≤ 2× floor peak RSS."
    )
    if not args.keep and args.data is None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
