"""Imports of the water graph: reaches, sections, outfalls (the Excel/CSV templates), provincial
section targets, drinking sources (monitoring files: :mod:`.monitoring_import`).

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

from envplan.monitoring.errors import InputFileError, InputProblem, problem_frame, raise_if_problems
from envplan.monitoring.water_targets import read_provincial_targets
from envplan.services.access import AccessDenied, Principal, Role
from envplan.services.water_graph.graph import reach_cycle, registry_names
from envplan.services.water_graph.tables import Column, read_registry
from envplan.store import audit
from envplan.store.water_graph import (
    DrinkingWaterSource,
    SectionTarget,
    WaterGraphSection,
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


def file_error(file: str, message: str) -> InputFileError:
    return InputFileError([InputProblem(file=file, row=None, column=None, message=message)])


def require_admin(actor: Principal, what: str) -> None:
    if actor.role is not Role.ADMIN:
        raise AccessDenied(f"无权{what}：用户 {actor.username} 不是局管理员")


@dataclass(frozen=True)
class ImportResult:
    """Counts of rows created, updated and unchanged by an import, and the files read."""

    created: int
    updated: int
    unchanged: int
    files: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The counts as a JSON-ready dict."""
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
        raise file_error("（无）", "未提供任何水系图文件（--reaches/--sections/--outfalls）")
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
    if "outfalls" in tables:
        registered = registry_names(
            session,
            [r["owner_credit_code"] for r in tables["outfalls"].rows if r["owner_credit_code"]],
        )
        for row in tables["outfalls"].rows:
            code, owner = row["owner_credit_code"], row["owner_name"]
            if code in registered and owner and owner != registered[code]:
                problems.append(
                    problem_frame(
                        tables["outfalls"].name,
                        f"责任主体「{owner}」与排污单位名录中统一社会信用代码「{code}」的名称"
                        f"「{registered[code]}」不一致",
                        row=row["_row"],
                        column="责任主体",
                    )
                )
            elif code in registered and not owner:
                row["owner_name"] = registered[code]  # filled from the registry
        names: dict[str, str] = {}
        for row in tables["outfalls"].rows:
            code, owner = row["owner_credit_code"], row["owner_name"] or ""
            if code is None:
                continue
            if code in names and names[code] != owner:
                problems.append(
                    problem_frame(
                        tables["outfalls"].name,
                        f"统一社会信用代码「{code}」对应的责任主体不一致（「{names[code]}」与「{owner}」）",
                        row=row["_row"],
                        column="责任主体",
                    )
                )
            names.setdefault(code, owner)
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


# --- provincial targets and drinking-water sources ----------------------------------------------


def import_section_targets(
    session: Session, path: Path, *, actor: Principal, source: str, is_demo: bool = False
) -> ImportResult:
    """Import provincial target classes of "完成省定目标" sections (the existing 断面名称, 年份,
    目标水质 layout, :func:`read_provincial_targets`), with the document they come from."""
    require_admin(actor, "导入省定断面目标")
    if not source.strip():
        raise file_error(path.name, "必须注明省定目标的来源文件（文号）")
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
