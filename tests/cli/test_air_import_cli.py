"""`envplan air import`: a file into the platform store, audited, all or nothing (SQLite and
PostgreSQL records). Expected values are read from the official file with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from envplan.cli import app
from envplan.monitoring.timeseries import query_air
from envplan.services.access import AccessDenied, Principal, Role
from envplan.services.air import AirImportRequest, import_air_data
from envplan.store.models import AuditEntry
from envplan.store.testing import db_backend, db_engine, db_url  # noqa: F401

DATA = Path(__file__).resolve().parents[1] / "data" / "air"
OFFICIAL = DATA / "cnemc-live-jincheng-stations-2022-06-15.csv"
runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    env = {"ENVPLAN_HOME": str(tmp_path / "home"), "ENVPLAN_DATABASE_URL": db_url}

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    invoke("db", "init")
    return tmp_path / "home", db_url, invoke


def _audit(url: str) -> list[AuditEntry]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    select(AuditEntry).where(AuditEntry.action == "monitoring.import")
                )
            )
    finally:
        engine.dispose()


def test_import_stores_every_value_of_the_file_and_audits_it(home, db_backend: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    root, url, run = home
    out = run("air", "import", str(OFFICIAL), "--format", "cnemc-live", "--quiet")
    with OFFICIAL.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # 50 station-hours × 14 values (7 pollutants: hourly and 24-h or 8-h columns)
    assert len(rows) == 50
    assert "700 个监测值，50 行发布值" in out
    import_id = re.search(r"导入编号 ([0-9a-f]{20})", out).group(1)  # type: ignore[union-attr]
    stored = query_air(root / "timeseries").filter(
        (pl.col("pollutant") == "PM2.5") & (pl.col("averaging") == "1h")
    )
    got = {
        (r["site"], r["interval_end"]): r["value"]
        for r in stored.select("site", "interval_end", "value").iter_rows(named=True)
    }
    # an empty cell is kept as a missing value of that station-hour (2162A at 12:00)
    want = {
        (r["stationcode"], dt.datetime.fromisoformat(r["timepoint"])): (
            float(r["pm2_5"]) if r["pm2_5"] else None
        )
        for r in rows
    }
    assert got == want
    # the daily tables the next start and the bulletin read are ready
    assert list((root / "timeseries" / "air" / "derived").glob("air-daily-*.parquet"))
    entries = _audit(url)
    assert [(e.actor, e.entity_id) for e in entries] == [("system", import_id)]
    # the same file again: recognised, not stored twice
    again = run("air", "import", str(OFFICIAL), "--quiet")
    assert "已导入过" in again and import_id in again
    assert query_air(root / "timeseries").height == 700


def test_a_refused_file_writes_nothing_and_names_row_and_field(  # type: ignore[no-untyped-def]
    home,
    tmp_path: Path,
    db_backend: str,  # noqa: F811
) -> None:
    root, url, run = home
    lines = OFFICIAL.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("pm2_5")] = "abc"  # data row 3 = line 4 of the file
    lines[3] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run("air", "import", str(bad), "--format", "cnemc-live", "--quiet", code=2)
    assert "未导入" in out and "bad.csv" in out and "pm2_5" in out and "abc" in out
    assert not (root / "timeseries" / "air" / "measurements").exists() or (
        query_air(root / "timeseries").height == 0
    )
    assert _audit(url) == []


def test_options_are_checked(home, tmp_path: Path, db_backend: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _, _, run = home
    out = run("air", "import", str(OFFICIAL), "--format", "nope", code=2)
    assert "--format 未知的数据格式“nope”" in out
    out = run("air", "import", str(tmp_path / "missing.csv"), code=2)
    assert "文件不存在" in out


def test_only_the_bureau_imports(tmp_path: Path) -> None:
    clerk = Principal(user_id=7, username="clerk", role=Role.UNIT_CLERK, unit_id="u1")
    copy = tmp_path / OFFICIAL.name
    shutil.copy(OFFICIAL, copy)
    with pytest.raises(AccessDenied, match="只有局管理员可以导入监测数据"):
        import_air_data(
            AirImportRequest(copy),
            timeseries_dir=tmp_path / "ts",
            session=None,  # type: ignore[arg-type]  # refused before any use
            principal=clerk,
        )
    assert not (tmp_path / "ts").exists()
