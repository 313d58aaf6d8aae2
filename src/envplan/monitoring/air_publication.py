"""The publication decision for every station-hour of a read file (`standards.air.publication`).

Glue between the reader's tables (1-h values, `published.unreported`) and the pure rule
function, so the CLI and services ask the same question the same way.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from envplan.standards.air.publication import (
    HOURLY_ITEMS,
    RULE_MODES,
    edition_for_labels,
    publication_decision,
)


def publication_flags(
    measurements: pl.DataFrame,
    published: pl.DataFrame,
    aqi: pl.DataFrame,
    *,
    mode: str = "published",
) -> pl.DataFrame:
    """``site, interval_end, publish`` for each row of ``aqi`` (a frame with ``site``,
    ``interval_end`` and ``aqi`` [dimensionless, null = none]), under ``mode``
    (:data:`~envplan.standards.air.publication.RULE_MODES`)."""
    if mode not in RULE_MODES:
        raise ValueError(f"未知的发布规则：{mode}（可选：{'、'.join(RULE_MODES)}）")
    hourly = measurements.filter(pl.col("averaging") == "1h").pivot(
        on="pollutant", index=["site", "interval_end"], values="value"
    )
    for item in HOURLY_ITEMS:
        if item not in hourly.columns:
            hourly = hourly.with_columns(pl.lit(None, dtype=pl.Float64).alias(item))
    marks = (
        published.select("site", "interval_end", "unreported").unique(["site", "interval_end"])
        if "unreported" in published.columns
        else published.select(
            "site", "interval_end", pl.lit(None, dtype=pl.String).alias("unreported")
        )
    )
    frame = (
        aqi.select("site", "interval_end", "aqi")
        .join(hourly, on=["site", "interval_end"], how="left", maintain_order="left")
        .join(marks, on=["site", "interval_end"], how="left", maintain_order="left")
    )
    slash = frame["unreported"].fill_null("").str.split(",")
    decision = publication_decision(
        frame["aqi"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
        missing={
            i: (frame[i].is_null() & ~slash.list.contains(i)).to_numpy() for i in HOURLY_ITEMS
        },
        unreported={i: slash.list.contains(i).to_numpy() for i in HOURLY_ITEMS},
        is_2026=edition_for_labels(frame["interval_end"].to_numpy()),
        mode=mode,
    )
    return frame.select("site", "interval_end").with_columns(publish=pl.Series(decision))
