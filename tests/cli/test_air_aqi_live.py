"""`envplan air aqi --format cnemc-live` through the wide path (`cli.air_aqi_live`) writes the
same CSV, byte for byte, as the general path (`read_air`'s long table) on every official
`cnemc-live` file of tests/data/air, under both `--publication` modes; a bad file keeps the
general reader's zh-CN problem. The reference is the general path run on the same official
file in the same test, and the files' own published AQI (counted below), not the new code."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import envplan.cli.air_aqi_live as live
import envplan.cli.progress as progress
from envplan.cli import app

runner = CliRunner()

FILES = (
    "cnemc-live-jincheng-stations-2022-06-15.csv",
    "cnemc-live-shanxi-stations-2022-01-01T00.csv",
    "cnemc-live-national-2026-02-28_2026-03-01.csv.gz",
    "cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz",
)


def _aqi(source: Path, out: Path, *options: str) -> str:
    result = runner.invoke(
        app, ["air", "aqi", str(source), "--format", "cnemc-live", "-o", str(out), *options]
    )
    assert result.exit_code == 0, result.output
    return result.output.replace(str(out), "OUT")


@pytest.mark.parametrize("mode", ["published", "standard"])
@pytest.mark.parametrize("name", FILES)
def test_the_wide_path_writes_the_general_paths_csv(
    name: str, mode: str, test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = test_data / "air" / name
    calls: list[object] = []
    wide_path = live.aqi_wide_live

    def spy(*args: object, **kwargs: object) -> object:
        done = wide_path(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(done)
        return done

    with monkeypatch.context() as patch:
        patch.setattr(live, "aqi_wide_live", lambda *a, **k: None)  # the general path
        old_text = _aqi(source, tmp_path / "old.csv", "--publication", mode)
    with monkeypatch.context() as patch:
        patch.setattr(live, "aqi_wide_live", spy)
        new_text = _aqi(source, tmp_path / "new.csv", "--publication", mode)
    assert len(calls) == 1 and calls[0] is not None  # the official file took the wide path
    assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()
    assert new_text == old_text  # rows, rule sets and the agreement with the published AQI
    # one row per station-hour of the file (its data lines)
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8") as handle:
        lines = sum(1 for _ in handle) - 1
    assert pl.read_csv(tmp_path / "new.csv", infer_schema=False).height == lines


def test_a_bad_value_keeps_the_general_readers_message(test_data: Path, tmp_path: Path) -> None:
    source = test_data / "air" / "cnemc-live-national-2026-02-28_2026-03-01.csv.gz"
    header, *rows = gzip.decompress(source.read_bytes()).decode("utf-8").splitlines()[:4]
    cells = rows[1].split(",")
    cells[header.split(",").index("no2")] = "-6"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([header, rows[0], ",".join(cells), rows[2]]) + "\n", "utf-8")
    result = runner.invoke(
        app, ["air", "aqi", str(bad), "--format", "cnemc-live", "-o", str(tmp_path / "o.csv")]
    )
    assert result.exit_code != 0
    assert "文件「bad.csv」 第 3 行 列「no2」：浓度不能为负值（-6 µg/m³）" in result.output


def test_progress_steps_of_the_wide_path_and_quiet(
    test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = test_data / "air" / "cnemc-live-jincheng-stations-2022-06-15.csv"  # 50 data lines
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    args = ["air", "aqi", str(source), "--format", "cnemc-live", "-o"]
    shown = runner.invoke(app, [*args, str(tmp_path / "a.csv")])
    assert shown.exit_code == 0, shown.output
    for step in ("读取文件", "检查数据", "计算 AQI", "写入输出文件"):
        assert step in shown.stderr
    assert "读取并检查文件" not in shown.stderr  # not the general path's single step
    assert "50 行" in shown.stderr and "行/秒" in shown.stderr
    quiet = runner.invoke(app, [*args, str(tmp_path / "b.csv"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and "已写入" in quiet.output
