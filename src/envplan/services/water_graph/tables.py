"""Reading the small registry tables of the water graph (CSV UTF-8/GBK or .xlsx first sheet).

A registry file (reaches, sections, outfalls, sources, targets) has tens to hundreds of rows;
each column is declared once (header, key, required, kind) and checked with Polars expressions,
so every problem is reported with file, row and column in one pass (zh-CN), before any write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from envplan.monitoring.air_io import ROW, is_missing
from envplan.monitoring.errors import PROBLEM_SCHEMA, problem_frame
from envplan.monitoring.water_checks import load_table

Kind = Literal["text", "number", "integer", "choice", "credit_code"]


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    kind: Kind = "text"
    choices: tuple[str, ...] = ()
    minimum: float | None = 0.0


@dataclass(frozen=True)
class RegistryTable:
    name: str  # file name, for messages
    rows: list[dict[str, Any]]  # one dict per data row, keys of the columns + "_row"


# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet, the last a check character.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed 统一社会信用代码 with a correct check character
    (GB 32100-2015 clause 4 and its check-character formula, modulus 31)."""
    if not _CREDIT_PATTERN.match(code):
        return False
    total = sum(
        _CREDIT_ALPHABET.index(ch) * w for ch, w in zip(code, _CREDIT_WEIGHTS, strict=False)
    )
    check = (31 - total % 31) % 31
    return _CREDIT_ALPHABET[check] == code[17]


def _problems(frame: pl.DataFrame, file: str, header: str, bad: pl.Expr, message: pl.Expr) -> Any:
    return frame.select(
        pl.lit(file).alias("file"),
        pl.col(ROW).alias("row"),
        pl.lit(header).alias("column"),
        pl.when(bad).then(message).alias("message"),
    ).filter(pl.col("message").is_not_null())


def read_registry(
    path: Path, columns: Sequence[Column], *, unique: str | None = None
) -> tuple[RegistryTable, list[pl.DataFrame]]:
    """Read ``path``; return the rows and the problem frames (empty when the file is clean).

    Unknown headers are refused (a misspelt column would silently drop data); ``unique`` names the
    key whose values must not repeat within the file.
    """
    table = load_table(path)
    frame = table.frame
    file = table.name
    problems: list[pl.DataFrame] = []
    known = {c.header for c in columns}
    for header in frame.columns:
        if header != ROW and header not in known:
            problems.append(
                problem_frame(
                    file, f"无法识别的列名「{header}」（可用列见模板）", row=1, column=header
                )
            )
    for column in columns:
        if column.required and column.header not in frame.columns:
            problems.append(problem_frame(file, f"缺少必填列「{column.header}」", row=1))
    if problems:
        return RegistryTable(file, []), problems
    if frame.height == 0:
        return RegistryTable(file, []), [problem_frame(file, "文件没有数据行")]
    selected: list[pl.Expr] = [pl.col(ROW)]
    for column in columns:
        if column.header not in frame.columns:
            selected.append(pl.lit(None, dtype=pl.String).alias(column.key))
            continue
        raw = pl.col(column.header).str.strip_chars()
        missing = is_missing(pl.col(column.header))
        if column.required:
            problems.append(
                _problems(frame, file, column.header, missing, pl.lit(f"{column.header}为空"))
            )
        if column.kind in ("number", "integer"):
            number = raw.cast(pl.Float64, strict=False)
            bad = ~missing & number.is_null()
            problems.append(
                _problems(frame, file, column.header, bad, pl.format("「{}」不是数值", raw))
            )
            if column.minimum is not None:
                low = ~missing & (number < column.minimum)
                problems.append(
                    _problems(
                        frame,
                        file,
                        column.header,
                        low,
                        pl.format("{} 小于 {}", raw, pl.lit(f"{column.minimum:g}")),
                    )
                )
            if column.kind == "integer":
                frac = ~missing & number.is_not_null() & (number != number.round(0))
                problems.append(
                    _problems(frame, file, column.header, frac, pl.format("「{}」不是整数", raw))
                )
            selected.append(pl.when(missing).then(None).otherwise(number).alias(column.key))
            continue
        if column.kind == "choice":
            bad = ~missing & ~raw.is_in(list(column.choices))
            problems.append(
                _problems(
                    frame,
                    file,
                    column.header,
                    bad,
                    pl.format("「{}」应为 {}", raw, pl.lit("、".join(column.choices))),
                )
            )
        if column.kind == "credit_code":
            upper = raw.str.to_uppercase()
            bad = ~missing & ~upper.map_elements(credit_code_valid, return_dtype=pl.Boolean)
            problems.append(
                _problems(
                    frame,
                    file,
                    column.header,
                    bad,
                    pl.format("统一社会信用代码「{}」格式或校验位不正确（GB 32100-2015）", raw),
                )
            )
            raw = upper
        selected.append(pl.when(missing).then(None).otherwise(raw).alias(column.key))
    out = frame.select(selected)
    if unique is not None:
        header = next(c.header for c in columns if c.key == unique)
        repeated = out.filter(pl.col(unique).is_not_null() & pl.col(unique).is_duplicated())
        problems.append(
            repeated.select(
                pl.lit(file).alias("file"),
                pl.col(ROW).alias("row"),
                pl.lit(header).alias("column"),
                pl.format("「{}」在文件中重复", pl.col(unique)).alias("message"),
            )
        )
    rows = [{**r, "_row": r[ROW]} for r in out.iter_rows(named=True)]
    return RegistryTable(file, rows), [p.cast(PROBLEM_SCHEMA) for p in problems if p.height]
