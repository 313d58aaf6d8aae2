"""Derived tables beside the store (``monitoring.derived``) and repeated imports answered from
the import record (``timeseries.import_air_file``): a second import of the same bytes with the
same options reads no file; anything else reads it again."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring import timeseries
from envplan.monitoring.derived import read_derived, store_fingerprint, write_derived

SOURCE = "cnemc-live-jincheng-stations-2022-06-15.csv"


def test_write_then_read_back_only_for_the_same_key(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {"site": ["晋城", "长治"], "date": [dt.date(2021, 6, 1)] * 2, "aqi": [57, 61]},
        schema={"site": pl.String, "date": pl.Date, "aqi": pl.Int16},
    )
    assert write_derived(tmp_path, "daily", "k1", frame, {"years": [2021]})
    read = read_derived(tmp_path, "daily", "k1")
    assert read is not None
    assert read[0] is not None and read[0].equals(frame) and read[0].schema == frame.schema
    assert read[1] == {"years": [2021]}
    assert read_derived(tmp_path, "daily", "k2") is None  # another state of the store
    assert read_derived(tmp_path, "other", "k1") is None
    # a new key replaces the frame of the old one (no pile of stale files)
    assert write_derived(tmp_path, "daily", "k2", frame.head(1))
    frames = sorted(p.name for p in (tmp_path / "air" / "derived").glob("*.parquet"))
    assert frames == ["daily-k2.parquet"]
    assert read_derived(tmp_path, "daily", "k1") is None


def test_a_damaged_record_or_a_lost_frame_is_recomputed_not_trusted(tmp_path: Path) -> None:
    frame = pl.DataFrame({"x": [1, 2, 3]})
    write_derived(tmp_path, "t", "k", frame)
    folder = tmp_path / "air" / "derived"
    (folder / "t-k.parquet").unlink()
    assert read_derived(tmp_path, "t", "k") is None
    (folder / "t.json").write_text("{not json", encoding="utf-8")
    assert read_derived(tmp_path, "t", "k") is None


def test_a_home_that_cannot_be_written_answers_false(tmp_path: Path) -> None:
    (tmp_path / "air").mkdir()
    (tmp_path / "air" / "derived").write_text("a file where the folder should be")
    assert write_derived(tmp_path, "t", "k", pl.DataFrame({"x": [1]})) is False
    assert read_derived(tmp_path, "t", "k") is None


def test_fingerprint_changes_with_the_committed_imports_only(
    test_data: Path, tmp_path: Path
) -> None:
    empty = store_fingerprint(tmp_path)
    timeseries.import_air_file(test_data / "air" / SOURCE, tmp_path)
    one = store_fingerprint(tmp_path)
    assert one != empty
    write_derived(tmp_path, "t", "k", pl.DataFrame({"x": [1]}))  # derived files do not count
    assert store_fingerprint(tmp_path) == one
    timeseries.import_air_file(test_data / "air" / SOURCE, tmp_path, data_version="audited")
    assert store_fingerprint(tmp_path) not in (empty, one)


def test_the_same_request_again_reads_no_file(
    test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = test_data / "air" / SOURCE
    first = timeseries.import_air_file(source, tmp_path)
    assert not first.already_imported

    def no_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was read again")

    # both readers: read_air and the wide parse of cnemc-live files (air_wide_long)
    monkeypatch.setattr(timeseries, "read_air", no_read)
    monkeypatch.setattr(timeseries, "load_cnemc_live_tables", no_read)
    again = timeseries.import_air_file(source, tmp_path)
    # the counts of the original import, from its record (700 values, 50 published hours)
    assert (again.already_imported, again.import_id) == (True, first.import_id)
    assert (again.measurement_rows, again.published_rows) == (700, 50)
    # other bytes (the same rows with one more blank line) or other options are a new request
    copy = tmp_path / "copy.csv"
    shutil.copy(source, copy)
    with copy.open("a", encoding="utf-8") as handle:
        handle.write("\n")
    with pytest.raises(AssertionError, match="read again"):
        timeseries.import_air_file(copy, tmp_path)
    with pytest.raises(AssertionError, match="read again"):
        timeseries.import_air_file(source, tmp_path, data_version="audited")


def test_an_import_recorded_before_requests_learns_its_request(
    test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = test_data / "air" / SOURCE
    first = timeseries.import_air_file(source, tmp_path)
    marker = tmp_path / "air" / "imports" / f"{first.import_id}.json"
    record = json.loads(marker.read_text(encoding="utf-8"))
    del record["request"]  # as written by an earlier release
    marker.write_text(json.dumps(record), encoding="utf-8")
    assert timeseries.import_air_file(source, tmp_path).already_imported  # reads, then learns
    assert "request" in json.loads(marker.read_text(encoding="utf-8"))
    monkeypatch.setattr(timeseries, "read_air", lambda *a, **k: pytest.fail("read again"))
    monkeypatch.setattr(
        timeseries, "load_cnemc_live_tables", lambda *a, **k: pytest.fail("read again")
    )
    assert timeseries.import_air_file(source, tmp_path).already_imported
