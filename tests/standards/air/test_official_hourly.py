"""Hourly AQI and primary pollutant against the official published values in shared/data/air.

The files are parsed here with plain Polars (test-local) so that the standard is checked against
the raw published columns, independently of envplan's readers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from envplan.standards.air.aqi import hourly_aqi
from envplan.standards.air.rules import HJ633_2012

MEE_NAMES = {
    "PM2.5": "PM2.5",
    "PM10": "PM10",
    "SO2": "SO2",
    "NO2": "NO2",
    "CO": "CO",
    "O3": "O3_1h",
}
CNEMC_NAMES = {
    "细颗粒物(PM2.5)": "PM2.5",
    "颗粒物(PM10)": "PM10",
    "二氧化硫": "SO2",
    "二氧化氮": "NO2",
    "一氧化碳": "CO",
    "臭氧1小时": "O3_1h",
    "臭氧8小时": "O3_8h",
}
CONCENTRATIONS = ["SO2", "NO2", "CO", "O3", "PM10", "PM2.5"]


def _codes(published: str | None, names: dict[str, str]) -> frozenset[str]:
    if published is None or published in ("—", ""):
        return frozenset()
    return frozenset(names[p.strip()] for p in published.split(","))


def _mee(path: Path) -> pl.DataFrame:
    df = pl.read_csv(path, infer_schema_length=0, null_values=["—", ""])
    return df.with_columns(pl.col([*CONCENTRATIONS, "AQI"]).cast(pl.Float64))


def _score_mee(df: pl.DataFrame):
    return hourly_aqi(
        so2=df["SO2"].to_numpy(),
        no2=df["NO2"].to_numpy(),
        co=df["CO"].to_numpy(),
        o3=df["O3"].to_numpy(),
        pm10=df["PM10"].to_numpy(),
        pm25=df["PM2.5"].to_numpy(),
        rules=HJ633_2012,
    )


@pytest.mark.parametrize(
    "name",
    [
        "mee-city-hourly-2019-02-04_2019-02-12.csv.gz",
        "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv",
    ],
)
def test_mee_city_hours_reproduce_published_aqi_and_primary(test_data: Path, name: str) -> None:
    df = _mee(test_data / "air" / name)
    result = _score_mee(df)
    complete_published = result.complete & df["AQI"].is_not_null().to_numpy()
    n = int(complete_published.sum())
    assert n > (60_000 if name.endswith(".gz") else 150)
    assert np.array_equal(result.aqi[complete_published], df["AQI"].to_numpy()[complete_published])
    published_primary = df["main_pollution"].to_list()
    ours = result.primary.tolist()
    mismatches = [
        i
        for i in np.flatnonzero(complete_published)
        if frozenset(filter(None, ours[i].split(","))) != _codes(published_primary[i], MEE_NAMES)
    ]
    assert mismatches == []


def test_mee_incomplete_city_hours_published_as_computed(test_data: Path) -> None:
    # The 2019 MEE table publishes the AQI of incomplete city-hours from the available pollutants.
    df = _mee(test_data / "air" / "mee-city-hourly-2019-02-04_2019-02-12.csv.gz")
    result = _score_mee(df)
    incomplete = ~result.complete & df["AQI"].is_not_null().to_numpy()
    assert incomplete.sum() > 1000
    assert np.array_equal(result.aqi[incomplete], df["AQI"].to_numpy()[incomplete])
    assert result.published[incomplete].all()


def test_golden_cases_64_of_64(test_data: Path) -> None:
    df = pl.read_csv(test_data / "air" / "golden-cases-hourly-aqi.csv")
    assert df.height == 64
    result = hourly_aqi(
        so2=df["SO2_1h"].cast(pl.Float64).to_numpy(),
        no2=df["NO2_1h"].cast(pl.Float64).to_numpy(),
        co=df["CO_1h"].cast(pl.Float64).to_numpy(),
        o3=df["O3_1h"].cast(pl.Float64).to_numpy(),
        pm10=df["PM10_1h"].cast(pl.Float64).to_numpy(),
        pm25=df["PM2.5_1h"].cast(pl.Float64).to_numpy(),
        rules=HJ633_2012,
    )
    assert result.aqi.tolist() == df["official_AQI"].cast(pl.Float64).to_list()
    expected = [_codes(p, MEE_NAMES) for p in df["official_primary"].to_list()]
    got = [frozenset(filter(None, p.split(","))) for p in result.primary.tolist()]
    assert got == expected


@pytest.mark.parametrize(
    "name",
    ["cnemc-live-shanxi-stations-2022-01-01T00.csv", "cnemc-live-jincheng-stations-2022-06-15.csv"],
)
def test_cnemc_live_station_hours_reproduce_every_published_aqi(test_data: Path, name: str) -> None:
    df = pl.read_csv(test_data / "air" / name, infer_schema_length=0)
    numeric = ["aqi", "pm10", "pm2_5", "o3_24h", "no2", "so2", "co", "so2_24h"]
    df = df.with_columns(pl.col(numeric).cast(pl.Float64))
    # The archive's O3 columns are swapped: ``o3_24h`` is the 1-hour value (data/README.md).
    result = hourly_aqi(
        so2=df["so2"].to_numpy(),
        no2=df["no2"].to_numpy(),
        co=df["co"].to_numpy(),
        o3=df["o3_24h"].to_numpy(),
        pm10=df["pm10"].to_numpy(),
        pm25=df["pm2_5"].to_numpy(),
        rules=HJ633_2012,
        so2_24h=df["so2_24h"].to_numpy(),
    )
    published = df["aqi"].is_not_null().to_numpy()
    assert published.sum() >= 44
    assert np.array_equal(result.aqi[published], df["aqi"].to_numpy()[published])
    expected = [_codes(p, CNEMC_NAMES) for p in df["primarypollutant"].to_list()]
    got = [frozenset(filter(None, p.split(","))) for p in result.primary.tolist()]
    assert [g for g, e, p in zip(got, expected, published, strict=True) if p and g != e] == []


def test_reference_cnemc_station_records_section_6_1() -> None:
    # air-standards.md §6.1: 11 official CNEMC station-hours (PM10, PM2.5, O3, NO2, SO2, CO).
    rows = [
        (73, 45, 24, 46, 15, 1.7, 63, "PM2.5"),
        (64, 40, 25, 39, 15, 1.4, 57, "PM2.5,PM10"),
        (85, 56, 23, 58, 24, 1.3, 77, "PM2.5"),
        (74, 64, 36, 31, 27, 1.1, 87, "PM2.5"),
        (158, 144, 28, 42, 48, 1.3, 192, "PM2.5"),
        (87, 72, 34, 32, 36, 0.7, 97, "PM2.5"),
        (28, 19, 145, 13, 3, 0.7, 46, ""),
        (49, 25, 168, 19, 3, 0.8, 60, "O3_1h"),
        (87, 23, 181, 10, 9, 0.2, 77, "O3_1h"),
        (32, 27, 157, 16, 6, 0.6, 50, ""),
        (14, 48, 79, 42, 5, 0.6, 67, "PM2.5"),
    ]
    cols = list(zip(*rows, strict=True))
    result = hourly_aqi(
        pm10=cols[0],
        pm25=cols[1],
        o3=cols[2],
        no2=cols[3],
        so2=cols[4],
        co=cols[5],
        rules=HJ633_2012,
    )
    assert result.aqi.tolist() == list(cols[6])
    assert result.primary.tolist() == list(cols[7])
