"""Files on the user's own disk: no row limit on plain text (a national year is 15 M lines),
a ``.gz`` refused only when it expands past 128 MB *and* 100× its size (issue 20; the upload
limits stay as they are, tests/web/test_security_platform.py)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from envplan.monitoring.errors import InputFileError
from envplan.monitoring.input_limits import MAX_ROWS, check_bytes, check_file

HEADER = b"city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,main_pollution,time\n"
LINE = b"\xe6\x99\x8b\xe5\x9f\x8e,57,35,60,9,30,0.8,80,PM10,2021-06-01 01:00:00\n"  # 晋城


def test_a_plain_file_over_the_upload_row_limit_passes_on_disk(tmp_path: Path) -> None:
    body = HEADER + LINE * (MAX_ROWS + 10)
    path = tmp_path / "big.csv"
    path.write_bytes(body)
    check_file(path)  # on disk: passes
    with pytest.raises(InputFileError, match="行数超过上限 2,000,000"):
        check_bytes("big.csv", body)  # the same bytes uploaded: refused


def test_a_gz_bomb_on_disk_is_still_refused(tmp_path: Path) -> None:
    # 200 MB of one repeated line compresses ~1000×: past 128 MB and past 100× its size
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        for _ in range(200):
            handle.write(LINE * (1024 * 1024 // len(LINE) + 1))
    assert path.stat().st_size * 100 < 128 * 1024 * 1024
    with pytest.raises(InputFileError, match="疑似压缩炸弹") as caught:
        check_file(path)
    assert caught.value.problems[0].file == "bomb.csv.gz"


def test_a_corrupt_gz_on_disk_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(gzip.compress(HEADER + LINE * 1000)[:200])
    with pytest.raises(InputFileError, match="gzip 压缩文件已损坏") as caught:
        check_file(path)
    assert caught.value.problems[0].file == "cut.csv.gz"
