"""Parquet store: round trip, idempotent re-import, overlap, all-or-nothing, queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.air_bundled import air_template_path
from envplan.monitoring.air_readers import read_air
from envplan.monitoring.errors import InputFileError
from envplan.monitoring.timeseries import (
    import_air_file,
    list_imports,
    query_air,
    query_published,
    write_air,
)

KEY = ["site", "interval_end", "pollutant", "averaging", "data_version"]


@pytest.fixture(scope="module")
def air_dir(test_data: Path) -> Path:
    return test_data / "air"


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_round_trip_and_partitions(air_dir: Path, tmp_path: Path) -> None:
    source = air_dir / "cnemc-live-jincheng-stations-2022-06-15.csv"
    result = read_air(source)
    summary = write_air(result, tmp_path)
    assert not summary.already_imported
    assert (summary.measurement_rows, summary.published_rows) == (700, 50)
    stored = query_air(tmp_path)
    assert stored.sort(KEY).equals(result.measurements.sort(KEY))
    published = query_published(tmp_path)
    assert published.height == 50
    assert published.filter(pl.col("site") == "2165A", pl.col("aqi") == 117).height == 1
    parts = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet")]
    assert (
        f"air/measurements/format=cnemc-live/year=2022/month=06/part-{summary.import_id}-00000.parquet"
        in parts
    )


def test_month_partitions_and_the_old_year_only_layout(air_dir: Path, tmp_path: Path) -> None:
    # the MEE file runs 2019-02-04 … 02-12: one month folder; the hour ending 2019-02-12 00:00
    # belongs to February (its interval starts on the 11th)
    source = air_dir / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv"
    summary = import_air_file(source, tmp_path)
    months = {p.parent.name for p in tmp_path.rglob("part-*.parquet")}
    assert months == {"month=02"}
    # a store written before the month partition (year= only) is still read the same way
    old = tmp_path / "old"
    (old / "air").mkdir(parents=True)
    for path in (tmp_path / "air").rglob("*"):
        target = old / "air" / path.relative_to(tmp_path / "air")
        if path.is_dir():
            continue
        if target.parent.name.startswith("month="):
            target = target.parent.parent / target.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    assert not list(old.rglob("month=*"))
    assert query_air(old).sort(KEY).equals(query_air(tmp_path).sort(KEY))
    assert query_published(old).height == query_published(tmp_path).height == summary.published_rows


def test_reimport_is_idempotent(air_dir: Path, tmp_path: Path) -> None:
    source = air_dir / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv"
    first = import_air_file(source, tmp_path)
    files = stored_files(tmp_path)
    again = import_air_file(source, tmp_path)
    assert again.already_imported and again.import_id == first.import_id
    assert stored_files(tmp_path) == files
    assert query_air(tmp_path).height == 201 * 6
    assert list_imports(tmp_path).height == 1


def test_overlapping_files_do_not_double_count(air_dir: Path, tmp_path: Path) -> None:
    source = air_dir / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    first_hundred = tmp_path / "first-100-hours.csv"
    first_hundred.write_text("\n".join(lines[:101]) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    import_air_file(first_hundred, store)
    import_air_file(source, store)
    stored = query_air(store)
    assert stored.height == 201 * 6
    assert stored.select(KEY).is_duplicated().sum() == 0
    assert list_imports(store).height == 2


def test_bad_file_writes_nothing(air_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    import_air_file(air_dir / "cnemc-live-shanxi-stations-2022-01-01T00.csv", store)
    before = stored_files(store)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,main_pollution,time\n"
        "晋城市,62,14,73,12,13,0.5,76,PM10,2019-02-04 00:00:00\n"
        "晋城市,60,16,69,13,17,700,65,PM10,2019-02-04 01:00:00\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError):
        import_air_file(bad, store)
    assert stored_files(store) == before
    assert query_air(store, sites=["晋城市"]).height == 0


def test_queries_by_site_period_pollutant_and_version(air_dir: Path, tmp_path: Path) -> None:
    import_air_file(air_dir / "cnemc-live-jincheng-stations-2022-06-15.csv", tmp_path)
    # The same station-hours again as an audited bureau export: kept beside the real-time data.
    import_air_file(air_template_path("xlsx"), tmp_path)
    read = read_air(air_template_path("csv"), data_version="audited")
    assert set(read.measurements["data_version"].unique()) == {"realtime"}  # file column wins
    pm10 = query_air(
        tmp_path,
        sites=["2160A"],
        pollutants=["PM10"],
        averagings=["1h"],
        start=dt.datetime(2022, 6, 15, 0),
        end=dt.datetime(2022, 6, 15, 8),
    )
    # hours labelled 01:00 … 08:00 (the 00:00 value covers 23:00–24:00 of the 14th)
    assert pm10["interval_end"].dt.hour().to_list() == list(range(1, 9))
    # 2022-06-15T08:00:00,2160A,…,60,69,… → PM10 1-h 69
    assert pm10["value"][-1] == 69
    template_rows = query_air(tmp_path, formats=["template"])
    assert template_rows.height == 9 * 6
    pub = query_published(tmp_path, sites=["2160A"], formats=["template"])
    assert pub["aqi"].to_list() == [48, 36, 32, 33, 34, 38, 45, 52, 60]


def test_versions_are_kept_apart(air_dir: Path, tmp_path: Path) -> None:
    import_air_file(air_template_path("csv"), tmp_path)
    audited = tmp_path / "audited.csv"
    audited.write_text(
        "site,time,data_version,PM10\n2160A,2022-06-15 08:00,audited,70\n", encoding="utf-8"
    )
    import_air_file(audited, tmp_path)
    rows = query_air(tmp_path, pollutants=["PM10"], end=dt.datetime(2022, 6, 15, 8)).filter(
        pl.col("interval_end") == dt.datetime(2022, 6, 15, 8)
    )
    assert dict(rows.select("data_version", "value").iter_rows()) == {
        "realtime": 69,
        "audited": 70,
    }


def test_empty_store(tmp_path: Path) -> None:
    assert query_air(tmp_path).height == 0
    assert query_published(tmp_path).height == 0
    assert list_imports(tmp_path).height == 0


def split_guangzhou(air_dir: Path, folder: Path) -> None:
    """The real Guangzhou day as two daily-style files (hours 0–11 and 12–23)."""
    header, *lines = (
        (air_dir / "cnemc-sites-guangzhou-2025-04-01.csv").read_text(encoding="utf-8").splitlines()
    )
    folder.mkdir()
    for suffix, keep in (("a", lambda h: h < 12), ("b", lambda h: h >= 12)):
        part = [ln for ln in lines if keep(int(ln.split(",")[1]))]
        (folder / f"china_sites_20250401{suffix}.csv").write_text(
            "\n".join([header, *part]) + "\n", encoding="utf-8"
        )


def test_folder_import_streams_files_and_matches_the_single_file(
    air_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "days"
    split_guangzhou(air_dir, folder)
    summary = import_air_file(folder, tmp_path / "store")
    assert summary.files == ("china_sites_20250401a.csv", "china_sites_20250401b.csv")
    assert (summary.measurement_rows, summary.published_rows) == (3024, 504)
    single = read_air(air_dir / "cnemc-sites-guangzhou-2025-04-01.csv").measurements
    stored = query_air(tmp_path / "store")
    assert stored.drop("source").sort(KEY).equals(single.drop("source").sort(KEY))
    assert import_air_file(folder, tmp_path / "store").already_imported


def test_folder_import_is_all_or_nothing(air_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "days"
    split_guangzhou(air_dir, folder)
    # A third file repeating the morning, and a fourth with a negative value in row 3.
    morning = (folder / "china_sites_20250401a.csv").read_text(encoding="utf-8")
    (folder / "china_sites_20250401c.csv").write_text(morning, encoding="utf-8")
    bad_lines = morning.splitlines()[:3]
    bad_lines[2] = bad_lines[2].replace("20250401,0,PM2.5,10.0", "20250402,0,PM2.5,-10.0")
    (folder / "china_sites_20250402.csv").write_text("\n".join(bad_lines) + "\n", "utf-8")
    store = tmp_path / "store"
    with pytest.raises(InputFileError) as caught:
        import_air_file(folder, store)
    problems = caught.value.problems
    assert any(
        p.file == "china_sites_20250401c.csv" and "china_sites_20250401a.csv" in p.message
        for p in problems
    )
    assert any(
        p.file == "china_sites_20250402.csv" and p.row == 3 and p.column == "1345A"
        for p in problems
    )
    assert not list(store.rglob("*.parquet")) and not list(store.rglob("*.json"))
    assert query_air(store).height == 0


def test_import_records_their_time_range(air_dir: Path, tmp_path: Path) -> None:
    import_air_file(air_dir / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv", tmp_path)
    import_air_file(air_dir / "cnemc-live-jincheng-stations-2022-06-15.csv", tmp_path)
    imports = list_imports(tmp_path)
    # first and last rows of the files: 2019-02-04 00:00:00 … 2019-02-12 09:00:00;
    # 2022-06-15T00:00:00 … 2022-06-15T12:00:00
    assert sorted(imports.select("first_end", "last_end").iter_rows()) == [
        ("2019-02-04T00:00:00", "2019-02-12T09:00:00"),
        ("2022-06-15T00:00:00", "2022-06-15T12:00:00"),
    ]
    assert query_air(tmp_path).height == 201 * 6 + 50 * 14


def test_same_file_as_audited_is_a_new_import(air_dir: Path, tmp_path: Path) -> None:
    source = air_dir / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv"
    realtime = import_air_file(source, tmp_path)
    audited = import_air_file(source, tmp_path, data_version="audited")
    assert not audited.already_imported and audited.import_id != realtime.import_id
    counts = dict(query_air(tmp_path).group_by("data_version").len().iter_rows())
    assert counts == {"realtime": 201 * 6, "audited": 201 * 6}


def test_zip_archive_import(air_dir: Path, tmp_path: Path) -> None:
    import zipfile

    folder = tmp_path / "days"
    split_guangzhou(air_dir, folder)
    archive = tmp_path / "china_sites_2025.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.iterdir()):
            zipped.write(path, f"2025/{path.name}")
    store = tmp_path / "store"
    summary = import_air_file(archive, store)
    assert summary.files == ("china_sites_20250401a.csv", "china_sites_20250401b.csv")
    assert query_air(store).height == 3024
    assert import_air_file(archive, store).already_imported


def test_unordered_query_returns_the_same_rows(air_dir: Path, tmp_path: Path) -> None:
    import_air_file(air_dir / "cnemc-live-shanxi-stations-2022-01-01T00.csv", tmp_path)
    ordered = query_air(tmp_path)
    assert ordered.select(KEY).equals(ordered.select(KEY).sort(KEY))
    unordered = query_air(tmp_path, ordered=False)
    assert unordered.sort(KEY).equals(ordered)
