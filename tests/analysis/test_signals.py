"""Each signal on a small hand-made station-hour frame: what must be flagged and what not."""

from __future__ import annotations

import datetime as dt

import polars as pl

from envplan.analysis.signals import Inspection, SignalRules, detect_signals

START = dt.datetime(2026, 5, 1, 1)


def _frame(hours: int, stations: dict[str, dict[str, list[float | None]]]) -> pl.DataFrame:
    rows = []
    for site, values in stations.items():
        for i in range(hours):
            row: dict[str, object] = {
                "site": site,
                "city": "晋城市",
                "interval_end": START + dt.timedelta(hours=i),
            }
            for pollutant in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"):
                series = values.get(pollutant)
                row[pollutant] = (
                    series[i] if series else 20.0 + (i % 7) + (pollutant == "PM10") * 30
                )
            rows.append(row)
    return pl.DataFrame(rows)


def _varying(hours: int, base: float = 40.0) -> list[float | None]:
    return [base + (i % 5) for i in range(hours)]


def test_flat_run_of_12_hours_is_flagged_11_is_not() -> None:
    pm = _varying(48)
    pm[5:17] = [45.0] * 12  # hours 5..16: 12 hours
    pm[30:41] = [47.0] * 11  # 11 hours
    frame = _frame(48, {"2160A": {"PM2.5": pm, "PM10": [x + 30 if x else None for x in pm]}})
    flags = detect_signals(frame).filter(pl.col("kind") == "flat")
    pm_flags = flags.filter(pl.col("pollutant") == "PM2.5")
    assert pm_flags.height == 1
    row = pm_flags.row(0, named=True)
    assert row["station"] == "2160A" and row["hours"] == 12
    assert row["start"] == START + dt.timedelta(hours=5)
    assert row["end"] == START + dt.timedelta(hours=16)
    assert "45.0" in row["evidence"]


def test_flat_below_the_floor_is_clean_air_not_a_signal() -> None:
    so2 = [4.0] * 48  # 4 µg/m³ for two days: below the 10 µg/m³ floor
    flags = detect_signals(_frame(48, {"2160A": {"SO2": so2}}))
    assert flags.filter((pl.col("kind") == "flat") & (pl.col("pollutant") == "SO2")).is_empty()
    assert (
        not detect_signals(
            _frame(48, {"2160A": {"SO2": so2}}),
            SignalRules(flat_floor=dict.fromkeys(("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"), 1.0)),
        )
        .filter(pl.col("kind") == "flat")
        .is_empty()
    )


def test_pm25_above_pm10_for_six_hours() -> None:
    pm25 = _varying(24, 50)
    pm10 = [x + 20 if x else None for x in pm25]
    for i in range(3, 9):  # 6 hours with PM2.5 − PM10 = 10 > 5
        pm10[i] = pm25[i] - 10  # type: ignore[operator]
    pm10[15] = pm25[15] - 10  # type: ignore[operator]  # 1 hour only: not flagged
    flags = detect_signals(_frame(24, {"2161A": {"PM2.5": pm25, "PM10": pm10}}))
    hits = flags.filter(pl.col("kind") == "pm25_gt_pm10")
    assert hits.height == 1 and hits["hours"][0] == 6
    assert hits["start"][0] == START + dt.timedelta(hours=3)


def test_abrupt_drop_at_one_station_only() -> None:
    hours = 12
    steady = _varying(hours, 80)
    dropped = list(steady)
    dropped[6] = 10.0  # 81 → 10 at one station while three others stay ~80
    frame = _frame(
        hours,
        {
            "A": {"PM2.5": dropped},
            "B": {"PM2.5": steady},
            "C": {"PM2.5": steady},
            "D": {"PM2.5": steady},
        },
    )
    hits = detect_signals(frame).filter(pl.col("kind") == "abrupt_drop")
    assert hits.select("station", "pollutant").rows() == [("A", "PM2.5")]
    assert hits["start"][0] == START + dt.timedelta(hours=6)
    # when every station falls together it is the weather, not the station
    falling = list(steady)
    falling[6] = 10.0
    together = _frame(hours, {s: {"PM2.5": falling} for s in "ABCD"})
    assert detect_signals(together).filter(pl.col("kind") == "abrupt_drop").is_empty()


def test_divergence_for_three_days() -> None:
    hours = 24 * 5
    normal = _varying(hours, 150)
    # ~45 vs ~152: below half of the others' median and more than 80 µg/m³ away
    low = [x * 0.3 if x is not None else None for x in normal]
    low[72:] = normal[72:]  # back to normal after 3 days
    frame = _frame(
        hours,
        {"A": {"PM10": low}, "B": {"PM10": normal}, "C": {"PM10": normal}, "D": {"PM10": normal}},
    )
    hits = detect_signals(frame).filter(pl.col("kind") == "divergence")
    assert hits.select("station", "pollutant").rows() == [("A", "PM10")]
    assert hits["start"][0] == dt.datetime(2026, 5, 1) and "连续 3 天" in hits["evidence"][0]


def test_gap_around_an_inspection_date() -> None:
    hours = 24 * 20
    values = _varying(hours, 30)
    gap = list(values)
    for i in range(24 * 9, 24 * 12):  # 3 days missing around 2026-05-11
        gap[i] = None
    frame = _frame(hours, {"A": {"NO2": gap}, "B": {"NO2": values}})
    visits = [Inspection(day=dt.date(2026, 5, 11), city="晋城市")]
    hits = detect_signals(frame, inspections=visits).filter(pl.col("kind") == "inspection_gap")
    assert hits.select("station", "pollutant").rows() == [("A", "NO2")]
    assert detect_signals(frame).filter(pl.col("kind") == "inspection_gap").is_empty()


def test_detection_floor() -> None:
    co = [0.5] * 24
    co[2:10] = [0.0] * 8
    hits = detect_signals(_frame(24, {"A": {"CO": co}})).filter(pl.col("kind") == "detection_limit")
    assert hits.height == 1 and hits["hours"][0] == 8
