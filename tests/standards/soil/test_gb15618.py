"""GB 15618-2018: every screening and intervention value at, just inside and just outside, the pH
band edges, and the reference's worked examples W5. Values typed from the reference §4 tables
(shared/reference/water-soil-standards.md), independently of envplan.standards.soil.gb15618."""

from __future__ import annotations

import math

import numpy as np
import pytest

from envplan.standards.soil.categories import (
    CategoryRules,
    parcel_category,
    safe_use_rate,
)
from envplan.standards.soil.gb15618 import (
    intervention_value,
    ph_band,
    sample_risk,
    screening_value,
)

# One representative pH per band: (a) ≤5.5, (b) 5.5–6.5, (c) 6.5–7.5, (d) >7.5
BAND_PH = (5.0, 6.0, 7.0, 8.0)

SCREENING_TYPED = {
    ("cd", "paddy"): (0.3, 0.4, 0.6, 0.8),
    ("cd", "other"): (0.3, 0.3, 0.3, 0.6),
    ("hg", "paddy"): (0.5, 0.5, 0.6, 1.0),
    ("hg", "other"): (1.3, 1.8, 2.4, 3.4),
    ("as", "paddy"): (30, 30, 25, 20),
    ("as", "other"): (40, 40, 30, 25),
    ("pb", "paddy"): (80, 100, 140, 240),
    ("pb", "other"): (70, 90, 120, 170),
    ("cr", "paddy"): (250, 250, 300, 350),
    ("cr", "other"): (150, 150, 200, 250),
    ("cu", "orchard"): (150, 150, 200, 200),
    ("cu", "other"): (50, 50, 100, 100),
    ("cu", "paddy"): (50, 50, 100, 100),
    ("ni", "paddy"): (60, 70, 100, 190),
    ("ni", "other"): (60, 70, 100, 190),
    ("zn", "paddy"): (200, 200, 250, 300),
    ("zn", "orchard"): (200, 200, 250, 300),
    ("hch", "paddy"): (0.10, 0.10, 0.10, 0.10),
    ("ddt", "other"): (0.10, 0.10, 0.10, 0.10),
    ("bap", "orchard"): (0.55, 0.55, 0.55, 0.55),
}
INTERVENTION_TYPED = {
    "cd": (1.5, 2.0, 3.0, 4.0),
    "hg": (2.0, 2.5, 4.0, 6.0),
    "as": (200, 150, 120, 100),
    "pb": (400, 500, 700, 1000),
    "cr": (800, 850, 1000, 1300),
}


def _screening_cases() -> list[tuple[str, str, float, float]]:
    return [
        (item, use, ph, value)
        for (item, use), values in SCREENING_TYPED.items()
        for ph, value in zip(BAND_PH, values, strict=True)
    ]


@pytest.mark.parametrize(("item", "use", "ph", "limit"), _screening_cases())
def test_every_screening_value(item: str, use: str, ph: float, limit: float) -> None:
    assert screening_value(item, [ph], use)[0] == pytest.approx(limit)
    values = [limit * (1 - 1e-6), limit, limit * (1 + 1e-6)]
    risks = sample_risk(item, values, [ph] * 3, use).tolist()
    assert risks[:2] == [1, 1]
    assert risks[2] == 2  # just above screening: possible risk (below any intervention value)


@pytest.mark.parametrize(
    ("item", "ph", "limit"),
    [
        (item, ph, value)
        for item, values in INTERVENTION_TYPED.items()
        for ph, value in zip(BAND_PH, values, strict=True)
    ],
)
def test_every_intervention_value(item: str, ph: float, limit: float) -> None:
    assert intervention_value(item, [ph])[0] == pytest.approx(limit)
    risks = sample_risk(item, [limit * (1 - 1e-6), limit, limit * (1 + 1e-6)], [ph] * 3, "paddy")
    assert risks.tolist() == [2, 2, 3]


@pytest.mark.parametrize("item", ["cu", "ni", "zn", "hch", "ddt", "bap"])
def test_items_without_intervention_value_never_high_risk(item: str) -> None:
    assert math.isnan(intervention_value(item, [7.0])[0])
    assert sample_risk(item, [1e6], [7.0], "other").tolist() == [2]


@pytest.mark.parametrize(
    ("ph", "band"),
    [(5.5, 0), (5.5001, 1), (6.5, 1), (6.5001, 2), (7.5, 2), (7.5001, 3), (3.0, 0), (9.5, 3)],
)
def test_ph_band_edges(ph: float, band: int) -> None:
    assert ph_band([ph]).tolist() == [band]


def test_ph_band_edges_change_the_value() -> None:
    # Cd paddy: 0.3 at pH 5.5 (band a), 0.4 just above (band b).
    assert screening_value("cd", [5.5, 5.51], "paddy").tolist() == [0.3, 0.4]
    assert intervention_value("as", [7.5, 7.51]).tolist() == [120.0, 100.0]
    assert ph_band([math.nan]).tolist() == [-1]
    assert sample_risk("cd", [0.2], [math.nan], "paddy").tolist() == [0]


def test_rotation_land_uses_the_stricter_value() -> None:
    # Cd at pH 7.0: paddy 0.6, other 0.3 → 0.3. As at pH 7.0: paddy 25, other 30 → 25.
    assert screening_value("cd", [7.0], "rotation")[0] == 0.3
    assert screening_value("as", [7.0], "rotation")[0] == 25.0


def test_w5_examples() -> None:
    assert sample_risk("cd", [0.5], [6.0], "paddy").tolist() == [2]  # 0.4 < 0.5 ≤ 2.0
    assert sample_risk("cd", [0.5], [8.0], "other").tolist() == [1]  # ≤ 0.6
    assert sample_risk("cd", [1.6], [5.0], "paddy").tolist() == [3]  # > 1.5
    assert sample_risk("cu", [180, 250], [7.0, 7.0], "orchard").tolist() == [1, 2]
    assert sample_risk("as", [28, 28], [7.5, 7.5], np.array(["other", "paddy"])).tolist() == [1, 2]


def test_unknown_land_use_is_refused() -> None:
    with pytest.raises(ValueError, match="land use"):
        screening_value("cd", [6.0], "forest")


def test_parcel_categories_default_rules_are_flagged() -> None:
    rules = CategoryRules()
    assert rules.unconfirmed
    soil = [1, 1, 2, 2, 3, 3, 2]
    crop = [1, 2, 1, 3, 1, 3, 0]
    assert parcel_category(soil, crop).tolist() == [1, 2, 2, 3, 3, 3, 2]
    relaxed = CategoryRules(
        table={**rules.table, 3: {1: 2, 2: 3, 3: 3}}, source="local rule for the test"
    )
    assert parcel_category([3], [1], relaxed).tolist() == [2]


def test_safe_use_rate() -> None:
    assert safe_use_rate([45.0, 47.0], [50.0, 50.0]) == pytest.approx(92.0)
    assert math.isnan(safe_use_rate([], []))
