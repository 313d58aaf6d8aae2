"""Farmland categories (优先保护类 / 安全利用类 / 严格管控类) and safe-use rates.

Documents:

* 《中华人民共和国土壤污染防治法》 (2018) Art. 49 and 53-54: the three farmland categories.
* GB 15618-2018 clause 5: sample risk (see :mod:`envplan.standards.soil.gb15618`).
* 《农用地土壤环境质量类别划分技术指南》 环办土壤函〔2019〕53号: soil grade per point and the adjustment
  with co-located crop data. The reference could not verify its text (reference §5, tag [U]), so
  every rule that depends on it is a parameter of :class:`CategoryRules` and reported as
  unconfirmed (``CategoryRules.unconfirmed``).

"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: zh-CN label of each farmland category code (0 = not assessed).
CATEGORY_LABELS: Final[dict[int, str]] = {0: "", 1: "优先保护类", 2: "安全利用类", 3: "严格管控类"}

#: Crop exceedance codes (GB 2762 food limits): 0 no crop data, 1 none, 2 slight, 3 serious.
CROP_NONE, CROP_SLIGHT, CROP_SERIOUS = 1, 2, 3


@dataclass(frozen=True)
class CategoryRules:
    """Adjustment of the soil-only category with crop data (环办土壤函〔2019〕53号 Table, [U]).

    ``table[soil_category][crop_code]`` gives the category; soil category 1 = A (all ≤ screening),
    2 = B (> screening, ≤ intervention), 3 = C (> intervention); crop codes as above. Defaults are
    the reference §5 reading; "serious" exceedance has no confirmed threshold, so the caller decides
    which crop samples count as serious.
    """

    table: dict[int, dict[int, int]] = field(
        default_factory=lambda: {
            1: {CROP_NONE: 1, CROP_SLIGHT: 2, CROP_SERIOUS: 2},
            2: {CROP_NONE: 2, CROP_SLIGHT: 2, CROP_SERIOUS: 3},
            # "may be adjusted to 安全利用" when crops do not exceed: kept strict by default.
            3: {CROP_NONE: 3, CROP_SLIGHT: 3, CROP_SERIOUS: 3},
        }
    )
    unconfirmed: bool = True
    source: str = "环办土壤函〔2019〕53号 as summarised in reference §5 (未经原文核实)"


def parcel_category(
    soil_category: ArrayLike, crop_exceedance: ArrayLike, rules: CategoryRules | None = None
) -> NDArray[np.int8]:
    """Category code 1 优先保护类 / 2 安全利用类 / 3 严格管控类 per parcel or unit.

    ``soil_category`` 1..3 (worst sample risk of GB 15618-2018 clause 5; 0 = not assessed → 0);
    ``crop_exceedance`` 0 (no crop data: the soil-only category stands), 1 none, 2 slight,
    3 serious (GB 2762 limits). ``rules`` default: :class:`CategoryRules` (unconfirmed, flagged).
    Codes are dimensionless [–]; codes outside 0..3 are clipped into it.

    Parameters
    ----------
    soil_category
        Soil-only category 0-3 per parcel (worst sample risk).
    crop_exceedance
        Crop exceedance 0-3 per parcel.
    rules
        The category rules (None = :class:`CategoryRules` defaults).

    Returns
    -------
    numpy.ndarray of int8
        Category code 0-3 per parcel.
    """
    chosen = rules or CategoryRules()
    soil = np.asarray(soil_category, dtype=np.int64)
    crop = np.broadcast_to(np.asarray(crop_exceedance, dtype=np.int64), soil.shape)
    lookup = np.zeros((4, 4), dtype=np.int8)
    for soil_code in (1, 2, 3):
        lookup[soil_code, 0] = soil_code
        for crop_code in (CROP_NONE, CROP_SLIGHT, CROP_SERIOUS):
            lookup[soil_code, crop_code] = chosen.table[soil_code][crop_code]
    result: NDArray[np.int8] = lookup[np.clip(soil, 0, 3), np.clip(crop, 0, 3)]
    return result


def safe_use_rate(safely_used_area: ArrayLike, contaminated_area: ArrayLike) -> float:
    """Safe-use rate [%] = Σ area safely used ÷ Σ contaminated area × 100.

    Documents: 《土壤污染防治行动计划》 (国发〔2016〕31号) indicator 受污染耕地安全利用率 /
    污染地块安全利用率; areas in any one unit [亩 or hm²]. No contaminated area → NaN (the rate is
    undefined, not 100 %).

    Parameters
    ----------
    safely_used_area
        Area safely used, per unit [亩 or hm²].
    contaminated_area
        Contaminated area, per unit [same unit].

    Returns
    -------
    float
        The rate [%].
    """
    safe = float(np.sum(np.asarray(safely_used_area, dtype=np.float64)))
    total = float(np.sum(np.asarray(contaminated_area, dtype=np.float64)))
    if total <= 0.0:
        return float("nan")
    return safe / total * 100.0
