"""Excel import of the land registry (sheets 地块 and 重点监管单位), all or nothing.

The layout is the one :mod:`envplan.reports.land_xlsx` exports (row 1 header; a sheet may be
absent), so an export edited in Excel imports back. Every row is checked first; any problem
refuses the whole file with the sheet, row and field named, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Principal
from envplan.services.land.common import LandError, check_county
from envplan.services.land.plots import PlotInput, add_plot, validate_plot
from envplan.services.land.units import KeyUnitInput, add_key_unit
from envplan.standards.enterprises import credit_code_problem, normalise_credit_code
from envplan.store.land import LandKeyUnit, LandPlot

#: Sheet name of the plots in the import template and the export.
PLOT_SHEET: Final = "地块"
#: Sheet name of the key supervised units in the import template and the export.
UNIT_SHEET: Final = "重点监管单位"

#: header → PlotInput field; * = required.
PLOT_COLUMNS: Final[tuple[tuple[str, str, bool], ...]] = (
    ("地块编号", "parcel_id", True),
    ("地块名称", "name", False),
    ("县（市、区）", "county", True),
    ("乡镇（街道）", "town", False),
    ("村（社区）", "village", False),
    ("面积（平方米）", "area_m2", False),
    ("边界（GeoJSON）", "polygon", False),
    ("原用途", "former_use", False),
    ("原企业统一社会信用代码", "former_enterprise_code", False),
    ("原企业名称", "former_enterprise_name", False),
    ("规划用途", "planned_use", False),
    ("当前阶段", "stage", False),
    ("登记日期", "registered_on", False),
)
#: header → key-unit field; * = required.
UNIT_COLUMNS: Final[tuple[tuple[str, str, bool], ...]] = (
    ("单位名称", "name", True),
    ("统一社会信用代码", "credit_code", False),
    ("县（市、区）", "county", True),
    ("行业", "industry", False),
    ("涉重金属", "heavy_metal", False),
    ("纳入名录日期", "listed_on", False),
    ("排污许可证编号", "permit_number", False),
)


class LandImportError(LandError):
    """All problems of an import file (sheet, row, field, message); nothing was written."""

    def __init__(self, filename: str, problems: list[tuple[str, int | None, str, str]]) -> None:
        self.problems = problems
        lines = [
            f"  - 工作表「{sheet}」"
            + (f" 第 {row} 行" if row else "")
            + (f" 列「{col}」" if col else "")
            + f"：{msg}"
            for sheet, row, col, msg in problems[:50]
        ]
        more = f"\n  …… 共 {len(problems)} 处" if len(problems) > 50 else ""
        super().__init__(
            f"文件「{filename}」有 {len(problems)} 处问题，未导入任何数据：\n"
            + "\n".join(lines)
            + more
        )


@dataclass(frozen=True)
class ImportResult:
    plots: int
    units: int


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(text)


def _rows(sheet: Any) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    values = list(sheet.iter_rows(values_only=True))
    if not values:
        return [], []
    header = [_text(h) for h in values[0]]
    body = [(n, list(r)) for n, r in enumerate(values[1:], start=2) if any(_text(c) for c in r)]
    return header, body


def _columns(
    header: list[str], spec: tuple[tuple[str, str, bool], ...], sheet: str, problems: list[Any]
) -> dict[str, int]:
    index = {name: i for i, name in enumerate(header) if name}
    for name, _field, required in spec:
        if required and name not in index:
            problems.append((sheet, 1, name, "缺少必填列"))
    return {field: index[name] for name, field, _req in spec if name in index}


def import_workbook(
    session: Session,
    data: bytes,
    filename: str,
    *,
    today: dt.date,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
) -> ImportResult:
    """Check every row of both sheets, then add them all (or raise LandImportError)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-xlsx file
        raise LandError(f"文件「{filename}」不是有效的 Excel（.xlsx）文件：{exc}") from None
    if PLOT_SHEET not in book.sheetnames and UNIT_SHEET not in book.sheetnames:
        raise LandError(f"文件「{filename}」缺少工作表「{PLOT_SHEET}」或「{UNIT_SHEET}」")
    problems: list[tuple[str, int | None, str, str]] = []
    plots: list[tuple[PlotInput, dt.date]] = []
    units: list[KeyUnitInput] = []
    if PLOT_SHEET in book.sheetnames:
        plots = _check_plots(session, book[PLOT_SHEET], today, problems)
    if UNIT_SHEET in book.sheetnames:
        units = _check_units(session, book[UNIT_SHEET], problems)
    book.close()
    if problems:
        raise LandImportError(filename, problems)
    for plot, on in plots:
        add_plot(session, plot, on=on, actor=actor, is_demo=is_demo)
    for unit in units:
        add_key_unit(session, unit, actor=actor, is_demo=is_demo)
    return ImportResult(len(plots), len(units))


def _field_of(message: str, spec: tuple[tuple[str, str, bool], ...]) -> str:
    for name, _field, _req in spec:
        if message.startswith(name) or name in message[:12]:
            return name
    return ""


def _check_plots(
    session: Session, sheet: Any, today: dt.date, problems: list[Any]
) -> list[tuple[PlotInput, dt.date]]:
    header, body = _rows(sheet)
    columns = _columns(header, PLOT_COLUMNS, PLOT_SHEET, problems)
    if problems:
        return []
    existing = set(session.scalars(select(LandPlot.parcel_id)))
    seen: dict[str, int] = {}
    out: list[tuple[PlotInput, dt.date]] = []
    for number, cells in body:
        raw = {f: cells[i] if i < len(cells) else None for f, i in columns.items()}
        try:
            area = _text(raw.get("area_m2"))
            polygon_text = _text(raw.get("polygon"))
            try:
                polygon = json.loads(polygon_text) if polygon_text else None
            except json.JSONDecodeError:
                raise LandError("边界（GeoJSON）不是有效的 JSON") from None
            try:
                registered = _date(raw.get("registered_on")) or today
            except ValueError:
                raise LandError("登记日期应为 YYYY-MM-DD") from None
            try:
                area_value = float(area) if area else None
            except ValueError:
                raise LandError(f"面积（平方米）应为数字，收到：{area}") from None
            data = PlotInput(
                parcel_id=_text(raw.get("parcel_id")),
                county=_text(raw.get("county")),
                planned_use=_text(raw.get("planned_use")) or None,
                stage=_text(raw.get("stage")) or "疑似污染地块",
                name=_text(raw.get("name")),
                town=_text(raw.get("town")),
                village=_text(raw.get("village")),
                area_m2=area_value,
                polygon=polygon,
                former_use=_text(raw.get("former_use")),
                former_enterprise_code=_text(raw.get("former_enterprise_code")) or None,
                former_enterprise_name=_text(raw.get("former_enterprise_name")),
            )
            values = validate_plot(data)
        except LandError as exc:
            problems.append((PLOT_SHEET, number, _field_of(str(exc), PLOT_COLUMNS), str(exc)))
            continue
        parcel = values["parcel_id"]
        if parcel in existing:
            problems.append((PLOT_SHEET, number, "地块编号", f"地块编号已在名录中：{parcel}"))
        elif parcel in seen:
            problems.append(
                (PLOT_SHEET, number, "地块编号", f"地块编号与第 {seen[parcel]} 行重复：{parcel}")
            )
        seen.setdefault(parcel, number)
        out.append((data, registered))
    return out


def _check_units(session: Session, sheet: Any, problems: list[Any]) -> list[KeyUnitInput]:
    header, body = _rows(sheet)
    columns = _columns(header, UNIT_COLUMNS, UNIT_SHEET, problems)
    if any(p[0] == UNIT_SHEET for p in problems):
        return []
    existing = {c for c in session.scalars(select(LandKeyUnit.credit_code)) if c}
    seen: dict[str, int] = {}
    out: list[KeyUnitInput] = []
    for number, cells in body:
        raw = {f: cells[i] if i < len(cells) else None for f, i in columns.items()}
        name = _text(raw.get("name"))
        row_problems: list[tuple[str, str]] = []
        if not name:
            row_problems.append(("单位名称", "单位名称不能为空"))
        county = _text(raw.get("county"))
        try:
            check_county(county)
        except LandError as exc:
            row_problems.append(("县（市、区）", str(exc)))
        code = normalise_credit_code(raw.get("credit_code")) or None
        if code:
            problem = credit_code_problem(code)
            if problem:
                row_problems.append(("统一社会信用代码", problem))
            elif code in existing:
                row_problems.append(("统一社会信用代码", f"已在重点监管单位名录中：{code}"))
            elif code in seen:
                row_problems.append(("统一社会信用代码", f"与第 {seen[code]} 行重复：{code}"))
            seen.setdefault(code, number)
        heavy = _text(raw.get("heavy_metal"))
        if heavy not in ("", "是", "否"):
            row_problems.append(("涉重金属", f"应填 是 或 否，收到：{heavy}"))
        try:
            listed = _date(raw.get("listed_on"))
        except ValueError:
            listed = None
            row_problems.append(("纳入名录日期", "日期应为 YYYY-MM-DD"))
        if row_problems:
            problems.extend((UNIT_SHEET, number, col, msg) for col, msg in row_problems)
            continue
        out.append(
            KeyUnitInput(
                name=name,
                county=county,
                credit_code=code,
                industry=_text(raw.get("industry")),
                heavy_metal=heavy == "是",
                listed_on=listed,
                permit_number=_text(raw.get("permit_number")),
            )
        )
    return out
