"""Imports of the water graph: reaches, sections, outfalls (the Excel/CSV templates), monitoring
(section, outfall, enterprise self-monitoring), provincial section targets, drinking sources.

Every import is all or nothing: files are read and checked completely (problems with file, row,
column, zh-CN), cross-checked against the records, and only then written in one transaction,
each change on the audit chain. Graph and registry edits need the bureau (admin) role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.monitoring.air_io import ROW, is_missing
from envplan.monitoring.errors import InputFileError, InputProblem, problem_frame, raise_if_problems
from envplan.monitoring.water_readers import (
    TEMPLATE_INDICATORS,
    load_table,
    numeric_cells,
    read_provincial_targets,
    read_water_template,
)
from envplan.services.access import AccessDenied, Principal, Role
from envplan.services.water_graph.graph import reach_cycle
from envplan.services.water_graph.tables import Column, read_registry
from envplan.store import audit
from envplan.store.water_graph import (
    DrinkingWaterSource,
    SectionTarget,
    WaterGraphSection,
    WaterMonitoring,
    WaterOutfall,
    WaterReach,
)

#: 入河排污口 types of 国办函〔2022〕17号《关于加强入河入海排污口监督管理工作的实施意见》 §二(一).
OUTFALL_KINDS = ("工业排污口", "城镇污水处理厂排污口", "农业排口", "其他排口")

REACH_COLUMNS = (
    Column("河段编码", "code", required=True),
    Column("河流", "river", required=True),
    Column("河段名称", "name", required=True),
    Column("县（市、区）", "county"),
    Column("下游河段编码", "downstream_code"),
    Column("长度（km）", "length_km", kind="number"),
)
SECTION_COLUMNS = (
    Column("断面名称", "name", required=True),
    Column("河段编码", "reach_code", required=True),
    Column("位置（km）", "position_km", required=True, kind="number"),
    Column("县（市、区）", "county"),
)
OUTFALL_COLUMNS = (
    Column("排污口编码", "code", required=True),
    Column("排污口名称", "name", required=True),
    Column("排污口类型", "kind", required=True, kind="choice", choices=OUTFALL_KINDS),
    Column("河段编码", "reach_code", required=True),
    Column("位置（km）", "position_km", required=True, kind="number"),
    Column("县（市、区）", "county"),
    Column("责任主体", "owner_name"),
    Column("统一社会信用代码", "owner_credit_code", kind="credit_code"),
    Column("许可排放量化学需氧量（t/a）", "permit_cod", kind="number"),
    Column("许可排放量氨氮（t/a）", "permit_nh3n", kind="number"),
    Column("许可排放量总磷（t/a）", "permit_tp", kind="number"),
    Column("许可排放量总氮（t/a）", "permit_tn", kind="number"),
)
SOURCE_COLUMNS = (
    Column("水源地编码", "code", required=True),
    Column("水源地名称", "name", required=True),
    Column("县（市、区）", "county", required=True),
    Column("乡镇", "town"),
    Column("水源类型", "source_type", required=True, kind="choice", choices=("地表水", "地下水")),
    Column("服务人口（人）", "served_population", kind="integer"),
    Column("供水规模（t/d）", "supply_t_d", kind="number"),
    Column("一级保护区范围", "zone_primary"),
    Column("二级保护区范围", "zone_secondary"),
    Column("准保护区范围", "zone_quasi"),
    Column("水质目标", "target_class", kind="choice", choices=("Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类")),
    Column(
        "最近水质类别",
        "latest_class",
        kind="choice",
        choices=("Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"),
    ),
    Column("最近监测季度", "latest_period"),
)
_CLASS_CODE = {"Ⅰ类": 1, "Ⅱ类": 2, "Ⅲ类": 3, "Ⅳ类": 4, "Ⅴ类": 5, "劣Ⅴ类": 6}


def _file_error(file: str, message: str) -> InputFileError:
    return InputFileError([InputProblem(file=file, row=None, column=None, message=message)])


def require_admin(actor: Principal, what: str) -> None:
    if actor.role is not Role.ADMIN:
        raise AccessDenied(f"无权{what}：用户 {actor.username} 不是局管理员")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    files: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "files": list(self.files),
        }


def _snapshot(record: Any, keys: Sequence[str]) -> dict[str, Any]:
    return {key: getattr(record, key) for key in keys}


def _upsert(
    session: Session,
    model: Any,
    key: str,
    rows: list[dict[str, Any]],
    actor: Principal,
    entity: str,
    is_demo: bool,
) -> tuple[int, int, int]:
    """Insert or update ``rows`` (dicts of model fields) by primary ``key``; audited."""
    created = updated = unchanged = 0
    changes: list[audit.Change] = []
    for values in rows:
        fields = list(values)
        record = session.get(model, values[key])
        if record is None:
            session.add(model(**values, is_demo=is_demo))
            created += 1
            changes.append(
                audit.Change(actor.username, f"{entity}.create", entity, values[key], None, values)
            )
            continue
        before = _snapshot(record, fields)
        if before == values:
            unchanged += 1
            continue
        for field, value in values.items():
            setattr(record, field, value)
        updated += 1
        changes.append(
            audit.Change(actor.username, f"{entity}.update", entity, values[key], before, values)
        )
    session.flush()
    audit.append_many(session, changes)
    return created, updated, unchanged


def import_graph(
    session: Session,
    *,
    reaches: Path | None = None,
    sections: Path | None = None,
    outfalls: Path | None = None,
    actor: Principal,
    is_demo: bool = False,
) -> ImportResult:
    """Import any of the three graph files together (all or nothing across them).

    References are checked against the files and the records: a section's or outfall's 河段编码
    and a reach's 下游河段编码 must exist; the reaches must not form a cycle; a section name must
    not be placed twice. Existing codes are updated (audited before/after), new ones created.
    """
    require_admin(actor, "导入水系图")
    problems: list[pl.DataFrame] = []
    tables: dict[str, Any] = {}
    for label, path, columns, unique in (
        ("reaches", reaches, REACH_COLUMNS, "code"),
        ("sections", sections, SECTION_COLUMNS, "name"),
        ("outfalls", outfalls, OUTFALL_COLUMNS, "code"),
    ):
        if path is not None:
            table, found = read_registry(path, columns, unique=unique)
            tables[label] = table
            problems += found
    if not tables:
        raise _file_error("（无）", "未提供任何水系图文件（--reaches/--sections/--outfalls）")
    raise_if_problems(problems)
    known = {r.code: r.downstream_code for r in session.scalars(select(WaterReach))}
    if "reaches" in tables:
        for row in tables["reaches"].rows:
            known[row["code"]] = row["downstream_code"]
        for row in tables["reaches"].rows:
            down = row["downstream_code"]
            if down is not None and down not in known:
                problems.append(
                    problem_frame(
                        tables["reaches"].name,
                        f"下游河段编码「{down}」不存在",
                        row=row["_row"],
                        column="下游河段编码",
                    )
                )
            if down == row["code"]:
                problems.append(
                    problem_frame(
                        tables["reaches"].name,
                        "下游河段不能是本河段",
                        row=row["_row"],
                        column="下游河段编码",
                    )
                )
        cycle = reach_cycle([(code, down) for code, down in known.items() if down])
        if cycle:
            problems.append(
                problem_frame(
                    tables["reaches"].name,
                    f"河段构成环路：{' → '.join(cycle)}",
                    column="下游河段编码",
                )
            )
    for label in ("sections", "outfalls"):
        if label in tables:
            for row in tables[label].rows:
                if row["reach_code"] not in known:
                    problems.append(
                        problem_frame(
                            tables[label].name,
                            f"河段编码「{row['reach_code']}」不存在（先导入河段）",
                            row=row["_row"],
                            column="河段编码",
                        )
                    )
    raise_if_problems(problems)
    totals = [0, 0, 0]

    def add(counts: tuple[int, int, int]) -> None:
        for i, n in enumerate(counts):
            totals[i] += n

    if "reaches" in tables:
        rows = [
            {
                k: r[k] if r[k] is not None else ("" if k == "county" else None)
                for k in ("code", "river", "name", "county", "downstream_code", "length_km")
            }
            for r in tables["reaches"].rows
        ]
        add(_upsert(session, WaterReach, "code", rows, actor, "water_reach", is_demo))
    if "sections" in tables:
        rows = [
            {
                "name": r["name"],
                "reach_code": r["reach_code"],
                "position_km": r["position_km"],
                "county": r["county"] or "",
            }
            for r in tables["sections"].rows
        ]
        add(
            _upsert(session, WaterGraphSection, "name", rows, actor, "water_graph_section", is_demo)
        )
    if "outfalls" in tables:
        rows = []
        for r in tables["outfalls"].rows:
            permits = {
                ind: r[f"permit_{ind}"]
                for ind in ("cod", "nh3n", "tp", "tn")
                if r[f"permit_{ind}"] is not None
            }
            rows.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "kind": r["kind"],
                    "reach_code": r["reach_code"],
                    "position_km": r["position_km"],
                    "county": r["county"] or "",
                    "owner_name": r["owner_name"] or "",
                    "owner_credit_code": r["owner_credit_code"],
                    "permitted_loads": permits,
                }
            )
        add(_upsert(session, WaterOutfall, "code", rows, actor, "water_outfall", is_demo))
    return ImportResult(totals[0], totals[1], totals[2], tuple(t.name for t in tables.values()))


# --- monitoring --------------------------------------------------------------------------------

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
        raise _file_error(file, "文件没有数据行")
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


# --- provincial targets and drinking-water sources ----------------------------------------------


def import_section_targets(
    session: Session, path: Path, *, actor: Principal, source: str, is_demo: bool = False
) -> ImportResult:
    """Import provincial target classes of "完成省定目标" sections (the existing 断面名称, 年份,
    目标水质 layout, :func:`read_provincial_targets`), with the document they come from."""
    require_admin(actor, "导入省定断面目标")
    if not source.strip():
        raise _file_error(path.name, "必须注明省定目标的来源文件（文号）")
    frame = read_provincial_targets(path)
    rows = frame.to_dicts()
    created = updated = unchanged = 0
    changes: list[audit.Change] = []
    for row in rows:
        record = session.scalar(
            select(SectionTarget).where(
                SectionTarget.section == row["section"], SectionTarget.year == row["year"]
            )
        )
        after = {
            "section": row["section"],
            "year": row["year"],
            "target_class": row["target_class"],
            "source": source,
        }
        if record is None:
            session.add(SectionTarget(**after, is_demo=is_demo))
            created += 1
            changes.append(
                audit.Change(
                    actor.username,
                    "section_target.create",
                    "section_target",
                    f"{row['section']}/{row['year']}",
                    None,
                    after,
                )
            )
        elif (record.target_class, record.source) == (row["target_class"], source):
            unchanged += 1
        else:
            before = {"target_class": record.target_class, "source": record.source}
            record.target_class, record.source = row["target_class"], source
            updated += 1
            changes.append(
                audit.Change(
                    actor.username,
                    "section_target.update",
                    "section_target",
                    f"{row['section']}/{row['year']}",
                    before,
                    after,
                )
            )
    session.flush()
    audit.append_many(session, changes)
    return ImportResult(created, updated, unchanged, (path.name,))


def import_drinking_sources(
    session: Session, path: Path, *, actor: Principal, is_demo: bool = False
) -> ImportResult:
    """Import the 千吨万人 drinking-water source registry (all or nothing)."""
    require_admin(actor, "导入饮用水水源地")
    table, problems = read_registry(path, SOURCE_COLUMNS, unique="code")
    raise_if_problems(problems)
    rows = []
    for r in table.rows:
        rows.append(
            {
                "code": r["code"],
                "name": r["name"],
                "county": r["county"],
                "town": r["town"] or "",
                "source_type": r["source_type"],
                "served_population": int(r["served_population"])
                if r["served_population"] is not None
                else None,
                "supply_t_d": r["supply_t_d"],
                "zone_primary": r["zone_primary"] or "",
                "zone_secondary": r["zone_secondary"] or "",
                "zone_quasi": r["zone_quasi"] or "",
                "target_class": _CLASS_CODE.get(r["target_class"] or ""),
                "latest_class": _CLASS_CODE.get(r["latest_class"] or ""),
                "latest_period": r["latest_period"],
            }
        )
    counts = _upsert(session, DrinkingWaterSource, "code", rows, actor, "drinking_source", is_demo)
    return ImportResult(*counts, (table.name,))


def template_headers() -> dict[str, list[str]]:
    """Header rows of the import templates, by template file name."""
    return {
        "水系图_河段.csv": [c.header for c in REACH_COLUMNS],
        "水系图_断面.csv": [c.header for c in SECTION_COLUMNS],
        "水系图_排污口.csv": [c.header for c in OUTFALL_COLUMNS],
        "排污口监测.csv": [
            "排污口编码",
            "监测时间",
            "流量（m³/d）",
            "化学需氧量（mg/L）",
            "氨氮（mg/L）",
            "总磷（mg/L）",
            "总氮（mg/L）",
            "备注",
        ],
        "企业自行监测.csv": [
            "统一社会信用代码",
            "监测时间",
            "流量（m³/d）",
            "化学需氧量（mg/L）",
            "氨氮（mg/L）",
            "总磷（mg/L）",
            "总氮（mg/L）",
            "备注",
        ],
        "千吨万人水源地.csv": [c.header for c in SOURCE_COLUMNS],
        "省定断面目标.csv": ["断面名称", "年份", "目标水质"],
    }
