"""The Spark engine gives the embedded engine's numbers: every output column, row for row, on
official data (the MEE city table, CNEMC station hours, the CNEMC water table)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from envplan.cli import app
from envplan.monitoring.air_readers import read_air
from envplan.monitoring.water_cnemc import read_cnemc_water_auto
from envplan.services import air, water
from envplan.services.air.daily_frame import city_daily_frame
from envplan.services.spark import (
    SparkUnavailable,
    assess_period_spark,
    classify_measurements_spark,
    daily_frame_spark,
    daily_statistics_spark,
    hourly_aqi_spark,
    rank_cities_spark,
    spark_session,
)

pytestmark = pytest.mark.slow

MEE = "air/mee-city-hourly-2019-02-04_2019-02-12.csv.gz"
JINCHENG_STATIONS = "air/cnemc-live-jincheng-stations-2022-06-15.csv"


@pytest.fixture(scope="module")
def mee(test_data: Path) -> Any:
    return read_air(test_data / MEE, "mee-city")


def test_hourly_aqi_equals_embedded_on_the_mee_table(spark: Any, mee: Any) -> None:
    embedded = air.hourly_aqi(mee.measurements, published=mee.published)
    spark_result = hourly_aqi_spark(spark, mee.measurements, published=mee.published)
    assert embedded.height == 71_825
    assert_frame_equal(spark_result.select(embedded.columns), embedded)


def test_daily_period_and_rank_equal_embedded(spark: Any, mee: Any) -> None:
    daily = air.daily_statistics(mee.measurements)
    assert_frame_equal(
        daily_statistics_spark(spark, mee.measurements).select(daily.columns),
        daily.sort("site", "date"),
    )
    span = air.parse_period("2019-02")
    assessed = air.assess_period(daily, span)
    assert_frame_equal(assess_period_spark(spark, daily, span).select(assessed.columns), assessed)
    ranked = air.rank_cities(daily, span)
    assert ranked.height == 367
    assert_frame_equal(rank_cities_spark(spark, daily, span).select(ranked.columns), ranked)


def test_station_and_city_days_equal_embedded(spark: Any, test_data: Path) -> None:
    result = read_air(test_data / JINCHENG_STATIONS)
    cities = air.CityStations()
    embedded = air.daily_statistics(result.measurements, cities=cities).sort("site", "date")
    on_spark = daily_statistics_spark(spark, result.measurements, cities=cities)
    assert "晋城市" in on_spark["site"].to_list()
    assert_frame_equal(on_spark.select(embedded.columns), embedded)
    # the daily frame of the bulletin, pages and CLI (city_daily_frame), one city per group
    frame = city_daily_frame(result.measurements, cities=cities)
    assert_frame_equal(daily_frame_spark(spark, result.measurements, cities=cities), frame)


def test_water_classes_equal_embedded(spark: Any, test_data: Path) -> None:
    frame = read_cnemc_water_auto(test_data / "water/cnemc-water-auto-2026-02-04-north.csv").frame
    options: dict[str, Any] = {"indicator_set": "auto-basic", "round_values": False}
    embedded = water.classify_measurements(frame, **options)
    assert_frame_equal(classify_measurements_spark(spark, frame, **options), embedded)


def test_cli_aqi_with_engine_spark_writes_the_embedded_file(
    spark: Any, test_data: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    source = str(test_data / JINCHENG_STATIONS)
    outputs = {}
    for engine in ("embedded", "spark"):
        out = tmp_path / f"{engine}.csv"
        result = runner.invoke(
            app,
            [
                "air",
                "aqi",
                source,
                "--format",
                "cnemc-live",
                "--engine",
                engine,
                "--output",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        outputs[engine] = out.read_bytes()
    assert outputs["spark"] == outputs["embedded"]
    assert pl.read_csv(tmp_path / "spark.csv").height == 50


def test_missing_java_is_a_zh_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SparkUnavailable, match="未找到 Java"):
        spark_session("local[1]")


def test_store_job_results_equal_embedded_and_are_readable(
    spark: Any, test_data: Path, tmp_path: Path
) -> None:
    from envplan.monitoring.timeseries import import_air_file, query_air, query_results
    from envplan.services.spark.job import run

    import_air_file(test_data / JINCHENG_STATIONS, tmp_path)
    assert query_results(tmp_path, "daily") is None  # no run yet
    run(spark, tmp_path, "daily")
    stored = query_air(tmp_path)
    embedded = air.daily_statistics(stored, cities=air.CityStations()).sort("site", "date")
    results = query_results(tmp_path, "daily")
    assert results is not None and "晋城市" in results["site"].to_list()
    assert_frame_equal(
        results.select(embedded.columns), embedded, check_dtypes=False, check_column_order=False
    )
    run(spark, tmp_path, "aqi")
    hourly = air.hourly_aqi_wide(air.hourly_wide(stored))
    results = query_results(tmp_path, "aqi")
    assert results is not None
    assert_frame_equal(results.select(hourly.columns), hourly, check_dtypes=False)


def test_national_two_day_file_equals_embedded(spark: Any, test_data: Path) -> None:
    # every national station (1,600) at every hour of 2026-02-28 and 2026-03-01: both HJ 633
    # editions in one file
    result = read_air(test_data / "air/cnemc-live-national-2026-02-28_2026-03-01.csv.gz")
    embedded = air.hourly_aqi(result.measurements, published=result.published)
    on_spark = hourly_aqi_spark(spark, result.measurements, published=result.published)
    assert set(embedded["rules"].unique()) == {"hj633-2012", "hj633-2026"}
    assert_frame_equal(on_spark.select(embedded.columns), embedded)
    cities = air.CityStations()
    frame = city_daily_frame(result.measurements, cities=cities)
    on_spark_days = daily_frame_spark(spark, result.measurements, cities=cities)
    # The embedded engine lays every station on the network's whole span of hours, so a station
    # (and city) that reported nothing on a day still gets an all-empty row; Spark forms each
    # city's days from its own hours. Here: the 6 stations of 雄安新区 and the city on 03-01.
    values = ["SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h_max", "aqi"]
    only_embedded = frame.join(on_spark_days, on=["site", "date"], how="anti")
    assert only_embedded.height == 7
    assert set(only_embedded["date"].to_list()) == {dt.date(2026, 3, 1)}
    assert only_embedded.select(pl.all_horizontal(pl.col(values).is_null())).to_series().all()
    assert_frame_equal(on_spark_days, frame.join(only_embedded, on=["site", "date"], how="anti"))
