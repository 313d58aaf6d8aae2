"""Air engine throughput on a synthetic national year (not a test; prints figures).

1,700 stations × 8,760 hours; each station-hour is a whole row of six 1-hour concentrations drawn
at random from the real MEE city-hour file in tests/data/air (so the value mix and the
correlations between pollutants are real). Stations are grouped 5 to a city (340 cities).

Timed, in one process:
1. hourly AQI of all station-hours (envplan.services.air.hourly.hourly_aqi_wide);
2. python-aqi 0.6.1 (ALGO_MEP, the same six 1-h values) on a sample, giving the speed ratio;
3. the full chain: hourly AQI → city hourly means → daily statistics and daily AQI (stations and
   cities) → annual statistics, compliance, composite index → city ranking.
Peak memory is the process's maximum resident set size (includes building the synthetic data).

Usage: .venv/bin/python benchmarks/air_throughput.py [--stations 1700] [--hours 8760] [--sample 20000]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from envplan.services import air
from envplan.standards.air.statistics import HOURLY_POLLUTANTS

SHARED = Path(__file__).resolve().parent.parent / "tests" / "data"
MEE_FILE = SHARED / "air" / "mee-city-hourly-2019-02-04_2019-02-12.csv.gz"
STATIONS_PER_CITY = 5


def real_rows() -> pl.DataFrame:
    """The complete city-hours of the MEE file (six 1-h values each)."""
    frame = pl.read_csv(MEE_FILE, infer_schema_length=0, null_values=["—", ""])
    return frame.select(pl.col(p).cast(pl.Float64) for p in HOURLY_POLLUTANTS).drop_nulls()


def synthetic_year(stations: int, hours: int, seed: int = 20211) -> pl.DataFrame:
    rows = real_rows().to_numpy()
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, rows.shape[0], size=stations * hours)
    values = rows[pick]
    site_codes = pl.Series([f"{1001 + i}A" for i in range(stations)], dtype=pl.Categorical)
    city_names = pl.Series(
        [f"城市{i // STATIONS_PER_CITY + 1:03d}" for i in range(stations)], dtype=pl.Categorical
    )
    station_of_row = pl.Series(np.repeat(np.arange(stations, dtype=np.uint32), hours))
    start = np.datetime64("2021-01-01T01:00", "us")
    offsets = np.arange(hours, dtype="timedelta64[h]").astype("timedelta64[us]")
    frame = pl.DataFrame(
        {
            "site": site_codes.gather(station_of_row),
            "site_kind": pl.Series(["station"], dtype=pl.Categorical).gather(
                np.zeros(stations * hours, dtype=np.uint32)
            ),
            "city": city_names.gather(station_of_row),
            "interval_end": np.tile(start + offsets, stations),
            **{p: values[:, j] for j, p in enumerate(HOURLY_POLLUTANTS)},
        }
    )
    return frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("SO2_24h"))


def python_aqi_rate(sample: pl.DataFrame) -> tuple[float, int]:
    import aqi  # python-aqi 0.6.1 (dev dependency)

    names = {
        "SO2": "so2_1h",
        "NO2": "no2_1h",
        "CO": "co_1h",
        "O3": "o3_1h",
        "PM10": "pm10",
        "PM2.5": "pm25",
    }
    records = [
        [(names[p], str(v)) for p, v in zip(HOURLY_POLLUTANTS, row, strict=True)]
        for row in sample.select(HOURLY_POLLUTANTS).iter_rows()
    ]
    failures = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for record in records:
        try:
            aqi.to_aqi(record, algo=aqi.ALGO_MEP)
        except Exception:  # python-aqi raises above its top breakpoints; still timed
            failures += 1
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    return len(records) / elapsed, len(records) / cpu, failures


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory in the heap instead of returning it to the OS (mallopt:
    mmap threshold 32 MiB, no trimming). The engine works in row chunks that allocate and free
    arrays of a few MB; on this VM each fresh page costs a ~4 µs page fault, which otherwise
    triples the engine's time. Same effect as GLIBC_TUNABLES=glibc.malloc.mmap_threshold=…"""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_top_pad, m_mmap_threshold, m_mmap_max = -1, -2, -3, -4
    ok = libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024) == 1
    ok &= libc.mallopt(m_mmap_max, 0) == 1  # large arrays from the heap too, reused when freed
    ok &= libc.mallopt(m_trim_threshold, 2**31 - 1) == 1
    ok &= libc.mallopt(m_top_pad, 64 * 1024 * 1024) == 1
    return bool(ok)


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=1700)
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--sample", type=int, default=20_000, help="python-aqi sample size")
    parser.add_argument(
        "--default-allocator",
        action="store_true",
        help="do not tune glibc malloc (see keep_freed_memory)",
    )
    args = parser.parse_args(argv)
    tuned = False if args.default_allocator else keep_freed_memory()
    print(f"glibc malloc tuned to keep freed memory: {'yes' if tuned else 'no'}")

    t0 = time.perf_counter()
    hourly = synthetic_year(args.stations, args.hours)
    n = hourly.height
    print(
        f"synthetic year: {args.stations} stations × {args.hours} hours = {n:,} station-hours "
        f"({time.perf_counter() - t0:.1f} s to build; threads: {pl.thread_pool_size()})"
    )

    # 1. hourly AQI alone: the engine (arrays: AQI, sub-indices, primary pollutants, level,
    # completeness, publication) and the same plus the Polars result frame with text columns.
    t1, c1 = time.perf_counter(), time.process_time()
    engine = air.hourly_aqi_arrays(hourly)
    engine_seconds, engine_cpu = time.perf_counter() - t1, time.process_time() - c1
    t1 = time.perf_counter()
    hourly_result = air.hourly_aqi_wide(hourly)
    frame_seconds = time.perf_counter() - t1
    engine_rate, frame_rate = n / engine_seconds, n / frame_seconds
    print(
        f"hourly AQI engine (envplan, arrays): {engine_seconds:.2f} s, {engine_rate:,.0f} station-hours/s"
    )
    print(
        f"hourly AQI with result frame (envplan): {frame_seconds:.2f} s, {frame_rate:,.0f} station-hours/s"
    )
    del engine, hourly_result

    # 2. python-aqi on a sample of the same station-hours
    sample = hourly.gather(np.random.default_rng(7).integers(0, n, size=args.sample))
    theirs_rate, theirs_cpu_rate, failures = python_aqi_rate(sample)
    print(
        f"python-aqi 0.6.1 (MEP): {theirs_rate:,.0f} station-hours/s on {args.sample:,} (raised on {failures})"
    )
    print(
        f"speed ratio envplan engine / python-aqi (wall clock): {engine_rate / theirs_rate:,.0f}×  (target ≥ 500×)"
    )
    print(
        f"speed ratio envplan with frame / python-aqi (wall clock): {frame_rate / theirs_rate:,.0f}×"
    )
    print(
        f"per CPU-second (all threads): envplan engine {n / engine_cpu:,.0f}, python-aqi "
        f"{theirs_cpu_rate:,.0f} station-hours → {n / engine_cpu / theirs_cpu_rate:,.0f}×"
    )
    load = os.getloadavg()
    print(
        f"machine load average (1/5/15 min): {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores"
    )

    # 3. full chain
    t2, c2 = time.perf_counter(), time.process_time()
    steps: list[tuple[str, float, float]] = []
    marks = [t2, c2]

    def lap(name: str) -> None:
        now, cpu_now = time.perf_counter(), time.process_time()
        steps.append((name, now - marks[0], cpu_now - marks[1]))
        marks[:] = [now, cpu_now]

    station_aqi = air.hourly_aqi_wide(hourly)
    lap("hourly AQI (stations)")
    cities = air.CityStations(exclude=frozenset())
    daily = air.network_daily_statistics(hourly, cities)
    lap("daily statistics + daily AQI (stations; cities = station hourly means)")
    year = air.parse_period("2021")
    annual = air.assess_period(daily, year)
    lap("annual statistics, compliance, composite index, day counts (all sites)")
    city_names = [f"城市{i + 1:03d}" for i in range(args.stations // STATIONS_PER_CITY)]
    ranking = air.rank_cities(daily, year, sites=city_names)
    lap("city ranking")
    chain_seconds, chain_cpu = time.perf_counter() - t2, time.process_time() - c2
    for name, seconds, cpu_seconds in steps:
        print(f"  {name}: {seconds:.2f} s (CPU {cpu_seconds:.2f} s)")
    print(
        f"full chain: {chain_seconds:.2f} s for {n:,} station-hours "
        f"({n / chain_seconds:,.0f} station-hours/s; CPU {chain_cpu:.2f} s; target < 20 s)"
    )
    print(
        f"  rows: station-hour AQI {station_aqi.height:,}, site-days {daily.height:,}, "
        f"annual assessments {annual.height:,}, ranked cities {ranking.height}"
    )
    print(f"peak memory (max RSS, whole run): {peak_rss_gb():.2f} GB (target < 4 GB)")
    load = os.getloadavg()
    print(f"machine load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    first = ranking.row(0, named=True)
    print(f"  best city: {first['site']} composite index {first['composite_index']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
