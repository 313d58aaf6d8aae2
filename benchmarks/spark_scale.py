"""Benchmark: the air chain's daily statistics on a generated national dataset, embedded engine
vs Apache Spark (local[2]), for 1, 5 and 10 years. A script that prints figures, not a test.

    .venv/bin/python benchmarks/spark_scale.py [--stations 1700] [--years 1 5 10] [--engines embedded spark]

Data: ``--stations`` stations in cities of 5, every hour of each year, the six 1-h values drawn
from the value distribution of the official MEE city table in tests/data (each pollutant's
empirical quantiles, with a diurnal factor), ~3 % of values missing. Written once per size as
wide Parquet (partitioned by year/month) under --work; each engine runs in a fresh process:
read the Parquet, daily statistics and daily AQI of every station and city, write Parquet.
Peak memory is the process tree's peak RSS (the Spark JVM and its Python workers included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
MEE = ROOT / "tests" / "data" / "air" / "mee-city-hourly-2019-02-04_2019-02-12.csv.gz"
POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")


def generate(folder: Path, stations: int, years: int, seed: int = 1) -> int:
    """Wide station hours for ``years`` years (2021 onward), partitioned by year/month."""
    if (folder / "_DONE").exists():
        return int((folder / "_DONE").read_text())
    mee = pl.read_csv(MEE, infer_schema_length=10_000, null_values=["—", ""])
    quantiles = {
        p: np.nanquantile(mee[p].cast(pl.Float64).to_numpy(), np.linspace(0, 1, 101))
        for p in POLLUTANTS
    }
    rng = np.random.default_rng(seed)
    sites = [f"{1000 + i}A" for i in range(stations)]
    cities = [f"城市{i // 5:03d}" for i in range(stations)]
    rows = 0
    for year in range(2021, 2021 + years):
        for month in range(1, 13):
            start = dt.datetime(year, month, 1, 1)
            end = dt.datetime(year + (month == 12), month % 12 + 1, 1, 0)
            hours = int((end - start) / dt.timedelta(hours=1)) + 1
            times = np.array(
                [start + dt.timedelta(hours=h) for h in range(hours)], dtype="datetime64[us]"
            )
            n = hours * stations
            diurnal = 1 + 0.25 * np.sin(2 * np.pi * (np.arange(hours) % 24) / 24)
            data: dict[str, object] = {
                "site": np.repeat(sites, hours),
                "city": np.repeat(cities, hours),
                "interval_end": np.tile(times, stations),
            }
            for p in POLLUTANTS:
                values = np.interp(rng.random(n), np.linspace(0, 1, 101), quantiles[p])
                values = values * np.tile(diurnal, stations)
                values = np.round(values, 1 if p == "CO" else 0)
                values[rng.random(n) < 0.03] = np.nan
                data[p] = values
            frame = pl.DataFrame(data).with_columns(
                pl.lit("station").alias("site_kind"),
                *[pl.col(p).fill_nan(None) for p in POLLUTANTS],
            )
            target = folder / f"year={year}" / f"month={month:02d}"
            target.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(target / "part-0.parquet", row_group_size=200_000)
            rows += n
    (folder / "_DONE").write_text(str(rows))
    return rows


def _peak_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    """Poll the RSS of a process tree (bytes) until ``stop``."""
    while not stop.is_set():
        total = 0
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                stat = (proc / "stat").read_text().split()
                me = int(proc.name)
                if me == pid or _descends(me, pid):
                    total += int(stat[23]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        peak[0] = max(peak[0], total)
        stop.wait(0.5)


def _descends(pid: int, ancestor: int) -> bool:
    seen = 0
    while pid > 1 and seen < 50:
        try:
            pid = int((Path("/proc") / str(pid) / "stat").read_text().split()[3])
        except (OSError, ValueError, IndexError):
            return False
        if pid == ancestor:
            return True
        seen += 1
    return False


def run_engine(engine: str, folder: Path, out: Path) -> dict[str, float]:
    code = f"""
import time, sys
t = time.perf_counter()
sys.path.insert(0, {str(ROOT / "src")!r})
import polars as pl
from envplan.services.air.hourly import CityStations, network_daily_statistics
if {engine!r} == "embedded":
    hourly = pl.read_parquet({str(folder)!r} + "/**/*.parquet", hive_partitioning=False)
    daily = network_daily_statistics(hourly, CityStations(exclude=frozenset()))
    daily.write_parquet({str(out)!r})
    print(daily.height)
else:
    from envplan.services.spark import spark_session
    from envplan.services.spark.air import Stage, _apply
    from envplan.services.spark.arrow import unescape
    spark = spark_session("local[2]")
    df = spark.read.parquet({str(folder)!r}).drop("year", "month")
    sample = pl.read_parquet({str(folder)!r} + "/year=2021/month=01/part-0.parquet").head(20000)
    sample = sample.filter(pl.col("site") == sample["site"][0])
    names = {{c: c.replace(".", "__dot__") for c in df.columns}}
    df = df.toDF(*names.values())
    stage = Stage(df, sample.schema, sample)
    stations = _apply(stage, ["site"], lambda f: network_daily_statistics(f, None))
    cities = CityStations(exclude=frozenset())
    def city_days(f):
        both = network_daily_statistics(f, cities)
        return both.filter(~pl.col("site").is_in(f["site"].unique().implode()))
    city = _apply(stage, ["city"], city_days)
    result = stations.df.unionByName(city.df)
    result.toDF(*[unescape(c) for c in result.columns]).write.mode("overwrite").parquet({str(out)!r})
    print(spark.read.parquet({str(out)!r}).count())
    spark.stop()
print("seconds", time.perf_counter() - t)
"""
    stop, peak = threading.Event(), [0]
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    watcher = threading.Thread(target=_peak_rss, args=(process.pid, stop, peak), daemon=True)
    watcher.start()
    output, _ = process.communicate()
    stop.set()
    watcher.join()
    wall = time.perf_counter() - start
    lines = output.strip().splitlines()
    if process.returncode != 0 or not lines:
        return {"wall_s": wall, "peak_gb": peak[0] / 1e9, "failed": 1.0}
    return {
        "wall_s": round(wall, 1),
        "peak_gb": round(peak[0] / 1e9, 2),
        "daily_rows": float(lines[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=1700)
    parser.add_argument("--years", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--engines", nargs="+", default=["embedded", "spark"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/envplan-spark-bench"))
    args = parser.parse_args()
    results = []
    for years in args.years:
        folder = args.work / f"s{args.stations}-y{years}"
        t = time.perf_counter()
        rows = generate(folder, args.stations, years)
        print(
            f"data: {args.stations} stations × {years} years = {rows:,} station-hours "
            f"(generated or reused in {time.perf_counter() - t:.0f} s)",
            flush=True,
        )
        for engine in args.engines:
            figures = run_engine(engine, folder, args.work / f"out-{engine}-{years}")
            figures |= {"engine": engine, "years": years, "station_hours": rows}
            results.append(figures)
            print(json.dumps(figures, ensure_ascii=False), flush=True)
    print("\nengine\tyears\tstation-hours\twall s\tpeak GB")
    for r in results:
        print(
            f"{r['engine']}\t{r['years']}\t{r['station_hours']:,}\t{r['wall_s']}\t{r['peak_gb']}"
            + ("\tFAILED" if r.get("failed") else "")
        )


if __name__ == "__main__":
    main()
