"""`envplan report monthly`: files written, zh-CN errors, nothing written on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from envplan.cli import app

SHANXI = "air/aqistudy-daily-shanxi-11-cities-2013_2017.csv"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    return {
        "ENVPLAN_HOME": str(home),
        "ENVPLAN_DATABASE_URL": f"sqlite:///{home / 'missing.sqlite3'}",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2021-13"], "月份格式应为 YYYY-MM"),
        (["--month", "2021-06", "--format", "docx,odt"], "不支持的输出格式：odt"),
        (["--month", "2021-06", "--date", "2021/07/05"], "成文日期格式应为 YYYY-MM-DD"),
        (["--month", "2021-06", "--air-data", "nope.csv"], "数据文件不存在：nope.csv"),
    ],
)
def test_bad_input_is_refused_in_chinese(
    args: list[str], message: str, env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", "monthly", *args, "--out", str(out)], env=env)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()  # nothing written


def test_month_with_real_air_data(env: dict[str, str], tmp_path: Path, test_data: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "report", "monthly", "--month", "2016-06", "--format", "docx,xlsx,html",
            "--out", str(out), "--air-data", str(test_data / SHANXI),
            "--doc-number", "晋环调〔2016〕6号", "--date", "2016-07-08",
        ],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "数据缺失：月调度快照（2016年6月）" in result.output
    docx_path = out / "2016年6月调度通报.docx"
    assert docx_path.is_file()
    assert (out / "2016年6月调度通报.html").is_file()
    document = Document(str(docx_path))
    texts = [p.text for p in document.paragraphs]
    assert "晋环调〔2016〕6号" in texts and "2016年7月8日" in texts
    assert "三、环境空气质量" in texts
    so2 = next(
        [c.text for c in row.cells]
        for table in document.tables
        for row in table.rows
        if row.cells[0].text.startswith("SO₂（平均浓度")
    )
    assert so2[1:3] == ["25", "51"]  # June 2016 / June 2015 means of the file: 24.6, 50.8
    workbook = load_workbook(out / "2016年6月调度通报-台账.xlsx")
    assert workbook.sheetnames == ["汇总"]  # no records database: summary only
    values = [c.value for row in workbook["汇总"].iter_rows() for c in row]
    assert "25" in values and "数据缺失：月调度快照（2016年6月）。" in values


def test_build_bulletin_returns_bytes_for_a_download(tmp_path: Path) -> None:
    from envplan.plan import default_plan
    from envplan.reports.bulletin import render_bulletin
    from envplan.services.bulletin import BulletinRequest, Month, monthly_bulletin

    result = monthly_bulletin(
        BulletinRequest(Month.parse("2021-06")), plan=default_plan(), home=tmp_path / "home"
    )
    files = render_bulletin(result, ("docx", "html"))
    assert isinstance(files, dict) and set(files) == {"docx", "html"}
    assert files["docx"][:2] == b"PK"  # a zip container (.docx)
    page = files["html"].decode("utf-8")
    assert "关于2021年6月污染防治攻坚重点任务调度情况的通报" in page
    # the bundled air data (2015–2016) are on hand, and not shown as 2021
    assert "数据缺失：晋城市环境空气质量监测数据（2021年6月" in page
