"""Public disclosure (信息公开): the only data the pages under ``/public/`` may show.

What is public is listed here, field by field, and nothing else is serialised: monthly air-quality
results of the city (computed by the air engine from the stored data, with their provenance label)
and the classes of the plan's water sections against their targets. Supervision records (progress
narratives, reviews, user names, evidence files, notices) are internal and never reach this module.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import polars as pl

from envplan.services import air
from envplan.services.dashboard_data import CITY, SOURCE_AQISTUDY, THIRD_PARTY

if TYPE_CHECKING:
    from envplan.services.dashboard import Platform

#: Fields of one public monthly air row (the disclosure contract of /public and /api/v1/public).
PUBLIC_AIR_FIELDS = (
    "month",
    "valid_days",
    "good_days",
    "good_day_ratio",
    "heavy_days",
    "pm25",
    "pm10",
    "so2",
    "no2",
    "co_p95",
    "o3_8h_p90",
    "composite_index",
)
#: Fields of one public water-section row.
PUBLIC_WATER_FIELDS = (
    "number",
    "county",
    "section",
    "assessment_level",
    "target_raw",
    "water_class",
    "status",
    "compliance",
)


def public_air_monthly(platform: Platform) -> dict[str, Any]:
    """Monthly results of the city for every whole year in the store (HJ 663 statistics)."""

    def build() -> dict[str, Any]:
        daily: pl.DataFrame = platform.views.get("air_daily", pl.DataFrame())
        years: list[int] = platform.views.get("air_years", [])
        rows: list[dict[str, Any]] = []
        for year in years:
            for month in range(1, 13):
                label = f"{year}-{month:02d}"
                assessed = air.assess_period(daily, label, site=CITY)
                if assessed.is_empty():
                    continue
                r = assessed.row(0, named=True)
                rows.append(
                    {
                        "month": label,
                        "valid_days": r.get("valid_days"),
                        "good_days": r.get("good_days"),
                        "good_day_ratio": r.get("good_day_ratio"),
                        "heavy_days": r.get("heavy_days"),
                        "pm25": r.get("PM2.5_mean"),
                        "pm10": r.get("PM10_mean"),
                        "so2": r.get("SO2_mean"),
                        "no2": r.get("NO2_mean"),
                        "co_p95": r.get("CO_P95"),
                        "o3_8h_p90": r.get("O3_8h_P90"),
                        "composite_index": r.get("composite_index"),
                    }
                )
        return {
            "city": CITY,
            "label": THIRD_PARTY,
            "source": SOURCE_AQISTUDY,
            "generated_on": dt.date.today(),
            "rows": [{k: row[k] for k in PUBLIC_AIR_FIELDS} for row in rows],
        }

    result: dict[str, Any] = platform.cached(("public_air_monthly",), build)
    return result


def public_water_sections(platform: Platform) -> dict[str, Any] | None:
    """The plan's water sections with their class and compliance (real snapshot only)."""
    view = platform.views.get("water")
    if not view:
        return None
    return {
        "label": view["label"],
        "source": view["source"],
        "sections": [{k: s[k] for k in PUBLIC_WATER_FIELDS} for s in view["sections"]],
        "share_i_iii": view["shares"]["全部断面"]["share_i_iii"],
        "classed": view["shares"]["全部断面"]["classed"],
    }
