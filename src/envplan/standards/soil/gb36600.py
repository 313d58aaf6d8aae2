"""GB 36600-2018 《土壤环境质量 建设用地土壤污染风险管控标准（试行）》, tables 1-2, and sample class.

Document: GB 36600-2018, in force 2018-08-01. Values [mg/kg] (dioxins [mg/kg TEQ]) typed from
``shared/reference/water-soil-standards.md`` §6.3-6.4 (transcription of the MEE PDF, tag [X]).

* Clause 3.4-3.5: 第一类用地 (residential, schools, hospitals, social welfare, community parks) and
  第二类用地 (industrial, logistics, commercial, roads, utilities, other public land); planned use
  unclear → first-class values (reference §6.1 [R]).
* Table 1: 45 basic items; Table 2: 40 other items; screening (筛选值) and intervention (管制值)
  values for each land class.
* Clause 5: ≤ screening → risk negligible; > screening → detailed investigation and risk
  assessment; > intervention → risk control or remediation. Footnote ① (As, Co, V): a value above
  screening but not above the local soil background is not managed as contamination.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: The construction-land soil standard implemented.
EDITION: Final = "GB 36600-2018"


@dataclass(frozen=True)
class ConstructionLimit:
    """One row of GB 36600-2018 Table 1 or 2 [mg/kg]."""

    table: int
    number: int
    name_zh: str
    cas: str
    screening_1: float
    screening_2: float
    intervention_1: float
    intervention_2: float
    background_exemption: bool = False  # footnote ①


_T1: tuple[tuple[str, str, float, float, float, float], ...] = (
    ("砷", "7440-38-2", 20, 60, 120, 140),
    ("镉", "7440-43-9", 20, 65, 47, 172),
    ("铬(六价)", "18540-29-9", 3.0, 5.7, 30, 78),
    ("铜", "7440-50-8", 2000, 18000, 8000, 36000),
    ("铅", "7439-92-1", 400, 800, 800, 2500),
    ("汞", "7439-97-6", 8, 38, 33, 82),
    ("镍", "7440-02-0", 150, 900, 600, 2000),
    ("四氯化碳", "56-23-5", 0.9, 2.8, 9, 36),
    ("氯仿", "67-66-3", 0.3, 0.9, 5, 10),
    ("氯甲烷", "74-87-3", 12, 37, 21, 120),
    ("1,1-二氯乙烷", "75-34-3", 3, 9, 20, 100),
    ("1,2-二氯乙烷", "107-06-2", 0.52, 5, 6, 21),
    ("1,1-二氯乙烯", "75-35-4", 12, 66, 40, 200),
    ("顺-1,2-二氯乙烯", "156-59-2", 66, 596, 200, 2000),
    ("反-1,2-二氯乙烯", "156-60-5", 10, 54, 31, 163),
    ("二氯甲烷", "75-09-2", 94, 616, 300, 2000),
    ("1,2-二氯丙烷", "78-87-5", 1, 5, 5, 47),
    ("1,1,1,2-四氯乙烷", "630-20-6", 2.6, 10, 26, 100),
    ("1,1,2,2-四氯乙烷", "79-34-5", 1.6, 6.8, 14, 50),
    ("四氯乙烯", "127-18-4", 11, 53, 34, 183),
    ("1,1,1-三氯乙烷", "71-55-6", 701, 840, 840, 840),
    ("1,1,2-三氯乙烷", "79-00-5", 0.6, 2.8, 5, 15),
    ("三氯乙烯", "79-01-6", 0.7, 2.8, 7, 20),
    ("1,2,3-三氯丙烷", "96-18-4", 0.05, 0.5, 0.5, 5),
    ("氯乙烯", "75-01-4", 0.12, 0.43, 1.2, 4.3),
    ("苯", "71-43-2", 1, 4, 10, 40),
    ("氯苯", "108-90-7", 68, 270, 200, 1000),
    ("1,2-二氯苯", "95-50-1", 560, 560, 560, 560),
    ("1,4-二氯苯", "106-46-7", 5.6, 20, 56, 200),
    ("乙苯", "100-41-4", 7.2, 28, 72, 280),
    ("苯乙烯", "100-42-5", 1290, 1290, 1290, 1290),
    ("甲苯", "108-88-3", 1200, 1200, 1200, 1200),
    ("间二甲苯+对二甲苯", "108-38-3,106-42-3", 163, 570, 500, 570),
    ("邻二甲苯", "95-47-6", 222, 640, 640, 640),
    ("硝基苯", "98-95-3", 34, 76, 190, 760),
    ("苯胺", "62-53-3", 92, 260, 211, 663),
    ("2-氯酚", "95-57-8", 250, 2256, 500, 4500),
    ("苯并[a]蒽", "56-55-3", 5.5, 15, 55, 151),
    ("苯并[a]芘", "50-32-8", 0.55, 1.5, 5.5, 15),
    ("苯并[b]荧蒽", "205-99-2", 5.5, 15, 55, 151),
    ("苯并[k]荧蒽", "207-08-9", 55, 151, 550, 1500),
    ("䓛", "218-01-9", 490, 1293, 4900, 12900),
    ("二苯并[a,h]蒽", "53-70-3", 0.55, 1.5, 5.5, 15),
    ("茚并[1,2,3-cd]芘", "193-39-5", 5.5, 15, 55, 151),
    ("萘", "91-20-3", 25, 70, 255, 700),
)

_T2: tuple[tuple[str, float, float, float, float], ...] = (
    ("锑", 20, 180, 40, 360),
    ("铍", 15, 29, 98, 290),
    ("钴", 20, 70, 190, 350),
    ("甲基汞", 5.0, 45, 10, 120),
    ("钒", 165, 752, 330, 1500),
    ("氰化物", 22, 135, 44, 270),
    ("一溴二氯甲烷", 0.29, 1.2, 2.9, 12),
    ("溴仿", 32, 103, 320, 1030),
    ("二溴氯甲烷", 9.3, 33, 93, 330),
    ("1,2-二溴乙烷", 0.07, 0.24, 0.7, 2.4),
    ("六氯环戊二烯", 1.1, 5.2, 2.3, 10),
    ("2,4-二硝基甲苯", 1.8, 5.2, 18, 52),
    ("2,4-二氯酚", 117, 843, 234, 1690),
    ("2,4,6-三氯酚", 39, 137, 78, 560),
    ("2,4-二硝基酚", 78, 562, 156, 1130),
    ("五氯酚", 1.1, 2.7, 12, 27),
    ("邻苯二甲酸二(2-乙基己基)酯", 42, 121, 420, 1210),
    ("邻苯二甲酸丁基苄酯", 312, 900, 3120, 9000),
    ("邻苯二甲酸二正辛酯", 390, 2812, 800, 5700),
    ("3,3'-二氯联苯胺", 1.3, 3.6, 13, 36),
    ("阿特拉津", 2.6, 7.4, 26, 74),
    ("氯丹", 2.0, 6.2, 20, 62),
    ("p,p'-滴滴滴", 2.5, 7.1, 25, 71),
    ("p,p'-滴滴伊", 2.0, 7.0, 20, 70),
    ("滴滴涕", 2.0, 6.7, 21, 67),
    ("敌敌畏", 1.8, 5.0, 18, 50),
    ("乐果", 86, 619, 170, 1240),
    ("硫丹", 234, 1687, 470, 3400),
    ("七氯", 0.13, 0.37, 1.3, 3.7),
    ("α-六六六", 0.09, 0.3, 0.9, 3),
    ("β-六六六", 0.32, 0.92, 3.2, 9.2),
    ("γ-六六六", 0.62, 1.9, 6.2, 19),
    ("六氯苯", 0.33, 1.0, 3.3, 10),
    ("灭蚁灵", 0.03, 0.09, 0.3, 0.9),
    ("多氯联苯（总量）", 0.14, 0.38, 1.4, 3.8),
    ("3,3',4,4',5-五氯联苯（PCB 126）", 4e-5, 1e-4, 4e-4, 1e-3),
    ("3,3',4,4',5,5'-六氯联苯（PCB 169）", 1e-4, 4e-4, 1e-3, 4e-3),
    ("二噁英类（总毒性当量）", 1e-5, 4e-5, 1e-4, 4e-4),
    ("多溴联苯（总量）", 0.02, 0.06, 0.2, 0.6),
    ("石油烃（C10-C40）", 826, 4500, 5000, 9000),
)

_BACKGROUND: Final = {"砷", "钴", "钒"}

#: GB 36600-2018 Table 1 (basic items): screening and intervention values [mg/kg] of both land classes.
#:
#: :meta hide-value:
TABLE_1: Final[tuple[ConstructionLimit, ...]] = tuple(
    ConstructionLimit(1, n, name, cas, s1, s2, i1, i2, name in _BACKGROUND)
    for n, (name, cas, s1, s2, i1, i2) in enumerate(_T1, start=1)
)
#: GB 36600-2018 Table 2 (other items): screening and intervention values [mg/kg] of both land classes.
#:
#: :meta hide-value:
TABLE_2: Final[tuple[ConstructionLimit, ...]] = tuple(
    ConstructionLimit(2, n, name, "", s1, s2, i1, i2, name in _BACKGROUND)
    for n, (name, s1, s2, i1, i2) in enumerate(_T2, start=1)
)
#: Tables 1 and 2 by item name.
#:
#: :meta hide-value:
LIMITS_BY_NAME: Final[dict[str, ConstructionLimit]] = {
    row.name_zh: row for row in TABLE_1 + TABLE_2
}

#: Spelling variants ignored when matching item names (written → meant).
KEY_REPLACEMENTS: Final[tuple[tuple[str, str], ...]] = (
    ("（", "("), ("）", ")"), ("[", "("), ("]", ")"), ("′", "'"), ("’", "'"), ("-", ""), (" ", ""),
)  # fmt: skip
_KEY_TABLE: Final = str.maketrans({written: meant for written, meant in KEY_REPLACEMENTS})


def item_key(name: str) -> str:
    """Spelling-insensitive key of a GB 36600-2018 item name (full/half-width brackets, primes,
    hyphens and spaces ignored: "铬（六价）" = "铬(六价)", "间-二甲苯+对-二甲苯" = "间二甲苯+对二甲苯");
    text only, no unit [–].

    Parameters
    ----------
    name
        An item name as written.

    Returns
    -------
    str
        The key.
    """
    return name.strip().translate(_KEY_TABLE)


#: Tables 1 and 2 by :func:`item_key`.
#:
#: :meta hide-value:
LIMITS_BY_KEY: Final[dict[str, ConstructionLimit]] = {
    item_key(row.name_zh): row for row in TABLE_1 + TABLE_2
}

#: Result codes (clause 5): 1 低于筛选值, 2 超过筛选值, 3 超过管制值, 0 not assessed.
RESULT_LABELS: Final[dict[int, str]] = {
    0: "",
    1: "不超过筛选值（风险一般可忽略）",
    2: "超过筛选值（需详细调查和风险评估）",
    3: "超过管制值（需风险管控或修复）",
}


def land_class_values(item: str, land_class: int) -> tuple[float, float]:
    """(screening, intervention) [mg/kg] of one item for land class 1 or 2 (GB 36600-2018 Tables 1-2).
    KeyError for an item not in the tables; ValueError for a land class other than 1 or 2.

    Parameters
    ----------
    item
        Table 1 or Table 2 item name.
    land_class
        1 (第一类用地) or 2 (第二类用地).

    Returns
    -------
    tuple of (float, float)
        Screening and intervention values [mg/kg].
    """
    if land_class not in (1, 2):
        raise ValueError(f"GB 36600-2018 land class must be 1 or 2, got {land_class}")
    try:
        row = LIMITS_BY_KEY[item_key(item)]
    except KeyError:
        raise KeyError(f"GB 36600-2018 has no item {item!r}") from None
    if land_class == 1:
        return row.screening_1, row.intervention_1
    return row.screening_2, row.intervention_2


def construction_result(
    items: ArrayLike,
    values: ArrayLike,
    land_class: int,
    background: ArrayLike | None = None,
) -> NDArray[np.int8]:
    """Result code per measurement (GB 36600-2018 clause 5): 1 ≤ screening, 2 > screening and
    ≤ intervention, 3 > intervention; 0 for a NaN value or an item not in Tables 1-2.

    ``items`` are Table 1/2 names (e.g. "苯", "砷"); ``values`` [mg/kg]; ``land_class`` 1 or 2 (pass
    1 when the planned use is unclear). ``background`` [mg/kg], per measurement (NaN = unknown):
    for As, Co, V (footnote ①) a value above screening but ≤ background is reported 1.

    Parameters
    ----------
    items
        Item name per measurement.
    values
        Measured contents [mg/kg].
    land_class
        1 or 2.
    background
        Background content per measurement [mg/kg] (NaN = unknown; None = none known).

    Returns
    -------
    numpy.ndarray of int8
        Result code 0-3 per measurement.
    """
    if land_class not in (1, 2):
        raise ValueError(f"GB 36600-2018 land class must be 1 or 2, got {land_class}")
    names = np.asarray(items, dtype=object)
    array = np.asarray(values, dtype=np.float64)
    known = np.array([item_key(str(name)) in LIMITS_BY_KEY for name in np.unique(names)])
    lookup = dict(zip(np.unique(names), known, strict=True))
    present = np.array([lookup[name] for name in names], dtype=bool) if names.size else names
    screen = np.full(array.shape, np.nan)
    interv = np.full(array.shape, np.nan)
    exempt = np.zeros(array.shape, dtype=bool)
    for name in np.unique(names):
        if not lookup[name]:
            continue
        s, i = land_class_values(str(name), land_class)
        rows = names == name
        screen[rows], interv[rows] = s, i
        exempt[rows] = LIMITS_BY_KEY[item_key(str(name))].background_exemption
    codes = np.where(array <= screen, 1, np.where(array > interv, 3, 2))
    if background is not None:
        local = np.broadcast_to(np.asarray(background, dtype=np.float64), array.shape)
        codes = np.where(exempt & (codes >= 2) & (array <= local), 1, codes)
    codes = np.where(np.isnan(array) | ~present.astype(bool), 0, codes)
    return codes.astype(np.int8)
