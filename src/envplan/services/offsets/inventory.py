"""Emission inventory (排放清单): annual emissions by enterprise, county and pollutant, and the
−2 % target check against 2020 per county and for the city.

The targets come from the plan registry (air 二、主要目标: 二氧化硫/氮氧化物/挥发性有机物排放量较2020年
下降2%以上, comparator ``decrease_by_at_least``). The plan sets the city's figure and leaves the
county figures to a later allocation (air 二 last sentence, target air-t12): until one is
configured every county is checked against the city's percentage, and the result says so. PM has
no target and is shown without one.

Import (Excel .xlsx or CSV, the layout of :data:`INVENTORY_COLUMNS`, one row per enterprise and
year): every row is checked first; any error and nothing is written (all errors listed with file,
row and column). Re-importing a year replaces that enterprise's figures (audited before/after).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.plan import Plan, default_plan
from envplan.services.access import Principal, Role
from envplan.services.offsets.common import (
    OffsetsDenied,
    OffsetsError,
    parse_county,
    readable_counties,
)
from envplan.standards.offsets import (
    GRAMS_PER_TONNE,
    POLLUTANT_LABELS,
    POLLUTANTS,
    OffsetRuleError,
    grams_to_tonnes,
    reduction_check,
    tonnes_to_grams,
)
from envplan.store import audit
from envplan.store.enterprises import AnnualEmission, Enterprise
from envplan.store.offsets import EmissionRecord

BASE_YEAR = 2020
CITY = "全市"
COL_YEAR = "年份"
COL_NAME = "企业名称"
COL_CODE = "统一社会信用代码"
COL_COUNTY = "县（市、区）"
COL_TOWN = "乡镇（街道）"
COL_VILLAGE = "村（社区）"
COL_INDUSTRY = "行业"
COL_SOURCE = "数据来源"
POLLUTANT_COLUMNS = {p: f"{p}（吨/年）" for p in POLLUTANTS}
#: Headers of the inventory import layout (Excel or CSV), in template order: year, enterprise,
#: credit code, county, town, village, industry, one column per pollutant [t/a], data source.
INVENTORY_COLUMNS = (
    COL_YEAR,
    COL_NAME,
    COL_CODE,
    COL_COUNTY,
    COL_TOWN,
    COL_VILLAGE,
    COL_INDUSTRY,
    *POLLUTANT_COLUMNS.values(),
    COL_SOURCE,
)
_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_INDICATORS = {"二氧化硫排放量": "SO2", "氮氧化物排放量": "NOx", "挥发性有机物排放量": "VOCs"}


class InventoryImportError(ValueError):
    """The inventory file was not imported; ``problems`` lists every fault (file, row, column).

    Parameters
    ----------
    problems : list of str
        zh-CN descriptions of the faults; the message shows the first 50.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = f"排放清单未导入（共 {len(problems)} 处错误，未写入任何数据）："
        super().__init__("\n".join([head, *problems[:50]]))


@dataclass(frozen=True)
class EmissionRow:
    year: int
    name: str
    credit_code: str | None
    county: str
    town: str
    village: str
    industry: str
    amounts: dict[str, int]  # pollutant -> g/a (only the filled cells)
    source: str


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_inventory(path: Path, plan: Plan | None = None) -> list[EmissionRow]:
    """Parse and check an inventory file; raises :class:`InventoryImportError` listing all errors.

    Parameters
    ----------
    path : pathlib.Path
        The .xlsx or .csv file (:data:`INVENTORY_COLUMNS` layout).
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    list of EmissionRow
        One row per enterprise and year, the filled pollutant cells in grams per year.
    """

    if not path.is_file():
        raise InventoryImportError([f"文件不存在：{path}"])
    problems: list[str] = []
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise InventoryImportError([f"{path.name}：不是有效的 Excel 文件（.xlsx）"]) from exc
        raw = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    elif path.suffix.lower() == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                raw = [[_cell_text(v) for v in row] for row in csv.reader(handle)]
        except UnicodeDecodeError:
            raise InventoryImportError([f"{path.name}：CSV 应为 UTF-8 编码"]) from None
    else:
        raise InventoryImportError([f"{path.name}：只支持 .xlsx 或 .csv 文件"])
    header_at = next((i for i, r in enumerate(raw) if COL_NAME in r), None)
    if header_at is None:
        raise InventoryImportError([f"{path.name}：找不到表头（应含“{COL_NAME}”列）"])
    header = raw[header_at]
    missing = [c for c in (COL_YEAR, COL_NAME, COL_COUNTY) if c not in header]
    if missing or not any(c in header for c in POLLUTANT_COLUMNS.values()):
        need = "、".join(missing) or "至少一列污染物（如“SO2（吨/年）”）"
        raise InventoryImportError([f"{path.name} 第 {header_at + 1} 行表头缺少：{need}"])
    index = {name: header.index(name) for name in INVENTORY_COLUMNS if name in header}
    rows: list[EmissionRow] = []
    seen: dict[tuple[int, str], int] = {}
    for offset, cells in enumerate(raw[header_at + 1 :], start=header_at + 2):
        if not any(cells):
            continue

        def get(column: str, cells: list[str] = cells) -> str:
            at = index.get(column)
            return cells[at] if at is not None and at < len(cells) else ""

        where = f"{path.name} 第 {offset} 行"
        errors: list[str] = []
        year_text = get(COL_YEAR)
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else 0
        if not year:
            errors.append(f"{where}“{COL_YEAR}”应为 4 位年份，收到：{year_text or '（空）'}")
        name = get(COL_NAME)
        if not name:
            errors.append(f"{where}“{COL_NAME}”不能为空")
        code = get(COL_CODE).upper() or None
        if code is not None and not _CODE.match(code):
            errors.append(f"{where}“{COL_CODE}”格式不正确（18 位数字或大写字母）：{code}")
        county = ""
        try:
            county = parse_county(get(COL_COUNTY), plan, field_name=f"{where}“{COL_COUNTY}”")
        except OffsetsError as exc:
            errors.append(str(exc))
        amounts: dict[str, int] = {}
        for pollutant, column in POLLUTANT_COLUMNS.items():
            text = get(column)
            if not text:
                continue
            if text in ("0", "0.0"):
                amounts[pollutant] = 0
                continue
            try:
                amounts[pollutant] = tonnes_to_grams(text)
            except OffsetRuleError as exc:
                errors.append(f"{where}“{column}”：{exc}")
        if not amounts and not errors:
            errors.append(f"{where}：没有填写任何污染物排放量")
        key = (year, code or f"name:{name}")
        if not errors and key in seen:
            errors.append(f"{where}：与第 {seen[key]} 行重复（同一企业同一年份）")
        seen.setdefault(key, offset)
        if errors:
            problems.extend(errors)
            continue
        rows.append(
            EmissionRow(
                year,
                name,
                code,
                county,
                get(COL_TOWN),
                get(COL_VILLAGE),
                get(COL_INDUSTRY),
                amounts,
                get(COL_SOURCE),
            )
        )
    if problems:
        raise InventoryImportError(problems)
    if not rows:
        raise InventoryImportError([f"{path.name}：没有数据行"])
    return rows


def save_inventory(
    session: Session, principal: Principal, rows: list[EmissionRow], *, is_demo: bool = False
) -> int:
    """Write checked rows (insert or replace per year, enterprise, pollutant); audited.

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The bureau admin, or a county clerk for rows of its own county only.
    rows : list of EmissionRow
        Checked rows (:func:`read_inventory`).
    is_demo : bool
        Mark the figures as 示例 data.

    Returns
    -------
    int
        How many figures (enterprise, year, pollutant) were written.
    """
    if principal.role is not Role.ADMIN:
        counties = {r.county for r in rows}
        if principal.role is not Role.COUNTY_CLERK or counties - {principal.county}:
            raise OffsetsDenied(f"无权导入排放清单：用户 {principal.username}")
    changes: list[audit.Change] = []
    written = 0
    for row in rows:
        key = row.credit_code or f"name:{row.name}"
        for pollutant, grams in row.amounts.items():
            record = session.scalar(
                select(EmissionRecord).where(
                    EmissionRecord.year == row.year,
                    EmissionRecord.enterprise_key == key,
                    EmissionRecord.pollutant == pollutant,
                )
            )
            before = None if record is None else _record_dict(record)
            if record is None:
                record = EmissionRecord(
                    year=row.year, enterprise_key=key, pollutant=pollutant, created_by=""
                )
                session.add(record)
            record.enterprise_name = row.name
            record.credit_code = row.credit_code
            record.county = row.county
            record.town = row.town
            record.village = row.village
            record.industry = row.industry
            record.amount_g = grams
            record.source = row.source
            record.created_by = principal.username
            record.is_demo = is_demo
            session.flush()
            written += 1
            changes.append(
                audit.Change(
                    principal.username,
                    "inventory.set",
                    "emission_record",
                    record.id,
                    before,
                    _record_dict(record),
                )
            )
    audit.append_many(session, changes)
    return written


def _record_dict(record: EmissionRecord) -> dict[str, Any]:
    return {
        "year": record.year,
        "enterprise": record.enterprise_name,
        "credit_code": record.credit_code,
        "county": record.county,
        "pollutant": record.pollutant,
        "tonnes": grams_to_tonnes(record.amount_g),
        "source": record.source,
    }


def import_inventory(
    session: Session, principal: Principal, path: Path, *, plan: Plan | None = None
) -> int:
    """Read, check and save an inventory file (all or nothing); returns the figures written.

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        As for :func:`save_inventory`.
    path : pathlib.Path
        The .xlsx or .csv file.
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    int
        How many figures were written.
    """
    return save_inventory(session, principal, read_inventory(path, plan))


def reduction_targets(plan: Plan | None = None) -> dict[str, dict[str, Any]]:
    """Pollutant -> the registry's −x % target (value [%], baseline year, target id, text).

    Parameters
    ----------
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    dict of str to dict
        ``SO2``, ``NOx``, ``VOCs`` to ``pct``, ``baseline_year``, ``target_id``, ``text`` and
        ``clause``.
    """
    out: dict[str, dict[str, Any]] = {}
    for target in (plan or default_plan()).subplan("air").targets:
        pollutant = _INDICATORS.get(target.indicator or "")
        if pollutant and target.comparator == "decrease_by_at_least" and target.value is not None:
            out[pollutant] = {
                "pct": target.value,
                "baseline_year": target.baseline_year or BASE_YEAR,
                "target_id": target.id,
                "text": target.text,
                "clause": f"空气 {target.source_section}",
            }
    return out


def emission_facts(session: Session, years: list[int] | None = None) -> pl.DataFrame:
    """One row per enterprise, year and pollutant: the imported inventory (``emission_records``)
    and the enterprise registry's annual emissions (issue 13), linked by 统一社会信用代码. Where
    both give a figure for the same enterprise, year and pollutant, the imported inventory wins
    (it is the bureau's checked 源清单); ``origin`` says which one a row comes from."""
    inventory = select(
        EmissionRecord.enterprise_key,
        EmissionRecord.credit_code,
        EmissionRecord.enterprise_name,
        EmissionRecord.county,
        EmissionRecord.town,
        EmissionRecord.village,
        EmissionRecord.industry,
        EmissionRecord.year,
        EmissionRecord.pollutant,
        EmissionRecord.amount_g,
        EmissionRecord.is_demo,
    )
    registry = select(
        Enterprise.credit_code,
        Enterprise.name,
        Enterprise.county,
        Enterprise.town,
        Enterprise.village,
        Enterprise.industry,
        AnnualEmission.year,
        AnnualEmission.pollutant,
        AnnualEmission.tonnes,
        Enterprise.is_demo,
    ).join(AnnualEmission, AnnualEmission.enterprise_id == Enterprise.id)
    if years is not None:
        inventory = inventory.where(EmissionRecord.year.in_(years))
        registry = registry.where(AnnualEmission.year.in_(years))
    schema = {
        "key": pl.String,
        "credit_code": pl.String,
        "name": pl.String,
        "county": pl.String,
        "town": pl.String,
        "village": pl.String,
        "industry": pl.String,
        "year": pl.Int64,
        "pollutant": pl.String,
        "grams": pl.Int64,
        "is_demo": pl.Boolean,
    }
    own = pl.DataFrame(
        [tuple(r) for r in session.execute(inventory)], schema=schema, orient="row"
    ).with_columns(origin=pl.lit("排放清单"))
    listed = pl.DataFrame(
        [tuple(r) for r in session.execute(registry)],
        schema=[
            *((k, v) for k, v in schema.items() if k not in ("key", "grams", "is_demo")),
            ("tonnes", pl.Float64),
            ("is_demo", pl.Boolean),
        ],
        orient="row",
    )
    listed = listed.select(
        pl.col("credit_code").alias("key"),
        *(pl.col(c) for c in ("credit_code", "name", "county", "town", "village", "industry")),
        pl.col("year"),
        pl.col("pollutant"),
        (pl.col("tonnes") * GRAMS_PER_TONNE).round(0).cast(pl.Int64).alias("grams"),
        pl.col("is_demo"),
    ).with_columns(origin=pl.lit("企业名录"))
    listed = listed.join(own, on=["key", "year", "pollutant"], how="anti")
    return pl.concat([own, listed], how="vertical")


def _paired_sums(
    facts: pl.DataFrame, pollutant: str, base_year: int, year: int
) -> tuple[dict[tuple[int, str], int], dict[str, list[str]]]:
    """Sums [g] per (year, area) of one pollutant, like-for-like: an enterprise with a base-year
    figure but no figure for ``year`` is left out of both years and listed as missing per area.
    A new enterprise (figure for ``year`` only) counts: its emission is an increase."""
    rows = facts.filter(pl.col("pollutant") == pollutant)
    base = rows.filter(pl.col("year") == base_year)
    current = rows.filter(pl.col("year") == year)
    gaps = base.join(current, on="key", how="anti")
    kept = pl.concat([base.join(gaps, on="key", how="anti"), current]).unique(
        subset=["key", "year"], keep="first"
    )
    sums: dict[tuple[int, str], int] = {}
    totals = kept.group_by("year", "county").agg(pl.col("grams").sum())
    for y, county, grams in totals.select("year", "county", "grams").iter_rows():
        sums[(y, county)] = int(grams)
        sums[(y, CITY)] = sums.get((y, CITY), 0) + int(grams)
    missing: dict[str, list[str]] = {}
    for county, name in gaps.sort("county", "name").select("county", "name").iter_rows():
        missing.setdefault(county, []).append(name)
        missing.setdefault(CITY, []).append(name)
    return sums, missing


def inventory_check(
    session: Session,
    principal: Principal,
    year: int,
    *,
    plan: Plan | None = None,
) -> dict[str, Any]:
    """Per county (those the user may read) and for the city: base-year and ``year`` emissions,
    change [%], the target's allowed emission, the margin left [t] and whether it is met.

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user (``OffsetsDenied`` outside its rights).
    year : int
        The year checked.
    plan : Plan or None
        The plan whose counties are accepted (None = the default plan).

    Returns
    -------
    dict
        ``year``, ``targets`` (:func:`reduction_targets`), ``rows`` (per area and pollutant:
        ``base``, ``current``, ``change_pct``, ``target_pct``, ``allowed``, ``margin`` [t],
        ``met`` (None without target or data), ``missing`` enterprises …), ``note`` (zh-CN) and
        ``generated``.
    """
    targets = reduction_targets(plan)
    allowed = readable_counties(principal)
    if allowed is not None and not allowed:
        raise OffsetsDenied(f"无权查看排放清单：用户 {principal.username}")
    baseline = {p: int(t["baseline_year"]) for p, t in targets.items()}
    base_years = set(baseline.values()) or {BASE_YEAR}
    facts = emission_facts(session, [year, *base_years])
    counties = [c.name for c in (plan or default_plan()).counties]
    areas = [c for c in counties if allowed is None or c in allowed]
    if allowed is None:
        areas.append(CITY)
    rows: list[dict[str, Any]] = []
    for pollutant in POLLUTANTS:
        target = targets.get(pollutant)
        base_year = baseline.get(pollutant, BASE_YEAR)
        sums, missing = _paired_sums(facts, pollutant, base_year, year)
        base = [sums.get((base_year, a), 0) for a in areas]
        current = [sums.get((year, a), 0) for a in areas]
        check = reduction_check(base, current, target["pct"] if target else 0.0)
        for i, area in enumerate(areas):
            has_data = bool(base[i] or current[i])
            change = float(check.change_pct[i])
            rows.append(
                {
                    "area": area,
                    "pollutant": pollutant,
                    "pollutant_label": POLLUTANT_LABELS[pollutant],
                    "base_year": base_year,
                    "base": grams_to_tonnes(base[i]),
                    "year": year,
                    "current": grams_to_tonnes(current[i]),
                    "change_pct": None if change != change else round(change, 2),
                    "target_pct": -float(target["pct"]) if target else None,
                    "allowed": round(float(check.allowed[i]) / 1e6, 6) if target else None,
                    "margin": round(float(check.margin[i]) / 1e6, 6) if target else None,
                    "met": bool(check.met[i]) if target and has_data else None,
                    # enterprises with a base-year figure and none for ``year``: left out of
                    # both sums (like-for-like); a closure is reported as 0, not as a gap
                    "missing": missing.get(area, []),
                    "target_source": (
                        "全市目标（各县目标另行分解，air-t12）"
                        if target and area != CITY
                        else (target["target_id"] if target else "无目标")
                    ),
                }
            )
    return {
        "year": year,
        "targets": targets,
        "rows": rows,
        "note": (
            "各县（市、区）目标根据国家、省下达的任务另行分解（空气 二、主要目标）；未分解前按全市目标"
            "比例核算。基准年有排放量而核算年未填报的企业不计入两年的对比（见“缺报”），关停企业请填 0。"
        ),
        "generated": dt.date.today().isoformat(),
    }


def list_emissions(
    session: Session, principal: Principal, *, year: int | None = None
) -> list[dict[str, Any]]:
    """Inventory rows (one per enterprise and year, pollutants side by side) the user may read,
    from the imported inventory and the enterprise registry (``origin``).

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user; only the counties it reads.
    year : int or None
        Only this year (None = every year).

    Returns
    -------
    list of dict
        ``year``, ``name``, ``credit_code``, ``county``, ``town``, ``village``, ``industry``,
        ``origin``, ``is_demo`` and one [t/a] value per pollutant (None where not given).
    """
    allowed = readable_counties(principal)
    facts = emission_facts(session, [year] if year is not None else None)
    if allowed is not None:
        facts = facts.filter(pl.col("county").is_in(sorted(allowed)))
    if facts.is_empty():
        return []
    wide = (
        facts.with_columns((pl.col("grams") / GRAMS_PER_TONNE).round(6).alias("tonnes"))
        .pivot(
            on="pollutant",
            index=["year", "key", "name", "credit_code", "county", "town", "village", "industry",
                   "origin", "is_demo"],
            values="tonnes",
            aggregate_function="first",
        )
        .sort("year", "county", "name")
    )  # fmt: skip
    for pollutant in POLLUTANTS:
        if pollutant not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(pollutant))
    return wide.drop("key").to_dicts()
