"""`envplan air` on the official files: output contract, agreement with the published values,
bad input. Expected values are the files' own published AQIs and primary pollutants."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from envplan.cli import app

CONTRACT = (
    "site,time,aqi,complete,published,primary_pollutant,iaqi_so2,iaqi_no2,iaqi_co,iaqi_o3_1h,"
    "iaqi_o3_8h,iaqi_pm10,iaqi_pm25,level,category"
)
MEE_CODES = {
    "PM2.5": "PM2.5",
    "PM10": "PM10",
    "SO2": "SO2",
    "NO2": "NO2",
    "CO": "CO",
    "O3": "O3_1h",
}
CNEMC_CODES = {
    "细颗粒物(PM2.5)": "PM2.5",
    "颗粒物(PM10)": "PM10",
    "二氧化硫": "SO2",
    "二氧化氮": "NO2",
    "一氧化碳": "CO",
    "臭氧1小时": "O3_1h",
    "臭氧8小时": "O3_8h",
}

runner = CliRunner()


def _codes(text: str | None, names: dict[str, str]) -> frozenset[str]:
    if text is None or text in ("", "—"):
        return frozenset()
    return frozenset(names.get(p.strip(), p.strip()) for p in text.split(","))


def _run(*args: str) -> str:
    result = runner.invoke(app, ["air", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_aqi_mee_city_reproduces_every_complete_published_city_hour(
    test_data: Path, tmp_path: Path
) -> None:
    source = test_data / "air" / "mee-city-hourly-2019-02-04_2019-02-12.csv.gz"
    out = tmp_path / "aqi.csv"
    _run("aqi", str(source), "--format", "mee-city", "--output", str(out))
    assert out.read_text(encoding="utf-8").splitlines()[0] == CONTRACT
    ours = pl.read_csv(out, schema_overrides={"time": pl.String, "primary_pollutant": pl.String})
    official = pl.read_csv(source, infer_schema_length=0, null_values=["—"]).select(
        pl.col("city").alias("site"),
        pl.col("time").str.slice(0, 16).alias("time"),
        pl.col("AQI").cast(pl.Int64).alias("official_aqi"),
        pl.col("main_pollution").alias("official_primary"),
    )
    joined = ours.join(official, on=["site", "time"], how="inner")
    assert joined.height == official.height == 71825
    checked = joined.filter(pl.col("complete") & pl.col("official_aqi").is_not_null())
    assert checked.height == 69814
    assert (checked["aqi"] == checked["official_aqi"]).all()
    mismatched = [
        r
        for r in checked.select("primary_pollutant", "official_primary").iter_rows()
        if _codes(r[0], MEE_CODES) != _codes(r[1], MEE_CODES)
    ]
    assert mismatched == []
    # Primary pollutants are listed in the contract order PM2.5, PM10, …
    ties = checked.filter(pl.col("primary_pollutant").str.contains(","))["primary_pollutant"]
    assert set(ties.unique()) == {"PM2.5,PM10"}


@pytest.mark.parametrize(
    "name",
    ["cnemc-live-shanxi-stations-2022-01-01T00.csv", "cnemc-live-jincheng-stations-2022-06-15.csv"],
)
def test_aqi_cnemc_live_reproduces_every_published_aqi(
    test_data: Path, tmp_path: Path, name: str
) -> None:
    source = test_data / "air" / name
    out = tmp_path / "aqi.csv"
    output = _run("aqi", str(source), "--format", "cnemc-live", "--output", str(out))
    assert "hj633-2012" in output
    ours = pl.read_csv(out, schema_overrides={"time": pl.String, "primary_pollutant": pl.String})
    official = pl.read_csv(source, infer_schema_length=0).select(
        pl.col("stationcode").alias("site"),
        pl.col("timepoint").str.replace("T", " ").str.slice(0, 16).alias("time"),
        pl.col("aqi").cast(pl.Int64).alias("official_aqi"),
        pl.col("primarypollutant").alias("official_primary"),
    )
    joined = ours.join(official, on=["site", "time"], how="inner")
    assert joined.height == official.height
    published = joined.filter(pl.col("official_aqi").is_not_null())
    assert published.height in (44, 49)
    assert (published["aqi"] == published["official_aqi"]).all()
    for ours_primary, theirs in published.select(
        "primary_pollutant", "official_primary"
    ).iter_rows():
        assert _codes(ours_primary, CNEMC_CODES) == _codes(theirs, CNEMC_CODES)


def test_aqi_hour_24_label_and_forced_rules(test_data: Path, tmp_path: Path) -> None:
    source = test_data / "air" / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv"
    out_2012, out_2026 = tmp_path / "a.csv", tmp_path / "b.csv"
    _run("aqi", str(source), "--format", "mee-city", "--output", str(out_2012))
    _run(
        "aqi",
        str(source),
        "--format",
        "mee-city",
        "--rules",
        "hj633-2026",
        "--output",
        str(out_2026),
    )
    a = pl.read_csv(out_2012, schema_overrides={"time": pl.String})
    b = pl.read_csv(out_2026, schema_overrides={"time": pl.String})
    assert a["time"][0] == "2019-02-04 00:00"
    # 2019-02-05 12:00: PM2.5 280 (2012 → 330 = published); PM10 346; both editions share PM2.5 > 250.
    row_a = a.filter(pl.col("time") == "2019-02-05 12:00").to_dicts()[0]
    assert row_a["aqi"] == 330 and row_a["category"] == "严重污染" and row_a["level"] == 6
    # First hour: PM10 73 → 2012 IAQI 62; 2026 (120 at IAQI 100): 50 + 50/70·23 = 66.4 → 67.
    assert a["iaqi_pm10"][0] == 62 and b["iaqi_pm10"][0] == 67


def test_bad_input_is_refused_in_chinese_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["air", "aqi", str(bad), "--format", "mee-city", "--output", str(out)]
    )
    assert result.exit_code == 2
    assert "bad.csv" in result.output and "错误" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]
    missing = runner.invoke(
        app,
        ["air", "aqi", str(tmp_path / "nope.csv"), "--format", "mee-city", "--output", str(out)],
    )
    assert missing.exit_code == 2 and "不存在" in missing.output


def test_daily_assess_and_rank_on_third_party_daily_means(test_data: Path, tmp_path: Path) -> None:
    source = test_data / "air" / "aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv"
    out = tmp_path / "daily.csv"
    _run("daily", str(source), "--format", "aqistudy-daily", "--output", str(out))
    daily = pl.read_csv(out)
    assert {
        "site",
        "date",
        "PM2.5",
        "O3_8h_max",
        "aqi",
        "primary_pollutant",
        "level",
        "category",
    } <= set(daily.columns)
    assert daily.height == 763
    # 2015-01-01: PM2.5 62.1 → 62, PM10 97.7 → 98, SO2 166.2 → 166 (24-h: 100 + 50/325·16 = 102.5
    # → 103), CO 2.115 → 2.1 mg/m³ → 53: daily AQI 103, primary SO2, 轻度污染.
    day = daily.filter(pl.col("date") == "2015-01-01").to_dicts()[0]
    assert (day["PM2.5"], day["SO2"], day["CO"]) == (62.0, 166.0, 2.1)
    assert (day["aqi"], day["primary_pollutant"], day["category"]) == (103, "SO2", "轻度污染")

    report = json.loads(
        _run("assess", str(source), "--format", "aqistudy-daily", "--period", "2016", "--json")
    )
    assert len(report) == 1 and report[0]["site"] == "晋城市"
    assert report[0]["valid_days"] == 366 and report[0]["valid_PM2.5"] is True
    assert report[0]["limits"] == "gb3095-2012" and report[0]["period_start"] == "2016-01-01"
    text = _run(
        "assess",
        str(source),
        "--format",
        "aqistudy-daily",
        "--period",
        "2016Q1",
        "--site",
        "晋城市",
    )
    assert "综合指数" in text and "优良天数比例" in text

    shanxi = test_data / "air" / "aqistudy-daily-shanxi-11-cities-2013_2017.csv"
    ranked = json.loads(
        _run("rank", str(shanxi), "--format", "aqistudy-daily", "--period", "2016", "--json")
    )
    assert len(ranked) == 11
    indices = [r["composite_index"] for r in ranked]
    assert indices == sorted(indices) and ranked[0]["rank"] == 1
    assert all(r["change_rate"] is not None for r in ranked)


def test_station_input_ranks_the_city_from_its_stations(test_data: Path) -> None:
    source = test_data / "air" / "cnemc-live-jincheng-stations-2022-06-15.csv"
    ranked = json.loads(
        _run("rank", str(source), "--format", "cnemc-live", "--period", "2022-06", "--json")
    )
    assert [r["site"] for r in ranked] == ["晋城市"]


def test_bad_period_and_unknown_site(test_data: Path) -> None:
    source = test_data / "air" / "aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv"
    bad = runner.invoke(
        app, ["air", "assess", str(source), "--format", "aqistudy-daily", "--period", "2016-13"]
    )
    assert bad.exit_code == 2 and "无法识别的时段" in bad.output
    unknown = runner.invoke(
        app,
        [
            "air",
            "assess",
            str(source),
            "--format",
            "aqistudy-daily",
            "--period",
            "2016",
            "--site",
            "长治市",
        ],
    )
    assert unknown.exit_code == 2 and "长治市" in unknown.output


def test_aqi_cnemc_sites_reproduces_the_published_aqi_rows(test_data: Path, tmp_path: Path) -> None:
    source = test_data / "air" / "cnemc-sites-guangzhou-2025-04-01.csv"
    out = tmp_path / "aqi.csv"
    _run("aqi", str(source), "--format", "cnemc-sites", "--output", str(out))
    ours = pl.read_csv(out, schema_overrides={"time": pl.String})
    # Published AQI rows of the quotsoft layout: hour h (0–23) is labelled h:00 of the date.
    wide = pl.read_csv(source, infer_schema_length=0).filter(pl.col("type") == "AQI").drop("type")
    official = wide.unpivot(
        index=["date", "hour"], variable_name="site", value_name="official"
    ).select(
        "site",
        (
            pl.col("date").str.to_date("%Y%m%d").cast(pl.Datetime)
            + pl.duration(hours=pl.col("hour").cast(pl.Int64))
        )
        .dt.strftime("%Y-%m-%d %H:00")
        .alias("time"),
        pl.col("official").cast(pl.Float64).cast(pl.Int64),
    )
    joined = ours.join(official.drop_nulls("official"), on=["site", "time"], how="inner")
    assert joined.height == 496
    assert (joined["aqi"] == joined["official"]).all()


def test_station_data_without_cities_daily_works_and_rank_explains(
    test_data: Path, tmp_path: Path
) -> None:
    source = test_data / "air" / "cnemc-sites-guangzhou-2025-04-01.csv"
    out = tmp_path / "daily.csv"
    _run("daily", str(source), "--format", "cnemc-sites", "--output", str(out))
    daily = pl.read_csv(out)
    # 21 stations; labels 00:00 … 23:00 of 2025-04-01: 00:00 closes 03-31, 01–23 make 04-01.
    assert daily.height == 42
    first = daily.filter((pl.col("site") == "1345A") & (pl.col("date") == "2025-04-01")).to_dicts()[
        0
    ]
    assert first["hours_PM2.5"] == 23 and first["complete"] is True
    ranked = runner.invoke(
        app, ["air", "rank", str(source), "--format", "cnemc-sites", "--period", "2025-04"]
    )
    assert ranked.exit_code == 2 and "没有城市" in ranked.output
