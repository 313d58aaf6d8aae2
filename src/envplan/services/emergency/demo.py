"""Demo registry (示例): enterprises across the 6 counties and the development zone, with every
grade (A, 引领性, B, B-, C, D, 非重点), own measures and guide measures, society-wide totals that
make the red list fall short, one warning episode (issue → upgrade → downgrade → lift) with
inspections. Every name starts with 【示例】 and every row has ``is_demo``.

No public registry of Jincheng's enterprises exists: the names, codes and figures are invented.
Credit codes are built with a valid GB 32100-2015 check character on the county's area code.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Principal
from envplan.services.emergency.lists import set_totals
from envplan.services.emergency.warnings import change_warning, issue_warning, record_inspection
from envplan.services.enterprises import EmissionInput, EnterpriseInput, GradeInput, save_many
from envplan.standards.enterprises import credit_code_check_char
from envplan.store.enterprises import Enterprise

DEMO_TAG = "【示例】"
AREA_CODES = {  # GB/T 2260 codes of Jincheng's county-level areas (开发区 uses the city's 140500)
    "城区": "140502", "沁水县": "140521", "阳城县": "140522", "陵川县": "140524",
    "泽州县": "140525", "高平市": "140581", "开发区": "140500",
}  # fmt: skip
BODY = "晋城市生态环境局（示例）"
YEAR = 2020

# (county, town, village, industry, grade, name, (SO2, NOx, PM, VOCs) t/a, clean transport,
#  gate system, own measures (yellow, orange, red) as % or None, lon, lat)
_ROWS: tuple[tuple[object, ...], ...] = (
    ("泽州县", "巴公镇", "西郜村", "长流程联合钢铁", "A", "晋钢示例钢铁有限公司",
     (300, 900, 500, 50), True, True, None, 112.866, 35.628),
    ("泽州县", "北义城镇", "", "焦化", "引领性", "泽州示例焦化有限公司",
     (200, 400, 150, 300), True, True, (10, 20, 30), 112.781, 35.612),
    ("高平市", "马村镇", "", "焦化", "B", "高平示例煤焦有限公司",
     (250, 500, 180, 350), False, False, (20, 30, 50), 112.958, 35.742),
    ("高平市", "河西镇", "", "铸造", "C", "高平示例铸业有限公司",
     (20, 40, 60, 30), False, False, (50, 100, 100), 112.880, 35.781),
    ("高平市", "三甲镇", "", "铸造", "B", "高平示例精密铸造有限公司",
     (10, 20, 30, 25), True, True, (20, 40, None), 112.904, 35.853),
    ("阳城县", "北留镇", "", "水泥", "B", "阳城示例水泥有限公司",
     (80, 600, 120, 5), True, True, None, 112.505, 35.553),
    ("阳城县", "町店镇", "", "水泥", "C", "阳城示例建材有限公司",
     (60, 450, 100, 4), False, False, None, 112.362, 35.461),
    ("陵川县", "崇文镇", "", "水泥", "D", "陵川示例水泥粉磨有限公司",
     (30, 200, 90, 2), False, False, None, 113.281, 35.775),
    ("陵川县", "附城镇", "", "石灰窑", "C", "陵川示例石灰有限公司",
     (15, 35, 45, 1), False, False, (50, 100, 100), 113.214, 35.688),
    ("沁水县", "龙港镇", "", "煤制氮肥", "B-", "沁水示例化肥有限公司",
     (150, 300, 80, 60), True, False, (10, 20, 30), 112.187, 35.690),
    ("沁水县", "郑庄镇", "", "其他", "非重点", "沁水示例煤层气利用有限公司",
     (5, 30, 10, 20), True, False, None, 112.402, 35.703),
    ("城区", "钟家庄办事处", "", "包装印刷", "C", "城区示例印刷有限公司",
     (0, 2, 1, 40), False, False, (30, 50, 100), 112.874, 35.512),
    ("城区", "北石店镇", "", "砖瓦窑", "B-", "城区示例新型墙材有限公司",
     (30, 25, 40, 1), False, False, (20, 40, 100), 112.918, 35.535),
    ("开发区", "开发区街道办事处", "", "工业涂装", "B", "开发区示例装备涂装有限公司",
     (0, 5, 3, 80), True, True, (20, 40, 60), 112.889, 35.468),
    ("开发区", "开发区街道办事处", "", "制药", "A", "开发区示例制药有限公司",
     (2, 8, 2, 60), True, True, None, 112.901, 35.459),
    ("泽州县", "大东沟镇", "", "耐火材料", "D", "泽州示例耐火材料有限公司",
     (40, 60, 70, 3), False, False, None, 112.936, 35.438),
)  # fmt: skip

# Society-wide emissions of 2020 [t/a] (示例源排放清单): with the rows above the yellow and
# orange lists reach their minimum; the red list falls short for SO2, PM and VOCs.
TOTALS = {"SO2": 1500.0, "NOx": 5500.0, "PM": 2300.0, "VOCs": 1100.0}


def demo_code(county: str, serial: int) -> str:
    first17 = f"91{AREA_CODES[county]}MA0{serial:06d}"
    return first17 + credit_code_check_char(first17)


def demo_inputs() -> list[EnterpriseInput]:
    items = []
    for serial, r in enumerate(_ROWS, start=1):
        county, town, village, industry, grade, name, em, clean, gate, own, lon, lat = r
        assert isinstance(county, str) and isinstance(em, tuple)
        measures: dict[str, tuple[float, str]] = {}
        if isinstance(own, tuple):
            for level, pct in zip(("yellow", "orange", "red"), own, strict=True):
                if pct is not None:
                    text = "停产" if pct == 100 else f"限产{pct}%（以生产线计）"
                    measures[level] = (pct / 100.0, f"{DEMO_TAG}{text}")
        items.append(
            EnterpriseInput(
                credit_code=demo_code(county, serial),
                name=f"{DEMO_TAG}{name}",
                county=county,
                industry=str(industry),
                permit_number=f"示例{AREA_CODES[county]}{serial:04d}P",
                town=str(town),
                village=str(village),
                lon=float(lon),  # type: ignore[arg-type]
                lat=float(lat),  # type: ignore[arg-type]
                clean_transport=bool(clean),
                gate_system=bool(gate),
                lines=((f"{DEMO_TAG}1号生产线", ""),),
                emissions=tuple(
                    EmissionInput(YEAR, p, float(v), "示例（排污许可执行报告格式）")
                    for p, v in zip(("SO2", "NOx", "PM", "VOCs"), em, strict=True)
                ),
                grade=GradeInput(str(grade), dt.date(2020, 10, 15), BODY),
                measures=measures,
            )
        )
    return items


def seed_emergency_demo(session: Session, admin: Principal = SYSTEM) -> int:
    """Seed the demo registry and response (idempotent); returns the number of enterprises."""
    if session.scalar(select(Enterprise.id).where(Enterprise.is_demo.is_(True)).limit(1)):
        return 0
    items = demo_inputs()
    # grade history: the C→B upgrade of the precision foundry (示例)
    history = items[4]
    save_many(
        session,
        [
            EnterpriseInput(
                history.credit_code, history.name, history.county, history.industry,
                town=history.town, grade=GradeInput("C", dt.date(2019, 10, 1), BODY),
            )
        ],
        principal=admin,
        is_demo=True,
    )  # fmt: skip
    save_many(session, items, principal=admin, is_demo=True)
    set_totals(
        session, YEAR, TOTALS, source="示例源排放清单（2020年）", principal=admin, is_demo=True
    )
    forecast = [
        {"date": f"2021-01-{d:02d}", "aqi": a} for d, a in zip(range(10, 16), (180, 230, 260, 310, 240, 150), strict=True)
    ]  # fmt: skip
    w = issue_warning(
        session, "yellow", on=dt.date(2021, 1, 10), start=dt.date(2021, 1, 11),
        end=dt.date(2021, 1, 12), primary_pollutant="PM2.5", forecast=forecast,
        principal=admin, note=f"{DEMO_TAG}会商预测 AQI>200 持续 2 天", is_demo=True,
    )  # fmt: skip
    change_warning(
        session, w.id, "orange", on=dt.date(2021, 1, 11), end=dt.date(2021, 1, 14),
        principal=admin, note=f"{DEMO_TAG}滚动预报 AQI>200 持续 4 天，升级",
    )  # fmt: skip
    change_warning(
        session, w.id, "yellow", on=dt.date(2021, 1, 13), principal=admin,
        note=f"{DEMO_TAG}扩散条件转好，降级",
    )  # fmt: skip
    record_inspection(
        session, items[2].credit_code, on=dt.date(2021, 1, 12), inspector=f"{DEMO_TAG}张三",
        compliant=False, finding=f"{DEMO_TAG}焦炉未按一厂一策延长结焦时间", warning_id=w.id,
        principal=admin, is_demo=True,
    )  # fmt: skip
    record_inspection(
        session, items[5].credit_code, on=dt.date(2021, 1, 12), inspector=f"{DEMO_TAG}李四",
        compliant=True, finding=f"{DEMO_TAG}限产到位", warning_id=w.id, principal=admin,
        is_demo=True,
    )  # fmt: skip
    change_warning(
        session, w.id, "none", on=dt.date(2021, 1, 15), principal=admin,
        note=f"{DEMO_TAG}预测 AQI 降至 200 以下持续 36 小时以上，解除",
    )  # fmt: skip
    return len(items)
