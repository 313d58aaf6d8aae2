"""Bad input: one InputFileError listing every problem with file, spreadsheet row, column."""

from __future__ import annotations

from pathlib import Path

import pytest

from envplan.monitoring.air_layouts import detect_air_format
from envplan.monitoring.air_readers import read_air
from envplan.monitoring.errors import MAX_LISTED_PROBLEMS, InputFileError, InputProblem

MEE_HEADER = "city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,main_pollution,time"
# Real rows of mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv (rows 2–4 of that file).
JINCHENG_ROWS = [
    "晋城市,62,14,73,12,13,0.5,76,PM10,2019-02-04 00:00:00",
    "晋城市,60,16,69,13,17,0.7,65,PM10,2019-02-04 01:00:00",
    "晋城市,61,17,72,13,18,0.7,60,PM10,2019-02-04 02:00:00",
]


def write(tmp_path: Path, name: str, lines: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def problems_of(path: Path, format: str | None = None) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read_air(path, format)
    return caught.value


def at(error: InputFileError, row: int | None, column: str | None) -> InputProblem:
    found = [p for p in error.problems if p.row == row and p.column == column]
    assert len(found) == 1, error.problems
    return found[0]


def test_unknown_layout_names_the_header_and_the_formats(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", ["站名,日期,数值", "晋城,2021-01-01,5"])
    with pytest.raises(InputFileError) as caught:
        detect_air_format(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row) == ("export.csv", 1)
    assert "无法识别的数据格式" in problem.message and "站名" in problem.message
    assert "mee-city" in problem.message and "template" in problem.message
    with pytest.raises(InputFileError):
        read_air(path)


def test_unknown_format_name(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", [MEE_HEADER, *JINCHENG_ROWS])
    error = problems_of(path, "mee-daily")
    assert "未知的数据格式「mee-daily」" in error.problems[0].message


def test_missing_required_column(tmp_path: Path) -> None:
    header = MEE_HEADER.replace(",O3,", ",O3_8h,")
    path = write(tmp_path, "a.csv", [header, *JINCHENG_ROWS])
    error = problems_of(path, "mee-city")
    assert at(error, 1, "O3").message.startswith("缺少必需的列「O3」")


def test_negative_absurd_and_non_numeric_values_all_reported(tmp_path: Path) -> None:
    rows = [
        "晋城市,62,-14,73,12,13,0.5,76,PM10,2019-02-04 00:00:00",  # row 2: PM2.5 negative
        "晋城市,60,16,69000,13,17,0.7,65,PM10,2019-02-04 01:00:00",  # row 3: PM10 absurd
        "晋城市,61,17,72,13,18,0.7,六十,PM10,2019-02-04 02:00:00",  # row 4: O3 not a number
        "晋城市,61,17,72,13,18,0.7,60,PM10,2019-02-04 03:00:00",  # row 5: fine
    ]
    error = problems_of(write(tmp_path, "bad.csv", [MEE_HEADER, *rows]))
    assert error.total == 3
    assert "负值" in at(error, 2, "PM2.5").message
    assert "超过合理上限 20000 µg/m³" in at(error, 3, "PM10").message
    assert "无法识别的数值「六十」" in at(error, 4, "O3").message
    assert all(p.file == "bad.csv" for p in error.problems)
    # The rendered message names file, row and column for the user.
    assert "文件「bad.csv」 第 2 行 列「PM2.5」" in str(error)


def test_co_in_micrograms_is_a_unit_error(tmp_path: Path) -> None:
    # CO written in µg/m³ (500 µg/m³ = 0.5 mg/m³): above the 150 mg/m³ limit on every row.
    rows = [
        f"晋城市,62,14,73,12,13,{co},76,PM10,2019-02-04 {h:02d}:00:00"
        for h, co in enumerate((500, 700, 700, 900))
    ]
    error = problems_of(write(tmp_path, "co.csv", [MEE_HEADER, *rows]))
    row_problem = at(error, 2, "CO")
    assert "疑似按 µg/m³ 填报" in row_problem.message
    whole_column = at(error, None, "CO")
    assert "中位数" in whole_column.message
    assert error.total == 5


def test_micrograms_pollutant_in_milligrams_is_a_unit_error(tmp_path: Path) -> None:
    # PM2.5 given in mg/m³ (0.014 instead of 14) on ten rows.
    rows = [
        f"晋城市,62,0.0{14 + h},73,12,13,0.5,76,PM10,2019-02-04 {h:02d}:00:00" for h in range(10)
    ]
    error = problems_of(write(tmp_path, "pm.csv", [MEE_HEADER, *rows]))
    assert "疑似按 mg/m³ 填报" in at(error, None, "PM2.5").message


def test_duplicate_hours_name_the_first_row(tmp_path: Path) -> None:
    rows = [*JINCHENG_ROWS, JINCHENG_ROWS[1]]  # row 5 repeats row 3
    error = problems_of(write(tmp_path, "dup.csv", [MEE_HEADER, *rows]))
    # six pollutant cells plus the published AQI of the repeated row
    assert error.total == 7
    assert {p.row for p in error.problems} == {5}
    problem = at(error, 5, "SO2")
    assert "重复数据" in problem.message and "第 3 行" in problem.message
    assert "2019-02-04 01:00" in problem.message


def test_unparseable_timestamps(tmp_path: Path) -> None:
    rows = [
        JINCHENG_ROWS[0],
        "晋城市,60,16,69,13,17,0.7,65,PM10,2019-02-30 01:00:00",  # row 3: no 30 February
        "晋城市,60,16,69,13,17,0.7,65,PM10,昨天",  # row 4
        "晋城市,60,16,69,13,17,0.7,65,PM10,2019-02-04 01:30:00",  # row 5: not an hour label
        "晋城市,60,16,69,13,17,0.7,65,PM10,",  # row 6: empty
    ]
    error = problems_of(write(tmp_path, "time.csv", [MEE_HEADER, *rows]))
    assert error.total == 4
    assert "无法解析的时间「2019-02-30 01:00:00」" in at(error, 3, "time").message
    assert "无法解析的时间「昨天」" in at(error, 4, "time").message
    assert "无法解析的时间" in at(error, 5, "time").message
    assert at(error, 6, "time").message == "时间为空"


def test_problem_list_is_capped_but_counted(tmp_path: Path) -> None:
    rows = [
        f"晋城市,62,-1,73,12,13,0.5,76,PM10,2019-02-0{4 + h // 24} {h % 24:02d}:00:00"
        for h in range(120)
    ]
    error = problems_of(write(tmp_path, "many.csv", [MEE_HEADER, *rows]))
    assert error.total == 120
    assert len(error.problems) == MAX_LISTED_PROBLEMS == 50
    assert "有 120 处问题" in str(error) and "前 50 处" in str(error)
    assert [p.row for p in error.problems] == list(range(2, 52))


def test_gbk_file_is_read_and_its_encoding_reported(tmp_path: Path, test_data: Path) -> None:
    original = test_data / "air" / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv"
    gbk = tmp_path / "jincheng-gbk.csv"
    # As Excel's "CSV (逗号分隔)" writes it: GBK with CRLF line ends.
    gbk.write_bytes(original.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gbk"))
    assert gbk.read_bytes() != original.read_bytes()
    result = read_air(gbk)
    assert result.encodings == ("gb18030",)
    reference = read_air(original)
    assert result.measurements.drop("source").equals(reference.measurements.drop("source"))
    assert result.published["site"].unique().to_list() == ["晋城市"]


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(MEE_HEADER.encode() + b"\n\xff\xfe\xff,1,2\n")
    error = problems_of(path, "mee-city")
    assert "无法识别文件编码" in error.problems[0].message


def test_cnemc_live_bad_rows(tmp_path: Path, test_data: Path) -> None:
    source = test_data / "air" / "cnemc-live-shanxi-stations-2022-01-01T00.csv"
    header, first, second, *_ = source.read_text(encoding="utf-8").splitlines()
    broken = second.replace("2022-01-01T00:00:00,1083A", "2022-01-01T00:00:00,")
    broken = broken.replace("细颗粒物(PM2.5)", "PM1")
    error = problems_of(write(tmp_path, "live.csv", [header, first, broken]), "cnemc-live")
    assert at(error, 3, "stationcode").message == "站点编码为空"
    assert error.total == 1  # a row without a station is reported once, not per value


def test_unknown_primary_pollutant(tmp_path: Path) -> None:
    rows = [JINCHENG_ROWS[0], JINCHENG_ROWS[1].replace(",PM10,", ",PM1,")]
    error = problems_of(write(tmp_path, "primary.csv", [MEE_HEADER, *rows]))
    assert "无法识别的首要污染物「PM1」" in at(error, 3, "main_pollution").message


def test_quotsoft_bad_type_and_hour(tmp_path: Path) -> None:
    lines = [
        "date,hour,type,1345A",
        "20250401,0,PM2.5,10.0",
        "20250401,25,PM10,17.0",  # row 3: hour 25
        "20250401,1,PM1,3.0",  # row 4: unknown type
        "2025041,1,SO2,3.0",  # row 5: bad date
    ]
    error = problems_of(write(tmp_path, "china_sites_20250401.csv", lines))
    assert "无法解析的小时「25」" in at(error, 3, "hour").message
    assert "未知的数据类型「PM1」" in at(error, 4, "type").message
    assert "无法解析的日期「2025041」" in at(error, 5, "date").message


def test_template_unit_disagreements(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bureau.csv",
        [
            "站点编码,时间,SO2(mg/m³),NO2,CO(μg/m³),PM2.5",
            "单位,单位,,μg/m³,,ppm",
            "2160A,2022-06-15 01:00,6,38,0.5,12",
            "2160A,2022-06-15 02:00,5,42,0.4,",
        ],
    )
    error = problems_of(path)
    assert "SO2 必须以 µg/m³ 填报" in at(error, 1, "SO2(mg/m³)").message
    assert "CO 必须以 mg/m³ 填报" in at(error, 1, "CO(μg/m³)").message
    assert "单位「ppm」" in at(error, 2, "PM2.5").message
    assert error.total == 3


def test_template_bad_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bureau.csv",
        [
            "site,time,averaging,data_version,PM10",
            "2160A,2022-06-15,1h,realtime,36",  # row 2: hourly value with a date only
            "2160A,2022-06-15 02:00,2h,realtime,32",  # row 3: unknown averaging
            "2160A,2022-06-15 03:00,1h,preliminary,33",  # row 4: unknown version
            ",2022-06-15 04:00,1h,realtime,34",  # row 5: no site
        ],
    )
    error = problems_of(path, "template")
    assert "小时值必须写整点时间" in at(error, 2, "time").message
    assert "无效的取值「2h」" in at(error, 3, "averaging").message
    assert "无效的取值「preliminary」" in at(error, 4, "data_version").message
    assert at(error, 5, "site").message == "站点编码为空"
    assert error.total == 4


def test_missing_file(tmp_path: Path) -> None:
    error = problems_of(tmp_path / "nothing.csv", "mee-city")
    assert "不存在" in error.problems[0].message


def test_blank_lines_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    rows = [JINCHENG_ROWS[0], "", ",,,,,,,,,", JINCHENG_ROWS[1].replace(",16,", ",-16,")]
    error = problems_of(write(tmp_path, "blank.csv", [MEE_HEADER, *rows]))
    assert error.total == 1
    assert "负值" in at(error, 5, "PM2.5").message


def test_concatenated_quotsoft_rows_are_file_lines(tmp_path: Path, test_data: Path) -> None:
    source = test_data / "air" / "cnemc-sites-guangzhou-2025-04-01.csv"
    header, *lines = source.read_text(encoding="utf-8").splitlines()
    # two halves, the second repeating the header line (line 86 of the file)
    broken = [*lines[:84], header, *lines[84:]]
    # line 90 of the new file: "20250401,12,SO2,…" with the first station negative
    index = 90 - 2  # 0-based in `broken`, whose first line is line 2
    assert broken[index].startswith("20250401,12,SO2,")
    fields = broken[index].split(",")
    fields[3] = "-" + fields[3]
    broken[index] = ",".join(fields)
    error = problems_of(write(tmp_path, "china_sites_20250401.csv", [header, *broken]))
    assert error.total == 1
    assert "负值" in at(error, 90, "1345A").message


def test_old_excel_files_are_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "bureau.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)  # OLE2 header
    for call in (lambda: detect_air_format(path), lambda: read_air(path, "template")):
        with pytest.raises(InputFileError) as caught:
            call()
        assert "另存为 .xlsx 或 CSV" in caught.value.problems[0].message
