"""The current CNEMC live layout (StorywithLove archive, 2026) read as published.

Expected values are hand-read from the raw CSV lines quoted in the comments (column order:
timepoint,stationcode,longitude,latitude,area,positionname,primarypollutant,aqi,pm10,pm10_24h,
pm2_5,pm2_5_24h,o3,o3_24h,o3_8h,o3_8h_24h,no2,no2_24h,so2,so2_24h,co,co_24h,source_blob).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.air_layouts import detect_air_format
from envplan.monitoring.air_readers import read_air

NATIONAL = "cnemc-live-national-2026-02-28_2026-03-01.csv.gz"
SHANXI = "cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz"


@pytest.fixture(scope="module")
def national(test_data: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    result = read_air(test_data / "air" / NATIONAL)
    return result.measurements, result.published


def _value(m: pl.DataFrame, site: str, end: dt.datetime, pollutant: str, avg: str) -> float | None:
    rows = m.filter(
        (pl.col("site") == site)
        & (pl.col("interval_end") == end)
        & (pl.col("pollutant") == pollutant)
        & (pl.col("averaging") == avg)
    )
    assert rows.height == 1, (site, end, pollutant, avg, rows)
    return rows["value"][0]


def _published(p: pl.DataFrame, site: str, end: dt.datetime) -> dict[str, object]:
    rows = p.filter((pl.col("site") == site) & (pl.col("interval_end") == end))
    assert rows.height == 1
    return rows.row(0, named=True)


def test_detected_and_whole_file_read(test_data: Path, national: tuple) -> None:
    assert detect_air_format(test_data / "air" / NATIONAL) == "cnemc-live"
    m, p = national
    assert p.height == 76_800  # README: 1,600 stations x 48 hours
    # 13 value columns per row: o3_24h is never taken (empty before, equal to o3 from 03-01)
    assert m.height == 76_800 * 13
    assert m.filter(pl.col("averaging") == "1h_max_24h").height == 0


def test_timestamp_without_colon_and_o3_before_the_switch(national: tuple) -> None:
    m, p = national
    # line 2: 2026-02-28T0000,2568A,...,马师校,,26,26,13,6,7,70,,102,92,6,5,5,5,0.3,0.3
    end = dt.datetime(2026, 2, 28, 0)
    assert _value(m, "2568A", end, "O3", "1h") == 70  # `o3`, not the empty `o3_24h`
    assert _value(m, "2568A", end, "O3", "8h") == 92  # o3_8h_24h
    assert _value(m, "2568A", end, "O3", "8h_max_day") == 102  # o3_8h
    assert _value(m, "2568A", end, "PM10", "1h") == 26
    row = _published(p, "2568A", end)
    assert (row["aqi"], row["primary_pollutant"]) == (26, None)
    # line 24993: 2026-02-28T1500,2626A,...,日喀则监测站,臭氧1小时(O3_1h),54,41,28,3,7,163,,131,131,…
    row = _published(p, "2626A", dt.datetime(2026, 2, 28, 15))
    assert (row["aqi"], row["primary_pollutant"]) == (54, "O3_1h")
    assert row["primary_pollutant_raw"] == "臭氧1小时(O3_1h)"
    assert _value(m, "2626A", dt.datetime(2026, 2, 28, 15), "O3", "1h") == 163


def test_slash_is_no_value(national: tuple) -> None:
    m, _ = national
    # line 35: 2026-02-28T0000,1957A,…,棉纺厂,颗粒物(PM10),191,332,247,87,70,18,,74,57,52,25,/,/,/,/
    end = dt.datetime(2026, 2, 28, 0)
    assert _value(m, "1957A", end, "SO2", "1h") is None
    assert _value(m, "1957A", end, "CO", "24h") is None
    assert _value(m, "1957A", end, "NO2", "1h") == 52


def test_shanxi_file_day_means_at_next_midnight(test_data: Path) -> None:
    result = read_air(test_data / "air" / SHANXI)
    m, p = result.measurements, result.published
    assert p.height == 215_932  # README row count
    # line 1530: 2026-03-03T0000,2160A,…,自来水公司,细颗粒物(PM2.5),116,105,56,77,38,34,34,95,55,
    #   23,15,4,4,0.9,1
    end = dt.datetime(2026, 3, 3, 0)
    assert _value(m, "2160A", end, "PM2.5", "24h") == 38
    assert _value(m, "2160A", end, "O3", "8h_max_day") == 95
    assert _value(m, "2160A", end, "CO", "24h") == 1
    row = _published(p, "2160A", end)
    assert (row["aqi"], row["primary_pollutant"]) == (116, "PM2.5")
    # the running daily max at D+1 00:00 belongs to day D (2026-03-02)
    starts = m.filter(
        (pl.col("site") == "2160A")
        & (pl.col("interval_end") == end)
        & (pl.col("averaging") == "8h_max_day")
    )["interval_start"]
    assert starts.to_list() == [dt.datetime(2026, 3, 2)]
    # line 18: 2026-03-02T0000,2160A,…,NA,46,NA,27,… : `NA` primary and PM10 are no value
    row = _published(p, "2160A", dt.datetime(2026, 3, 2, 0))
    assert (row["aqi"], row["primary_pollutant"]) == (46, None)
    assert _value(m, "2160A", dt.datetime(2026, 3, 2, 0), "PM10", "1h") is None


def test_every_2026_primary_label_is_known(test_data: Path) -> None:
    raw = pl.read_csv(test_data / "air" / SHANXI, infer_schema=False)["primarypollutant"]
    labels = set(raw.drop_nulls().str.split(",").explode().to_list()) - {"NA"}
    # the labels seen in the file, and the code each stands for (HJ 633-2026 names)
    expected = {
        "颗粒物(PM10)": "PM10",
        "细颗粒物(PM2.5)": "PM2.5",
        "臭氧1小时(O3_1h)": "O3_1h",
        "二氧化氮(NO2)": "NO2",
        "一氧化碳(CO)": "CO",
        "二氧化硫(SO2)": "SO2",
    }
    assert labels == set(expected)
    from envplan.monitoring.air_checks import normalize_primary

    got = pl.DataFrame({"raw": list(expected)}).select(code=normalize_primary(pl.col("raw")))[
        "code"
    ]
    assert got.to_list() == list(expected.values())
