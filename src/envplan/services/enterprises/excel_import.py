"""Import of the enterprise registry from Excel (排污单位名录导入模板), all or nothing.

Layout: one sheet (the first, or the one named ``企业名录``); the header row is the first row whose
cells contain 统一社会信用代码 and 企业名称; one enterprise per row below it. Columns are found by
their header (order free); :data:`COLUMNS` lists them, the required ones marked. Emissions are
given for one year per row (排放年份 + 数据来源 + four pollutant columns [t/a]); the measures of
the enterprise's own plan (一厂一策) as the share of production stopped at each warning level.

Every row is checked first: a malformed 统一社会信用代码 (GB 32100-2015), a code that appears on
two rows, an unknown county or industry, a bad number … Any problem → :class:`RegistryImportError`
listing every problem with its row and column, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, AccessDenied, Action, Principal
from envplan.services.enterprises.registry import (
    EmissionInput,
    EnterpriseInput,
    GradeInput,
    can_access,
    save_many,
    validate_input,
)
from envplan.standards.enterprises import normalise_credit_code
from envplan.store.enterprises import LEVELS, POLLUTANTS, Enterprise

SHEET_NAME = "企业名录"
COL_NO = "序号"
COL_CODE = "统一社会信用代码"
COL_NAME = "企业名称"
COL_PERMIT = "排污许可证编号"
COL_COUNTY = "县（市、区）"
COL_TOWN = "乡镇（街道）"
COL_VILLAGE = "村（社区）"
COL_INDUSTRY = "行业类别"
COL_LON = "经度"
COL_LAT = "纬度"
COL_LINES = "主要生产线（名称:产能，分号分隔）"
COL_YEAR = "排放年份"
COL_SOURCE = "数据来源"
COL_EMISSION = {
    "SO2": "二氧化硫（吨/年）",
    "NOx": "氮氧化物（吨/年）",
    "PM": "颗粒物（吨/年）",
    "VOCs": "挥发性有机物（吨/年）",
}
COL_GRADE = "绩效级别"
COL_GRADED_ON = "评级日期"
COL_GRADE_BODY = "评级单位"
COL_CLEAN = "清洁运输（是/否）"
COL_GATE = "门禁系统（是/否）"
COL_MEASURE = {
    "yellow": "黄色预警限产比例（%）",
    "orange": "橙色预警限产比例（%）",
    "red": "红色预警限产比例（%）",
}
COL_MEASURE_TEXT = "应急减排措施说明"
#: The import template's columns in template order, as (header, required) pairs; columns are found
#: by their header, so their order in a file is free.
COLUMNS: tuple[tuple[str, bool], ...] = (
    (COL_NO, False),
    (COL_CODE, True),
    (COL_NAME, True),
    (COL_PERMIT, False),
    (COL_COUNTY, True),
    (COL_TOWN, False),
    (COL_VILLAGE, False),
    (COL_INDUSTRY, True),
    (COL_LON, False),
    (COL_LAT, False),
    (COL_LINES, False),
    (COL_YEAR, False),
    (COL_SOURCE, False),
    *((COL_EMISSION[p], False) for p in POLLUTANTS),
    (COL_GRADE, False),
    (COL_GRADED_ON, False),
    (COL_GRADE_BODY, False),
    (COL_CLEAN, False),
    (COL_GATE, False),
    *((COL_MEASURE[lv], False) for lv in LEVELS),
    (COL_MEASURE_TEXT, False),
)
_YES = {"是", "有", "y", "yes", "true", "1", "√"}
_NO = {"否", "无", "n", "no", "false", "0", "×", ""}


@dataclass(frozen=True)
class ImportProblem:
    """One fault of an import file: where it is and why.

    Parameters
    ----------
    row : int
        Excel row number (1 = the first row of the sheet).
    column : str
        Header of the column at fault (a :data:`COLUMNS` name).
    reason : str
        zh-CN reason shown to the user.
    """

    row: int  # Excel row number
    column: str
    reason: str

    def describe(self, source: str) -> str:
        """The problem as one zh-CN line for the user.

        Parameters
        ----------
        source : str
            Name of the imported file.

        Returns
        -------
        str
            ``<source> 第 <row> 行 <column>：<reason>``.
        """
        return f"{source} 第 {self.row} 行 {self.column}：{self.reason}"


class RegistryImportError(ValueError):
    """The file was not imported; ``problems`` lists every row and field at fault.

    Parameters
    ----------
    source : str
        Name of the file.
    problems : list of ImportProblem
        Every fault found (may be empty when ``header`` says why the file was refused).
    header : str
        First line of the message (default: the file was not imported, with the count).
    """

    def __init__(self, source: str, problems: list[ImportProblem], header: str = "") -> None:
        self.source = source
        self.problems = problems
        lines = [header or f"企业名录 {source} 未导入（{len(problems)} 处错误，未写入任何数据）："]
        lines += [p.describe(source) for p in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_registry` wrote.

    Parameters
    ----------
    created : list of str
        Credit codes of the enterprises that were new, in file order.
    updated : list of str
        Credit codes of the enterprises that existed and were updated, in file order.
    enterprises : list of Enterprise
        Every saved enterprise, in file order.
    """

    created: list[str]  # credit codes
    updated: list[str]
    enterprises: list[Enterprise]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any, row: int, column: str, problems: list[ImportProblem]) -> float | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text.replace(",", "").replace("，", ""))
    except ValueError:
        problems.append(ImportProblem(row, column, f"应为数字，实为 {text}"))
        return None
    if number != number:  # NaN
        problems.append(ImportProblem(row, column, "应为数字"))
        return None
    return number


def _flag(value: Any, row: int, column: str, problems: list[ImportProblem]) -> bool:
    text = _text(value).lower()
    if text in _YES:
        return True
    if text not in _NO:
        problems.append(ImportProblem(row, column, f"应填 是 或 否，实为 {text}"))
    return False


def _date(value: Any, row: int, column: str, problems: list[ImportProblem]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError:
        problems.append(ImportProblem(row, column, f"日期应为 YYYY-MM-DD，实为 {text}"))
        return None


def _lines(text: str) -> tuple[tuple[str, str], ...]:
    out = []
    for part in text.replace("；", ";").split(";"):
        part = part.strip()
        if part:
            name, _, capacity = part.replace("：", ":").partition(":")
            out.append((name.strip(), capacity.strip()))
    return tuple(out)


def _read_rows(
    path_or_file: Path | IO[bytes], source: str
) -> tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path_or_file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file
        raise RegistryImportError(
            source, [], header=f"企业名录 {source} 无法读取（不是有效的 .xlsx 文件：{exc}）"
        ) from None
    try:
        sheet = (
            workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        )
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    for index, values in enumerate(rows):
        cells = [_text(v) for v in values]
        if COL_CODE in cells and COL_NAME in cells:
            header = {name: i for i, name in enumerate(cells) if name}
            body = [
                (index + 2 + offset, tuple(r))
                for offset, r in enumerate(rows[index + 1 :])
                if any(_text(v) for v in r)
            ]
            return header, body
    raise RegistryImportError(
        source,
        [],
        header=f"企业名录 {source} 未导入：找不到表头行（须含 {COL_CODE} 和 {COL_NAME}）",
    )


def parse_registry(
    path_or_file: Path | IO[bytes], *, source: str | None = None
) -> list[tuple[int, EnterpriseInput]]:
    """Read and validate every row; (Excel row, input) pairs, or RegistryImportError.

    Parameters
    ----------
    path_or_file : pathlib.Path or binary file
        The .xlsx file.
    source : str or None
        Name used in messages (default: the file name, or 上传文件 for a file object).

    Returns
    -------
    list of (int, EnterpriseInput)
        Excel row number and the row's input, in file order.

    Raises
    ------
    RegistryImportError
        The file cannot be read, lacks the header or a required column, has no data row, or any
        row is invalid (every problem listed).
    """
    source = source or (path_or_file.name if isinstance(path_or_file, Path) else "上传文件")
    header, body = _read_rows(path_or_file, source)
    missing = [name for name, required in COLUMNS if required and name not in header]
    if missing:
        raise RegistryImportError(
            source, [], header=f"企业名录 {source} 未导入：缺少必填列 {'、'.join(missing)}"
        )
    problems: list[ImportProblem] = []
    parsed: list[tuple[int, EnterpriseInput]] = []
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for row_no, values in body:

        def cell(column: str, values: tuple[Any, ...] = values) -> Any:
            i = header.get(column)
            return values[i] if i is not None and i < len(values) else None

        row_problems: list[ImportProblem] = []
        code = normalise_credit_code(cell(COL_CODE))
        rows_by_code[code].append(row_no)
        lon = _number(cell(COL_LON), row_no, COL_LON, row_problems)
        lat = _number(cell(COL_LAT), row_no, COL_LAT, row_problems)
        year_value = _number(cell(COL_YEAR), row_no, COL_YEAR, row_problems)
        emissions = []
        for pollutant in POLLUTANTS:
            tonnes = _number(
                cell(COL_EMISSION[pollutant]), row_no, COL_EMISSION[pollutant], row_problems
            )
            if tonnes is not None:
                if year_value is None:
                    row_problems.append(ImportProblem(row_no, COL_YEAR, "填写了排放量须填排放年份"))
                    break
                emissions.append(
                    EmissionInput(int(year_value), pollutant, tonnes, _text(cell(COL_SOURCE)))
                )
        grade_text = _text(cell(COL_GRADE)).upper().replace("级", "")
        grade_text = "引领性" if "引领" in grade_text else grade_text
        grade = None
        if grade_text:
            graded_on = _date(cell(COL_GRADED_ON), row_no, COL_GRADED_ON, row_problems)
            if graded_on is None:
                row_problems.append(
                    ImportProblem(row_no, COL_GRADED_ON, "填写了绩效级别须填评级日期")
                )
            else:
                grade = GradeInput(grade_text, graded_on, _text(cell(COL_GRADE_BODY)))
        measures: dict[str, tuple[float, str]] = {}
        for level in LEVELS:
            percent = _number(cell(COL_MEASURE[level]), row_no, COL_MEASURE[level], row_problems)
            if percent is not None:
                measures[level] = (percent / 100.0, _text(cell(COL_MEASURE_TEXT)))
        item = EnterpriseInput(
            credit_code=code,
            name=_text(cell(COL_NAME)),
            county=_text(cell(COL_COUNTY)),
            industry=_text(cell(COL_INDUSTRY)),
            permit_number=_text(cell(COL_PERMIT)),
            town=_text(cell(COL_TOWN)),
            village=_text(cell(COL_VILLAGE)),
            lon=lon,
            lat=lat,
            clean_transport=_flag(cell(COL_CLEAN), row_no, COL_CLEAN, row_problems),
            gate_system=_flag(cell(COL_GATE), row_no, COL_GATE, row_problems),
            lines=_lines(_text(cell(COL_LINES))),
            emissions=tuple(emissions),
            grade=grade,
            measures=measures,
        )
        row_problems += [ImportProblem(row_no, f, r) for f, r in validate_input(item)]
        problems += row_problems
        parsed.append((row_no, item))
    for code, rows in rows_by_code.items():
        if len(rows) > 1 and code:
            listed = "、".join(str(r) for r in rows)
            for row_no in rows:
                problems.append(
                    ImportProblem(row_no, COL_CODE, f"{code} 重复（第 {listed} 行同一代码）")
                )
    if not body:
        raise RegistryImportError(source, [], header=f"企业名录 {source} 未导入：没有数据行")
    if problems:
        problems.sort(key=lambda p: p.row)
        raise RegistryImportError(source, problems)
    return parsed


def import_registry(
    session: Session,
    path_or_file: Path | IO[bytes],
    *,
    principal: Principal = SYSTEM,
    source: str | None = None,
    is_demo: bool = False,
) -> ImportResult:
    """Validate the whole file, then create/update every enterprise in the caller's transaction.

    Nothing is written when any row is wrong or outside the principal's scope (a county clerk
    may import only its county's enterprises). The caller commits.

    Parameters
    ----------
    session : Session
        Open database session.
    path_or_file : pathlib.Path or binary file
        The .xlsx file (:data:`COLUMNS` layout).
    principal : Principal
        The acting user (default: ``SYSTEM``).
    source : str or None
        Name used in messages (default: the file name, or 上传文件 for a file object).
    is_demo : bool
        Mark the new enterprises as 示例 data.

    Returns
    -------
    ImportResult
        The created and updated credit codes and the saved enterprises.

    Raises
    ------
    RegistryImportError
        Any row is invalid or outside the principal's scope; nothing was written.
    """
    source = source or (path_or_file.name if isinstance(path_or_file, Path) else "上传文件")
    parsed = parse_registry(path_or_file, source=source)
    denied = [
        ImportProblem(row, COL_COUNTY, f"{item.county} 不在用户 {principal.username} 的权限范围内")
        for row, item in parsed
        if not can_access(principal, Action.REPORT, item.county)
    ]
    current = {
        e.credit_code: e.county
        for e in session.scalars(
            select(Enterprise).where(
                Enterprise.credit_code.in_([item.credit_code for _, item in parsed])
            )
        )
    }
    denied += [
        ImportProblem(row, COL_CODE, f"该企业现属 {current[item.credit_code]}，不在您的权限范围内")
        for row, item in parsed
        if item.credit_code in current
        and not can_access(principal, Action.REPORT, current[item.credit_code])
    ]
    if denied:
        raise RegistryImportError(source, sorted(denied, key=lambda p: p.row))
    try:
        saved = save_many(
            session,
            [item for _, item in parsed],
            principal=principal,
            is_demo=is_demo,
        )
    except AccessDenied:
        session.rollback()
        raise
    created = [item.credit_code for _, item in parsed if item.credit_code not in current]
    updated = [item.credit_code for _, item in parsed if item.credit_code in current]
    return ImportResult(created=created, updated=updated, enterprises=saved)
