"""IAQI at, just below and just above every breakpoint of every column of both HJ 633 editions.

Expected values: the tables transcribed here by hand from the PDFs (HJ 633-2012 Table 1,
HJ 633-2026 Table 3, in the project reference folder shared/reference/standards/), evaluated with ``fractions.Fraction`` and
``math.ceil`` (HJ 633-2012 §6.2, HJ 633-2026 §4.2.6: always rounded up).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from envplan.standards.air.aqi import iaqi
from envplan.standards.air.rules import HJ633_2012, HJ633_2026

IAQI_ROWS = (0, 50, 100, 150, 200, 300, 400, 500)

# column: (breakpoints, step of the rounding unit); None = no breakpoint in that row.
TABLE_2012: dict[str, tuple[str, ...]] = {
    "SO2_24h": ("0", "50", "150", "475", "800", "1600", "2100", "2620"),
    "SO2_1h": ("0", "150", "500", "650", "800"),
    "NO2_24h": ("0", "40", "80", "180", "280", "565", "750", "940"),
    "NO2_1h": ("0", "100", "200", "700", "1200", "2340", "3090", "3840"),
    "PM10_24h": ("0", "50", "150", "250", "350", "420", "500", "600"),
    "CO_24h": ("0", "2", "4", "14", "24", "36", "48", "60"),
    "CO_1h": ("0", "5", "10", "35", "60", "90", "120", "150"),
    "O3_1h": ("0", "160", "200", "300", "400", "800", "1000", "1200"),
    "O3_8h": ("0", "100", "160", "215", "265", "800"),
    "PM2.5_24h": ("0", "35", "75", "115", "150", "250", "350", "500"),
}
TABLE_2026 = dict(TABLE_2012)
TABLE_2026["PM10_24h"] = ("0", "50", "120", "250", "350", "420", "500", "600")
TABLE_2026["PM2.5_24h"] = ("0", "35", "60", "115", "150", "250", "350", "500")

# Above the last breakpoint: 2012 notes (2)/(3) no IAQI; 2026 notes b/c 200/300; full columns 500.
ABOVE_TOP_2012 = {"SO2_1h": None, "O3_8h": None}
ABOVE_TOP_2026 = {"SO2_1h": 200, "O3_8h": 300}


def _expected(table: tuple[str, ...], c: Fraction) -> int:
    bps = [Fraction(b) for b in table]
    for k in range(1, len(bps)):
        if c <= bps[k]:
            lo, hi = bps[k - 1], bps[k]
            value = (
                Fraction(IAQI_ROWS[k] - IAQI_ROWS[k - 1]) / (hi - lo) * (c - lo) + IAQI_ROWS[k - 1]
            )
            return math.ceil(value)
    raise AssertionError("above table")


def _cases(edition: str, table: dict[str, tuple[str, ...]], above: dict[str, int | None]):
    for key, bps in table.items():
        step = Fraction(1, 10) if key.startswith("CO") else Fraction(1)
        for k, bp_text in enumerate(bps):
            bp = Fraction(bp_text)
            yield pytest.param(edition, key, bp, IAQI_ROWS[k], id=f"{edition}-{key}-at-{bp_text}")
            if k > 0:
                yield pytest.param(
                    edition,
                    key,
                    bp - step,
                    _expected(bps, bp - step),
                    id=f"{edition}-{key}-below-{bp_text}",
                )
            if k < len(bps) - 1:
                yield pytest.param(
                    edition,
                    key,
                    bp + step,
                    _expected(bps, bp + step),
                    id=f"{edition}-{key}-above-{bp_text}",
                )
            else:
                yield pytest.param(
                    edition, key, bp + step, above.get(key, 500), id=f"{edition}-{key}-above-top"
                )


CASES = [*_cases("2012", TABLE_2012, ABOVE_TOP_2012), *_cases("2026", TABLE_2026, ABOVE_TOP_2026)]


@pytest.mark.parametrize(("edition", "key", "concentration", "expected"), CASES)
def test_iaqi_at_and_around_breakpoints(
    edition: str, key: str, concentration: Fraction, expected: int | None
) -> None:
    rules = HJ633_2012 if edition == "2012" else HJ633_2026
    got = iaqi(np.array([float(concentration)]), rules.columns[key])[0]
    if expected is None:
        assert np.isnan(got)
    else:
        assert got == expected


def test_every_column_of_both_editions_is_covered() -> None:
    assert set(TABLE_2012) == set(HJ633_2012.columns)
    assert set(TABLE_2026) == set(HJ633_2026.columns)
    assert len(CASES) > 300


def test_continuous_segments_not_epa_style() -> None:
    # air-standards.md §1.2: 35 → 50 and 36 → 51.25 → 52 (python-aqi's gapped segments give 51).
    col = HJ633_2012.columns["PM2.5_24h"]
    assert list(iaqi(np.array([35.0, 36.0, 56.0, 40.0]), col)) == [50, 52, 77, 57]


def test_concentration_rounded_half_even_before_scoring() -> None:
    # GB/T 8170: 35.5 → 36 (odd 5 → even 36), 36.5 → 36; CO 2.25 → 2.2, 2.35 → 2.4.
    pm25 = HJ633_2012.columns["PM2.5_24h"]
    assert list(iaqi(np.array([35.5, 36.5, 35.4]), pm25)) == [52, 52, 50]
    co = HJ633_2012.columns["CO_24h"]
    # CO 2.2 → 50 + 50/2·0.2 = 55; 2.4 → 60.
    assert list(iaqi(np.array([2.25, 2.35]), co)) == [55, 60]


def test_missing_and_negative_concentrations_give_no_iaqi() -> None:
    got = iaqi(np.array([np.nan, -1.0, -0.4, -np.inf]), HJ633_2012.columns["NO2_1h"])
    assert np.isnan(got[:2]).all()
    # -0.4 rounds to 0 (GB/T 8170) → IAQI 0; -inf is missing; +inf is above the top → 500.
    assert got[2] == 0 and np.isnan(got[3])
    assert iaqi(np.array([np.inf]), HJ633_2012.columns["NO2_1h"])[0] == 500


def test_python_aqi_counterexamples_from_the_reference() -> None:
    # anchors-and-conventions.md §1.6: correct HJ 633-2012 values next to python-aqi's.
    co = HJ633_2012.columns["CO_24h"]
    assert list(iaqi(np.array([1.9, 2.5, 3.5]), co)) == [48, 63, 88]
    assert iaqi(np.array([80.0]), HJ633_2012.columns["PM2.5_24h"])[0] == 107
    assert iaqi(np.array([80.0]), HJ633_2026.columns["PM2.5_24h"])[0] == 119
    assert iaqi(np.array([120.0, 151.0]), HJ633_2026.columns["PM10_24h"]).tolist() == [100, 112]
    assert iaqi(np.array([120.0, 151.0]), HJ633_2012.columns["PM10_24h"]).tolist() == [85, 101]
