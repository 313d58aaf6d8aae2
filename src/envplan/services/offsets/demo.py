"""The 示例 offsets data: a small inventory (2020 base and 2021), credits and debits.

Every row is flagged ``is_demo`` and every name starts with 【示例】. The enterprises are invented
(no public registry of Jincheng's enterprises exists); their towns and villages are real places of
air 附件1 so that the zone lists and the siting screen have something to show.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM
from envplan.services.offsets.common import DEMO_TAG
from envplan.services.offsets.inventory import EmissionRow, save_inventory
from envplan.services.offsets.ledger import add_credit, debit
from envplan.standards.offsets import tonnes_to_grams
from envplan.store.offsets import OffsetCredit

# name, county, town, village, industry, {year: (SO2, NOx, VOCs, PM) [t/a]}
DEMO_INVENTORY: tuple[tuple[str, str, str, str, str, dict[int, tuple[float, ...]]], ...] = (
    ("巴公钢铁有限公司", "泽州县", "巴公镇", "西郜村", "钢铁",
     {2020: (420.5, 980.2, 65.0, 210.4), 2021: (405.1, 951.0, 63.2, 198.0)}),
    ("金村铸造有限公司", "泽州县", "金村镇", "府城村", "铸造",
     {2020: (35.2, 48.6, 22.4, 30.1), 2021: (36.0, 47.0, 23.5, 29.0)}),
    ("大阳焦化有限公司", "泽州县", "大阳镇", "西街村", "焦化",
     {2020: (260.0, 540.0, 180.0, 120.0), 2021: (258.0, 520.0, 170.0, 118.0)}),
    ("城区热电有限公司", "城区", "西街办事处", "", "电力",
     {2020: (150.0, 300.0, 5.0, 40.0), 2021: (140.0, 290.0, 5.0, 38.0)}),
    ("马村水泥有限公司", "高平市", "马村镇", "", "水泥",
     {2020: (80.0, 420.0, 3.0, 90.0), 2021: (82.0, 410.0, 3.0, 88.0)}),
    ("町店陶瓷有限公司", "阳城县", "町店镇", "", "陶瓷",
     {2020: (40.0, 60.0, 8.0, 25.0), 2021: (38.0, 57.0, 8.5, 24.0)}),
    ("龙港化工有限公司", "沁水县", "龙港镇", "", "化工",
     {2020: (12.0, 20.0, 30.0, 6.0), 2021: (0.0, 0.0, 0.0, 0.0)}),  # closed in 2021
)  # fmt: skip

# county, pollutant, tonnes, kind, source, date, evidence
DEMO_CREDITS = (
    ("泽州县", "NOx", "12", "工程减排", "巴公钢铁有限公司", dt.date(2021, 3, 15), "烧结机脱硝改造验收监测报告"),
    ("泽州县", "SO2", "8", "结构减排", "大阳焦化有限公司", dt.date(2021, 2, 20), "4.3米焦炉关停验收文件"),
    ("城区", "NOx", "6", "清洁生产", "城区热电有限公司", dt.date(2021, 4, 30), "清洁生产审核评估意见"),
    ("高平市", "VOCs", "3", "工程减排", "马村水泥有限公司", dt.date(2021, 5, 10), "治理设施验收报告"),
    ("阳城县", "NOx", "5", "结构减排", "町店陶瓷有限公司", dt.date(2021, 1, 25), "燃煤窑炉改电验收文件"),
)  # fmt: skip

# county, pollutant, tonnes, project, date
DEMO_DEBITS = (
    ("泽州县", "NOx", "3", "巴公镇新建精密铸件项目", dt.date(2021, 6, 18)),
    ("城区", "NOx", "4", "城区新建数据中心备用电源项目", dt.date(2021, 7, 6)),
)


def seed_offsets_demo(session: Session) -> bool:
    """Seed the 示例 inventory, credits and debits once (idempotent); caller commits."""
    if session.scalar(select(OffsetCredit.id).where(OffsetCredit.is_demo).limit(1)) is not None:
        return False
    rows = [
        EmissionRow(
            year=year,
            name=f"{DEMO_TAG}{name}",
            credit_code=None,
            county=county,
            town=town,
            village=village,
            industry=industry,
            amounts={
                p: tonnes_to_grams(v) if v else 0
                for p, v in zip(("SO2", "NOx", "VOCs", "PM"), values, strict=True)
            },
            source=f"{DEMO_TAG}演示数据",
        )
        for name, county, town, village, industry, years in DEMO_INVENTORY
        for year, values in years.items()
    ]
    actor = SYSTEM
    save_inventory(session, actor, rows, is_demo=True)
    for county, pollutant, tonnes, kind, source, on, evidence in DEMO_CREDITS:
        add_credit(
            session,
            actor,
            county=county,
            pollutant=pollutant,
            tonnes=tonnes,
            kind=kind,
            source=f"{DEMO_TAG}{source}",
            on=on,
            evidence=f"{DEMO_TAG}{evidence}",
            is_demo=True,
        )
    for county, pollutant, tonnes, project, on in DEMO_DEBITS:
        debit(
            session,
            actor,
            county=county,
            pollutant=pollutant,
            tonnes=tonnes,
            project=f"{DEMO_TAG}{project}",
            on=on,
            is_demo=True,
        )
    return True
