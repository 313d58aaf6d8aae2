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

from envplan.services.air import city_months, month_figures
from envplan.services.dashboard import CITY, SOURCE_AQISTUDY, THIRD_PARTY

#: Provenance of the months when the store holds more than the third-party daily means.
SOURCE_ALL = (
    "每月数据来源见“数据类别”列：官方实时发布数据为中国环境监测总站全国城市空气质量实时发布"
    "平台站点数据（城市值由本平台按国控城市点均值计算，对照点除外）；第三方处理数据为"
    + SOURCE_AQISTUDY
)

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
    "label",
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
    """Monthly results of the city for every month in the store (``air_figures.month_figures``,
    the function the bulletin and ``envplan air assess`` use), each with its provenance label."""

    def build() -> dict[str, Any]:
        daily: pl.DataFrame = platform.views.get("air_daily", pl.DataFrame())
        rows = [
            figures
            for month in city_months(daily, CITY)
            if (figures := month_figures(daily, CITY, month)) is not None
        ]
        labels = list(
            dict.fromkeys(label for r in rows for label in r["label"].split("、") if label)
        )
        return {
            "city": CITY,
            "label": "、".join(labels) or THIRD_PARTY,
            "source": SOURCE_AQISTUDY if labels in ([], [THIRD_PARTY]) else SOURCE_ALL,
            "generated_on": dt.date.today(),
            "rows": [{k: row[k] for k in PUBLIC_AIR_FIELDS} for row in rows],
        }

    result: dict[str, Any] = platform.cached(("public_air_monthly",), build, ("air",))
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
