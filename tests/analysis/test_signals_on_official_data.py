"""Signals on the real Shanxi 2026 station hours: a planted 12-hour flat run is found (station,
pollutant, start, end); the flags of the unmodified file are the ones docs/analysis.md lists."""

from __future__ import annotations

import collections
import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from envplan.cli import app

SHANXI = "air/cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz"
PLANTED = [f"2026-05-10T{h:02d}00" for h in range(1, 13)]  # 01:00 … 12:00, 12 hours


def _signals(path: Path) -> list[dict[str, str]]:
    result = CliRunner().invoke(
        app, ["air", "signals", str(path), "--format", "cnemc-live", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    return rows


@pytest.fixture(scope="module")
def unmodified(test_data: Path) -> list[dict[str, str]]:
    return _signals(test_data / SHANXI)


def test_a_planted_flat_run_is_reported(test_data: Path, tmp_path: Path) -> None:
    frame = pl.read_csv(test_data / SHANXI, infer_schema=False)
    planted = (pl.col("stationcode") == "2160A") & pl.col("timepoint").is_in(PLANTED)
    assert frame.filter(planted).height == 12
    changed = frame.with_columns(
        pl.when(planted).then(pl.lit("77")).otherwise(pl.col("pm2_5")).alias("pm2_5")
    )
    path = tmp_path / "planted.csv.gz"
    with gzip.open(path, "wb") as handle:
        changed.write_csv(handle)
    flags = [
        r for r in _signals(path)
        if (r["station"], r["pollutant"], r["kind"]) == ("2160A", "PM2.5", "flat")
    ]  # fmt: skip
    assert [(r["start"], r["end"]) for r in flags] == [("2026-05-10 01:00", "2026-05-10 12:00")]
    assert "12 小时" in flags[0]["evidence"] and "77" in flags[0]["evidence"]


def test_flags_of_the_unmodified_file_are_the_documented_ones(
    unmodified: list[dict[str, str]],
) -> None:
    # counted once and written into docs/analysis.md (§ 在真实数据上的表现)
    kinds = collections.Counter(r["kind"] for r in unmodified)
    assert kinds == {"abrupt_drop": 145, "detection_limit": 124, "flat": 40}
    flat = collections.Counter(
        (r["station"], r["pollutant"]) for r in unmodified if r["kind"] == "flat"
    )
    # 太原 1731A and 1088A report SO2 stuck at 10–12 µg/m³ for days: 25 of the 40 flat runs
    assert flat[("1731A", "SO2")] == 16 and flat[("1088A", "SO2")] == 10
    assert not [
        r
        for r in unmodified
        if (r["station"], r["pollutant"], r["kind"]) == ("2160A", "PM2.5", "flat")
    ]
