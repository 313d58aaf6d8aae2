"""Upstream tracing on a hand-drawn graph: order by hand ranking, never a downstream node."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM
from envplan.services.water_graph import (
    TraceError,
    TraceRequest,
    import_graph,
    import_monitoring,
    load_graph,
    trace_upstream,
)

from .conftest import OUTFALL_DATA, OUTFALLS, REACHES, SECTIONS


@pytest.fixture
def graph(records: Session, files) -> Session:  # type: ignore[no-untyped-def]
    import_graph(
        records,
        reaches=files("r.csv", REACHES),
        sections=files("s.csv", SECTIONS),
        outfalls=files("o.csv", OUTFALLS),
        actor=SYSTEM,
    )
    import_monitoring(records, files("m.csv", OUTFALL_DATA), kind="outfall", actor=SYSTEM)
    return records


def test_graph_order(graph: Session) -> None:
    built = load_graph(graph)
    assert built.downstream_order() == ["白水河", "金匠桥", "洞头"]
    upstream = {node for node in built.upstream("金匠桥")}
    assert ("outfall", "O4") not in upstream and ("outfall", "O5") not in upstream
    assert ("section", "洞头") not in upstream


def test_trace_ranks_upstream_outfalls_by_hand(graph: Session) -> None:
    result = trace_upstream(graph, TraceRequest("金匠桥", "氨氮", dt.date(2021, 6, 30)))
    outfalls = [item for item in result["upstream"] if item["kind"] == "outfall"]
    # Window 2021-04-01..06-30 means: O3 (8+9)/2 = 8.5; O1 (4+5+6)/3 = 5.0; O2 (1+1.5+2)/3 = 1.5;
    # O3's January 99 is outside the window; O6 has no data; O4, O5 lie downstream.
    assert [(o["code"], o["value"], o["rank"]) for o in outfalls] == [
        ("O3", 8.5, 1),
        ("O1", 5.0, 2),
        ("O2", 1.5, 3),
        ("O6", None, None),
    ]
    names = {item["name"] for item in result["upstream"]}
    assert not names & {"下游四号口", "下游五号口", "洞头", "丁公司"}
    enterprises = [item["name"] for item in result["upstream"] if item["kind"] == "enterprise"]
    assert sorted(enterprises) == ["丙公司", "乙公司", "甲公司"]
    assert any("无数据六号口" in line for line in result["missing"])
    assert any("企业自行监测" not in line and "甲公司" in line for line in result["missing"])
    # 金匠桥 is a Ⅴ-class section of the plan (附件1): 氨氮 limit 2.0 mg/L (GB 3838-2002 表1).
    assert result["observed"]["limit"] == 2.0
    assert any("金匠桥" in line and "无氨氮监测数据" in line for line in result["missing"])


def test_trace_by_load(graph: Session) -> None:
    result = trace_upstream(graph, TraceRequest("金匠桥", "nh3n", dt.date(2021, 6, 30), by="load"))
    outfalls = [item for item in result["upstream"] if item["kind"] == "outfall" and item["rank"]]
    # kg/d = mg/L × m³/d ÷ 1000: O2 1.5 × 10000 / 1000 = 15; O3 8.5 × 2 = 17; O1 5 × 1 = 5.
    assert [(o["code"], o["value"]) for o in outfalls] == [("O3", 17.0), ("O2", 15.0), ("O1", 5.0)]


def test_trace_of_most_downstream_section_includes_everything_above(graph: Session) -> None:
    result = trace_upstream(graph, TraceRequest("洞头", "氨氮", dt.date(2021, 6, 30)))
    outfalls = [(i["code"], i["rank"]) for i in result["upstream"] if i["kind"] == "outfall"]
    # O4 30 > O3 8.5 > O1 5 > O2 1.5; O5 (40 km) is below 洞头 (30 km).
    assert outfalls[:4] == [("O4", 1), ("O3", 2), ("O1", 3), ("O2", 4)]
    assert "O5" not in {code for code, _ in outfalls}
    sections = [i["name"] for i in result["upstream"] if i["kind"] == "section"]
    assert sorted(sections) == ["白水河", "金匠桥"]


def test_trace_errors_are_chinese(graph: Session) -> None:
    with pytest.raises(TraceError, match="不在水系图中"):
        trace_upstream(graph, TraceRequest("不存在", "氨氮", dt.date(2021, 6, 30)))
    with pytest.raises(TraceError, match="无法识别"):
        trace_upstream(graph, TraceRequest("金匠桥", "氨", dt.date(2021, 6, 30)))


def test_owners_link_to_the_enterprise_registry(records: Session, files) -> None:  # type: ignore[no-untyped-def]
    from envplan.services.enterprises import EnterpriseInput, save_enterprise

    save_enterprise(
        records,
        EnterpriseInput(
            credit_code="91140500MA0K00001U", name="甲公司", county="城区", industry="焦化"
        ),
    )
    # The registry names 91140502MA0K00002U "乙化工有限公司": the outfall file's "乙公司" clashes.
    save_enterprise(
        records,
        EnterpriseInput(
            credit_code="91140502MA0K00002U", name="乙化工有限公司", county="城区", industry="其他"
        ),
    )
    from envplan.monitoring.errors import InputFileError

    with pytest.raises(InputFileError, match="与排污单位名录中统一社会信用代码"):
        import_graph(
            records,
            reaches=files("r.csv", REACHES),
            outfalls=files("o.csv", OUTFALLS),
            actor=SYSTEM,
        )
    # Leaving 责任主体 empty takes the registry's name.
    fixed = OUTFALLS.replace("城区,乙公司,91140502MA0K00002U", "城区,,91140502MA0K00002U")
    import_graph(
        records,
        reaches=files("r.csv", REACHES),
        sections=files("s.csv", SECTIONS),
        outfalls=files("o.csv", fixed),
        actor=SYSTEM,
    )
    result = trace_upstream(records, TraceRequest("金匠桥", "氨氮", dt.date(2021, 6, 30)))
    owners = {i["name"]: i["registered"] for i in result["upstream"] if i["kind"] == "enterprise"}
    assert owners == {"甲公司": True, "乙化工有限公司": True, "丙公司": False}
