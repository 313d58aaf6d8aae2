"""The Shanxi 2026 file (63 stations, 2026-03-02 … 07-24): the platform's day-D 24-h means and
daily max 8-h O3, published at D+1 00:00 (`x_24h`, `o3_8h`), against the HJ 663 / GB 3095
statistics of the published 1-h values.

Expected values are the published fields of the file (official data); counts of agreement are
measured on the file and documented in docs/monitoring-air.md.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.air_readers import read_air
from envplan.standards.air.statistics import daily_statistics

SHANXI = "cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz"


@pytest.fixture(scope="module")
def days(test_data: Path) -> pl.DataFrame:
    m = read_air(test_data / "air" / SHANXI).measurements
    hourly = m.filter(pl.col("averaging") == "1h").pivot(
        on="pollutant", index=["site", "interval_end"], values="value"
    )
    ours = daily_statistics(hourly)
    published = (
        m.filter(
            pl.col("averaging").is_in(["24h", "8h_max_day"])
            & (pl.col("interval_end").dt.hour() == 0)
        )
        .with_columns(
            # at D+1 00:00 the fields are day D's (tests/data/README.md)
            date=(pl.col("interval_end") - pl.duration(days=1)).dt.date(),
            key=pl.when(pl.col("averaging") == "24h")
            .then(pl.col("pollutant"))
            .otherwise(pl.lit("O3_8h_max")),
        )
        .pivot(on="key", index=["site", "date"], values="value")
    )
    return ours.join(published, on=["site", "date"], suffix="_pub")


def _complete(days: pl.DataFrame, column: str) -> pl.DataFrame:
    hours = "hours_O3" if column.startswith("O3") else f"hours_{column}"
    return days.filter((pl.col(hours) == 24) & pl.col(f"{column}_pub").is_not_null())


@pytest.mark.parametrize(("column", "n_days"), [("SO2", 5209), ("NO2", 5192), ("O3_8h_max", 5574)])
def test_so2_no2_o3_reproduced_on_every_complete_day(
    days: pl.DataFrame, column: str, n_days: int
) -> None:
    complete = _complete(days, column)
    assert complete.height == n_days
    assert (complete[column] == complete[f"{column}_pub"]).all()


def test_pm_and_co_agreement_and_causes(days: pl.DataFrame) -> None:
    def misses(column: str) -> pl.DataFrame:
        c = _complete(days, column)
        return c.filter(pl.col(column) != pl.col(f"{column}_pub")).with_columns(
            diff=(pl.col(column) - pl.col(f"{column}_pub")).round(1)
        )

    # CO: 5,747 of 5,889 complete days; every miss is one unit of the last digit (0.1 mg/m³):
    # the platform averages the unrounded hourly CO, the file shows it to one decimal.
    co = misses("CO")
    assert _complete(days, "CO").height == 5889 and co.height == 142
    assert co["diff"].abs().max() == pytest.approx(0.1)
    # PM2.5: 5,598 of 5,902; 299 misses by 1 µg/m³ and 5 by 2 (same cause: integer hourly values)
    pm25 = misses("PM2.5")
    assert _complete(days, "PM2.5").height == 5902 and pm25.height == 304
    assert pm25["diff"].abs().max() == 2 and (pm25["diff"].abs() == 1).sum() == 299
    # PM10: 4,289 of 4,302; 13 days where ours is 1–35 µg/m³ above the published mean, all in
    # March–May: the platform leaves out hours the 1-h file still shows (no PM2.5 > PM10
    # inversion on those days; consistent with dust-affected hours, cause not provable here).
    pm10 = misses("PM10")
    assert _complete(days, "PM10").height == 4302 and pm10.height == 13
    assert (pm10["diff"] > 0).all() and pm10["diff"].max() == 35
    assert pm10["date"].dt.month().is_between(3, 5).all()
