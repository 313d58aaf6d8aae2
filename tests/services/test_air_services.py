"""envplan.services.air.hourly on the official files (parsed test-locally into the canonical long table)
and on small hand-made frames. Expected values: the files' published numbers or hand arithmetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from envplan.services import air

POLLUTANTS = ["SO2", "NO2", "CO", "O3", "PM10", "PM2.5"]


def mee_long(path: Path) -> pl.DataFrame:
    """Minimal test-local reading of the MEE city table into the canonical long layout."""
    wide = pl.read_csv(path, infer_schema_length=0, null_values=["—", ""])
    return (
        wide.unpivot(
            index=["city", "time"], on=POLLUTANTS, variable_name="pollutant", value_name="value"
        )
        .select(
            pl.col("city").alias("site"),
            pl.lit("city").alias("site_kind"),
            pl.col("city"),
            pl.col("time").str.to_datetime().alias("interval_end"),
            "pollutant",
            pl.lit("1h").alias("averaging"),
            pl.col("value").cast(pl.Float64),
            pl.lit("realtime").alias("data_version"),
        )
        .filter(pl.col("value").is_not_null())
    )


def cnemc_long(path: Path) -> pl.DataFrame:
    wide = pl.read_csv(path, infer_schema_length=0)
    columns = {
        "so2": "SO2",
        "no2": "NO2",
        "co": "CO",
        "o3_24h": "O3",
        "pm10": "PM10",
        "pm2_5": "PM2.5",
    }
    return (
        wide.rename(columns)
        .unpivot(
            index=["stationcode", "area", "timepoint"],
            on=list(columns.values()),
            variable_name="pollutant",
        )
        .select(
            pl.col("stationcode").alias("site"),
            pl.lit("station").alias("site_kind"),
            pl.col("area").alias("city"),
            pl.col("timepoint").str.to_datetime().alias("interval_end"),
            "pollutant",
            pl.lit("1h").alias("averaging"),
            pl.col("value").cast(pl.Float64),
            pl.lit("realtime").alias("data_version"),
        )
    )


@pytest.fixture(scope="module")
def jincheng(test_data: Path) -> pl.DataFrame:
    return mee_long(test_data / "air" / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv")


def test_hourly_aqi_columns_and_published_values(test_data: Path, jincheng: pl.DataFrame) -> None:
    raw = pl.read_csv(
        test_data / "air" / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv",
        infer_schema_length=0,
        null_values=["—"],
    )
    result = air.hourly_aqi(jincheng)
    assert set(air.HOURLY_AQI_COLUMNS) <= set(result.columns)
    assert result.height == raw.height == 201
    joined = result.join(
        raw.select(
            pl.col("city").alias("site"),
            pl.col("time").str.slice(0, 16).alias("time"),
            pl.col("AQI").cast(pl.Int64).alias("official"),
        ),
        on=["site", "time"],
    )
    assert joined.height == 201
    assert (joined["aqi"] == joined["official"]).all()
    assert set(result["rules"].unique()) == {"hj633-2012"}
    # First row: PM10 73 → IAQI 62 (50 + 50/100·23 = 61.5 → 62), published AQI 62, primary PM10.
    first = result.filter(pl.col("time") == "2019-02-04 00:00").to_dicts()[0]
    assert (first["iaqi_pm10"], first["aqi"], first["primary_pollutant"], first["category"]) == (
        62,
        62,
        "PM10",
        "良",
    )
    assert first["iaqi_o3_8h"] is None and first["complete"] and first["published"]


def test_time_label_is_hour_end_and_hour_24_is_next_day_midnight() -> None:
    long = pl.DataFrame(
        {
            "site": ["A"] * 6,
            "interval_end": [dt.datetime(2021, 6, 2, 0)] * 6,
            "pollutant": POLLUTANTS,
            "averaging": ["1h"] * 6,
            "value": [5.0, 10.0, 0.4, 60.0, 20.0, 10.0],
        }
    )
    result = air.hourly_aqi(long)
    assert result["time"].to_list() == ["2021-06-02 00:00"]
    daily = air.daily_statistics(long)
    assert daily["date"].to_list() == [dt.date(2021, 6, 1)]  # label 24:00 of 06-01


def test_edition_switch_at_2026_03_01_follows_the_hour_label_day() -> None:
    times = [dt.datetime(2026, 3, 1, 0), dt.datetime(2026, 3, 1, 1)]
    long = pl.DataFrame(
        {
            "site": ["A"] * 12,
            "interval_end": [t for t in times for _ in POLLUTANTS],
            "pollutant": POLLUTANTS * 2,
            "averaging": ["1h"] * 12,
            "value": [5.0, 10.0, 0.4, 60.0, 20.0, 80.0] * 2,
        }
    )
    result = air.hourly_aqi(long).sort("interval_end")
    # 2026-03-01 00:00 closes 2026-02-28 (HJ 633-2012): PM2.5 80 → 107; 01:00 is 2026: → 119.
    assert result["rules"].to_list() == ["hj633-2012", "hj633-2026"]
    assert result["aqi"].to_list() == [107, 119]
    forced = air.hourly_aqi(long, rules=air.select_aqi_rules(code="hj633-2026"))
    assert forced["aqi"].to_list() == [119, 119]


def test_city_mean_excludes_background_station(test_data: Path) -> None:
    long = cnemc_long(test_data / "air" / "cnemc-live-jincheng-stations-2022-06-15.csv")
    hourly = air.hourly_wide(long)
    city = air.city_hourly_wide(hourly)
    noon = city.filter(pl.col("interval_end") == dt.datetime(2022, 6, 15, 12)).to_dicts()[0]
    # 12:00 PM10 of 2160A 64, 2161A 83, 2162A 65, 2163A 74 (2165A 白马寺 excluded) → 71.5.
    assert noon["site"] == "晋城市" and noon["PM10"] == pytest.approx(71.5)
    # NO2: 2162A missing → mean of 26, 21, 21 = 22.67.
    assert noon["NO2"] == pytest.approx((26 + 21 + 21) / 3)
    with_background = air.city_hourly_wide(hourly, air.CityStations(exclude=frozenset()))
    noon_all = with_background.filter(
        pl.col("interval_end") == dt.datetime(2022, 6, 15, 12)
    ).to_dicts()[0]
    assert noon_all["PM10"] != noon["PM10"]
    only_two = air.city_hourly_wide(
        hourly, air.CityStations(include={"晋城市": ["2160A", "2161A"]})
    )
    assert (
        only_two.filter(pl.col("interval_end") == dt.datetime(2022, 6, 15, 12))["PM10"][0] == 73.5
    )


def test_daily_statistics_of_jincheng_against_hand_means(
    test_data: Path, jincheng: pl.DataFrame
) -> None:
    raw = pl.read_csv(
        test_data / "air" / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv",
        infer_schema_length=0,
        null_values=["—"],
    )
    # Day 2019-02-05 = labels 02-05 01:00 … 02-06 00:00.
    in_day = [
        r
        for r in raw.to_dicts()
        if "2019-02-05 01:00:00" <= r["time"] <= "2019-02-06 00:00:00" and r["PM2.5"] is not None
    ]
    assert len(in_day) == 24
    mean = sum(float(r["PM2.5"]) for r in in_day) / 24
    daily = (
        air.daily_statistics(jincheng).filter(pl.col("date") == dt.date(2019, 2, 5)).to_dicts()[0]
    )
    assert daily["PM2.5"] == round(mean)
    assert daily["complete"] and daily["rules"] == "hj633-2012"
    assert daily["primary_pollutant"] == "PM2.5"
    # The edges (2019-02-03: one label; 2019-02-12: 9 labels) are invalid days.
    edges = air.daily_statistics(jincheng).filter(
        pl.col("date").is_in([dt.date(2019, 2, 3), dt.date(2019, 2, 12)])
    )
    assert edges["PM2.5"].null_count() == 2 and not edges["complete"].any()


def _daily(site: str, days: list[dt.date], **values: float) -> pl.DataFrame:
    n = len(days)
    base = {
        "SO2": 10.0,
        "NO2": 30.0,
        "CO": 1.0,
        "PM10": 70.0,
        "PM2.5": 35.0,
        "O3_8h_max": 160.0,
        "O3_1h_max": 180.0,
    }
    base.update(values)
    return pl.DataFrame({"site": [site] * n, "date": days, **{k: [v] * n for k, v in base.items()}})


JUNE = [dt.date(2021, 6, d) for d in range(1, 31)]


def test_assess_period_composite_compliance_and_days() -> None:
    daily = air.daily_aqi_frame(_daily("A", JUNE))
    result = air.assess_period(daily, "2021-06").to_dicts()[0]
    # 10/60 + 30/40 + 70/70 + 35/35 + 1.0/4 + 160/160 = 4.1667 → 4.17
    assert result["composite_index"] == 4.17
    assert result["valid_PM2.5"] and result["city_ok"] is True
    assert (
        result["valid_days"] == 30
        and result["good_days"] == 30
        and result["good_day_ratio"] == 100.0
    )
    assert result["limits"] == "gb3095-2012" and result["period_start"] == dt.date(2021, 6, 1)
    with pytest.raises(air.AirServiceError, match="没有站点"):
        air.assess_period(daily, "2021-06", site="不存在")


def test_dust_removed_series_beside_actual() -> None:
    frame = _daily("A", JUNE).with_columns(
        pl.when(pl.col("date") <= dt.date(2021, 6, 3))
        .then(600.0)
        .otherwise(pl.col("PM10"))
        .alias("PM10"),
        (pl.col("date") <= dt.date(2021, 6, 3)).alias("dust"),
    )
    daily = air.daily_aqi_frame(frame)
    result = air.assess_period(daily, "2021-06").to_dicts()[0]
    # Actual: (3·600 + 27·70)/30 = 123; dust-removed: 70.
    assert result["PM10_mean"] == 123 and result["PM10_mean_dust_removed"] == 70
    assert result["composite_index_dust_removed"] == 4.17
    assert result["good_days"] == 27  # the dust days (PM10 600 → AQI 500) stay in the day counts


def test_rank_cities_with_ties_and_change_rate() -> None:
    last_june = [d.replace(year=2020) for d in JUNE]
    daily = pl.concat(
        [
            _daily("甲市", JUNE),
            _daily("乙市", JUNE),
            _daily("丙市", JUNE, **{"PM2.5": 28.0}),
            _daily("甲市", last_june, **{"PM2.5": 70.0}),
        ]
    )
    ranked = air.rank_cities(air.daily_aqi_frame(daily), "2021-06")
    assert ranked["site"].to_list() == ["丙市", "乙市", "甲市"]
    assert ranked["rank"].to_list() == [1, 2, 2]
    assert ranked["composite_index"].to_list() == [3.97, 4.17, 4.17]
    # 甲市 last year: 4.1667 + 1 = 5.1667 → 5.17; (4.17 − 5.17)/5.17 = −19.3 %.
    row = ranked.filter(pl.col("site") == "甲市").to_dicts()[0]
    assert row["composite_index_last_year"] == 5.17 and row["change_rate"] == -19.3


def test_good_day_ratio_ytd() -> None:
    days = [dt.date(2021, 1, 1) + dt.timedelta(days=i) for i in range(40)]
    frame = _daily("A", days).with_columns(
        pl.when(pl.col("date") < dt.date(2021, 1, 5))
        .then(120.0)
        .otherwise(pl.col("PM2.5"))
        .alias("PM2.5")
    )
    result = air.good_day_ratio_ytd(air.daily_aqi_frame(frame), dt.date(2021, 1, 31)).to_dicts()[0]
    # 31 valid days, 4 with PM2.5 120 (2012: IAQI 160 → 中度) → 27/31 = 87.1 %.
    assert (result["valid_days"], result["good_days"], result["good_day_ratio"]) == (31, 27, 87.1)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
        ("2021-02", dt.date(2021, 2, 1), dt.date(2021, 2, 28)),
        ("2021Q2", dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
        ("2020-12", dt.date(2020, 12, 1), dt.date(2020, 12, 31)),
    ],
)
def test_parse_period(text: str, start: dt.date, end: dt.date) -> None:
    period = air.parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2021-13", "21Q2", "2021Q5", "六月"])
def test_parse_period_rejects_with_chinese_message(text: str) -> None:
    with pytest.raises(air.AirServiceError, match="无法识别的时段"):
        air.parse_period(text)


def test_warning_for_forecast() -> None:
    assert air.warning_for_forecast([210, 230, 250]) == "orange"


def _station_day(site: str, pm25: float, o3_peak: float) -> list[dict]:
    """24 hourly rows of one station on 2021-06-01 (labels 01:00 … 24:00)."""
    start = dt.datetime(2021, 6, 1, 0)
    rows = []
    for label in range(1, 25):
        o3 = o3_peak if 12 <= label <= 19 else 40.0
        values = {"SO2": 10.0, "NO2": 20.0, "CO": 0.5, "O3": o3, "PM10": 50.0, "PM2.5": pm25}
        rows.append(
            {
                "site": site,
                "city": "甲市",
                "site_kind": "station",
                "interval_end": start + dt.timedelta(hours=label),
                **values,
            }
        )
    return rows


def test_city_daily_in_both_averaging_orders() -> None:
    hourly = pl.DataFrame(_station_day("0001A", 30.0, 200.0) + _station_day("0002A", 40.0, 100.0))
    by_hour = air.network_daily_statistics(hourly, air.CityStations(exclude=frozenset()))
    by_day = air.network_daily_statistics(
        hourly, air.CityStations(exclude=frozenset(), order="daily")
    )
    city_h = by_hour.filter(
        (pl.col("site") == "甲市") & (pl.col("date") == dt.date(2021, 6, 1))
    ).to_dicts()[0]
    city_d = by_day.filter(
        (pl.col("site") == "甲市") & (pl.col("date") == dt.date(2021, 6, 1))
    ).to_dicts()[0]
    # PM2.5: mean of 30 and 40 either way = 35.
    assert city_h["PM2.5"] == city_d["PM2.5"] == 35.0
    # O3 peak hours 12–19 coincide: hourly-mean city O3 is 150 there → MDA8 150; station MDA8s
    # are 200 and 100 → their mean is 150 as well. Both orders agree on this aligned case.
    assert city_h["O3_8h_max"] == 150.0 and city_d["O3_8h_max"] == 150.0
    excluded = air.network_daily_statistics(hourly, air.CityStations(exclude=frozenset({"0002A"})))
    only_one = excluded.filter((pl.col("site") == "甲市") & (pl.col("date") == dt.date(2021, 6, 1)))
    assert only_one["PM2.5"][0] == 30.0 and only_one["O3_8h_max"][0] == 200.0
