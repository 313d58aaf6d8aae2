"""Fixtures for the water-graph tests: dual-backend records with the Jincheng plan's units, and
small hand-written graph files (河段 R1 → R2, tributary T → R2) whose order is known by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from envplan.plan import default_plan
from envplan.services.supervision import ensure_units
from envplan.store.testing import (  # noqa: F401
    db_backend,
    db_engine,
    db_session,
    db_url,
    migrated_engine,
)

REACHES = """河段编码,河流,河段名称,县（市、区）,下游河段编码,长度（km）
R1,测试河,上游段,城区,R2,10
T,支流,支流段,城区,R2,8
R2,测试河,下游段,泽州县,,40
"""
# Along R2: O3 (5) → 金匠桥 (10) → O4 (20) → 洞头 (30) → O5 (40); R1 and T flow into R2's start.
SECTIONS = """断面名称,河段编码,位置（km）,县（市、区）
白水河,R1,5,城区
金匠桥,R2,10,城区
洞头,R2,30,城区
"""
OUTFALLS = """排污口编码,排污口名称,排污口类型,河段编码,位置（km）,县（市、区）,责任主体,统一社会信用代码,许可排放量氨氮（t/a）
O1,上游一号口,工业排污口,R1,2,城区,甲公司,91140500MA0K00001U,10
O2,支流二号口,城镇污水处理厂排污口,T,3,城区,乙公司,91140502MA0K00002U,20
O3,下游三号口,工业排污口,R2,5,泽州县,丙公司,91140502MA0K00003Y,
O4,下游四号口,工业排污口,R2,20,泽州县,丁公司,,
O5,下游五号口,其他排口,R2,40,泽州县,,,
O6,无数据六号口,工业排污口,R1,4,城区,,,
"""
# 氨氮 [mg/L] and flow [m³/d] by month; O6 has no data.
OUTFALL_DATA = """排污口编码,监测时间,流量（m³/d）,氨氮（mg/L）,化学需氧量（mg/L）
O1,2021-04,1000,4.0,40
O1,2021-05,1000,5.0,40
O1,2021-06,1000,6.0,40
O2,2021-04,10000,1.0,30
O2,2021-05,10000,1.5,30
O2,2021-06,10000,2.0,30
O3,2021-05,2000,8.0,50
O3,2021-06,2000,9.0,50
O3,2021-01,2000,99.0,50
O4,2021-06,500,30.0,90
O5,2021-06,500,50.0,90
"""


@pytest.fixture
def files(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def records(db_session: Session) -> Session:  # noqa: F811
    ensure_units(db_session, default_plan())
    db_session.flush()
    return db_session
