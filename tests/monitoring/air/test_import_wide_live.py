"""The store import of ``cnemc-live`` files through the wide parse (``air_wide_long``) stores
exactly what the general reader's path (``read_air``'s long table) stores, on every official
``cnemc-live`` file of tests/data/air, one by one and as a folder of daily files; a bad file
keeps the general reader's problems.

The reference is the old path itself, run on the same official file in the same test (the wide
parse switched off), and the row counts of the files (station-hours x value columns, counted
by hand from their headers and lines below), never the new code's own output."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from envplan.monitoring import timeseries
from envplan.monitoring.errors import InputFileError

#: file → (station-hours = data lines, value columns stored per station-hour): the 2022 archive
#: stores all 14 value columns, the 2026 feed 13 (its ``o3_24h`` is empty or repeats ``o3``).
OFFICIAL = {
    "cnemc-live-jincheng-stations-2022-06-15.csv": (50, 14),
    "cnemc-live-shanxi-stations-2022-01-01T00.csv": (44, 14),
    "cnemc-live-national-2026-02-28_2026-03-01.csv.gz": (76_800, 13),
    "cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz": (215_932, 13),
}


def _stored(root: Path) -> dict[str, pl.DataFrame]:
    """Every committed Parquet part by its path under the store (``imported_at``, the clock
    time of the import, left out)."""
    return {
        str(p.relative_to(root)): pl.read_parquet(p).drop("imported_at")
        for p in sorted((root / "air").rglob("*.parquet"))
    }


def _records(root: Path) -> list[dict[str, object]]:
    records = []
    for marker in sorted((root / "air" / "imports").glob("*.json")):
        record = json.loads(marker.read_text(encoding="utf-8"))
        del record["imported_at"]
        records.append(record)
    return records


def _import_both(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **options: object
) -> tuple[Path, Path, timeseries.ImportSummary, timeseries.ImportSummary]:
    """The import by the old path (wide parse off) and by the new one (read_air off)."""
    old_root, new_root = tmp_path / "old", tmp_path / "new"
    with monkeypatch.context() as patch:
        patch.setattr(timeseries, "load_cnemc_live_tables", lambda *a, **k: None)
        old = timeseries.import_air_file(source, old_root, **options)  # type: ignore[arg-type]
    with monkeypatch.context() as patch:
        patch.setattr(timeseries, "read_air", lambda *a, **k: pytest.fail("read_air was used"))
        new = timeseries.import_air_file(source, new_root, **options)  # type: ignore[arg-type]
    return old_root, new_root, old, new


#: The rows of one station-hour share (site, interval_end): the store's sort by those two is not
#: stable, so their order within a part is compared by the rest of the natural key.
KEY = ["site", "interval_end", "pollutant", "averaging"]


def _assert_same_store(old_root: Path, new_root: Path, *, exact_order: bool = False) -> None:
    old, new = _stored(old_root), _stored(new_root)
    assert list(old) == list(new)  # the same part files, by name
    for name, frame in old.items():
        got = new[name]
        if "/measurements/" in name and not exact_order:
            # in site and time order, as the store promises (its row-group pruning needs it)
            keys = got.select("site", "interval_end")
            assert keys.equals(keys.sort("site", "interval_end", maintain_order=True))
            got, frame = got.sort(KEY, maintain_order=True), frame.sort(KEY, maintain_order=True)
        assert_frame_equal(got, frame, check_exact=True)  # rows, columns, dtypes
    assert _records(new_root) == _records(old_root)


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_an_official_file_is_stored_as_by_the_general_reader(
    name: str, test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = test_data / "air" / name
    old_root, new_root, old, new = _import_both(source, tmp_path, monkeypatch)
    assert new == old
    hours, columns = OFFICIAL[name]
    assert (new.measurement_rows, new.published_rows) == (hours * columns, hours)
    _assert_same_store(old_root, new_root)


def test_options_audited_version_and_detected_format(
    test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = test_data / "air" / "cnemc-live-jincheng-stations-2022-06-15.csv"
    old_root, new_root, old, new = _import_both(
        source, tmp_path, monkeypatch, format=None, data_version="audited"
    )
    assert new == old and new.format == "cnemc-live"
    _assert_same_store(old_root, new_root)
    versions = pl.read_parquet(next((new_root / "air" / "measurements").rglob("*.parquet")))
    assert versions["data_version"].unique().to_list() == ["audited"]


def test_the_national_feed_as_a_folder_of_daily_files(
    test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two-day national file split by day into two daily files (lines as in the file)."""
    source = test_data / "air" / "cnemc-live-national-2026-02-28_2026-03-01.csv.gz"
    header, *lines = gzip.decompress(source.read_bytes()).decode("utf-8").splitlines()
    folder = tmp_path / "daily"
    folder.mkdir()
    for day in ("2026-02-28", "2026-03-01"):
        # the label 2026-03-01T0000 closes the hour of 2026-02-28 but is written on its own day
        rows = [line for line in lines if line.startswith(day)]
        (folder / f"{day}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    old_root, new_root, old, new = _import_both(folder, tmp_path, monkeypatch)
    assert new == old
    assert (new.measurement_rows, new.published_rows) == (76_800 * 13, 76_800)
    _assert_same_store(old_root, new_root, exact_order=True)  # the same sort of the same rows


def test_a_request_again_is_answered_from_the_record_with_the_same_id(
    test_data: Path, tmp_path: Path
) -> None:
    """The import id reuses the request's SHA-256: the id is the one ``import_id_of`` gives
    when it hashes the file itself."""
    source = test_data / "air" / "cnemc-live-shanxi-stations-2022-01-01T00.csv"
    first = timeseries.import_air_file(source, tmp_path)
    result = timeseries.read_air(source, "cnemc-live")
    assert first.import_id == timeseries.import_id_of(result)
    assert timeseries.import_air_file(source, tmp_path).already_imported


def _national_lines(test_data: Path, count: int) -> list[str]:
    source = test_data / "air" / "cnemc-live-national-2026-02-28_2026-03-01.csv.gz"
    return gzip.decompress(source.read_bytes()).decode("utf-8").splitlines()[: count + 1]


def test_a_bad_cell_keeps_the_general_readers_problems(test_data: Path, tmp_path: Path) -> None:
    header, *rows = _national_lines(test_data, 3)
    names = header.split(",")
    cells = rows[1].split(",")
    cells[names.index("pm10")] = "abc"  # spreadsheet row 3
    path = tmp_path / "live.csv"
    path.write_text("\n".join([header, rows[0], ",".join(cells), rows[2]]) + "\n", "utf-8")
    with pytest.raises(InputFileError) as caught:
        timeseries.import_air_file(path, tmp_path / "store")
    problems = [(p.file, p.row, p.column, p.message) for p in caught.value.problems]
    assert problems == [("live.csv", 3, "pm10", "无法识别的数值「abc」")]
    assert not (tmp_path / "store" / "air" / "measurements").exists()


def test_a_repeated_station_hour_is_listed_as_before(test_data: Path, tmp_path: Path) -> None:
    header, *rows = _national_lines(test_data, 2)
    path = tmp_path / "repeat.csv"
    path.write_text("\n".join([header, *rows, rows[0]]) + "\n", "utf-8")
    with pytest.raises(InputFileError) as caught:
        timeseries.import_air_file(path, tmp_path / "store")
    station = rows[0].split(",")[1]  # 2568A, first written on spreadsheet row 2, again on row 4
    messages = {(p.row, p.message) for p in caught.value.problems}
    assert (
        4,
        f"重复数据：{station} 在 2026-02-28 00:00 的 AQI/首要污染物 已在文件「repeat.csv」第 2 行出现",
    ) in messages


def test_a_station_table_is_applied_as_before(
    test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``stations`` (no request shortcut): the file's own names and cities win, as before."""
    source = test_data / "air" / "cnemc-live-jincheng-stations-2022-06-15.csv"
    stations = pl.DataFrame(
        {"site": ["2160A"], "site_name": ["另一个名称"], "city": ["另一个城市"]}
    )
    old_root, new_root, old, new = _import_both(source, tmp_path, monkeypatch, stations=stations)
    assert new == old
    _assert_same_store(old_root, new_root, exact_order=True)
    stored = pl.concat(
        pl.read_parquet(p) for p in (new_root / "air" / "measurements").rglob("*.parquet")
    )
    # 2160A is 自来水公司 of 晋城市 in the file (its first data line)
    names = stored.filter(pl.col("site") == "2160A").select("site_name", "city").unique()
    assert names.rows() == [("自来水公司", "晋城市")]
