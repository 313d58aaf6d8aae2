"""Soil services: classify farmland samples (GB 15618-2018), parcels and safe-use rate; classify
construction-land samples and plots (GB 36600-2018). Used by `envplan soil classify`, the web
dashboard and the monthly bulletin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from envplan.standards.soil.categories import (
    CATEGORY_LABELS,
    CategoryRules,
    parcel_category,
    safe_use_rate,
)
from envplan.standards.soil.gb15618 import (
    ITEM_NAMES_ZH,
    RISK_LABELS,
    intervention_value,
    sample_risk,
    screening_value,
)
from envplan.standards.soil.gb36600 import RESULT_LABELS, construction_result


@dataclass(frozen=True)
class FarmlandResult:
    """Per-sample risk, per-parcel category and the safe-use rate of contaminated farmland.

    ``samples``: sample_id, parcel_id, land_use, ph, risk (低风险/可能存在风险/高风险),
    soil_category (优先保护类/安全利用类/严格管控类 from soil alone), exceeding (items above the
    screening value with value/screening), high_risk_items (above intervention).
    ``parcels``: parcel_id, area_mu, soil_category, crop_exceedance, category, safely_used.
    ``safe_use_rate``: % of the contaminated (安全利用类 + 严格管控类) parcel area marked 已安全利用
    (None when no contaminated area or no 已安全利用 column).
    ``rules_unconfirmed``: the parcel rules come from a guideline the references could not verify.
    """

    samples: pl.DataFrame
    parcels: pl.DataFrame
    safe_use_rate: float | None
    rules_unconfirmed: bool
    rules_source: str
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (standard, samples, parcels, safe-use rate, rule flags, notes)."""
        return {
            "standard": "GB 15618-2018",
            "samples": self.samples.to_dicts(),
            "parcels": self.parcels.to_dicts(),
            "safe_use_rate": self.safe_use_rate,
            "rules_unconfirmed": self.rules_unconfirmed,
            "rules_source": self.rules_source,
            "notes": list(self.notes),
        }


def classify_farmland(samples: pl.DataFrame, rules: CategoryRules | None = None) -> FarmlandResult:
    """Class farmland samples (GB 15618-2018 clause 5) and their parcels (categories per
    :class:`CategoryRules`, unconfirmed and flagged). ``samples`` as read by
    :func:`envplan.monitoring.soil_readers.read_farmland_samples` [mg/kg]."""
    chosen = rules or CategoryRules()
    ph = samples.get_column("ph").fill_null(np.nan).to_numpy()
    land_use = samples.get_column("land_use").to_numpy().astype(object)
    risk_columns: list[pl.Series] = []
    label_parts: list[pl.Expr] = []
    high_parts: list[pl.Expr] = []
    for item, name in ITEM_NAMES_ZH.items():
        if item not in samples.columns:
            continue
        values = samples.get_column(item).cast(pl.Float64).fill_null(np.nan).to_numpy()
        risk_columns.append(
            pl.Series(f"risk_{item}", sample_risk(item, values, ph, land_use), dtype=pl.Int8)
        )
        risk_columns.append(pl.Series(f"screen_{item}", screening_value(item, ph, land_use)))
        risk_columns.append(pl.Series(f"interv_{item}", intervention_value(item, ph)))
        label_parts.append(
            pl.when(pl.col(f"risk_{item}") >= 2).then(
                pl.format("{}({}>{})", pl.lit(name), pl.col(item), pl.col(f"screen_{item}"))
            )
        )
        high_parts.append(
            pl.when(pl.col(f"risk_{item}") == 3).then(
                pl.format("{}({}>{})", pl.lit(name), pl.col(item), pl.col(f"interv_{item}"))
            )
        )
    classed = samples.with_columns(risk_columns)
    risk_names = [s.name for s in risk_columns if s.name.startswith("risk_")]
    classed = classed.with_columns(
        pl.max_horizontal([pl.col(c) for c in risk_names]).alias("risk_code"),
        pl.concat_str(label_parts, separator=",", ignore_nulls=True).alias("exceeding"),
        pl.concat_str(high_parts, separator=",", ignore_nulls=True).alias("high_risk_items"),
    ).with_columns(
        pl.col("risk_code").replace_strict(RISK_LABELS, return_dtype=pl.String).alias("risk"),
        pl.col("risk_code")
        .replace_strict(CATEGORY_LABELS, return_dtype=pl.String)
        .alias("soil_category"),
    )
    if "parcel_id" not in classed.columns:
        classed = classed.with_columns(pl.col("sample_id").alias("parcel_id"))
    extra = [c for c in ("area_mu", "crop_exceedance", "safely_used") if c in classed.columns]
    sample_out = classed.select(
        "sample_id", "parcel_id", "land_use", "ph", "risk", "soil_category", "exceeding",
        "high_risk_items", *extra, "risk_code",
    )  # fmt: skip
    parcels = _parcels(classed, chosen)
    rate = _safe_use_percent(parcels.filter(pl.col("category_code") >= 2))
    notes = (
        "地块类别划分规则依据《农用地土壤环境质量类别划分技术指南》（环办土壤函〔2019〕53号）的参考摘要，"
        "原文未核实，规则可配置；结果仅供参考。",
    )
    return FarmlandResult(sample_out, parcels, rate, chosen.unconfirmed, chosen.source, notes)


def _safe_use_percent(contaminated: pl.DataFrame) -> float | None:
    """% of the contaminated parcels' area marked 已安全利用, to 0.1; None without area or
    safe-use columns, or when the area is nil."""
    if not {"area_mu", "safely_used"} <= set(contaminated.columns):
        return None
    value = safe_use_rate(
        contaminated.select(
            pl.when(pl.col("safely_used")).then(pl.col("area_mu")).otherwise(0.0)
        ).to_series(),
        contaminated.get_column("area_mu"),
    )
    return None if value != value else round(value, 1)


def _parcels(classed: pl.DataFrame, rules: CategoryRules) -> pl.DataFrame:
    aggregations: list[pl.Expr] = [pl.col("risk_code").max().alias("soil_code")]
    if "area_mu" in classed.columns:
        aggregations.append(pl.col("area_mu").max().alias("area_mu"))
    if "crop_exceedance" in classed.columns:
        aggregations.append(pl.col("crop_exceedance").max().alias("crop_exceedance"))
    if "safely_used" in classed.columns:
        aggregations.append(pl.col("safely_used").all().alias("safely_used"))
    parcels = classed.group_by("parcel_id", maintain_order=True).agg(
        *aggregations, pl.len().alias("n_samples")
    )
    crop = (
        parcels.get_column("crop_exceedance").to_numpy()
        if "crop_exceedance" in parcels.columns
        else np.zeros(parcels.height, dtype=np.int64)
    )
    codes = parcel_category(parcels.get_column("soil_code").to_numpy(), crop, rules)
    return parcels.with_columns(
        pl.col("soil_code")
        .replace_strict(CATEGORY_LABELS, return_dtype=pl.String)
        .alias("soil_category"),
        pl.Series("category_code", codes, dtype=pl.Int8),
        pl.Series("category", [CATEGORY_LABELS[int(c)] for c in codes], dtype=pl.String),
    )


@dataclass(frozen=True)
class ConstructionResult:
    """Per-measurement and per-sample result against GB 36600-2018 for one land class."""

    land_class: int
    measurements: pl.DataFrame
    samples: pl.DataFrame
    parcels: pl.DataFrame
    safe_use_rate: float | None = None  # [%] over plots above screening, when areas are given

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (standard, land class, safe-use rate, measurements, samples,
        parcels).
        """
        return {
            "standard": "GB 36600-2018",
            "land_class": self.land_class,
            "safe_use_rate": self.safe_use_rate,
            "measurements": self.measurements.to_dicts(),
            "samples": self.samples.to_dicts(),
            "parcels": self.parcels.to_dicts(),
        }


def classify_construction(frame: pl.DataFrame, land_class: int) -> ConstructionResult:
    """Class construction-land results (GB 36600-2018 clause 5) for land class 1 or 2; samples and
    plots take their worst result. ``frame`` as read by ``read_construction_samples`` [mg/kg]."""
    background = (
        frame.get_column("background").fill_null(np.nan).to_numpy()
        if "background" in frame.columns
        else None
    )
    codes = construction_result(
        frame.get_column("item").to_numpy().astype(object),
        frame.get_column("value").fill_null(np.nan).to_numpy(),
        land_class,
        background,
    )
    measured = frame.with_columns(pl.Series("result_code", codes, dtype=pl.Int8)).with_columns(
        pl.col("result_code").replace_strict(RESULT_LABELS, return_dtype=pl.String).alias("result")
    )
    if "parcel_id" not in measured.columns:
        measured = measured.with_columns(pl.col("sample_id").alias("parcel_id"))
    label = pl.when(pl.col("result_code") >= 2).then(
        pl.format("{}({})", pl.col("item"), pl.col("value"))
    )
    samples = measured.group_by(["parcel_id", "sample_id"], maintain_order=True).agg(
        pl.col("result_code").max(),
        label.drop_nulls().str.join(",").alias("exceeding"),
    )
    plot_facts = [
        getattr(pl.col(name), how)().alias(name)
        for name, how in (("area_mu", "max"), ("safely_used", "all"))
        if name in measured.columns
    ]
    parcels = measured.group_by("parcel_id", maintain_order=True).agg(
        pl.col("result_code").max(),
        label.drop_nulls().unique(maintain_order=True).str.join(",").alias("exceeding"),
        pl.col("sample_id").n_unique().alias("n_samples"),
        *plot_facts,
    )
    # Plots above the screening value stand for contaminated plots here; the provincial
    # register (名录) remains the authority on which plots are contaminated.
    rate = _safe_use_percent(parcels.filter(pl.col("result_code") >= 2))
    as_text = pl.col("result_code").replace_strict(RESULT_LABELS, return_dtype=pl.String)
    return ConstructionResult(
        land_class,
        measured,
        samples.with_columns(as_text.alias("result")),
        parcels.with_columns(as_text.alias("result")),
        rate,
    )
