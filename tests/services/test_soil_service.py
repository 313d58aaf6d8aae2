"""Soil services on the bundled 示例 files; expected results worked by hand from GB 15618-2018
and GB 36600-2018 tables (reference §4, §6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from envplan.monitoring.soil_readers import read_construction_samples, read_farmland_samples
from envplan.services.soil.samples import classify_construction, classify_farmland

TEMPLATES = (
    Path(__file__).resolve().parents[2] / "src" / "envplan" / "monitoring" / "bundled" / "templates"
)


def test_farmland_samples_parcels_and_rate() -> None:
    result = classify_farmland(read_farmland_samples(TEMPLATES / "soil_farmland_示例.csv"))
    risks = dict(zip(result.samples["sample_id"], result.samples["risk"], strict=True))
    # 01/02 dry land pH > 7.5: all items below band (d) values; 03 Cd 0.45 > 0.3 (band c, other);
    # 04 Cd 2.30 > intervention 2.0 (band b); 05 orchard Cu 180 ≤ 200 (band c).
    assert risks == {
        "示例-01": "低风险", "示例-02": "低风险", "示例-03": "可能存在风险",
        "示例-04": "高风险", "示例-05": "低风险",
    }  # fmt: skip
    four = result.samples.filter(result.samples["sample_id"] == "示例-04").row(0, named=True)
    assert four["exceeding"] == "镉(2.3>0.3),铅(120.0>90.0)"
    assert four["high_risk_items"] == "镉(2.3>2.0)"
    categories = dict(zip(result.parcels["parcel_id"], result.parcels["category"], strict=True))
    assert categories == {
        "示例地块A": "优先保护类", "示例地块B": "安全利用类", "示例地块C": "严格管控类",
        "示例地块D": "优先保护类",
    }  # fmt: skip
    # contaminated area B 85 + C 40 = 125, safely used B 85 → 68.0 %
    assert result.safe_use_rate == pytest.approx(68.0)
    assert result.rules_unconfirmed


@pytest.mark.parametrize(
    ("land_class", "samples", "parcels"),
    [
        (1, {"示例-S1": 1, "示例-S2": 2, "示例-S3": 3}, {"示例地块甲": 2, "示例地块乙": 3}),
        (2, {"示例-S1": 1, "示例-S2": 1, "示例-S3": 2}, {"示例地块甲": 1, "示例地块乙": 2}),
    ],
)
def test_construction(land_class: int, samples: dict[str, int], parcels: dict[str, int]) -> None:
    frame = read_construction_samples(TEMPLATES / "soil_construction_示例.csv")
    result = classify_construction(frame, land_class)
    got = dict(zip(result.samples["sample_id"], result.samples["result_code"], strict=True))
    assert got == samples
    got_parcels = dict(zip(result.parcels["parcel_id"], result.parcels["result_code"], strict=True))
    assert got_parcels == parcels


def test_construction_safe_use_rate() -> None:
    frame = read_construction_samples(TEMPLATES / "soil_construction_示例.csv")
    # class 1: plots 甲 (30 亩, safely used) and 乙 (20 亩, not) both exceed screening → 30/50
    assert classify_construction(frame, 1).safe_use_rate == pytest.approx(60.0)
    # class 2: 甲 does not exceed screening, 乙 does and is not safely used → 0/20
    assert classify_construction(frame, 2).safe_use_rate == pytest.approx(0.0)
