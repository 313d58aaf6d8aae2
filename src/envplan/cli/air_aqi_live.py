"""``envplan air aqi --format cnemc-live`` kept wide from reader to kernel.

The live station table is parsed once with types and checked with column expressions
(``monitoring.air_wide_cnemc``), the AQI engine runs on the wide frame in file order
(``services.air.hourly_aqi_wide``), and the ``published`` column follows ``--publication`` as
on the general path (``monitoring.air_publication.publication_flags``): the same rule function
asked with the same inputs, the 1-h values of the row and the items the file writes ``/``. The
output table is the general path's (``HOURLY_AQI_COLUMNS``, rows in station/hour order); any
file the wide parse or its checks decline goes to the general path, which names the problems.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from envplan.monitoring.air_wide_cnemc import check_cnemc_live, hourly_frame, load_cnemc_live_wide
from envplan.services.air import HOURLY_AQI_COLUMNS, hourly_aqi_wide
from envplan.standards.air.publication import (
    HOURLY_ITEMS,
    edition_for_labels,
    publication_decision,
)

#: The file's value column of each 1-h item, by the 1-h O3 column of its layout.
_COLUMNS = {"SO2": "so2", "NO2": "no2", "CO": "co", "PM10": "pm10", "PM2.5": "pm2_5"}


def aqi_wide_live(
    input_path: Path,
    rules: Any,
    mode: str,
    steps: Any,
    hour_labels: Callable[[pl.Series], pl.Series],
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """(the AQI frame in file order with ``official_aqi`` and ``time``, the output table in
    station/hour order), or None when the file needs the general reader. ``rules``: a rule set
    or None (by day); ``mode``: the ``--publication`` mode; ``hour_labels``: the ``time``
    column of the hours (``air_cmd._hour_labels``). Raises ``InputFileError`` for the input
    limits only."""
    with steps.step("读取文件") as step:
        loaded = load_cnemc_live_wide(input_path.expanduser(), published=True)
        step.rows = None if loaded is None else loaded.height
    if loaded is None:
        return None
    with steps.step("检查数据", loaded.height):
        checked = check_cnemc_live(loaded)
    if checked is None:
        return None
    with steps.step("计算 AQI", loaded.height):
        wide = hourly_frame(loaded, checked)
        columns = {**_COLUMNS, "O3": checked.o3}
        slash = {item: loaded[f"/{columns[item]}"].to_numpy() for item in HOURLY_ITEMS}
        del loaded
        frame = hourly_aqi_wide(wide, rules=rules)
        decision = publication_decision(
            frame["aqi"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
            missing={item: wide[item].is_null().to_numpy() & ~slash[item] for item in HOURLY_ITEMS},
            unreported=slash,
            is_2026=edition_for_labels(wide["interval_end"].to_numpy()),
            mode=mode,
        )
        frame = frame.with_columns(
            pl.Series("published", decision),
            wide["official_aqi"],
            hour_labels(wide["interval_end"]),
        )
        table = frame.select(HOURLY_AQI_COLUMNS)[pl.Series(checked.order)]
    return frame, table


__all__ = ["aqi_wide_live"]
