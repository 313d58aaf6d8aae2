"""Five months of the national live feed from CSV to monthly city figures (not a test; prints figures).

Setup (not timed; fixed seed; reused when present in ``--data``): a CSV in the exact layout of the
national 2026 feed (``tests/data/air/cnemc-live-national-2026-02-28_2026-03-01.csv.gz``: 1,600
stations, 23 columns, ``timepoint`` such as ``2026-02-28T0000``), ``--hours`` hours (3,600 = five
months, labels 2026-01-01T0100 … 2026-05-31T0000) × the file's 1,600 stations. It tiles the real
file: for every generated hour one of the file's 48 hours is drawn (NumPy ``default_rng(20)``) and
all 1,600 station rows of that hour are written as they are (station codes, areas, names,
values, published AQI, missing markers), only ``timepoint`` shifted. Rows are written hour by
hour, as the feed is.

Timed, in a FRESH Python process with glibc's default allocator: read the CSV with the wide
reader (``monitoring.air_wide_cnemc.read_cnemc_live_wide``: typed parse, one ``strptime``, checks
as column expressions; rows left in file order) → groups of whole cities (``city_groups``) → ``services.air.network_period_chain`` (hourly AQI of
every station-hour, daily statistics and daily AQI of stations and cities, city = hourly mean of
its stations) → for each month ``assess_period`` (good-day ratio, PM2.5 mean, composite index …)
and ``rank_cities`` of every city. Printed: wall and CPU time of each step, the child's peak RSS
(``ru_maxrss``), rows/s, the load average before the run.

``--store`` also times, in the same way and apart, the general reader and the store import
(``monitoring.timeseries.import_air_file``) on the real two-day file, and the wide reader on it,
so the per-row cost of that path can be compared.

``--user`` times the user's path on the generated file instead of the chain, in a fresh child:
``import_air_file`` into a fresh store (for ``cnemc-live`` the wide parse of
``monitoring.air_wide_long``, the long tables built and written a month at a time; the stored
rows are those of ``read_air``), then the monthly city table from the store as the platform
computes it: ``services.air.store_daily_frame`` (``query_air`` of groups of whole cities of
about 4 M stored rows → ``city_daily_frame``, concatenated) and, per month, ``assess_period``
and ``rank_cities`` of every city. Printed: wall, CPU and peak RSS of the import and of the
whole path, the store's size. ``--daily-max-hours N`` times only the import above N hours
(default: no limit; before the store was read in city groups the step held the whole long store,
≈ 10.7 GB a month of the national feed). See docs/air.md §8.4 for figures.

Usage: .venv/bin/python benchmarks/feed_import.py [--hours 3600] [--data /tmp/envplan-feed]
       [--runs 1] [--no-hourly-aqi] [--store] [--user [--daily-max-hours N]]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REAL = HERE.parent / "tests" / "data" / "air" / "cnemc-live-national-2026-02-28_2026-03-01.csv.gz"
START = dt.datetime(2026, 1, 1, 0)  # the first generated hour ends at 01:00
SEED = 20


def data_file(directory: Path, hours: int) -> Path:
    return directory / f"cnemc-live-national-{hours}h.csv"


def setup(directory: Path, hours: int) -> Path:
    """Write the generated feed (not timed); reused when already there."""
    import numpy as np
    import polars as pl

    path = data_file(directory, hours)
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    # every cell as text, as in the file (empty cells stay empty, NA / "/" stay as written)
    real = pl.read_csv(REAL, infer_schema=False).sort("timepoint", "stationcode")
    # the file's hours (stations reporting vary a little from hour to hour: 1,597–1,603)
    sizes = real.group_by("timepoint", maintain_order=True).len()["len"].to_numpy()
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rng = np.random.default_rng(SEED)
    drawn = rng.integers(0, sizes.size, size=hours)
    counts = sizes[drawn]
    hour_of_row = np.repeat(np.arange(hours), counts)
    first_of_hour = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rows = starts[drawn][hour_of_row] + (np.arange(counts.sum()) - first_of_hour[hour_of_row])
    labels = pl.datetime_range(
        START + dt.timedelta(hours=1),
        START + dt.timedelta(hours=hours),
        interval="1h",
        eager=True,
    ).dt.strftime("%Y-%m-%dT%H%M")
    frame = real.select(pl.all().gather(rows)).with_columns(timepoint=labels.gather(hour_of_row))
    tmp = path.with_suffix(".tmp")
    frame.write_csv(tmp)
    tmp.rename(path)
    return path


def _months(hours: int) -> list[str]:
    first = START.date()
    last = (START + dt.timedelta(hours=hours - 1)).date()  # the last hour's day (label − 1 h)
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_table(daily: Any, months: list[str], cities: Any) -> Any:
    """The monthly city table of both timed paths: per month, ``assess_period`` (good-day
    ratio, PM2.5 mean, composite index) and ``rank_cities`` of ``cities`` (a Series of names)."""
    import polars as pl

    from envplan.services import air

    tables = []
    for month in months:
        assessed = air.assess_period(daily, month).filter(pl.col("site").is_in(cities.implode()))
        ranked = air.rank_cities(daily, month, sites=cities.to_list())
        tables.append(
            assessed.select(
                pl.lit(month).alias("month"),
                "site",
                "good_day_ratio",
                "PM2.5_mean",
                "composite_index",
            ).join(ranked.select("site", "rank"), on="site", how="left")
        )
    return pl.concat(tables)


def chain(path: Path, hours: int, hourly_aqi: bool) -> dict[str, object]:
    """The timed path (runs in the child process)."""
    import polars as pl

    from envplan.monitoring.air_wide_cnemc import city_groups, read_cnemc_live_wide
    from envplan.services import air

    t0, c0 = time.perf_counter(), time.process_time()
    wide = read_cnemc_live_wide(path, sort=False)  # file order: the chain takes any order
    if wide is None:
        raise SystemExit("the wide reader declined the file (read_air would read it)")
    t_read, c_read = time.perf_counter() - t0, time.process_time() - c0
    station_hours = wide.height
    city_names = wide["city"].unique().sort()
    aqi_rows = [0]

    def on_hourly_aqi(frame: pl.DataFrame) -> None:
        aqi_rows[0] += frame.height  # computed, then freed

    months = _months(hours)
    result = air.network_period_chain(
        city_groups(wide, air.CHUNK_STATION_HOURS),  # groups of whole cities
        months[0],
        cities=air.CityStations(),
        on_hourly_aqi=on_hourly_aqi if hourly_aqi else None,
    )
    t_chain = time.perf_counter() - t0 - t_read
    monthly = monthly_table(result.daily, months, city_names)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sample = monthly.filter(pl.col("rank") == 1).sort("month").rows()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "read_seconds": t_read,
        "read_cpu_seconds": c_read,
        "chain_seconds": t_chain,
        "months_seconds": seconds - t_read - t_chain,
        "peak_rss_gb": usage.ru_maxrss / 1024**2,
        "station_hours": station_hours,
        "hourly_aqi_rows": aqi_rows[0],
        "site_days": result.daily.height,
        "cities": city_names.len(),
        "monthly_rows": monthly.height,
        "monthly_columns": monthly.columns,
        "first_ranked": [list(map(str, r)) for r in sample],
        "polars_threads": pl.thread_pool_size(),
    }


def store(path: Path) -> dict[str, object]:
    """The general reader and the store import of one real file, and the wide reader on it."""
    from envplan.monitoring.air_readers import read_air
    from envplan.monitoring.air_wide_cnemc import read_cnemc_live_wide
    from envplan.monitoring.timeseries import import_air_file

    t0 = time.perf_counter()
    rows = read_cnemc_live_wide(path)
    wide = time.perf_counter() - t0
    t0 = time.perf_counter()
    read_air(path)
    general = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="envplan-feed-store-") as root:
        t0 = time.perf_counter()
        import_air_file(path, root)
        imported = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "rows": 0 if rows is None else rows.height,
        "wide_seconds": wide,
        "read_air_seconds": general,
        "import_seconds": imported,
        "peak_rss_gb": usage.ru_maxrss / 1024**2,
    }


def user_path(path: Path, hours: int, daily_max_hours: int) -> dict[str, object]:
    """The user's path (runs in the child process): ``import_air_file`` into a fresh store, then
    the monthly city table from the store as the platform computes it
    (``services.air.store_daily_frame``: ``query_air`` of groups of whole cities →
    ``city_daily_frame``) and, per month, ``assess_period`` and ``rank_cities`` of every city."""
    import polars as pl

    from envplan.monitoring.timeseries import import_air_file
    from envplan.services import air

    months = _months(hours)
    with tempfile.TemporaryDirectory(prefix="envplan-feed-user-", dir=path.parent) as folder:
        root = Path(folder)
        t0, c0 = time.perf_counter(), time.process_time()
        summary = import_air_file(path, root, "cnemc-live")
        t_import, c_import = time.perf_counter() - t0, time.process_time() - c0
        rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        store_mb = sum(f.stat().st_size for f in root.rglob("*.parquet")) / 1024**2
        if daily_max_hours and hours > daily_max_hours:  # only the import (see the docstring)
            return {
                "import_seconds": t_import,
                "import_cpu_seconds": c_import,
                "import_peak_rss_gb": rss_import,
                "measurement_rows": summary.measurement_rows,
                "published_rows": summary.published_rows,
                "store_mb": store_mb,
            }
        daily = air.store_daily_frame(root)
        t_daily = time.perf_counter() - t0 - t_import
        cities = daily.filter(pl.col("site_kind") == "city")["site"].unique().sort()
        monthly = monthly_table(daily, months, cities)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sample = monthly.filter(pl.col("rank") == 1).sort("month").rows()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "import_seconds": t_import,
        "import_cpu_seconds": c_import,
        "import_peak_rss_gb": rss_import,
        "daily_seconds": t_daily,
        "months_seconds": seconds - t_import - t_daily,
        "peak_rss_gb": usage.ru_maxrss / 1024**2,
        "measurement_rows": summary.measurement_rows,
        "published_rows": summary.published_rows,
        "store_mb": store_mb,
        "site_days": daily.height,
        "cities": cities.len(),
        "monthly_rows": monthly.height,
        "first_ranked": [list(map(str, r)) for r in sample],
    }


def run_child(args: list[str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GLIBC_TUNABLES", "MALLOC_"))}
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    out = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=3600)
    parser.add_argument("--data", type=Path, default=Path("/tmp/envplan-feed"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-hourly-aqi", action="store_true")
    parser.add_argument("--store", action="store_true")
    parser.add_argument("--user", action="store_true")
    parser.add_argument("--daily-max-hours", type=int, default=0)  # 0: no limit
    parser.add_argument("--child", choices=("chain", "store", "user"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "chain":
        print(json.dumps(chain(args.file, args.hours, not args.no_hourly_aqi)))
        return 0
    if args.child == "store":
        print(json.dumps(store(args.file)))
        return 0
    if args.child == "user":
        print(json.dumps(user_path(args.file, args.hours, args.daily_max_hours)))
        return 0

    t0 = time.perf_counter()
    path = setup(args.data, args.hours)
    size_mb = path.stat().st_size / 1024**2
    print(f"data: {path} ({size_mb:.0f} MB; setup {time.perf_counter() - t0:.1f} s, not timed)")
    child = ["--child", "chain", "--file", str(path), "--hours", str(args.hours)]
    if args.no_hourly_aqi:
        child.append("--no-hourly-aqi")
    for run in range(0 if args.user else args.runs):
        load = os.getloadavg()
        r = run_child(child)
        rate = float(r["station_hours"]) / float(r["seconds"])  # type: ignore[arg-type]
        print(
            f"run {run + 1}: {r['seconds']:.2f} s wall, CPU {r['cpu_seconds']:.2f} s "
            f"(read {r['read_seconds']:.2f} s [CPU {r['read_cpu_seconds']:.2f}], chain "
            f"{r['chain_seconds']:.2f} s, monthly tables {r['months_seconds']:.2f} s); "
            f"peak RSS {r['peak_rss_gb']:.2f} GB; {r['station_hours']:,} station-hours "
            f"({rate / 1e6:.2f} M/s), hourly AQI rows {r['hourly_aqi_rows']:,}, "
            f"{r['site_days']:,} site-days, {r['cities']} cities, {r['monthly_rows']} monthly "
            f"rows; polars threads {r['polars_threads']}; load before "
            f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}"
        )
        print(f"  rank 1 per month: {r['first_ranked']}")
    if args.store:
        load = os.getloadavg()
        s = run_child(["--child", "store", "--file", str(REAL)])
        per = 1e6 / float(s["rows"])  # type: ignore[arg-type]
        print(
            f"real two-day file ({s['rows']:,} station-hours): wide reader "
            f"{s['wide_seconds']:.2f} s, read_air {s['read_air_seconds']:.2f} s, "
            f"import_air_file (read_air + long Parquet store) {s['import_seconds']:.2f} s "
            f"(≈ {float(s['import_seconds']) * per:.0f} s per M station-hours, linear estimate); "  # type: ignore[arg-type]
            f"peak RSS {s['peak_rss_gb']:.2f} GB; load before {load[0]:.2f}/{load[1]:.2f}"
        )
    if args.user:
        for run in range(args.runs):
            load = os.getloadavg()
            user = ["--child", "user", "--file", str(path), "--hours", str(args.hours)]
            u = run_child([*user, "--daily-max-hours", str(args.daily_max_hours)])
            if "seconds" not in u:
                print(
                    f"user's path, run {run + 1}: import_air_file {u['import_seconds']:.2f} s "
                    f"wall, CPU {u['import_cpu_seconds']:.2f} s, peak RSS "
                    f"{u['import_peak_rss_gb']:.2f} GB; {u['measurement_rows']:,} long rows + "
                    f"{u['published_rows']:,} published ({u['store_mb']:.0f} MB of Parquet); "
                    f"store → monthly not run (> --daily-max-hours {args.daily_max_hours}); "
                    f"load before {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}"
                )
                continue
            print(
                f"user's path, run {run + 1}: {u['seconds']:.2f} s wall, CPU "
                f"{u['cpu_seconds']:.2f} s (import_air_file {u['import_seconds']:.2f} s [CPU "
                f"{u['import_cpu_seconds']:.2f}, peak RSS {u['import_peak_rss_gb']:.2f} GB], "
                f"store → daily frame {u['daily_seconds']:.2f} s, monthly tables "
                f"{u['months_seconds']:.2f} s); peak RSS {u['peak_rss_gb']:.2f} GB; "
                f"{u['measurement_rows']:,} long rows + {u['published_rows']:,} published "
                f"({u['store_mb']:.0f} MB of Parquet), {u['site_days']:,} site-days, "
                f"{u['cities']} cities, {u['monthly_rows']} monthly rows; load before "
                f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}"
            )
            print(f"  rank 1 per month: {u['first_ranked']}")
    print("target: < 15 s on 2 cores, CSV to monthly city figures (fresh process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
