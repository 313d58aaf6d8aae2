"""GB 3838-2002 《地表水环境质量标准》 tables 1, 2 and 3 as edition-stamped data.

Document: GB 3838-2002, issued 2002-04-28, in force 2002-06-01 (replaces GB 3838-88 and GHZB 1-1999).
Values were typed from the official scan (tables on pages 2-4 of the standard) and checked against
``shared/reference/water-soil-standards.md`` §1.2, §1.4, §1.5. All concentrations [mg/L] unless an
indicator says otherwise (pH dimensionless, fecal coliform [个/L], water temperature [℃]).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

#: The surface-water standard implemented.
EDITION: Final = "GB 3838-2002"

#: How a Table 1 limit applies: ``le`` (≤), ``ge`` (≥, dissolved oxygen), ``range`` (pH), ``none`` (water temperature).
Direction = Literal["le", "ge", "range", "none"]

#: Class codes used throughout ``envplan.standards.water``: 1..5 = Ⅰ..Ⅴ, 6 = 劣Ⅴ, 0 = not classed
#: (indicator not measured).
CLASS_LABELS: Final[tuple[str, ...]] = ("", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")
#: Class code of 劣Ⅴ.
WORSE_THAN_V: Final = 6
#: Class code of "not measured".
NOT_CLASSED: Final = 0


@dataclass(frozen=True)
class Table1Indicator:
    """One row of GB 3838-2002 Table 1 (基本项目标准限值).

    ``limits`` are the class Ⅰ..Ⅴ limits; ``lake_limits`` the 湖、库 column where the table gives one
    (total phosphorus only). ``decimals`` is the evaluation precision (decimal places) applied
    before classing when rounding is requested; see :data:`EVALUATION_DECIMALS_SOURCE`.
    """

    number: int
    id: str
    name_zh: str
    unit: str
    direction: Direction
    limits: tuple[float, float, float, float, float] | None
    lake_limits: tuple[float, float, float, float, float] | None = None
    decimals: int | None = None


#: Where the evaluation precision comes from. Reference §2.2 lists it as [R] (an implementation
#: citing 总站水字〔2018〕87号); callers pass ``round_values=False`` for data already published at the
#: platform's precision (the CNEMC automatic-station table reproduces only unrounded, see docs).
EVALUATION_DECIMALS_SOURCE: Final = (
    "总站水字〔2018〕87号 as implemented in sm1lewc/SurfaceWater (reference §2.2, tagged [R])"
)

# fmt: off
#: GB 3838-2002 Table 1 (basic items), classes Ⅰ–Ⅴ.
#:
#: :meta hide-value:
TABLE_1: Final[tuple[Table1Indicator, ...]] = (
    Table1Indicator(1, "water_temperature", "水温", "℃", "none", None, None, 1),
    Table1Indicator(2, "ph", "pH", "无量纲", "range", None, None, 0),
    # Class Ⅰ DO is "饱和率90%（或7.5）"; national practice uses 7.5 mg/L (reference §1.3, [R]).
    Table1Indicator(3, "do", "溶解氧", "mg/L", "ge", (7.5, 6.0, 5.0, 3.0, 2.0), None, 1),
    Table1Indicator(4, "codmn", "高锰酸盐指数", "mg/L", "le", (2.0, 4.0, 6.0, 10.0, 15.0), None, 1),
    Table1Indicator(5, "cod", "化学需氧量", "mg/L", "le", (15.0, 15.0, 20.0, 30.0, 40.0), None, 1),
    Table1Indicator(6, "bod5", "五日生化需氧量", "mg/L", "le", (3.0, 3.0, 4.0, 6.0, 10.0), None, 1),
    Table1Indicator(7, "nh3n", "氨氮", "mg/L", "le", (0.15, 0.5, 1.0, 1.5, 2.0), None, 2),
    Table1Indicator(8, "tp", "总磷", "mg/L", "le", (0.02, 0.1, 0.2, 0.3, 0.4),
                    (0.01, 0.025, 0.05, 0.1, 0.2), 3),
    Table1Indicator(9, "tn", "总氮", "mg/L", "le", (0.2, 0.5, 1.0, 1.5, 2.0), None, 2),
    Table1Indicator(10, "cu", "铜", "mg/L", "le", (0.01, 1.0, 1.0, 1.0, 1.0), None, 3),
    Table1Indicator(11, "zn", "锌", "mg/L", "le", (0.05, 1.0, 1.0, 2.0, 2.0), None, 3),
    Table1Indicator(12, "fluoride", "氟化物", "mg/L", "le", (1.0, 1.0, 1.0, 1.5, 1.5), None, 3),
    Table1Indicator(13, "se", "硒", "mg/L", "le", (0.01, 0.01, 0.01, 0.02, 0.02), None, 4),
    Table1Indicator(14, "as", "砷", "mg/L", "le", (0.05, 0.05, 0.05, 0.1, 0.1), None, 4),
    Table1Indicator(15, "hg", "汞", "mg/L", "le", (0.00005, 0.00005, 0.0001, 0.001, 0.001), None, 5),
    Table1Indicator(16, "cd", "镉", "mg/L", "le", (0.001, 0.005, 0.005, 0.005, 0.01), None, 5),
    Table1Indicator(17, "cr6", "铬(六价)", "mg/L", "le", (0.01, 0.05, 0.05, 0.05, 0.1), None, 3),
    Table1Indicator(18, "pb", "铅", "mg/L", "le", (0.01, 0.01, 0.05, 0.05, 0.1), None, 3),
    Table1Indicator(19, "cyanide", "氰化物", "mg/L", "le", (0.005, 0.05, 0.2, 0.2, 0.2), None, 3),
    Table1Indicator(20, "volatile_phenol", "挥发酚", "mg/L", "le",
                    (0.002, 0.002, 0.005, 0.01, 0.1), None, 4),
    Table1Indicator(21, "petroleum", "石油类", "mg/L", "le", (0.05, 0.05, 0.05, 0.5, 1.0), None, 2),
    Table1Indicator(22, "las", "阴离子表面活性剂", "mg/L", "le", (0.2, 0.2, 0.2, 0.3, 0.3), None, 2),
    Table1Indicator(23, "sulfide", "硫化物", "mg/L", "le", (0.05, 0.1, 0.2, 0.5, 1.0), None, 3),
    Table1Indicator(24, "fecal_coliform", "粪大肠菌群", "个/L", "le",
                    (200.0, 2000.0, 10000.0, 20000.0, 40000.0), None, 0),
)
# fmt: on

#: Table 1 by indicator id.
#:
#: :meta hide-value:
TABLE_1_BY_ID: Final[dict[str, Table1Indicator]] = {row.id: row for row in TABLE_1}

#: pH range that meets every class (Table 1 item 2) [dimensionless].
PH_RANGE: Final = (6.0, 9.0)


@dataclass(frozen=True)
class SingleLimit:
    """One row of GB 3838-2002 Table 2 or Table 3: a single limit for drinking-water sources."""

    table: int
    number: int
    id: str
    name_zh: str
    limit: float  # [mg/L]
    note: str = ""


#: GB 3838-2002 Table 2: supplementary items of centralized drinking-water sources [mg/L].
TABLE_2: Final[tuple[SingleLimit, ...]] = (
    SingleLimit(2, 1, "sulfate", "硫酸盐（以SO₄²⁻计）", 250.0),
    SingleLimit(2, 2, "chloride", "氯化物（以Cl⁻计）", 250.0),
    SingleLimit(2, 3, "nitrate", "硝酸盐（以N计）", 10.0),
    SingleLimit(2, 4, "fe", "铁", 0.3),
    SingleLimit(2, 5, "mn", "锰", 0.1),
)

_T3: tuple[tuple[str, float, str], ...] = (
    ("三氯甲烷", 0.06, ""),
    ("四氯化碳", 0.002, ""),
    ("三溴甲烷", 0.1, ""),
    ("二氯甲烷", 0.02, ""),
    ("1,2-二氯乙烷", 0.03, ""),
    ("环氧氯丙烷", 0.02, ""),
    ("氯乙烯", 0.005, ""),
    ("1,1-二氯乙烯", 0.03, ""),
    ("1,2-二氯乙烯", 0.05, ""),
    ("三氯乙烯", 0.07, ""),
    ("四氯乙烯", 0.04, ""),
    ("氯丁二烯", 0.002, ""),
    ("六氯丁二烯", 0.0006, ""),
    ("苯乙烯", 0.02, ""),
    ("甲醛", 0.9, ""),
    ("乙醛", 0.05, ""),
    ("丙烯醛", 0.1, ""),
    ("三氯乙醛", 0.01, ""),
    ("苯", 0.01, ""),
    ("甲苯", 0.7, ""),
    ("乙苯", 0.3, ""),
    ("二甲苯", 0.5, "对-二甲苯、间-二甲苯、邻-二甲苯之和"),
    ("异丙苯", 0.25, ""),
    ("氯苯", 0.3, ""),
    ("1,2-二氯苯", 1.0, ""),
    ("1,4-二氯苯", 0.3, ""),
    ("三氯苯", 0.02, "1,2,3-、1,2,4-、1,3,5-三氯苯之和"),
    ("四氯苯", 0.02, "1,2,3,4-、1,2,3,5-、1,2,4,5-四氯苯之和"),
    ("六氯苯", 0.05, ""),
    ("硝基苯", 0.017, ""),
    ("二硝基苯", 0.5, "对-、间-、邻-二硝基苯之和"),
    ("2,4-二硝基甲苯", 0.0003, ""),
    ("2,4,6-三硝基甲苯", 0.5, ""),
    ("硝基氯苯", 0.05, "对-、间-、邻-硝基氯苯之和"),
    ("2,4-二硝基氯苯", 0.5, ""),
    ("2,4-二氯苯酚", 0.093, ""),
    ("2,4,6-三氯苯酚", 0.2, ""),
    ("五氯酚", 0.009, ""),
    ("苯胺", 0.1, ""),
    ("联苯胺", 0.0002, ""),
    ("丙烯酰胺", 0.0005, ""),
    ("丙烯腈", 0.1, ""),
    ("邻苯二甲酸二丁酯", 0.003, ""),
    ("邻苯二甲酸二(2-乙基己基)酯", 0.008, ""),
    ("水合肼", 0.01, ""),
    ("四乙基铅", 0.0001, ""),
    ("吡啶", 0.2, ""),
    ("松节油", 0.2, ""),
    ("苦味酸", 0.5, ""),
    ("丁基黄原酸", 0.005, ""),
    ("活性氯", 0.01, ""),
    ("滴滴涕", 0.001, ""),
    ("林丹", 0.002, ""),
    ("环氧七氯", 0.0002, ""),
    ("对硫磷", 0.003, ""),
    ("甲基对硫磷", 0.002, ""),
    ("马拉硫磷", 0.05, ""),
    ("乐果", 0.08, ""),
    ("敌敌畏", 0.05, ""),
    ("敌百虫", 0.05, ""),
    ("内吸磷", 0.03, ""),
    ("百菌清", 0.01, ""),
    ("甲萘威", 0.05, ""),
    ("溴氰菊酯", 0.02, ""),
    ("阿特拉津", 0.003, ""),
    ("苯并(a)芘", 2.8e-6, ""),
    ("甲基汞", 1.0e-6, ""),
    ("多氯联苯", 2.0e-5, "PCB-1016、1221、1232、1242、1248、1254、1260之和"),
    ("微囊藻毒素-LR", 0.001, ""),
    ("黄磷", 0.003, ""),
    ("钼", 0.07, ""),
    ("钴", 1.0, ""),
    ("铍", 0.002, ""),
    ("硼", 0.5, ""),
    ("锑", 0.005, ""),
    ("镍", 0.02, ""),
    ("钡", 0.7, ""),
    ("钒", 0.05, ""),
    ("钛", 0.1, ""),
    ("铊", 0.0001, ""),
)

#: GB 3838-2002 Table 3: specific items of centralized drinking-water sources [mg/L].
#:
#: :meta hide-value:
TABLE_3: Final[tuple[SingleLimit, ...]] = tuple(
    SingleLimit(3, number, f"t3_{number:02d}", name, limit, note)
    for number, (name, limit, note) in enumerate(_T3, start=1)
)
