"""The 2021-06 bulletin on the seeded 示例 demo (Jincheng 2021 plan): every number of the progress
tables equals the frozen snapshot's, the Word and Excel copies agree, and the document is labelled
示例."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from envplan.plan import default_plan
from envplan.reports.bulletin import BulletinFiles, render_bulletin
from envplan.services import supervision as sv
from envplan.services.bulletin import BulletinRequest, Month, monthly_bulletin
from envplan.services.demo import seed_demo
from envplan.store import make_engine, make_session_factory, upgrade

pytestmark = pytest.mark.slow
PLAN_NAMES = {"air": "大气行动计划", "water": "水行动计划", "soil": "土壤行动计划"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, test_data: Path):
    work = tmp_path_factory.mktemp("demo")
    engine = make_engine(f"sqlite:///{work / 'records.sqlite3'}")
    upgrade(engine)
    plan = default_plan()
    session = make_session_factory(engine)()
    seed_demo(session, plan, as_of=dt.date(2021, 7, 31))
    sv.take_snapshot(session, "2021-06")
    session.commit()
    request = BulletinRequest(
        Month.parse("2021-06"),
        air_files=(test_data / "air/aqistudy-daily-shanxi-11-cities-2013_2017.csv",),
        demo_data=False,
    )
    result = monthly_bulletin(request, plan=plan, session=session)
    files = render_bulletin(result, ("docx", "xlsx"), out_dir=work / "out")
    assert isinstance(files, BulletinFiles)
    content = sv.snapshot_content(sv.get_snapshot(session, "2021-06"))
    yield files, content, Document(str(files.paths["docx"])), load_workbook(files.paths["xlsx"])
    session.close()
    engine.dispose()


def _tables_by_header(document) -> dict[str, list[list[str]]]:
    return {
        "|".join(c.text for c in t.rows[0].cells): [[c.text for c in r.cells] for r in t.rows[1:]]
        for t in document.tables
    }


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def test_progress_tables_equal_the_snapshot(demo) -> None:
    files, content, document, _ = demo
    assert files.bulletin.demo
    assert any(p.text.startswith("【示例】") for p in document.paragraphs)
    tables = _tables_by_header(document)
    plans = {
        row[0]: row
        for row in tables[
            "行动计划|应完成|已完成|按时完成|逾期完成|逾期未完成|按时完成率|本月到期|本月按时完成率"
        ]
    }
    assert len(plans) == 3
    for rate in content["rates"]["plan"]:
        row = plans[PLAN_NAMES[rate["key"]]]
        assert row[1:] == [
            str(rate["due"]),
            str(rate["done_on_time"] + rate["done_late"]),
            str(rate["done_on_time"]),
            str(rate["done_late"]),
            str(rate["overdue"]),
            _pct(rate["rate"]),
            str(rate["due_in_month"]),
            _pct(rate["rate_in_month"]),
        ]
    counties = {
        row[0]: row
        for row in tables[
            "县（市、区）|应完成|已完成|按时完成|逾期完成|逾期未完成|按时完成率|本月到期|本月按时完成率"
        ]
    }
    for rate in content["rates"]["county"]:
        assert counties[rate["label"]][1] == str(rate["due"])
        assert counties[rate["label"]][6] == _pct(rate["rate"])
    ranking = tables["排名|责任单位|应完成|已完成|按时完成|逾期未完成|按时完成率"]
    by_unit = {rate["label"]: rate for rate in content["rates"]["unit"]}
    rates_in_order = [by_unit[row[1]]["rate"] for row in ranking]
    assert rates_in_order == sorted(rates_in_order, reverse=True)  # ranked best first
    for row in ranking:
        rate = by_unit[row[1]]
        assert row[2:] == [
            str(rate["due"]),
            str(rate["done_on_time"] + rate["done_late"]),
            str(rate["done_on_time"]),
            str(rate["overdue"]),
            _pct(rate["rate"]),
        ]
    overdue_units = {row[0]: row[1] for row in tables["责任单位|逾期事项数|涉及任务"]}
    assert overdue_units == {
        r["label"]: str(r["overdue"]) for r in by_unit.values() if r["overdue"]
    }


def test_word_and_excel_print_the_same_figures(demo) -> None:
    _, content, document, workbook = demo
    summary = [[c.value for c in row] for row in workbook["汇总"].iter_rows()]
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        start = summary.index(header + [None] * (len(summary[0]) - len(header)))
        for offset, row in enumerate(table.rows[1:], start=1):
            printed = [c.text for c in row.cells]
            assert summary[start + offset][: len(printed)] == printed
    overdue = sum(1 for row in content["occurrences"] if row["status"] == "overdue")
    assert workbook["逾期事项清单"].max_row - 2 == overdue
    assert {"空气", "水", "土壤"} <= set(workbook.sheetnames)


def test_demo_pages_render_with_the_figures(demo, tmp_path: Path) -> None:
    import re
    import shutil
    import subprocess

    from envplan.reports.pdf import docx_to_pdf, libreoffice_path, pdf_page_png

    if libreoffice_path() is None or shutil.which("pdftotext") is None:
        pytest.skip("未安装 LibreOffice 或 poppler-utils：跳过页面渲染测试")
    files, content, _, _ = demo
    pdf = docx_to_pdf(files.paths["docx"], tmp_path / "demo.pdf")
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    for page in (1, 2, 3):
        pdf_page_png(pdf, artifacts / f"bulletin-2021-06-demo-page{page}.png", page=page, dpi=80)
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "2", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    flat = re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))  # page numbers out of the flow
    assert "关于2021年6月污染防治攻坚重点任务调度情况的通报" in flat
    air = next(rate for rate in content["rates"]["plan"] if rate["key"] == "air")
    assert f"大气行动计划：截至2021年6月30日累计到期任务事项{air['due']}项" in flat
