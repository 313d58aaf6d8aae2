"""Read views of the water graph: rivers in flow order, outfalls and their monthly monitoring
(the public disclosure of 三(五)1 "监测结果每月向社会公开"), the 千吨万人 sources."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.water_graph.graph import enterprise_key, load_graph
from envplan.services.water_graph.targets import PROVINCIAL_TARGETS_NOTE, plan_section_info
from envplan.standards.water.gb3838 import CLASS_LABELS, TABLE_1_BY_ID
from envplan.store.water_graph import DrinkingWaterSource, WaterMonitoring, WaterOutfall


def graph_overview(session: Session, plan: Any = None) -> dict[str, Any]:
    """Rivers → reaches → points (sections and outfalls) in downstream order."""
    graph = load_graph(session)
    info = plan_section_info(plan)
    order = {name: i for i, name in enumerate(graph.downstream_order())}
    reaches: list[dict[str, Any]] = []
    for reach in graph.reaches.values():
        points: list[dict[str, Any]] = [
            {
                "kind": "section",
                "name": s.name,
                "position_km": s.position_km,
                "county": s.county,
                "target": CLASS_LABELS[info[s.name].plan_target or 0] if s.name in info else "",
            }
            for s in graph.sections.values()
            if s.reach_code == reach.code
        ] + [
            {
                "kind": "outfall",
                "name": o.name,
                "code": o.code,
                "position_km": o.position_km,
                "county": o.county,
                "owner": graph.enterprises.get(enterprise_key(o) or "", o.owner_name),
                "owner_registered": (enterprise_key(o) or "") in graph.registered,
                "type": o.kind,
            }
            for o in graph.outfalls.values()
            if o.reach_code == reach.code
        ]
        points.sort(key=lambda p: (p["position_km"], p["kind"] == "section"))
        first = min(
            (order[str(p["name"])] for p in points if p["kind"] == "section"), default=10**6
        )
        reaches.append(
            {
                "code": reach.code,
                "river": reach.river,
                "name": reach.name,
                "county": reach.county,
                "downstream": reach.downstream_code,
                "points": points,
                "_order": first,
            }
        )
    reaches.sort(key=lambda r: (r["river"], r["_order"], r["code"]))
    for item in reaches:
        item.pop("_order")
    placed = set(graph.sections)
    unplaced = [name for name in info if name not in placed]
    return {
        "reaches": reaches,
        "section_order": graph.downstream_order(),
        "unplaced_sections": unplaced,
        "demo": graph.demo,
        "provincial_note": PROVINCIAL_TARGETS_NOTE,
    }


def outfall_monthly(session: Session, *, year: int | None = None) -> dict[str, Any]:
    """Monthly outfall monitoring for disclosure: one row per outfall and month with the mean of
    each indicator [mg/L], the owner and the receiving reach."""
    outfalls = {o.code: o for o in session.scalars(select(WaterOutfall))}
    query = select(
        WaterMonitoring.subject,
        WaterMonitoring.sampled_on,
        WaterMonitoring.indicator,
        WaterMonitoring.value,
        WaterMonitoring.is_demo,
    ).where(WaterMonitoring.kind == "outfall")
    rows = session.execute(query).all()
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "code": pl.String,
            "sampled_on": pl.Date,
            "indicator": pl.String,
            "value": pl.Float64,
            "is_demo": pl.Boolean,
        },
        orient="row",
    )
    if year is not None:
        frame = frame.filter(pl.col("sampled_on").dt.year() == year)
    monthly = (
        frame.with_columns(pl.col("sampled_on").dt.strftime("%Y-%m").alias("month"))
        .group_by(["code", "month", "indicator"])
        .agg(pl.col("value").mean(), pl.col("is_demo").any())
    )
    indicators = sorted(
        monthly.get_column("indicator").unique().to_list(),
        key=lambda i: TABLE_1_BY_ID[i].number if i in TABLE_1_BY_ID else 99,
    )
    table = []
    if monthly.height:
        wide = monthly.pivot(on="indicator", index=["code", "month"], values="value").sort(
            ["month", "code"], descending=[True, False]
        )
        demo = monthly.group_by(["code", "month"]).agg(pl.col("is_demo").any())
        wide = wide.join(demo, on=["code", "month"], how="left")
        for row in wide.iter_rows(named=True):
            outfall = outfalls.get(row["code"])
            table.append(
                {
                    "code": row["code"],
                    "name": outfall.name if outfall else row["code"],
                    "type": outfall.kind if outfall else "",
                    "owner": outfall.owner_name if outfall else "",
                    "county": outfall.county if outfall else "",
                    "month": row["month"],
                    "values": {i: row.get(i) for i in indicators},
                    "demo": bool(row["is_demo"]),
                }
            )
    return {
        "indicators": [
            {"id": i, "name": TABLE_1_BY_ID[i].name_zh if i in TABLE_1_BY_ID else i}
            for i in indicators
        ],
        "rows": table,
        "demo": any(r["demo"] for r in table),
    }


def drinking_sources(session: Session) -> list[dict[str, Any]]:
    """The 千吨万人 sources with zones and class (latest quarterly result against the target)."""
    result = []
    for s in session.scalars(
        select(DrinkingWaterSource).order_by(DrinkingWaterSource.county, DrinkingWaterSource.code)
    ):
        met = None
        if s.target_class and s.latest_class:
            met = s.latest_class <= s.target_class
        result.append(
            {
                "code": s.code,
                "name": s.name,
                "county": s.county,
                "town": s.town,
                "source_type": s.source_type,
                "served_population": s.served_population,
                "supply_t_d": s.supply_t_d,
                "zone_primary": s.zone_primary,
                "zone_secondary": s.zone_secondary,
                "zone_quasi": s.zone_quasi,
                "target_class": CLASS_LABELS[s.target_class] if s.target_class else "",
                "latest_class": CLASS_LABELS[s.latest_class] if s.latest_class else "",
                "latest_period": s.latest_period or "",
                "met": met,
                "demo": s.is_demo,
            }
        )
    return result
