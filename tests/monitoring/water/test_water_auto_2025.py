"""The platform's 2025 automatic-station table (1,612 sections, 2025-11-06 20:00) read whole.

Expected values are hand-read from the CSV lines quoted below and from the file's own published
水质类别 (the official class), never from running the classifier on itself.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.water_cnemc import read_cnemc_water_auto
from envplan.standards.water.sections import assess_sections

NAME = "cnemc-water-auto-2025-11-06T20.csv"


@pytest.fixture(scope="module")
def table(test_data: Path) -> pl.DataFrame:
    return read_cnemc_water_auto(test_data / "water" / NAME).frame


def test_whole_table_imports_with_markers(table: pl.DataFrame) -> None:
    assert table.height == 1612  # README: all 1,612 automatic sections
    # line 2: …,北京市,海河流域,码头,2025-11-06 20:00,Ⅱ,12.6,8,8.9,831.0,32.5,1.4,0.12,0.052,6.80,*,*,
    #   正常,房山区,大石河,#00CCFF,12.64,8.073,8.878,831.01,32.526,1.387,0.1151,0.0523,6.798,,
    row = table.filter(pl.col("section") == "码头").row(0, named=True)
    assert (row["ph"], row["do"], row["codmn"], row["nh3n"], row["tp"]) == (
        8,
        8.9,
        1.4,
        0.12,
        0.052,
    )
    assert (row["raw_ph"], row["raw_tp"], row["raw_chla_mg_l"]) == (8.073, 0.0523, None)
    assert row["chla_mg_l"] is None and row["withheld"] == "chla_mg_l,algae_density"
    assert (row["station_status"], row["city"], row["river"]) == ("正常", "房山区", "大石河")
    assert row["assessable"] is True
    # 维护 (maintenance) rows, counted from the 站点情况 column of the file: 43
    assert table.filter(pl.col("station_status") == "维护").height == 43


def _classes(frame: pl.DataFrame, lake: bool) -> pl.Series:
    out = assess_sections(frame.with_columns(lake=pl.lit(lake)), indicator_set="auto-basic")
    return out["water_class_label"]


def test_no_class_where_the_platform_gives_none(table: pl.DataFrame) -> None:
    unclassed = table.filter(pl.col("official_class").is_null())
    assert unclassed.height == 39  # empty 水质类别 cells in the file
    # each of them is either under maintenance or has a basic item withheld (`*`)
    assert not unclassed["assessable"].any()
    # 维护 rows are not assessed even where the platform still shows a class (7 rows)
    assert table.filter(~pl.col("assessable") & pl.col("official_class").is_not_null()).height == 7


def test_every_published_class_reproduced(table: pl.DataFrame) -> None:
    assessed = table.filter("assessable")
    assert assessed.height == 1612 - 39 - 7
    river = _classes(assessed, lake=False)
    lake = _classes(assessed, lake=True)
    official = assessed["official_class"]
    # The snapshot does not say river or lake; every published class is the one of the section
    # under river limits or under the stricter lake/reservoir TP limits (GB 3838-2002 Table 1).
    as_river = river == official
    as_lake = lake == official
    assert (as_river | as_lake).all()
    # sections whose published class needs the lake TP limits: lakes/reservoirs by the platform
    assert (~as_river & as_lake).sum() == 45
    # a chlorophyll `*` marks a river station (README): 1,431 of its 1,434 sections match as rivers
    star = assessed["withheld"].str.contains("chla").fill_null(False)
    assert star.sum() == 1434 and (star & as_river).sum() == 1431
