"""Upstream tracing (反向溯源, 晋市政办〔2021〕9号 三(五)5): from an exceedance at a section and a
date, the sections, outfalls and enterprises upstream, ranked by their measured values.

The window is the ``window_months`` calendar months ending with the date's month (up to the date).
A node's value is the window mean of its measured concentration [mg/L] (``by="concentration"``)
or of its daily load [kg/d] = concentration [mg/L] × flow [m³/d] ÷ 1000 (``by="load"``, outfalls
and enterprises with a flow). Ranks (1 = highest) are within each kind; nodes without data in the
window get no rank and are listed in ``missing``. Only ancestors in the graph are considered, so
a downstream node can never appear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.water_graph.graph import load_graph
from envplan.services.water_graph.targets import section_target_class
from envplan.standards.water.gb3838 import CLASS_LABELS, TABLE_1, TABLE_1_BY_ID
from envplan.standards.water.warning_rules import target_limit
from envplan.store.water_graph import WaterMonitoring

KIND_ORDER = ("outfall", "enterprise", "section")
KIND_LABELS = {"outfall": "排污口", "enterprise": "排污单位", "section": "断面"}


class TraceError(ValueError):
    """A trace request that cannot be answered (zh-CN message)."""


def resolve_indicator(text: str) -> str:
    """GB 3838 Table 1 id of an indicator given by id ("nh3n") or Chinese name ("氨氮")."""
    clean = text.strip()
    if clean in TABLE_1_BY_ID:
        return clean
    for row in TABLE_1:
        if row.name_zh == clean:
            return row.id
    names = "、".join(row.name_zh for row in TABLE_1 if row.limits is not None)
    raise TraceError(f"指标「{text}」无法识别，应为 GB 3838-2002 表1 的指标名称（{names}）")


def window_bounds(day: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """First day of the window's first month and the date itself (inclusive)."""
    index = day.year * 12 + day.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1), day


@dataclass(frozen=True)
class TraceRequest:
    """An upstream trace: the section, the indicator, the day and the window [months] before it, and
    the ranking (``concentration`` or ``load`` [kg/d]).
    """

    section: str
    indicator: str
    day: dt.date
    window_months: int = 3
    by: str = "concentration"


def _window_values(
    session: Session, kind: str, subjects: list[str], indicator: str, start: dt.date, end: dt.date
) -> pl.DataFrame:
    rows = session.execute(
        select(
            WaterMonitoring.subject,
            WaterMonitoring.sampled_on,
            WaterMonitoring.value,
            WaterMonitoring.flow_m3_d,
            WaterMonitoring.source,
            WaterMonitoring.is_demo,
        ).where(
            WaterMonitoring.kind == kind,
            WaterMonitoring.indicator == indicator,
            WaterMonitoring.subject.in_(subjects),
            WaterMonitoring.sampled_on >= start,
            WaterMonitoring.sampled_on <= end,
        )
    ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "subject": pl.String,
            "sampled_on": pl.Date,
            "value": pl.Float64,
            "flow_m3_d": pl.Float64,
            "source": pl.String,
            "is_demo": pl.Boolean,
        },
        orient="row",
    )


def _summarise(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    measure = pl.col("value") * pl.col("flow_m3_d") / 1000.0 if by == "load" else pl.col("value")
    return frame.group_by("subject").agg(
        measure.drop_nulls().mean().alias("measure"),
        pl.len().alias("readings"),
        pl.col("flow_m3_d").is_not_null().sum().alias("with_flow"),
        pl.col("sampled_on").min().alias("first"),
        pl.col("sampled_on").max().alias("last"),
        pl.col("source").unique().sort().alias("sources"),
    )


def trace_upstream(session: Session, request: TraceRequest) -> dict[str, Any]:
    """The contract answer ``{"section", "upstream": [...], "missing": [...]}`` plus the
    indicator, the window, the section's own value against its target and the evidence used."""
    indicator = resolve_indicator(request.indicator)
    if request.window_months < 1 or request.window_months > 24:
        raise TraceError("窗口月数应为 1–24")
    if request.by not in ("concentration", "load"):
        raise TraceError("排序依据应为 concentration（浓度）或 load（负荷）")
    graph = load_graph(session)
    if request.section not in graph.sections:
        known = "、".join(graph.downstream_order()[:30]) or "（水系图为空，请先导入）"
        raise TraceError(f"断面「{request.section}」不在水系图中（已登记：{known}）")
    start, end = window_bounds(request.day, request.window_months)
    name_zh = TABLE_1_BY_ID[indicator].name_zh
    unit = "kg/d" if request.by == "load" else TABLE_1_BY_ID[indicator].unit
    upstream_nodes = graph.upstream(request.section)
    by_kind: dict[str, list[str]] = {kind: [] for kind in KIND_ORDER}
    for kind, key in upstream_nodes:
        by_kind[kind].append(key)
    items: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    missing: list[str] = []
    window_text = f"{start.isoformat()}—{end.isoformat()}"
    for kind in KIND_ORDER:
        keys = by_kind[kind]
        if not keys:
            continue
        by = "concentration" if kind == "section" else request.by
        summary = _summarise(_window_values(session, kind, keys, indicator, start, end), by)
        found = {row["subject"]: row for row in summary.iter_rows(named=True)}
        ranked = sorted(
            (k for k in keys if found.get(k) and found[k]["measure"] is not None),
            key=lambda k: (-float(found[k]["measure"]), display_name(graph, kind, k)),
        )
        for rank, key in enumerate(ranked, start=1):
            row = found[key]
            items.append(_item(graph, kind, key, row["measure"], rank, indicator))
            evidence.append(
                {
                    "kind": kind,
                    "name": display_name(graph, kind, key),
                    "code": key,
                    "readings": row["readings"],
                    "first": row["first"].isoformat(),
                    "last": row["last"].isoformat(),
                    "sources": row["sources"],
                }
            )
        for key in keys:
            if key in ranked:
                continue
            items.append(_item(graph, kind, key, None, None, indicator))
            label = f"{KIND_LABELS[kind]}「{display_name(graph, kind, key)}」"
            if found.get(key) and by == "load":
                missing.append(f"{label}在 {window_text} 有{name_zh}浓度但无流量，无法计算负荷")
            else:
                missing.append(f"{label}在 {window_text} 无{name_zh}监测数据")
    if not upstream_nodes:
        missing.append(f"水系图中断面「{request.section}」上游没有登记的断面、排污口或排污单位")
    own = _summarise(
        _window_values(session, "section", [request.section], indicator, start, end),
        "concentration",
    )
    own_value = round(float(own.get_column("measure")[0]), 6) if own.height else None
    target = section_target_class(session, request.section, request.day.year)
    limit = target_limit(indicator, target, lake=False) if target else None
    if own_value is None:
        missing.append(f"断面「{request.section}」在 {window_text} 无{name_zh}监测数据")
    if target is None:
        missing.append(
            f"断面「{request.section}」{request.day.year}年的目标水质未配置（省定目标未导入）"
        )
    exceeded = None
    if own_value is not None and limit is not None:
        direction = TABLE_1_BY_ID[indicator].direction
        exceeded = own_value < limit if direction == "ge" else own_value > limit
    return {
        "section": request.section,
        "indicator": name_zh,
        "indicator_id": indicator,
        "date": request.day.isoformat(),
        "window": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "months": request.window_months,
        },
        "ranked_by": request.by,
        "unit": unit,
        "observed": {
            "value": own_value,
            "target_class": CLASS_LABELS[target] if target else None,
            "limit": limit,
            "exceeded": exceeded,
        },
        "upstream": items,
        "evidence": evidence,
        "missing": missing,
        "demo": graph.demo,
    }


def display_name(graph: Any, kind: str, key: str) -> str:
    if kind == "outfall":
        return str(graph.outfalls[key].name)
    if kind == "enterprise":
        return str(graph.enterprises.get(key, key))
    return key


def _item(
    graph: Any, kind: str, key: str, value: float | None, rank: int | None, indicator: str
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": kind,
        "name": display_name(graph, kind, key),
        "value": None if value is None else round(float(value), 6),
        "rank": rank,
    }
    if kind != "section":
        item["code"] = key
    if kind == "enterprise":
        item["registered"] = key in graph.registered  # found in the enterprise registry
    if kind == "outfall":
        permitted = graph.outfalls[key].permitted_loads.get(indicator)
        item["permitted_t_a"] = permitted  # 许可排放量 [t/a]; None when not set
    return item
