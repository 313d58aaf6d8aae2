"""Water and soil readers: layouts, non-detects, and zh-CN errors naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from envplan.monitoring.errors import InputFileError
from envplan.monitoring.soil_readers import read_construction_samples, read_farmland_samples
from envplan.monitoring.water_cnemc import read_cnemc_water_auto
from envplan.monitoring.water_targets import read_provincial_targets
from envplan.monitoring.water_template import read_water_template

BUNDLED = Path(__file__).resolve().parents[3] / "src" / "envplan" / "monitoring" / "bundled"


def test_cnemc_auto_layout(test_data: Path) -> None:
    result = read_cnemc_water_auto(test_data / "water" / "cnemc-water-auto-2026-02-04-north.csv")
    frame = result.frame
    assert frame.height == 243
    row = frame.filter(pl.col("section") == "张峰水库出口").row(0, named=True)
    # Published row: 山西省,黄河流域,张峰水库出口,02-04 11:00,Ⅱ,5.9,8.27,11.56,610.5,5.0,2.91,0.004,0.011,4.35,--,--
    assert (row["province"], row["basin"], row["time"], row["official_class"]) == (
        "山西省", "黄河流域", "02-04 11:00", "Ⅱ",
    )  # fmt: skip
    assert (row["ph"], row["do"], row["codmn"], row["nh3n"], row["tp"], row["tn"]) == (
        8.27, 11.56, 2.91, 0.004, 0.011, 4.35,
    )  # fmt: skip
    assert row["chla"] is None  # "--" = not measured
    fen = frame.filter(pl.col("section") == "汾河水库出口").row(0, named=True)
    assert fen["chla"] == pytest.approx(11.0)  # 0.011 mg/L → 11 mg/m³
    assert frame.filter(pl.col("section") == "刘家庄")["official_class"][0] is None


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_cnemc_auto_bad_cells(tmp_path: Path) -> None:
    header = (
        "省份,流域,断面名称,监测时间,水质类别,水温(℃),pH(无量纲),溶解氧(mg/L),电导率(μS/cm),"
        "浊度(NTU),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L),总氮(mg/L),叶绿素α(mg/L),"
        "藻密度(cells/L),lat,lon\n"
    )
    bad = _write(
        tmp_path / "auto.csv",
        header
        + "山西省,黄河流域,甲,02-04 11:00,Ⅱ,5.9,8.27,abc,1,1,2.9,0.004,0.011,4.35,--,--,,\n"
        + "山西省,黄河流域,乙,02-04 11:00,Ⅱ,5.9,15.2,9,1,1,2.9,0.004,0.011,4.35,--,--,,\n",
    )
    with pytest.raises(InputFileError) as caught:
        read_cnemc_water_auto(bad)
    text = str(caught.value)
    assert "auto.csv" in text
    assert "第 2 行" in text and "溶解氧(mg/L)" in text and "「abc」不是数值" in text
    assert "第 3 行" in text and "pH(无量纲)" in text and "超出合理范围" in text
    assert caught.value.total == 2


def test_template_demo_file_reads_all_rows() -> None:
    result = read_water_template(BUNDLED / "templates" / "water_monthly_示例_jincheng-2021.csv")
    frame = result.frame
    assert frame.height == 22 * 6
    assert frame.get_column("section").n_unique() == 22
    assert set(frame.get_column("note").unique().to_list()) == {"示例数据（非实测）"}
    # "0.01L" petroleum is half the detection limit.
    assert set(frame.get_column("volatile_phenol").unique().to_list()) == {0.00015}
    assert result.n_non_detects > 0


def test_template_errors_name_row_and_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "monthly.csv",
        "断面名称,监测时间,总磷（mg/L）,氨氮,色度\n赵庄,2021-05,0.1,0.5,1\n,2021-13,x,0.05L,1\n",
    )
    with pytest.raises(InputFileError) as caught:
        read_water_template(path)
    text = str(caught.value)
    assert "无法识别的列名「色度」" in text  # header problems come first, alone
    path = _write(
        tmp_path / "monthly.csv",
        "断面名称,监测时间,总磷（mg/L）,氨氮\n赵庄,2021-05,0.1,0.5\n,2021-13,x,-1\n",
    )
    with pytest.raises(InputFileError) as caught:
        read_water_template(path)
    messages = {(p.row, p.column): p.message for p in caught.value.problems}
    assert messages[(3, "断面名称")] == "断面名称为空"
    assert "2021-13" in messages[(3, "监测时间")]
    assert "「x」不是数值" in messages[(3, "总磷（mg/L）")]
    assert "超出合理范围" in messages[(3, "氨氮")]


def test_template_requires_section_and_time(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", "断面名称,总磷\n赵庄,0.1\n")
    with pytest.raises(InputFileError, match="缺少必填列「监测时间」"):
        read_water_template(path)


def test_template_xlsx_and_water_body_type(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["断面名称", "监测时间", "水体类型", "总磷（mg/L）", "pH"])
    sheet.append(["九女湖", "2021-05-12", "湖泊", 0.04, 8.1])
    sheet.append(["芦苇河", "2021-05-13", "河流", "0.02L", 7.9])
    path = tmp_path / "m.xlsx"
    workbook.save(path)
    frame = read_water_template(path).frame
    assert frame.get_column("period").to_list() == ["2021-05", "2021-05"]
    assert frame.get_column("lake").to_list() == [True, False]
    assert frame.get_column("tp").to_list() == [0.04, 0.01]


def test_provincial_targets_csv_and_yaml(tmp_path: Path) -> None:
    csv = _write(tmp_path / "t.csv", "断面名称,年份,目标水质\n赵庄,2021,Ⅲ类\n牛村,2021,IV\n")
    frame = read_provincial_targets(csv)
    assert frame.rows() == [("赵庄", 2021, 3), ("牛村", 2021, 4)]
    yaml = _write(tmp_path / "t.yaml", "2021:\n  赵庄: Ⅲ类\n  青天河: Ⅱ类\n")
    assert read_provincial_targets(yaml).rows() == [("赵庄", 2021, 3), ("青天河", 2021, 2)]
    bad = _write(tmp_path / "bad.csv", "断面名称,年份,目标水质\n赵庄,二〇二一,Ⅲ类\n牛村,2021,好\n")
    with pytest.raises(InputFileError) as caught:
        read_provincial_targets(bad)
    problems = {(p.row, p.column) for p in caught.value.problems}
    assert problems == {(2, "年份"), (3, "目标水质")}


def test_farmland_reader_and_errors(tmp_path: Path) -> None:
    frame = read_farmland_samples(BUNDLED / "templates" / "soil_farmland_示例.csv")
    assert frame.height == 5
    assert frame.get_column("land_use").to_list() == ["other", "other", "other", "other", "orchard"]
    assert frame.get_column("hch").to_list() == [0.005] * 5  # 0.01L → half
    bad = _write(
        tmp_path / "soil.csv",
        "样点编号,土壤pH,用地类型,镉（mg/kg）\nA,6.0,林地,0.2\nB,,水田,abc\n",
    )
    with pytest.raises(InputFileError) as caught:
        read_farmland_samples(bad)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "用地类型"), (3, "土壤pH"), (3, "镉（mg/kg）")}


def test_construction_reader_and_errors(tmp_path: Path) -> None:
    frame = read_construction_samples(BUNDLED / "templates" / "soil_construction_示例.csv")
    assert frame.height == 7
    assert frame.filter(pl.col("item") == "苯")["value"].to_list() == [0.025, 2.0]
    bad = _write(tmp_path / "c.csv", "样点编号,检测项目,含量（mg/kg）\nS1,苯并芘,1\nS2,苯,-3\n")
    with pytest.raises(InputFileError) as caught:
        read_construction_samples(bad)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "检测项目"), (3, "含量（mg/kg）")}


def test_construction_item_spellings_are_canonicalised(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.csv",
        "样点编号,检测项目,含量（mg/kg）\nS1,铬（六价）,1\nS1,间-二甲苯+对-二甲苯,2\nS1,苯并(a)芘,0.1\n",
    )
    assert read_construction_samples(path)["item"].to_list() == [
        "铬(六价)", "间二甲苯+对二甲苯", "苯并[a]芘",
    ]  # fmt: skip


def test_bundled_xlsx_templates_are_readable(tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(BUNDLED / "templates" / "water_monthly_template.xlsx")
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = {"断面名称": "郑庄", "监测时间": "2021-05", "总磷（mg/L）": 0.05, "pH（无量纲）": 8.0}
    sheet.append([row.get(str(h)) for h in header])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    frame = read_water_template(path).frame
    assert frame.select("section", "period", "tp", "ph").rows() == [("郑庄", "2021-05", 0.05, 8.0)]
    for name in ("soil_farmland_template.xlsx", "soil_construction_template.xlsx"):
        sheet = openpyxl.load_workbook(BUNDLED / "templates" / name).worksheets[0]
        assert sheet.cell(1, 1).value == "样点编号"
