"""The national year chain from a file on disk, in a fresh process (not a test; prints figures).

Setup (not timed): the synthetic national year of ``air_throughput.py`` (1,700 stations × 8,760 h,
station-hours drawn from the real MEE city-hour file, 5 stations a city) written as a wide
station-hour Parquet file, one row per station-hour, grouped by city then station.

Timed, in a FRESH Python process started for each run, with glibc's default allocator (no
``mallopt``; ``GLIBC_TUNABLES`` and ``MALLOC_*`` removed from its environment): read the file →
hourly AQI of every station-hour → daily statistics and daily AQI of stations and cities (city =
hourly mean of its stations) → annual statistics, compliance, composite index, day counts → city
ranking. Printed: wall time, CPU time and the child's peak resident set size (``ru_maxrss``).

Modes: ``chunked`` (default; ``services.air.network_period_chain`` over ``read_city_chunks``: the
file is read a group of whole cities at a time) and ``whole`` (the chain as on main: the whole file
read at once and passed to each step).

Cores: "2 cores" = the machine as is (2 CPUs); "1 core" = ``taskset -c 0`` plus
``POLARS_MAX_THREADS=1``, ``OMP_NUM_THREADS=1``, ``OPENBLAS_NUM_THREADS=1`` (Polars' pool and
NumPy's BLAS on one thread; the AQI engine's own thread pool still has ``os.cpu_count()`` threads,
which ``taskset`` pins to the one CPU).

Usage: .venv/bin/python benchmarks/national_chain.py [--stations 1700] [--hours 8760]
       [--data /tmp/envplan-national-chain] [--mode chunked|whole|both] [--cores 2,1]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _throughput_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("air_throughput", HERE / "air_throughput.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def data_file(directory: Path, stations: int, hours: int) -> Path:
    return directory / f"hourly-{stations}x{hours}.parquet"


def setup(directory: Path, stations: int, hours: int) -> Path:
    """Write the synthetic year (not timed); reused when already there."""
    path = data_file(directory, stations, hours)
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    frame = _throughput_module().synthetic_year(stations, hours)
    # grouped by city then station (synthetic_year builds it so: 5 consecutive stations a city)
    tmp = path.with_suffix(".tmp")
    frame.write_parquet(tmp, row_group_size=hours * 5)
    tmp.rename(path)
    return path


def chain(path: Path, mode: str, stations: int, chunk: int) -> dict[str, object]:
    """The timed chain (runs in the child process)."""
    import polars as pl

    from envplan.services import air

    chunk = chunk or air.CHUNK_STATION_HOURS
    n_cities = stations // 5
    city_names = [f"城市{i + 1:03d}" for i in range(n_cities)]
    year = air.parse_period("2021")
    cities = air.CityStations(exclude=frozenset())
    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "whole":
        hourly = pl.read_parquet(path)
        station_hours = hourly.height
        station_aqi = air.hourly_aqi_wide(hourly)
        daily = air.network_daily_statistics(hourly, cities)
        del hourly
        annual = air.assess_period(daily, year)
        ranking = air.rank_cities(daily, year, sites=city_names)
        del station_aqi
    else:
        hourly_rows = [0]

        def on_hourly_aqi(frame: pl.DataFrame) -> None:
            hourly_rows[0] += frame.height  # computed, then freed (as main keeps it, unused)

        result = air.network_period_chain(
            air.read_city_chunks(path, station_hours=chunk),
            year,
            cities=cities,
            rank_sites=city_names,
            on_hourly_aqi=on_hourly_aqi,
        )
        station_hours, daily = result.station_hours, result.daily
        annual, ranking = result.assessment, result.ranking
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    first = ranking.row(0, named=True)
    usage = resource.getrusage(resource.RUSAGE_SELF)  # whole process, imports included
    return {
        "mode": mode,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_gb": usage.ru_maxrss / 1024**2,
        "user_seconds": usage.ru_utime,
        "system_seconds": usage.ru_stime,
        "station_hours": station_hours,
        "site_days": daily.height,
        "assessments": annual.height,
        "ranked": ranking.height,
        "best": f"{first['site']} {first['composite_index']}",
        "polars_threads": pl.thread_pool_size(),
    }


def run_child(path: Path, mode: str, stations: int, cores: int, chunk: int) -> dict[str, object]:
    """The chain in a fresh process with the default allocator, on ``cores`` CPUs (2 or 1)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GLIBC_TUNABLES", "MALLOC_"))}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--file", str(path)]
    command += ["--stations", str(stations), "--chunk", str(chunk)]
    if cores == 1:
        if shutil.which("taskset") is None:
            raise SystemExit("taskset not found: cannot pin the run to one core")
        command = ["taskset", "-c", "0", *command]
        env |= {"POLARS_MAX_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=1700)
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--data", type=Path, default=Path("/tmp/envplan-national-chain"))
    parser.add_argument("--mode", choices=("chunked", "whole", "both"), default="chunked")
    parser.add_argument("--cores", default="2,1", help="comma-separated: 2 (as is) and/or 1")
    parser.add_argument(
        "--chunk", type=int, default=0, help="station-hours per group (0 = CHUNK_STATION_HOURS)"
    )
    parser.add_argument("--child", choices=("chunked", "whole"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(chain(args.file, args.child, args.stations, args.chunk)))
        return 0

    t0 = time.perf_counter()
    path = setup(args.data, args.stations, args.hours)
    size_mb = path.stat().st_size / 1024**2
    print(f"data: {path} ({size_mb:.0f} MB; setup {time.perf_counter() - t0:.1f} s, not timed)")
    modes = ("chunked", "whole") if args.mode == "both" else (args.mode,)
    for cores in (int(c) for c in args.cores.split(",")):
        for mode in modes:
            load = os.getloadavg()
            r = run_child(path, mode, args.stations, cores, args.chunk)
            print(
                f"{mode:8s} {cores} core{'s' if cores > 1 else ' '}: {r['seconds']:.2f} s "
                f"(CPU {r['cpu_seconds']:.2f} s; process user {r['user_seconds']:.1f} s, system "
                f"{r['system_seconds']:.1f} s), peak RSS {r['peak_rss_gb']:.2f} GB; "
                f"{r['station_hours']:,} station-hours → {r['site_days']:,} site-days, "
                f"{r['assessments']:,} assessments, {r['ranked']} ranked (best {r['best']}); "
                f"polars threads {r['polars_threads']}; load before {load[0]:.1f}/{load[1]:.1f}"
            )
    print("targets: < 10 s on 2 cores, peak RSS < 2 GB (default allocator, fresh process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
