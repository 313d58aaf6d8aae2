"""Surface-water section classes on Spark: ``services.water.classify_measurements`` per batch
(every row is classed on its own)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from envplan.services.spark.air import _map, source
from envplan.services.water import classify_measurements


def classify_measurements_spark(
    spark: Any,
    frame: pl.DataFrame,
    *,
    indicator_set: str,
    round_values: bool,
    lake_sections: Iterable[str] = (),
) -> pl.DataFrame:
    """Same rows and columns as the embedded ``classify_measurements``, in the input's order."""
    lakes = list(lake_sections)
    stage = source(spark, frame.with_row_index("_row"))

    def classify(batch: pl.DataFrame) -> pl.DataFrame:
        out = classify_measurements(
            batch.drop("_row"),
            indicator_set=indicator_set,
            round_values=round_values,
            lake_sections=lakes,
        )
        return out.with_columns(batch["_row"])

    return _map(stage, classify).collect().sort("_row").drop("_row")
