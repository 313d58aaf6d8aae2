"""The bounded-memory network chain (``services.air.network``): groups of whole cities read from
a Parquet file give the daily values of the standards (hand computation and the Shanxi 2026
official file's published 24-h means) and the same frames as the whole-network functions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.air_readers import read_air
from envplan.services import air

SHANXI = "cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz"


def _station_day(site: str, city: str, pm25: float, o3_peak: float) -> list[dict]:
    """24 hourly rows of one station on 2021-06-01 (labels 01:00 … 24:00)."""
    start = dt.datetime(2021, 6, 1, 0)
    rows = []
    for label in range(1, 25):
        o3 = o3_peak if 12 <= label <= 19 else 40.0
        values = {"SO2": 10.0, "NO2": 20.0, "CO": 0.5, "O3": o3, "PM10": 50.0, "PM2.5": pm25}
        rows.append(
            {
                "site": site,
                "site_kind": "station",
                "city": city,
                "interval_end": start + dt.timedelta(hours=label),
                **values,
            }
        )
    return rows


@pytest.fixture
def two_cities(tmp_path: Path) -> Path:
    rows = (
        _station_day("0001A", "甲市", 30.0, 200.0)
        + _station_day("0002A", "甲市", 40.0, 100.0)
        + _station_day("0003A", "乙市", 80.0, 120.0)
    )
    path = tmp_path / "hourly.parquet"
    pl.DataFrame(rows).write_parquet(path)
    return path


def test_groups_hold_whole_cities(two_cities: Path) -> None:
    # 24 station-hours per group asked: a group still holds all 48 rows of 甲市's two stations
    sizes = [f.height for f in air.read_city_chunks(two_cities, station_hours=24)]
    assert sizes == [48, 24]


def test_city_values_by_hand(two_cities: Path) -> None:
    result = air.network_period_chain(
        air.read_city_chunks(two_cities, station_hours=24),
        "2021-06",
        cities=air.CityStations(exclude=frozenset()),
    )
    day = result.daily.filter(pl.col("date") == dt.date(2021, 6, 1))
    by_site = {r["site"]: r for r in day.to_dicts()}
    # stations first (by code), then cities (by name)
    assert day["site"].to_list() == ["0001A", "0002A", "0003A", "乙市", "甲市"]
    # 甲市 = hourly means of 0001A and 0002A: PM2.5 (30 + 40) / 2 = 35; O3 peak hours 12–19
    # coincide: (200 + 100) / 2 = 150 over 8 h → MDA8 150, max 1-h 150.
    assert by_site["甲市"]["PM2.5"] == 35.0
    assert by_site["甲市"]["O3_8h_max"] == 150.0 and by_site["甲市"]["O3_1h_max"] == 150.0
    # 乙市 has one station: its values. PM2.5 80 µg/m³ (24-h breakpoints 75 → 100, 115 → 150)
    # → IAQI 100 + (150 − 100)/(115 − 75)·(80 − 75) = 106.25 → 107 (HJ 633-2012 Table 1, eq. 1,
    # rounded up); PM10 50 → 50; O3 MDA8 120 (100 → 50, 160 → 100) → 66.67 → 67: AQI 107.
    assert by_site["乙市"]["PM2.5"] == 80.0 and by_site["0003A"]["PM2.5"] == 80.0
    assert by_site["乙市"]["aqi"] == 107 and by_site["乙市"]["primary_pollutant"] == "PM2.5"
    assert result.station_hours == 72
    assert result.assessment["site"].to_list() == ["0001A", "0002A", "0003A", "乙市", "甲市"]


def test_same_frames_as_the_whole_network_functions(two_cities: Path) -> None:
    cities = air.CityStations(exclude=frozenset())
    result = air.network_period_chain(
        air.read_city_chunks(two_cities, station_hours=24), "2021-06", cities=cities
    )
    whole = air.network_daily_statistics(pl.read_parquet(two_cities), cities)
    assert result.daily.equals(whole)
    assert result.assessment.equals(air.assess_period(whole, "2021-06"))
    assert result.ranking.equals(air.rank_cities(whole, "2021-06"))


def test_file_not_grouped_by_city_is_refused(tmp_path: Path) -> None:
    rows = (
        _station_day("0001A", "甲市", 30.0, 200.0)
        + _station_day("0003A", "乙市", 80.0, 120.0)
        + _station_day("0002A", "甲市", 40.0, 100.0)
    )
    path = tmp_path / "mixed.parquet"
    pl.DataFrame(rows).write_parquet(path)
    with pytest.raises(air.AirServiceError, match="未按城市分组"):
        list(air.read_city_chunks(path))


def test_file_without_city_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nocity.parquet"
    pl.DataFrame(_station_day("0001A", "甲市", 30.0, 200.0)).drop("city").write_parquet(path)
    with pytest.raises(air.AirServiceError, match="缺少 city 列"):
        list(air.read_city_chunks(path))


@pytest.fixture(scope="module")
def shanxi(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    m = read_air(test_data / "air" / SHANXI).measurements
    hourly = air.hourly_wide(m).sort("city", "site", "interval_end")
    path = tmp_path_factory.mktemp("shanxi") / "hourly.parquet"
    hourly.write_parquet(path)
    published = (
        m.filter((pl.col("averaging") == "24h") & (pl.col("interval_end").dt.hour() == 0))
        # at D+1 00:00 the 24-h fields are day D's (tests/data/README.md)
        .with_columns(date=(pl.col("interval_end") - pl.duration(days=1)).dt.date())
        .pivot(on="pollutant", index=["site", "date"], values="value")
    )
    return path, published


def test_shanxi_station_means_match_the_published_ones(shanxi: tuple[Path, pl.DataFrame]) -> None:
    path, published = shanxi
    result = air.network_period_chain(
        air.read_city_chunks(path, station_hours=20_000),  # several groups of whole cities
        "2026-04",
        cities=air.CityStations(),
    )
    days = result.daily.join(published, on=["site", "date"], suffix="_pub")
    for column in ("SO2", "NO2"):
        complete = days.filter(
            (pl.col(f"hours_{column}") == 24) & pl.col(f"{column}_pub").is_not_null()
        )
        # same counts as tests/standards/air/test_cnemc_2026_daily.py (every complete day)
        assert complete.height > 5000
        assert (complete[column] == complete[f"{column}_pub"]).all()


def test_shanxi_chunked_equals_whole(shanxi: tuple[Path, pl.DataFrame]) -> None:
    path, _ = shanxi
    cities = air.CityStations()
    chunks = list(air.read_city_chunks(path, station_hours=20_000))
    assert len(chunks) > 2
    result = air.network_period_chain(chunks, "2026-04", cities=cities)
    whole = air.network_daily_statistics(pl.read_parquet(path), cities)
    assert result.daily.equals(whole)
    assert result.assessment.equals(air.assess_period(whole, "2026-04"))
