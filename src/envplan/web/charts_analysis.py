"""ECharts options of the analysis page (pure formatting of the analysis use cases' data)."""

from __future__ import annotations

from typing import Any

_FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _base() -> dict[str, Any]:
    return {"textStyle": {"fontFamily": _FONT}, "animation": False, "tooltip": {"trigger": "axis"}}


def trend_chart(trend: dict[str, Any]) -> dict[str, Any]:
    """Monthly means and the Theil–Sen line through them."""
    months = trend["months"]
    labels = [m["month"] for m in months]
    slope = trend["slope"] or 0.0
    # the fitted line through the median point, as openair draws it
    values = [m["mean"] for m in months]
    xs = [int(m["month"][:4]) + (int(m["month"][5:7]) - 0.5) / 12 for m in months]
    mid_x = sorted(xs)[len(xs) // 2]
    mid_y = sorted(values)[len(values) // 2]
    line = [round(mid_y + slope * (x - mid_x), 2) for x in xs]
    option = _base()
    option.update(
        {
            "legend": {"top": 0},
            "grid": {"left": 50, "right": 20, "top": 40, "bottom": 40},
            "xAxis": {"type": "category", "data": labels},
            "yAxis": {"type": "value", "name": trend["unit"].removesuffix("/年")},
            "series": [
                {"name": "月均值", "type": "line", "data": values, "symbolSize": 6},
                {
                    "name": f"Theil–Sen {trend['slope']} {trend['unit']}",
                    "type": "line",
                    "data": line,
                    "showSymbol": False,
                    "lineStyle": {"type": "dashed"},
                },
            ],
        }
    )
    return option


def variation_chart(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Mean with its confidence band (lower line + stacked band) by hour or weekday."""
    labels = [WEEKDAYS[r[key] - 1] if key == "weekday" else str(r[key]) for r in rows]
    lower = [None if r["lower"] is None else round(r["lower"], 1) for r in rows]
    band = [None if r["lower"] is None else round(r["upper"] - r["lower"], 1) for r in rows]
    option = _base()
    option.update(
        {
            "grid": {"left": 50, "right": 20, "top": 20, "bottom": 40},
            "xAxis": {"type": "category", "data": labels, "name": "时" if key == "hour" else ""},
            "yAxis": {"type": "value"},
            "series": [
                {
                    "name": "下限",
                    "type": "line",
                    "data": lower,
                    "stack": "band",
                    "lineStyle": {"opacity": 0},
                    "showSymbol": False,
                },
                {
                    "name": "95% 置信带",
                    "type": "line",
                    "data": band,
                    "stack": "band",
                    "lineStyle": {"opacity": 0},
                    "showSymbol": False,
                    "areaStyle": {"color": "#9ecae1", "opacity": 0.5},
                },
                {"name": "均值", "type": "line", "data": [round(r["mean"], 1) for r in rows]},
            ],
        }
    )
    return option
