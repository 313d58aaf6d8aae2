"""`envplan air aqi --publication published|standard` on the national 2026 file: the `published`
column against the file's own published `aqi` (non-empty = published by CNEMC)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from envplan.cli import app

NATIONAL = "cnemc-live-national-2026-02-28_2026-03-01.csv.gz"


@pytest.mark.parametrize(("mode", "agree"), [("published", 76_574), ("standard", 69_642)])
def test_publication_option(test_data: Path, tmp_path: Path, mode: str, agree: int) -> None:
    source = test_data / "air" / NATIONAL
    out = tmp_path / "aqi.csv"
    args = ["air", "aqi", str(source), "--format", "cnemc-live", "-o", str(out)]
    result = CliRunner().invoke(app, [*args, "--publication", mode])
    assert result.exit_code == 0, result.output
    ours = pl.read_csv(out, infer_schema_length=0).select(
        "site", pl.col("time").str.strptime(pl.Datetime, "%Y-%m-%d %H:%M"), "published"
    )
    official = pl.read_csv(source, infer_schema=False).select(
        pl.col("stationcode").alias("site"),
        pl.col("timepoint").str.strptime(pl.Datetime, "%Y-%m-%dT%H%M").alias("time"),
        actual=~pl.col("aqi").is_in(["NA", ""]) & pl.col("aqi").is_not_null(),
    )
    joined = ours.join(official, on=["site", "time"])
    assert joined.height == 76_800
    assert (
        int((joined["published"].str.to_lowercase() == joined["actual"].cast(pl.String)).sum())
        == agree
    )


def test_publication_option_rejects_unknown(test_data: Path, tmp_path: Path) -> None:
    source = test_data / "air" / NATIONAL
    result = CliRunner().invoke(
        app, ["air", "aqi", str(source), "--format", "cnemc-live", "-o", str(tmp_path / "x.csv"),
              "--publication", "bogus"],
    )  # fmt: skip
    assert result.exit_code != 0
