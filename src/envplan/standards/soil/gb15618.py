"""GB 15618-2018 《土壤环境质量 农用地土壤污染风险管控标准（试行）》, tables 1-3, and sample risk.

Document: GB 15618-2018, in force 2018-08-01 (replaces GB 15618-1995). Values [mg/kg] of total
element content in soil, typed from ``shared/reference/water-soil-standards.md`` §4 (two independent
transcriptions of the MEE PDF, tag [X]).

* Table 1 (clause 4.1, 风险筛选值, basic items): by soil pH band and land use (水田 paddy / 其他 other;
  果园 orchard for Cu). On paddy-dry rotation land the stricter value applies (Table 1 note).
* Table 2 (clause 4.1, other items): one value for every pH.
* Table 3 (clause 4.2, 风险管制值): Cd, Hg, As, Pb, Cr by pH band; no value for Cu, Ni, Zn and Table 2.
* Clause 5 (use of the values): ≤ screening → risk low (低风险); > screening → possible risk
  (可能存在风险), for Cd/Hg/As/Pb/Cr between screening and intervention → safe use (安全利用);
  > intervention → high risk (高风险), in principle strict control (严格管控).
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: The farmland soil standard implemented.
EDITION: Final = "GB 15618-2018"

#: Land use of a sample for the Table 1 columns.
LandUse = Literal["paddy", "other", "orchard", "rotation"]
#: The land uses accepted.
LAND_USES: Final[tuple[str, ...]] = ("paddy", "other", "orchard", "rotation")
#: zh-CN name of each land use.
LAND_USE_ZH: Final[dict[str, str]] = {
    "paddy": "水田",
    "other": "其他（旱地等）",
    "orchard": "果园",
    "rotation": "水旱轮作",
}

#: Upper edges of the pH bands (a) ≤5.5, (b) 5.5<pH≤6.5, (c) 6.5<pH≤7.5, (d) >7.5.
PH_BAND_EDGES: Final = (5.5, 6.5, 7.5)
#: Names of the four pH bands of Tables 1 and 3.
PH_BAND_NAMES: Final = ("pH≤5.5", "5.5<pH≤6.5", "6.5<pH≤7.5", "pH>7.5")

Row = tuple[float, float, float, float]

#: Table 1 screening values [mg/kg]: item → {column: values for bands a-d}. "all" applies to every
#: land use; "other" to every land use other than paddy unless a more specific column exists.
TABLE_1: Final[dict[str, dict[str, Row]]] = {
    "cd": {"paddy": (0.3, 0.4, 0.6, 0.8), "other": (0.3, 0.3, 0.3, 0.6)},
    "hg": {"paddy": (0.5, 0.5, 0.6, 1.0), "other": (1.3, 1.8, 2.4, 3.4)},
    "as": {"paddy": (30.0, 30.0, 25.0, 20.0), "other": (40.0, 40.0, 30.0, 25.0)},
    "pb": {"paddy": (80.0, 100.0, 140.0, 240.0), "other": (70.0, 90.0, 120.0, 170.0)},
    "cr": {"paddy": (250.0, 250.0, 300.0, 350.0), "other": (150.0, 150.0, 200.0, 250.0)},
    "cu": {"orchard": (150.0, 150.0, 200.0, 200.0), "other": (50.0, 50.0, 100.0, 100.0)},
    "ni": {"all": (60.0, 70.0, 100.0, 190.0)},
    "zn": {"all": (200.0, 200.0, 250.0, 300.0)},
}

#: Table 2 screening values [mg/kg], all pH and land uses.
TABLE_2: Final[dict[str, float]] = {"hch": 0.10, "ddt": 0.10, "bap": 0.55}

#: Table 3 intervention values [mg/kg] by pH band a-d.
TABLE_3: Final[dict[str, Row]] = {
    "cd": (1.5, 2.0, 3.0, 4.0),
    "hg": (2.0, 2.5, 4.0, 6.0),
    "as": (200.0, 150.0, 120.0, 100.0),
    "pb": (400.0, 500.0, 700.0, 1000.0),
    "cr": (800.0, 850.0, 1000.0, 1300.0),
}

#: zh-CN name of each Table 1 and Table 2 item.
ITEM_NAMES_ZH: Final[dict[str, str]] = {
    "cd": "镉", "hg": "汞", "as": "砷", "pb": "铅", "cr": "铬", "cu": "铜", "ni": "镍", "zn": "锌",
    "hch": "六六六总量", "ddt": "滴滴涕总量", "bap": "苯并[a]芘",
}  # fmt: skip
#: The items of Tables 1 and 2.
ITEMS: Final[tuple[str, ...]] = tuple(ITEM_NAMES_ZH)

#: Sample risk codes (clause 5): 1 低风险, 2 可能存在风险 (安全利用 for Table 3 items), 3 高风险.
RISK_LABELS: Final[dict[int, str]] = {0: "", 1: "低风险", 2: "可能存在风险", 3: "高风险"}


def ph_band(ph: ArrayLike) -> NDArray[np.int8]:
    """Band index 0..3 = (a) pH ≤ 5.5, (b) 5.5 < pH ≤ 6.5, (c) 6.5 < pH ≤ 7.5, (d) pH > 7.5
    (GB 15618-2018 Tables 1 and 3 headers; soil pH [dimensionless]). NaN → −1.

    Parameters
    ----------
    ph
        Soil pH [dimensionless].

    Returns
    -------
    numpy.ndarray of int8
        Band 0-3, −1 for NaN.
    """
    array = np.asarray(ph, dtype=np.float64)
    band = np.searchsorted(np.asarray(PH_BAND_EDGES), array, side="left").astype(np.int8)
    result: NDArray[np.int8] = np.where(np.isnan(array), -1, band).astype(np.int8)
    return result


def _column(item: str, land_use: str) -> Row:
    table = TABLE_1[item]
    if "all" in table:
        return table["all"]
    if land_use in table:
        return table[land_use]
    return table["other"]


def screening_value(item: str, ph: ArrayLike, land_use: ArrayLike | str) -> NDArray[np.float64]:
    """Risk screening value [mg/kg] (GB 15618-2018 clause 4.1, Table 1 or Table 2).

    ``land_use`` per sample: paddy (水田), other (旱地等), orchard (果园: own column for Cu, "other"
    for the rest), rotation (水旱轮作: the stricter of paddy and other, Table 1 note). Soil pH NaN →
    NaN for pH-dependent items. Unknown item → KeyError; unknown land use → ValueError.

    Parameters
    ----------
    item
        Table 1 or Table 2 item (e.g. ``Cd``).
    ph
        Soil pH per sample [dimensionless].
    land_use
        ``paddy``, ``other``, ``orchard`` or ``rotation``, per sample or one for all.

    Returns
    -------
    numpy.ndarray of float64
        The screening values [mg/kg].
    """
    ph_array = np.atleast_1d(np.asarray(ph, dtype=np.float64))
    uses = np.broadcast_to(np.asarray(land_use, dtype=object), ph_array.shape)
    unknown = set(np.unique(uses.astype(str))) - set(LAND_USES)
    if unknown:
        raise ValueError(f"GB 15618-2018 has no land use {sorted(unknown)}")
    if item in TABLE_2:
        return np.full(ph_array.shape, TABLE_2[item])
    if item not in TABLE_1:
        raise KeyError(f"GB 15618-2018 has no screening value for {item!r}")
    band = ph_band(ph_array)
    result = np.full(ph_array.shape, np.nan)
    for use in LAND_USES:
        if use == "rotation":
            row = np.minimum(np.asarray(_column(item, "paddy")), np.asarray(_column(item, "other")))
        else:
            row = np.asarray(_column(item, use))
        selected = (uses == use) & (band >= 0)
        result[selected] = row[band[selected]]
    return result


def intervention_value(item: str, ph: ArrayLike) -> NDArray[np.float64]:
    """Risk intervention value [mg/kg] (GB 15618-2018 clause 4.2, Table 3) for Cd, Hg, As, Pb, Cr;
    NaN for items without one (Cu, Ni, Zn, Table 2 items) and for NaN pH.

    Parameters
    ----------
    item
        Table 3 item (e.g. ``Cd``).
    ph
        Soil pH per sample [dimensionless].

    Returns
    -------
    numpy.ndarray of float64
        The intervention values [mg/kg].
    """
    ph_array = np.atleast_1d(np.asarray(ph, dtype=np.float64))
    if item not in TABLE_3:
        return np.full(ph_array.shape, np.nan)
    band = ph_band(ph_array)
    row = np.asarray(TABLE_3[item])
    return np.where(band >= 0, row[np.clip(band, 0, 3)], np.nan)


def sample_risk(
    item: str, values: ArrayLike, ph: ArrayLike, land_use: ArrayLike | str
) -> NDArray[np.int8]:
    """Risk code of each sample for one item (GB 15618-2018 clause 5): 1 低风险 (C ≤ screening),
    2 可能存在风险 (screening < C ≤ intervention, or > screening for items without intervention
    value), 3 高风险 (C > intervention). Values [mg/kg]; NaN value or pH → 0 (not assessed).

    Parameters
    ----------
    item
        Table 1 or Table 2 item.
    values
        Measured contents [mg/kg].
    ph
        Soil pH per sample [dimensionless].
    land_use
        ``paddy``, ``other``, ``orchard`` or ``rotation``, per sample or one for all.

    Returns
    -------
    numpy.ndarray of int8
        Risk code 0-3 per sample.
    """
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    screen = screening_value(item, ph, land_use)
    interv = intervention_value(item, ph)
    codes = np.where(array <= screen, 1, np.where(array > interv, 3, 2))
    codes = np.where(np.isnan(array) | np.isnan(screen), 0, codes)
    return codes.astype(np.int8)
