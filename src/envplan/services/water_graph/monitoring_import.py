"""Monitoring imports of the water graph: section water (the existing monthly template), outfall
effluent and enterprise self-monitoring (排污口监测 / 企业自行监测 layouts), all or nothing.

A value already stored for the same subject, date and indicator is skipped when equal and refused
(with its row) when different, so nothing is overwritten silently; one audit entry per file.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.monitoring.air_io import ROW, is_missing
from envplan.monitoring.errors import problem_frame, raise_if_problems
from envplan.monitoring.water_checks import load_table, numeric_cells
from envplan.monitoring.water_template import TEMPLATE_INDICATORS, read_water_template
from envplan.services.access import Principal
from envplan.services.water_graph.imports import ImportResult, file_error, require_admin
from envplan.store import audit
from envplan.store.water_graph import WaterMonitoring, WaterOutfall

_SUBJECT_HEADERS = {"outfall": "排污口编码", "enterprise": "统一社会信用代码"}
_KIND_LABEL = {"section": "断面", "outfall": "排污口", "enterprise": "企业自行监测"}


def _indicator_of(header: str) -> str | None:
    clean = "".join(header.split()).replace("（", "(").replace("）", ")")
    name = clean.split("(")[0]
    return TEMPLATE_INDICATORS.get(name)


def _month_start(text: pl.Expr) -> pl.Expr:
    """``YYYY-MM`` → the 1st of the month, ``YYYY-MM-DD`` → that day; null otherwise."""
    full = text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    month = (text + "-01").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    return pl.coalesce(full, month)


def read_discharge_monitoring(path: Path, kind: str) -> pl.DataFrame:
    """Read an outfall (``kind="outfall"``) or enterprise self-monitoring file (long frame).

    Columns: 排污口编码 / 统一社会信用代码, 监测时间 (YYYY-MM or YYYY-MM-DD), optional 流量（m³/d）
    and 备注, and indicator columns named as in the section template (e.g. 氨氮（mg/L）).
    Returns subject, sampled_on, indicator, value [mg/L], flow_m3_d [m³/d], row.
    """
    table = load_table(path)
    frame, file = table.frame, table.name
    subject_header = _SUBJECT_HEADERS[kind]
    problems: list[pl.DataFrame] = []
    indicators: dict[str, str] = {}
    for header in frame.columns:
        if header in (ROW, subject_header, "监测时间", "流量（m³/d）", "备注"):
            continue
        indicator = _indicator_of(header)
        if indicator is None:
            problems.append(
                problem_frame(file, f"无法识别的列名「{header}」", row=1, column=header)
            )
        else:
            indicators[header] = indicator
    for required in (subject_header, "监测时间"):
        if required not in frame.columns:
            problems.append(problem_frame(file, f"缺少必填列「{required}」", row=1))
    if not indicators:
        problems.append(problem_frame(file, "没有任何监测指标列（如 氨氮（mg/L））", row=1))
    raise_if_problems(problems)
    time_raw = pl.col("监测时间").str.strip_chars()
    day = _month_start(time_raw)
    problems.append(
        frame.select(
            pl.lit(file).alias("file"),
            pl.col(ROW).alias("row"),
            pl.lit("监测时间").alias("column"),
            pl.when(day.is_null())
            .then(pl.format("监测时间「{}」无法识别，应为 2021-05 或 2021-05-12", time_raw))
            .alias("message"),
        ).filter(pl.col("message").is_not_null())
    )
    problems.append(
        frame.select(
            pl.lit(file).alias("file"),
            pl.col(ROW).alias("row"),
            pl.lit(subject_header).alias("column"),
            pl.when(is_missing(pl.col(subject_header)))
            .then(pl.lit(f"{subject_header}为空"))
            .alias("message"),
        ).filter(pl.col("message").is_not_null())
    )
    values: list[pl.Expr] = []
    for header, indicator in indicators.items():
        value, found = numeric_cells(frame, file, header, header, lower=0.0, upper=None)
        problems.append(found)
        values.append(value.alias(indicator))
    flow = pl.lit(None, dtype=pl.Float64)
    if "流量（m³/d）" in frame.columns:
        flow, found = numeric_cells(
            frame, file, "流量（m³/d）", "流量（m³/d）", lower=0.0, upper=None
        )
        problems.append(found)
    raise_if_problems(problems)
    if frame.height == 0:
        raise file_error(file, "文件没有数据行")
    wide = frame.select(
        pl.col(subject_header).str.strip_chars().str.to_uppercase().alias("subject")
        if kind == "enterprise"
        else pl.col(subject_header).str.strip_chars().alias("subject"),
        day.alias("sampled_on"),
        flow.alias("flow_m3_d"),
        pl.col(ROW).alias("row"),
        *values,
    )
    long = wide.unpivot(
        index=["subject", "sampled_on", "flow_m3_d", "row"],
        variable_name="indicator",
        value_name="value",
    ).filter(pl.col("value").is_not_null())
    return long


def section_monitoring_frame(path: Path) -> pl.DataFrame:
    """The section template (``read_water_template``) as a long frame like
    :func:`read_discharge_monitoring` (monthly rows dated the 1st of their month)."""
    result = read_water_template(path)
    frame = result.frame
    value_columns = [c for c in frame.columns if c in TEMPLATE_INDICATORS.values()]
    wide = frame.select(
        pl.col("section").alias("subject"),
        _month_start(pl.col("time")).fill_null(_month_start(pl.col("period"))).alias("sampled_on"),
        pl.lit(None, dtype=pl.Float64).alias("flow_m3_d"),
        pl.col("source_row").alias("row"),
        *value_columns,
    )
    return wide.unpivot(
        index=["subject", "sampled_on", "flow_m3_d", "row"],
        variable_name="indicator",
        value_name="value",
    ).filter(pl.col("value").is_not_null())


def import_monitoring(
    session: Session,
    path: Path,
    *,
    kind: str,
    actor: Principal,
    is_demo: bool = False,
) -> ImportResult:
    """Import monitoring of ``kind`` (section | outfall | enterprise), all or nothing.

    Outfall codes must be registered outfalls; a value already stored for the same subject, date
    and indicator is skipped when equal and refused (with its row) when different.
    """
    require_admin(actor, f"导入{_KIND_LABEL.get(kind, kind)}监测数据")
    if kind not in _KIND_LABEL:
        raise ValueError(f"监测类型「{kind}」应为 section、outfall 或 enterprise")
    long = (
        section_monitoring_frame(path)
        if kind == "section"
        else read_discharge_monitoring(path, kind)
    )
    file = path.name
    problems: list[pl.DataFrame] = []
    dupes = long.filter(pl.struct("subject", "sampled_on", "indicator").is_duplicated())
    if dupes.height:
        problems.append(
            dupes.select(
                pl.lit(file).alias("file"),
                pl.col("row"),
                pl.col("indicator").alias("column"),
                pl.format(
                    "{} 在 {} 的该指标重复出现",
                    pl.col("subject"),
                    pl.col("sampled_on").cast(pl.String),
                ).alias("message"),
            )
        )
    if kind == "outfall":
        codes = set(session.scalars(select(WaterOutfall.code)))
        unknown = long.filter(~pl.col("subject").is_in(list(codes))).unique("row", keep="first")
        problems.append(
            unknown.select(
                pl.lit(file).alias("file"),
                pl.col("row"),
                pl.lit("排污口编码").alias("column"),
                pl.format("排污口编码「{}」未登记（先导入排污口）", pl.col("subject")).alias(
                    "message"
                ),
            )
        )
    existing_rows = session.execute(
        select(
            WaterMonitoring.subject,
            WaterMonitoring.sampled_on,
            WaterMonitoring.indicator,
            WaterMonitoring.value,
        ).where(
            WaterMonitoring.kind == kind,
            WaterMonitoring.subject.in_(long.get_column("subject").unique().to_list()),
        )
    ).all()
    existing = pl.DataFrame(
        [tuple(r) for r in existing_rows],
        schema={
            "subject": pl.String,
            "sampled_on": pl.Date,
            "indicator": pl.String,
            "stored": pl.Float64,
        },
        orient="row",
    )
    joined = long.join(existing, on=["subject", "sampled_on", "indicator"], how="left")
    conflicts = joined.filter(
        pl.col("stored").is_not_null() & ((pl.col("stored") - pl.col("value")).abs() > 1e-12)
    )
    problems.append(
        conflicts.select(
            pl.lit(file).alias("file"),
            pl.col("row"),
            pl.col("indicator").alias("column"),
            pl.format(
                "已导入的值为 {}，与本文件的 {} 不同（更正须先经审核撤回原值）",
                pl.col("stored"),
                pl.col("value"),
            ).alias("message"),
        )
    )
    raise_if_problems(problems)
    new = joined.filter(pl.col("stored").is_null())
    records = [
        WaterMonitoring(
            kind=kind,
            subject=r["subject"],
            sampled_on=r["sampled_on"],
            indicator=r["indicator"],
            value=r["value"],
            flow_m3_d=r["flow_m3_d"],
            source=file,
            is_demo=is_demo,
        )
        for r in new.iter_rows(named=True)
    ]
    session.add_all(records)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="water_monitoring.import",
        entity="water_monitoring",
        entity_id=file,
        after={
            "kind": kind,
            "file": file,
            "rows": len(records),
            "skipped_equal": joined.height - new.height,
        },
    )
    return ImportResult(len(records), 0, joined.height - new.height, (file,))
