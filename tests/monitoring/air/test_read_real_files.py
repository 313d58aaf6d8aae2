"""Each format read from the real official files in shared/data/air.

Expected values are hand-read from the raw CSV text (quoted in the comments), not from the code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.air_layouts import AIR_FORMATS, detect_air_format
from envplan.monitoring.air_readers import read_air
from envplan.monitoring.air_schema import MEASUREMENT_SCHEMA, PUBLISHED_SCHEMA


@pytest.fixture(scope="module")
def air_dir(test_data: Path) -> Path:
    return test_data / "air"


def value(frame: pl.DataFrame, site: str, end: str, pollutant: str, averaging: str) -> float | None:
    rows = frame.filter(
        (pl.col("site") == site)
        & (pl.col("interval_end") == dt.datetime.fromisoformat(end))
        & (pl.col("pollutant") == pollutant)
        & (pl.col("averaging") == averaging)
    )
    assert rows.height == 1, rows
    return rows["value"][0]


def published_row(frame: pl.DataFrame, site: str, end: str) -> dict[str, object]:
    rows = frame.filter(
        (pl.col("site") == site) & (pl.col("interval_end") == dt.datetime.fromisoformat(end))
    )
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# ------------------------------------------------------------------ format detection


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mee-city-hourly-2019-02-04_2019-02-12.csv.gz", "mee-city"),
        ("mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv", "mee-city"),
        ("cnemc-live-shanxi-stations-2022-01-01T00.csv", "cnemc-live"),
        ("cnemc-live-jincheng-stations-2022-06-15.csv", "cnemc-live"),
        ("cnemc-sites-guangzhou-2025-04-01.csv", "cnemc-sites"),
        ("aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv", "aqistudy-daily"),
        ("aqistudy-daily-shanxi-11-cities-2013_2017.csv", "aqistudy-daily"),
    ],
)
def test_detect_real_layouts(air_dir: Path, name: str, expected: str) -> None:
    assert detect_air_format(air_dir / name) == expected
    assert expected in AIR_FORMATS


# ------------------------------------------------------------------ mee-city


def test_mee_city_national_file(air_dir: Path) -> None:
    result = read_air(air_dir / "mee-city-hourly-2019-02-04_2019-02-12.csv.gz", "mee-city")
    m, p = result.measurements, result.published
    # README: 71,825 rows (367 cities, 202 hours); six 1-hour concentrations per row.
    assert p.height == 71_825
    assert m.height == 71_825 * 6
    assert m["site"].n_unique() == 367
    assert m["interval_end"].n_unique() == 202
    assert set(m["averaging"].unique()) == {"1h"}
    assert set(m["site_kind"].unique()) == {"city"}
    assert m.schema == MEASUREMENT_SCHEMA
    assert list(p.columns[: len(PUBLISHED_SCHEMA)]) == list(PUBLISHED_SCHEMA)
    # "—" cells: counted with grep on the raw file (PM10 column: 1,874; AQI: 258).
    assert m.filter((pl.col("pollutant") == "PM10") & pl.col("value").is_null()).height == 1874
    assert p["aqi"].null_count() == 258
    # main_pollution "PM10,PM2.5" (585 rows) is normalized to the canonical order.
    counts = dict(p.group_by("primary_pollutant").len().iter_rows())
    assert counts["PM2.5,PM10"] == 585
    assert counts["PM2.5"] == 28_549
    assert counts["O3_1h"] == 4  # bare "O3" in an hourly table is the 1-hour O3
    assert counts[None] == 28_371  # "—"
    # 湖州市,106,7,21,5,5,0.5,212,O3,2019-02-08 04:00:00
    row = published_row(p, "湖州市", "2019-02-08 04:00")
    assert (row["aqi"], row["primary_pollutant"], row["primary_pollutant_raw"]) == (
        106,
        "O3_1h",
        "O3",
    )
    assert value(m, "湖州市", "2019-02-08 04:00", "O3", "1h") == 212
    # 义乌市,7,—,—,3,—,0.7,—,—,2019-02-04 00:00:00
    assert value(m, "义乌市", "2019-02-04 00:00", "PM2.5", "1h") is None
    assert value(m, "义乌市", "2019-02-04 00:00", "CO", "1h") == pytest.approx(0.7)


def test_mee_city_jincheng_subset(air_dir: Path) -> None:
    result = read_air(air_dir / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv")
    assert result.format == "mee-city"
    m, p = result.measurements, result.published
    assert p.height == 201
    assert p["aqi"].min() == 55 and p["aqi"].max() == 390  # README: AQI 55 to 390
    # 晋城市,62,14,73,12,13,0.5,76,PM10,2019-02-04 00:00:00
    expected = {"PM2.5": 14, "PM10": 73, "SO2": 12, "NO2": 13, "CO": 0.5, "O3": 76}
    for pollutant, v in expected.items():
        assert value(m, "晋城市", "2019-02-04 00:00", pollutant, "1h") == pytest.approx(v)
    row = m.filter(pl.col("pollutant") == "CO").row(0, named=True)
    assert row["unit"] == "mg/m³" and row["city"] == "晋城市"
    assert row["source"] == "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv (mee-city)"
    assert row["data_version"] == "realtime"
    # Hour-end label: the value labelled 00:00 covers 23:00–24:00 of the previous day.
    assert row["interval_end"] == dt.datetime(2019, 2, 4, 0)
    assert row["interval_start"] == dt.datetime(2019, 2, 3, 23)
    assert published_row(p, "晋城市", "2019-02-04 00:00")["primary_pollutant"] == "PM10"


# ------------------------------------------------------------------ cnemc-live


def test_cnemc_live_shanxi_o3_swap(air_dir: Path) -> None:
    result = read_air(air_dir / "cnemc-live-shanxi-stations-2022-01-01T00.csv", "cnemc-live")
    m, p = result.measurements, result.published
    assert p.height == 44  # README: all 44 Shanxi national stations
    assert m.height == 44 * 14  # 14 value columns per row
    # 2022-01-01T00:00:00,1081A,...,尖草坪,细颗粒物(PM2.5),92,121,100,68,52,34,2,22,6,80,68,38,40,1.7,1.3
    #   columns: pm10,pm10_24h,pm2_5,pm2_5_24h,o3,o3_24h,o3_8h,o3_8h_24h,no2,no2_24h,so2,so2_24h,co,co_24h
    end = "2022-01-01 00:00"
    assert value(m, "1081A", end, "O3", "1h") == 2  # from o3_24h (archive swap)
    assert value(m, "1081A", end, "O3", "1h_max_24h") == 34  # from o3
    assert value(m, "1081A", end, "O3", "8h") == 6  # from o3_8h_24h
    assert value(m, "1081A", end, "O3", "8h_max_day") == 22  # from o3_8h
    assert value(m, "1081A", end, "PM2.5", "1h") == 68
    assert value(m, "1081A", end, "PM2.5", "24h") == 52
    assert value(m, "1081A", end, "CO", "24h") == pytest.approx(1.3)
    row = published_row(p, "1081A", end)
    assert (row["aqi"], row["primary_pollutant"]) == (92, "PM2.5")
    assert row["primary_pollutant_raw"] == "细颗粒物(PM2.5)"
    assert row["longitude"] == pytest.approx(112.5139)
    station = m.filter(pl.col("site") == "1081A").row(0, named=True)
    assert (station["site_name"], station["city"], station["site_kind"]) == (
        "尖草坪",
        "太原市",
        "station",
    )
    # Interval starts: label 00:00 is hour 24 of 2021-12-31; the running O3 values belong to that day.
    starts = dict(
        m.filter(pl.col("site") == "1081A", pl.col("pollutant") == "O3")
        .select("averaging", "interval_start")
        .iter_rows()
    )
    assert starts == {
        "1h": dt.datetime(2021, 12, 31, 23),
        "1h_max_24h": dt.datetime(2021, 12, 31, 0),
        "8h": dt.datetime(2021, 12, 31, 16),
        "8h_max_day": dt.datetime(2021, 12, 31, 0),
    }
    # "颗粒物(PM10)" rows: 1088A …,颗粒物(PM10),99,…
    assert published_row(p, "1088A", end)["primary_pollutant"] == "PM10"


def test_cnemc_live_jincheng_ozone_day(air_dir: Path) -> None:
    result = read_air(air_dir / "cnemc-live-jincheng-stations-2022-06-15.csv")
    m, p = result.measurements, result.published
    assert p.height == 50  # 5 stations × 10 hours
    assert sorted(p["site"].unique()) == ["2160A", "2161A", "2162A", "2163A", "2165A"]
    # 2022-06-15T12:00:00,2165A,…,白马寺 (对照点),臭氧1小时,117,81,49,22,10,234,234,184,167,…
    row = published_row(p, "2165A", "2022-06-15 12:00")
    assert (row["aqi"], row["primary_pollutant"]) == (117, "O3_1h")
    assert row["source_commit"] == "27e9713acefe95ea6ffac5f8b1c4b684821a2b06"
    assert value(m, "2165A", "2022-06-15 12:00", "O3", "1h") == 234
    # The day-restricted running 8-h mean at 12:00 starts at 04:00 (8 hours back).
    o3_8h = m.filter(
        (pl.col("site") == "2165A")
        & (pl.col("averaging") == "8h")
        & (pl.col("interval_end") == dt.datetime(2022, 6, 15, 12))
    )
    assert o3_8h["value"][0] == 167 and o3_8h["interval_start"][0] == dt.datetime(2022, 6, 15, 4)
    # At 01:00 it covers only the day so far (00:00–01:00): "o3_24h"=102 equals "o3_8h_24h"=102.
    early = m.filter(
        (pl.col("site") == "2160A")
        & (pl.col("averaging") == "8h")
        & (pl.col("interval_end") == dt.datetime(2022, 6, 15, 1))
    )
    assert early["value"][0] == 102 and early["interval_start"][0] == dt.datetime(2022, 6, 15, 0)
    # 2022-06-15T12:00:00,2162A,…,市环保局,,,65,37,,15,… : AQI and three 1-h values missing.
    row = published_row(p, "2162A", "2022-06-15 12:00")
    assert row["aqi"] is None and row["primary_pollutant"] is None
    assert value(m, "2162A", "2022-06-15 12:00", "PM2.5", "1h") is None
    assert value(m, "2162A", "2022-06-15 12:00", "NO2", "1h") is None
    assert value(m, "2162A", "2022-06-15 12:00", "PM10", "1h") == 65
