"""Imports are all or nothing, with zh-CN messages naming file, row and column."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.monitoring.errors import InputFileError
from envplan.services.access import SYSTEM, AccessDenied, Principal, Role
from envplan.services.water_graph import import_graph, import_monitoring
from envplan.services.water_graph.tables import credit_code_valid
from envplan.store.water_graph import WaterMonitoring, WaterOutfall, WaterReach

from .conftest import OUTFALLS, REACHES, SECTIONS


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_credit_code_check_character() -> None:
    # GB 32100-2015: 91350100M000100Y43 is the standard's worked example (check character 3).
    assert credit_code_valid("91350100M000100Y43")
    assert not credit_code_valid("91350100M000100Y44")
    assert not credit_code_valid("91350100M000100Y4")


def test_bad_graph_files_write_nothing(records: Session, files) -> None:  # type: ignore[no-untyped-def]
    bad_outfalls = OUTFALLS.replace(
        "O2,支流二号口,城镇污水处理厂排污口", "O1,支流二号口,排水口"
    ).replace("91140502MA0K00003Y", "91140502MA0K00003Z")
    with pytest.raises(InputFileError) as caught:
        import_graph(
            records,
            reaches=files("r.csv", REACHES),
            sections=files("s.csv", SECTIONS),
            outfalls=files("o.csv", bad_outfalls),
            actor=SYSTEM,
        )
    text = str(caught.value)
    assert "未导入任何数据" in text
    assert "文件「o.csv」 第 3 行 列「排污口编码」：「O1」在文件中重复" in text
    assert "第 3 行 列「排污口类型」" in text
    assert "第 4 行 列「统一社会信用代码」" in text
    assert _count(records, WaterReach) == 0


def test_one_owner_per_credit_code(records: Session, files) -> None:  # type: ignore[no-untyped-def]
    clash = OUTFALLS.replace(
        "O2,支流二号口,城镇污水处理厂排污口,T,3,城区,乙公司,91140502MA0K00002U",
        "O2,支流二号口,城镇污水处理厂排污口,T,3,城区,乙公司,91140500MA0K00001U",
    )
    with pytest.raises(InputFileError, match="对应的责任主体不一致"):
        import_graph(
            records, reaches=files("r.csv", REACHES), outfalls=files("o.csv", clash), actor=SYSTEM
        )


def test_references_and_cycles(records: Session, files) -> None:  # type: ignore[no-untyped-def]
    cyclic = REACHES.replace("R2,测试河,下游段,泽州县,,40", "R2,测试河,下游段,泽州县,R1,40")
    with pytest.raises(InputFileError, match="河段构成环路"):
        import_graph(records, reaches=files("r.csv", cyclic), actor=SYSTEM)
    with pytest.raises(InputFileError, match=r"第 2 行 列「河段编码」：河段编码「R1」不存在"):
        import_graph(records, sections=files("s.csv", SECTIONS), actor=SYSTEM)
    assert _count(records, WaterReach) == 0


def test_monitoring_is_all_or_nothing_and_idempotent(records: Session, files) -> None:  # type: ignore[no-untyped-def]
    import_graph(
        records,
        reaches=files("r.csv", REACHES),
        outfalls=files("o.csv", OUTFALLS),
        actor=SYSTEM,
    )
    assert _count(records, WaterOutfall) == 6
    good = "排污口编码,监测时间,氨氮（mg/L）\nO1,2021-04,4.0\nO2,2021-04,1.0\n"
    bad = "排污口编码,监测时间,氨氮（mg/L）\nO1,2021-05,4.0\nO9,2021-05,1.0\nO2,2021-13,abc\n"
    with pytest.raises(InputFileError) as caught:
        import_monitoring(records, files("bad.csv", bad), kind="outfall", actor=SYSTEM)
    text = str(caught.value)
    assert "第 4 行 列「监测时间」" in text and "第 4 行 列「氨氮（mg/L）」" in text
    assert _count(records, WaterMonitoring) == 0
    import_monitoring(records, files("good.csv", good), kind="outfall", actor=SYSTEM)
    again = import_monitoring(records, files("good.csv", good), kind="outfall", actor=SYSTEM)
    assert (again.created, again.unchanged) == (0, 2)
    changed = good.replace("4.0", "4.5")
    with pytest.raises(InputFileError, match=r"已导入的值为 4\.0"):
        import_monitoring(records, files("changed.csv", changed), kind="outfall", actor=SYSTEM)
    with pytest.raises(InputFileError, match="未登记"):
        import_monitoring(
            records,
            files("x.csv", "排污口编码,监测时间,氨氮（mg/L）\nO9,2021-04,1\n"),
            kind="outfall",
            actor=SYSTEM,
        )
    assert _count(records, WaterMonitoring) == 2


def test_only_the_bureau_edits_the_graph(records: Session, files) -> None:  # type: ignore[no-untyped-def]
    clerk = Principal(None, "cq", Role.COUNTY_CLERK, county="城区")
    with pytest.raises(AccessDenied, match="不是局管理员"):
        import_graph(records, reaches=files("r.csv", REACHES), actor=clerk)


def test_excel_template_round_trip(records: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from envplan.services.water_graph.templates import write_templates

    write_templates(tmp_path / "t")
    path = tmp_path / "t" / "水系图_河段.xlsx"
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    for line in REACHES.splitlines()[1:]:
        code, river, name, county, down, length = line.split(",")
        sheet.append([code, river, name, county, down or None, float(length)])
    workbook.save(path)
    result = import_graph(records, reaches=path, actor=SYSTEM)
    assert (result.created, result.files) == (3, ("水系图_河段.xlsx",))
    reach = records.get(WaterReach, "R2")
    assert reach is not None and reach.length_km == 40.0 and reach.downstream_code is None
