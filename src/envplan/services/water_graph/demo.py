"""The seeded 示例 water graph: the 22 plan sections on an illustrative river network, 示例
outfalls with monthly monitoring, enterprise self-monitoring, a 示例 registry of 19 千吨万人
sources, indicator reports (one below target) and the warnings of the demo month.

The topology (which section lies on which reach, the outfalls and their values) is illustrative,
not an official survey: every row is flagged ``is_demo`` and its names start with 示例. It goes
through the same import functions a bureau uses with its own filled-in templates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.monitoring.water_template import WATER_DEMO_TEMPLATE
from envplan.services.access import SYSTEM, Principal
from envplan.services.water_graph.imports import (
    import_drinking_sources,
    import_graph,
)
from envplan.services.water_graph.indicators import report_indicator
from envplan.services.water_graph.monitoring_import import import_monitoring
from envplan.services.water_graph.warnings import issue_warnings
from envplan.store.water_graph import WaterReach

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
#: The day the 示例 warnings are issued as of (the demo's 2021-06 month end).
DEMO_WARNING_DAY = dt.date(2021, 6, 30)

#: (target id, area, period, value, narrative): 示例 reports; water-t09 and the 泽州县 figure of
#: water-t12 are below target so their lights turn red.
DEMO_REPORTS = (
    ("water-t09", "全市", "2021-06", 128.0, "城镇污水处理厂上半年进水BOD₅平均浓度"),
    ("water-t08", "全市", "2021-06", 24.5, "城市再生水利用率（上半年）"),
    ("water-t11", "市区建成区", "2021-06", 52.0, "雨污合流制管网剩余量改造完成比例"),
    ("water-t12", "泽州县", "2021-06", 28.0, "县城建成区雨污合流制管网改造完成比例"),
    ("water-t14", "全市", "2021-06", 85.0, "已建成农村生活污水处理设施正常运行率"),
)


def seed_water_graph_demo(
    session: Session, *, actor: Principal = SYSTEM, as_of: dt.date = DEMO_WARNING_DAY
) -> bool:
    """Load the 示例 graph and data once (False when a graph is already recorded)."""
    if session.scalar(select(func.count()).select_from(WaterReach)):
        return False
    import_graph(
        session,
        reaches=DEMO_DIR / "水系图_河段_示例.csv",
        sections=DEMO_DIR / "水系图_断面_示例.csv",
        outfalls=DEMO_DIR / "水系图_排污口_示例.csv",
        actor=actor,
        is_demo=True,
    )
    import_monitoring(session, WATER_DEMO_TEMPLATE, kind="section", actor=actor, is_demo=True)
    import_monitoring(
        session, DEMO_DIR / "排污口监测_示例.csv", kind="outfall", actor=actor, is_demo=True
    )
    import_monitoring(
        session, DEMO_DIR / "企业自行监测_示例.csv", kind="enterprise", actor=actor, is_demo=True
    )
    import_drinking_sources(
        session, DEMO_DIR / "千吨万人水源地_示例.csv", actor=actor, is_demo=True
    )
    for target_id, area, period, value, narrative in DEMO_REPORTS:
        report_indicator(
            session,
            actor,
            target_id=target_id,
            period=period,
            value=value,
            reported_on=dt.date(2021, 7, 5),
            area=area,
            narrative=narrative,
            is_demo=True,
        )
    issue_warnings(session, min(as_of, DEMO_WARNING_DAY), actor=actor)
    return True
