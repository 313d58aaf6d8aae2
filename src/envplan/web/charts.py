"""ECharts options built from the dashboard view models (pure formatting, no computation).

Each function returns a JSON-ready dict that ``static/charts.js`` hands to ``setOption``. Colours
of AQI levels come with the view model (HJ 633 official colours), never from here.
"""

from __future__ import annotations

from typing import Any

_FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
_WATER_CLASS_COLOURS = {
    "Ⅰ": "#2a8bd6",
    "Ⅱ": "#3fb0e8",
    "Ⅲ": "#2e9e44",
    "Ⅳ": "#e0a800",
    "Ⅴ": "#ef7e22",
    "劣Ⅴ": "#d64545",
}


def water_class_colour(water_class: str | None) -> str:
    return _WATER_CLASS_COLOURS.get(water_class or "", "#9aa5b1")


def _base(title: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {
        "textStyle": {"fontFamily": _FONT},
        "animation": False,
        "tooltip": {"trigger": "axis"},
    }
    if title:
        option["title"] = {"text": title, "left": "center", "textStyle": {"fontSize": 14}}
    return option


def aqi_calendar(
    year: int, days: list[dict[str, Any]], levels: list[dict[str, Any]]
) -> dict[str, Any]:
    """Calendar heat map of daily AQI in the official level colours (HJ 633 Table 2 / A.1)."""
    option = _base()
    option["tooltip"] = {"trigger": "item"}
    option["visualMap"] = {
        "type": "piecewise",
        "orient": "horizontal",
        "left": "center",
        "bottom": 0,
        "pieces": [
            {
                "min": lv["aqi_low"],
                **({"max": lv["aqi_high"]} if lv["aqi_high"] is not None else {}),
                "label": f"{lv['category']}（{lv['aqi_low']}–{lv['aqi_high'] or ''}）",
                "color": lv["hex"],
            }
            for lv in levels
        ],
    }
    option["calendar"] = {
        "range": str(year),
        "top": 30,
        "left": 40,
        "right": 20,
        "cellSize": ["auto", 20],
        "dayLabel": {"nameMap": "ZH", "firstDay": 1},
        "monthLabel": {"nameMap": "ZH"},
        "yearLabel": {"show": False},
    }
    option["series"] = [
        {
            "type": "heatmap",
            "coordinateSystem": "calendar",
            "name": "日 AQI",
            "data": [[str(d["date"]), d["aqi"]] for d in days if d.get("aqi") is not None],
        }
    ]
    return option


def daily_trend(
    days: list[dict[str, Any]],
    series: list[tuple[str, str]],
    reference_lines: list[dict[str, Any]],
    *,
    y_name: str,
) -> dict[str, Any]:
    """Line chart of daily values with the plan's targets / standard limits as marked lines.

    series: (view-model key, display name). reference_lines: {"name", "value", "series"?}.
    """
    option = _base()
    option["legend"] = {"top": 0}
    option["grid"] = {"left": 50, "right": 30, "top": 40, "bottom": 70}
    option["xAxis"] = {"type": "category", "data": [str(d["date"]) for d in days]}
    option["yAxis"] = {"type": "value", "name": y_name}
    option["dataZoom"] = [{"type": "inside"}, {"type": "slider", "bottom": 10}]
    built = []
    for key, name in series:
        lines = [
            {
                "name": ref["name"],
                "yAxis": ref["value"],
                "label": {"formatter": f"{ref['name']} {ref['value']}", "position": "insideEndTop"},
            }
            for ref in reference_lines
            if ref.get("series", key) == key
        ]
        entry: dict[str, Any] = {
            "type": "line",
            "name": name,
            "showSymbol": False,
            "data": [d.get(key) for d in days],
            "connectNulls": False,
        }
        if lines:
            entry["markLine"] = {
                "symbol": "none",
                "lineStyle": {"type": "dashed", "color": "#d64545"},
                "data": lines,
            }
        built.append(entry)
    option["series"] = built
    return option


def ranking_bar(
    rows: list[dict[str, Any]], *, highlight: str, value_key: str, name: str
) -> dict[str, Any]:
    """Horizontal bars of a ranking (best at the top); the city of the plan highlighted."""
    ordered = [r for r in rows if r.get(value_key) is not None]
    option = _base()
    option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    option["grid"] = {"left": 70, "right": 40, "top": 10, "bottom": 30}
    option["xAxis"] = {"type": "value", "name": name}
    option["yAxis"] = {
        "type": "category",
        "inverse": True,
        "data": [f"{r['rank']}. {r['city']}" for r in ordered],
    }
    option["series"] = [
        {
            "type": "bar",
            "name": name,
            "label": {"show": True, "position": "right"},
            "data": [
                {
                    "value": r[value_key],
                    "itemStyle": {"color": "#d64545" if r["city"] == highlight else "#5b8ff9"},
                }
                for r in ordered
            ],
        }
    ]
    return option


def good_day_progress(good: dict[str, Any]) -> dict[str, Any]:
    """Gauge: the year-to-date good-day ratio with the target marked on the scale."""
    ratio = good.get("ratio")
    target = good.get("target_ratio")
    axis_colours: list[list[Any]] = [[1, "#2e9e44"]]
    if target is not None:
        axis_colours = [[target / 100, "#e0a800"], [1, "#2e9e44"]]
    option = _base()
    option["tooltip"] = {"trigger": "item"}
    option["series"] = [
        {
            "type": "gauge",
            "min": 0,
            "max": 100,
            "radius": "90%",
            "axisLine": {"lineStyle": {"width": 14, "color": axis_colours}},
            "pointer": {"width": 5},
            "detail": {"formatter": "{value}%", "fontSize": 22, "offsetCenter": [0, "60%"]},
            "title": {"offsetCenter": [0, "85%"]},
            "data": [{"value": ratio, "name": "年初至今优良天数比例"}],
        }
    ]
    return option


def heavy_days_bar(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Heavy-pollution days (AQI > 200) per month, this year and last."""
    option = _base()
    option["legend"] = {"top": 0}
    option["grid"] = {"left": 40, "right": 20, "top": 40, "bottom": 30}
    option["xAxis"] = {"type": "category", "data": [r["month"] for r in rows]}
    option["yAxis"] = {"type": "value", "name": "天", "minInterval": 1}
    option["series"] = [
        {"type": "bar", "name": "本年", "data": [r["heavy_days"] for r in rows]},
        {"type": "bar", "name": "上年同期", "data": [r["heavy_days_last_year"] for r in rows]},
    ]
    return option


def hourly_aqi(hours: list[dict[str, Any]]) -> dict[str, Any]:
    """Hourly AQI computed by the engine beside the value published by MEE."""
    option = _base()
    option["legend"] = {"top": 0}
    option["grid"] = {"left": 50, "right": 30, "top": 40, "bottom": 70}
    option["xAxis"] = {"type": "category", "data": [h["time"] for h in hours]}
    option["yAxis"] = {"type": "value", "name": "AQI"}
    option["dataZoom"] = [{"type": "inside"}, {"type": "slider", "bottom": 10}]
    option["series"] = [
        {
            "type": "line",
            "name": "本平台计算",
            "showSymbol": False,
            "data": [h["aqi"] for h in hours],
        },
        {
            "type": "scatter",
            "name": "生态环境部发布值",
            "symbolSize": 4,
            "data": [h["published_aqi"] for h in hours],
        },
    ]
    return option


def water_classes(sections: list[dict[str, Any]]) -> dict[str, Any]:
    """Count of sections per water class, bars in the class colours."""
    order = ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"]
    counts = {c: 0 for c in order}
    for s in sections:
        if s.get("water_class") in counts:
            counts[s["water_class"]] += 1
    option = _base()
    option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    option["grid"] = {"left": 40, "right": 20, "top": 20, "bottom": 30}
    option["xAxis"] = {"type": "category", "data": [f"{c}类" for c in order]}
    option["yAxis"] = {"type": "value", "name": "断面数", "minInterval": 1}
    option["series"] = [
        {
            "type": "bar",
            "name": "断面数",
            "label": {"show": True, "position": "top"},
            "data": [
                {"value": counts[c], "itemStyle": {"color": water_class_colour(c)}} for c in order
            ],
        }
    ]
    return option


def share_pie(items: list[tuple[str, int, str]], *, name: str) -> dict[str, Any]:
    """Pie of counts: (label, count, colour)."""
    option = _base()
    option["tooltip"] = {"trigger": "item", "formatter": "{b}：{c}（{d}%）"}
    option["legend"] = {"bottom": 0}
    option["series"] = [
        {
            "type": "pie",
            "name": name,
            "radius": ["35%", "65%"],
            "label": {"formatter": "{b}\n{c}"},
            "data": [
                {"name": label, "value": count, "itemStyle": {"color": colour}}
                for label, count, colour in items
            ],
        }
    ]
    return option
