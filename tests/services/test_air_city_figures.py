"""City values formed from stations as the platform forms them, and a city's figures.

The city value is the mean of the city's national stations hour by hour, the background station
(对照点, Jincheng's 2165A 白马寺, shared/data/README) left out (air-standards.md §3.4). Hand values:
PM2.5 of 30 and 50 µg/m³ at the two city stations → city 40 (the 对照点's 500 not counted).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from envplan.cli import app
from envplan.services.air.daily_frame import city_daily_frame
from envplan.services.air.figures import city_report, month_figures
from envplan.services.air.hourly import AirServiceError
from envplan.services.month import Month

VALUES = {"SO2": 10.0, "NO2": 20.0, "CO": 0.5, "O3": 50.0, "PM10": 60.0}
STATIONS = {"2160A": 30.0, "2161A": 50.0, "2165A": 500.0}  # PM2.5 of each station [µg/m³]


def _hours() -> pl.DataFrame:
    rows = []
    for hour in range(1, 25):
        end = dt.datetime(2021, 6, 1) + dt.timedelta(hours=hour)
        for site, pm25 in STATIONS.items():
            for pollutant, value in {**VALUES, "PM2.5": pm25}.items():
                rows.append(
                    {
                        "site": site,
                        "site_kind": "station",
                        "city": "晋城市",
                        "interval_start": end - dt.timedelta(hours=1),
                        "interval_end": end,
                        "pollutant": pollutant,
                        "averaging": "1h",
                        "value": value,
                        "unit": "mg/m3" if pollutant == "CO" else "ug/m3",
                        "source": "constructed (cnemc-live)",
                        "data_version": "realtime",
                    }
                )
    return pl.DataFrame(rows)


def test_city_is_the_mean_of_its_national_stations_without_the_background_site() -> None:
    daily = city_daily_frame(_hours())
    city = daily.filter(pl.col("site") == "晋城市").row(0, named=True)
    assert city["site_kind"] == "city" and city["date"] == dt.date(2021, 6, 1)
    assert city["PM2.5"] == 40.0  # (30 + 50) / 2, the 对照点 2165A excluded
    assert city["SO2"] == 10.0 and city["data_version"] == "realtime"
    stations = daily.filter(pl.col("site_kind") == "station")["site"].sort().to_list()
    assert stations == ["2160A", "2161A", "2165A"]
    figures = month_figures(daily, "晋城市", Month(2021, 6))
    assert figures is not None and figures["valid_days"] == 1 and figures["good_days"] == 1
    assert figures["label"] == "官方实时发布数据"


def test_city_report_gives_month_ytd_and_last_year_for_any_city(test_data: Path) -> None:
    from envplan.monitoring.air_readers import read_air

    source = test_data / "air/aqistudy-daily-shanxi-11-cities-2013_2017.csv"
    daily = city_daily_frame(read_air(source).measurements)
    report = city_report(daily, "太原市", Month(2016, 6))
    assert report["month"]["valid_days"] == 30  # June has 30 days, every one in the file
    assert report["ytd"]["valid_days"] == 182  # 1 January – 30 June 2016 (leap year)
    assert report["month_last_year"]["valid_days"] == 30
    assert report["no2_level2_ok"] in (True, False) and report["so2_level1_ok"] in (True, False)
    with pytest.raises(AirServiceError, match="没有站点或城市"):
        city_report(daily, "不存在市", Month(2016, 6))
    result = CliRunner().invoke(
        app, ["air", "city", str(source), "--month", "2016-06", "--city", "太原市"]
    )
    assert result.exit_code == 0, result.output
    assert "2016年1—6月\t182" in result.output
