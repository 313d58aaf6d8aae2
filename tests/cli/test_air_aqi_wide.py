"""`envplan air aqi` on the MEE city-hour table through the wide path (`monitoring.air_wide`).

Expected values come from the files themselves, read here with the csv module (cells, published
AQI), and from the zh-CN messages written out below (file, row, column) — never from running the
long reader. The agreement of the CLI's AQI with every published AQI of the national file is
checked in test_air_cli.py, which now runs through this path.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from pathlib import Path

import pytest
from typer.testing import CliRunner

import envplan.cli.progress as progress
from envplan.cli import app
from envplan.monitoring.air_wide import read_mee_city_wide

runner = CliRunner()

HEADER = "city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,main_pollution,time"
# Rows 2–4 of tests/data/air/mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv.
ROWS = [
    "晋城市,62,14,73,12,13,0.5,76,PM10,2019-02-04 00:00:00",
    "晋城市,60,16,69,13,17,0.7,65,PM10,2019-02-04 01:00:00",
    "晋城市,61,17,72,13,18,0.7,60,PM10,2019-02-04 02:00:00",
]
POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")


def _file_records(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(cell: str) -> float | None:
    return None if cell in ("", "—") else float(cell)


@pytest.mark.parametrize(
    "name",
    [
        "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv",
        "mee-city-hourly-2019-02-04_2019-02-12.csv.gz",
    ],
)
def test_wide_reader_keeps_every_cell_of_the_real_file(test_data: Path, name: str) -> None:
    source = test_data / "air" / name
    wide = read_mee_city_wide(source)
    assert wide is not None  # the official files take the fast path
    records = _file_records(source)
    expected = sorted(
        (
            r["city"],
            dt.datetime.strptime(r["time"], "%Y-%m-%d %H:%M:%S"),
            *(_number(r[p]) for p in POLLUTANTS),
            None if r["AQI"] in ("", "—") else int(r["AQI"]),
        )
        for r in records
    )
    got = [
        (str(row[0]), *row[1:])
        for row in wide.select("site", "interval_end", *POLLUTANTS, "official_aqi").iter_rows()
    ]
    assert len(got) == len(records)
    assert got == expected  # one row per city-hour, by city then hour, values as written


def _write(tmp_path: Path, rows: list[str], name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _aqi(*args: str) -> object:
    return runner.invoke(app, ["air", "aqi", *args, "--format", "mee-city"])


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [ROWS[0], ROWS[1].replace(",16,69,", ",-16,69,"), ROWS[2]],
            "文件「bad.csv」 第 3 行 列「PM2.5」：浓度不能为负值（-16 µg/m³）",
        ),
        (
            [ROWS[0], ROWS[1], ROWS[2].replace(",72,13,", ",72000,13,")],
            "文件「bad.csv」 第 4 行 列「PM10」：PM10 数值 72000 超过合理上限 20000 µg/m³，疑似单位或录入错误",
        ),
        (
            [ROWS[0], ROWS[1].replace(",65,PM10", ",六十五,PM10"), ROWS[2]],
            "文件「bad.csv」 第 3 行 列「O3」：无法识别的数值「六十五」",
        ),
        (
            [ROWS[0], ROWS[1].replace("晋城市", ""), ROWS[2]],
            "文件「bad.csv」 第 3 行 列「city」：城市名为空",
        ),
        (
            [ROWS[0], ROWS[1], ROWS[2].replace("02:00:00", "02:30:00")],
            "文件「bad.csv」 第 4 行 列「time」：无法解析的时间「2019-02-04 02:30:00」",
        ),
        (
            [ROWS[0], ROWS[1], ROWS[1].replace(",60,", ",61,")],
            "文件「bad.csv」 第 4 行 列「AQI」：重复数据：晋城市 在 2019-02-04 01:00 的 AQI/首要污染物 "
            "已在文件「bad.csv」第 3 行出现",
        ),
        (
            [ROWS[0], ROWS[1].replace(",60,", ",60.5,"), ROWS[2]],
            "文件「bad.csv」 第 3 行 列「AQI」：AQI「60.5」不是 0–500 之间的整数",
        ),
        (
            [ROWS[0], ROWS[1].replace(",PM10,", ",PM1,"), ROWS[2]],
            "文件「bad.csv」 第 3 行 列「main_pollution」：无法识别的首要污染物「PM1」",
        ),
        (
            [ROWS[0], ROWS[1].rsplit(",", 1)[0], ROWS[2]],
            "文件「bad.csv」 第 3 行：该行有 9 个字段，表头有 10 列（缺少的字段不会当作空值导入，请补齐该行）",
        ),
        (
            [ROWS[0], ROWS[1] + ",x", ROWS[2]],
            "文件「bad.csv」 第 3 行：该行有 11 个字段，表头有 10 列（多出的字段无法对应到列，请检查逗号或引号）",
        ),
        (
            [ROWS[i % 3].replace(",0.5,", ",50,").replace(",0.7,", ",50,") for i in range(3)],
            "文件「bad.csv」 列「CO」：CO 列中位数为 50.0，远高于以 mg/m³ 计的正常水平，疑似按 µg/m³ 填报",
        ),
    ],
    ids=[
        "negative",
        "absurd",
        "not-a-number",
        "blank-city",
        "half-hour",
        "duplicate",
        "aqi",
        "primary",
        "short-row",
        "long-row",
        "co-unit",
    ],
)
def test_bad_mee_city_rows_are_named_in_chinese(
    tmp_path: Path, rows: list[str], message: str
) -> None:
    source = _write(tmp_path, rows)
    out = tmp_path / "out.csv"
    result = _aqi(str(source), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_unusual_but_valid_files_give_the_same_output(tmp_path: Path) -> None:
    """GBK with CRLF (Excel's CSV), another missing marker, a 24:00 label, rows out of time
    order: the output is that of the plain file with the same cells, by city and hour."""
    plain = _write(tmp_path, ROWS, "plain.csv")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(plain.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gbk"))
    marked = _write(tmp_path, [ROWS[0].replace(",13,0.5,", ",NA,0.5,"), *ROWS[1:]], "na.csv")
    dashed = _write(tmp_path, [ROWS[0].replace(",13,0.5,", ",—,0.5,"), *ROWS[1:]], "dash.csv")
    hour24 = _write(
        tmp_path, [ROWS[0].replace("2019-02-04 00:00:00", "2019-02-03 24:00"), *ROWS[1:]], "h24.csv"
    )
    shuffled = _write(tmp_path, [ROWS[2], ROWS[0], ROWS[1]], "shuffled.csv")
    outputs = {}
    for source in (plain, gbk, marked, dashed, hour24, shuffled):
        out = tmp_path / f"out-{source.name}"
        result = _aqi(str(source), "-o", str(out))
        assert result.exit_code == 0, result.output
        outputs[source.name] = out.read_text(encoding="utf-8")
    assert read_mee_city_wide(gbk) is not None  # transcoded in blocks, then the fast path
    assert read_mee_city_wide(marked) is None  # "NA": left to read_air
    assert (
        outputs["gbk.csv"] == outputs["plain.csv"] == outputs["h24.csv"] == outputs["shuffled.csv"]
    )
    assert [line[:20] for line in outputs["shuffled.csv"].splitlines()[1:]] == [
        "晋城市,2019-02-04 00:00",
        "晋城市,2019-02-04 01:00",
        "晋城市,2019-02-04 02:00",
    ]
    assert outputs["na.csv"] == outputs["dash.csv"] != outputs["plain.csv"]
    # 2019-02-04 00:00, NO2 missing: no 1-h NO2 sub-index, the row is incomplete.
    first = outputs["na.csv"].splitlines()[1].split(",")
    assert first[:4] == ["晋城市", "2019-02-04 00:00", "62", "false"]


@pytest.mark.parametrize(
    ("times", "labels"),
    [
        # dense span with a gap (3 hours, 3 rows): the labels of the span's hours
        (
            ["2019-02-04 00:00:00", "2019-02-04 02:00:00", "2019-02-04 01:00:00"],
            ["2019-02-04 00:00", "2019-02-04 02:00", "2019-02-04 01:00"],
        ),
        # sparse (a span of months, 3 rows), across a year end: the datetimes themselves
        (
            ["2018-12-31 23:00:00", "2019-03-01 05:00:00", "2019-01-01 00:00:00"],
            ["2018-12-31 23:00", "2019-03-01 05:00", "2019-01-01 00:00"],
        ),
    ],
    ids=["dense-with-gap", "sparse"],
)
def test_time_labels_of_dense_and_sparse_files(
    tmp_path: Path, times: list[str], labels: list[str]
) -> None:
    # Row 1 is 晋城市, rows 2 and 3 太原市; the output is by city (code-point order: 太 < 晋)
    # and hour, times written "YYYY-MM-DD HH:MM".
    rows = [
        ROWS[0].replace("2019-02-04 00:00:00", times[0]),
        ROWS[1].replace("晋城市", "太原市").replace("2019-02-04 01:00:00", times[1]),
        ROWS[2].replace("晋城市", "太原市").replace("2019-02-04 02:00:00", times[2]),
    ]
    source = _write(tmp_path, rows, "times.csv")
    out = tmp_path / "out.csv"
    result = _aqi(str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    taiyuan = sorted([labels[1], labels[2]])
    got = [line.split(",")[:2] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert got == [["太原市", taiyuan[0]], ["太原市", taiyuan[1]], ["晋城市", labels[0]]]


def test_bytes_that_are_neither_utf8_nor_gbk(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(HEADER.encode() + b"\n\xff\xfe\xff,1,2\n")
    result = _aqi(str(path), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 2
    assert "文件「binary.csv」：无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030" in result.output


def test_progress_is_shown_on_a_terminal_and_not_with_quiet(
    tmp_path: Path, test_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = test_data / "air" / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv"
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    shown = _aqi(str(source), "-o", str(tmp_path / "a.csv"))
    assert shown.exit_code == 0, shown.output
    for step in ("读取文件", "检查数据", "计算 AQI", "写入输出文件"):
        assert step in shown.stderr
    assert "201 行" in shown.stderr and "行/秒" in shown.stderr
    quiet = _aqi(str(source), "-o", str(tmp_path / "b.csv"), "--quiet")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == "" and "行/秒" not in quiet.output
    assert "已写入" in quiet.output  # the result line stays
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    piped = _aqi(str(source), "-o", str(tmp_path / "c.csv"))
    assert piped.stderr == "" and "行/秒" not in piped.output
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(("co", "median"), [(("10", "30"), None), (("10", "31"), "20.5")])
def test_co_unit_check_on_an_even_count_uses_the_median_itself(
    tmp_path: Path, co: tuple[str, str], median: str | None
) -> None:
    # Two values: one above 20 mg/m³, one below; the median (their mean) decides.
    rows = [ROWS[0].replace(",0.5,", f",{co[0]},"), ROWS[1].replace(",0.7,", f",{co[1]},")]
    result = _aqi(str(_write(tmp_path, rows)), "-o", str(tmp_path / "out.csv"))
    if median is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2
        assert f"CO 列中位数为 {median}，远高于以 mg/m³ 计的正常水平" in result.output
