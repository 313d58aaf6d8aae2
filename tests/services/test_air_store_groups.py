"""The store's daily frame built in groups of whole cities (``services.air.store_daily_frame``)
is the frame of the whole store, row for row, on stores of the shared official files."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from envplan.monitoring.timeseries import air_site_counts, import_air_file, query_air
from envplan.services.air import city_daily_frame, store_daily_frame
from envplan.services.air.figures import city_groups_of_store

DATA = Path(__file__).resolve().parents[1] / "data" / "air"


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The national 2026 live feed, two days: 1,600 stations of 367 cities with their cities."""
    root = tmp_path_factory.mktemp("national")
    import_air_file(DATA / "cnemc-live-national-2026-02-28_2026-03-01.csv.gz", root)
    return root


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stations, published city rows and daily means of several data versions in one store."""
    root = tmp_path_factory.mktemp("mixed")
    for name in (
        "mee-city-hourly-2019-02-04_2019-02-12.csv.gz",
        "cnemc-live-jincheng-stations-2022-06-15.csv",
        "cnemc-live-shanxi-stations-2022-01-01T00.csv",
        "aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv",
    ):
        import_air_file(DATA / name, root)
    return root


@pytest.mark.parametrize("chunk_rows", [50_000, 400_000])
def test_groups_give_the_whole_store_frame(national: Path, chunk_rows: int) -> None:
    whole = city_daily_frame(query_air(national))
    assert len(city_groups_of_store(national, chunk_rows)) > 1  # really cut in groups
    assert_frame_equal(store_daily_frame(national, chunk_rows=chunk_rows), whole)


def test_groups_give_the_whole_store_frame_of_a_mixed_store(mixed: Path) -> None:
    whole = city_daily_frame(query_air(mixed))
    assert whole["data_version"].n_unique() >= 2 and whole["site_kind"].n_unique() == 2
    assert len(city_groups_of_store(mixed, 5_000)) > 1
    assert_frame_equal(store_daily_frame(mixed, chunk_rows=5_000), whole)


def test_a_group_holds_whole_cities_and_about_chunk_rows(national: Path) -> None:
    counts = air_site_counts(national)
    # the file: 76,800 station-hour rows (1,600 a timepoint × 48; 1,603 stations in all, six of
    # 雄安新区 for half the hours) × 13 stored values (7 hourly, 6 moving means); one city a site
    assert counts["rows"].sum() == 76_800 * 13
    assert counts.height == counts["site"].n_unique() == 1603
    groups = city_groups_of_store(national, 100_000)
    city_of = dict(zip(counts["site"], counts["city"], strict=True))
    rows_of = dict(zip(counts["site"], counts["rows"], strict=True))
    seen: dict[str, int] = {}
    for number, sites in enumerate(groups):
        for site in sites:
            assert seen.setdefault(city_of[site], number) == number  # a city is never split
        largest_city = max(
            sum(rows_of[s] for s in sites if city_of[s] == c) for c in {city_of[s] for s in sites}
        )
        assert sum(rows_of[s] for s in sites) <= 100_000 + largest_city
    assert sorted(s for g in groups for s in g) == sorted(counts["site"])


def test_an_empty_store_has_no_groups(tmp_path: Path) -> None:
    assert city_groups_of_store(tmp_path, 1000) == []
    assert air_site_counts(tmp_path).schema == pl.Schema(
        {"site": pl.String, "city": pl.String, "rows": pl.Int64}
    )


def test_a_station_stored_under_two_cities_joins_them(tmp_path: Path) -> None:
    # The Shanxi stations at 00:00, then the same stations at 01:00 with 2160A (晋城市 in the
    # official file) relabelled 长治市: 长治市's formed value at 01:00 needs 2160A and its own four
    # stations, 晋城市's at 00:00 needs 2160A too, so both cities must be one group.
    root = tmp_path / "ts"
    official = DATA / "cnemc-live-shanxi-stations-2022-01-01T00.csv"
    import_air_file(official, root)
    lines = official.read_text("utf-8").splitlines()
    later = [lines[0]] + [
        line.replace("2022-01-01T00:00:00", "2022-01-01T01:00:00").replace(
            ",2160A,112.85,35.5051,晋城市,", ",2160A,112.85,35.5051,长治市,"
        )
        for line in lines[1:]
    ]
    moved = tmp_path / "cnemc-live-shanxi-01h-relabelled.csv"
    moved.write_text("\n".join(later) + "\n", encoding="utf-8")
    import_air_file(moved, root, "cnemc-live")
    counts = air_site_counts(root)
    assert set(counts.filter(pl.col("site") == "2160A")["city"]) == {"晋城市", "长治市"}
    groups = city_groups_of_store(root, 1)  # one city a group unless joined
    both = next(g for g in groups if "2160A" in g)
    for city in ("晋城市", "长治市"):
        assert set(counts.filter(pl.col("city") == city)["site"]) <= set(both)
    assert len(groups) > 2
    assert_frame_equal(store_daily_frame(root, chunk_rows=1), city_daily_frame(query_air(root)))
