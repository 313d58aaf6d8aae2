"""Low-level file loading for the air readers: decoding, CSV/Excel to an all-text frame.

Every table is loaded with all columns as text plus a `_row` column holding the row number a
user sees in a spreadsheet (header = row 1), so later checks can name the exact cell. Numbers
and times are parsed afterwards with Polars expressions, where failures become problems
instead of exceptions.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from envplan.monitoring.errors import (
    PROBLEM_SCHEMA,
    InputFileError,
    InputProblem,
    raise_if_problems,
)
from envplan.monitoring.input_limits import check_file

ROW = "_row"

#: Encodings tried in order; GB18030 is the superset of GBK/GB2312 that Chinese Excel writes.
_ENCODINGS = ("utf-8", "gb18030")

#: Cells that mean "no value" in the published tables (MEE writes an em dash).
MISSING_MARKERS = ("", "—", "－", "-", "--", "NA", "N/A", "na", "null", "NULL", "/", "NaN", "nan")


#: A file on disk or a member of a zip archive (quotsoft distributes years as zip archives).
InputPath = Path | zipfile.Path


@dataclass(frozen=True, slots=True)
class LoadedTable:
    """One input file as an all-text frame with a spreadsheet row number per row."""

    path: InputPath
    name: str
    encoding: str
    frame: pl.DataFrame


def file_error(path: InputPath, message: str, row: int | None = None) -> InputFileError:
    return InputFileError([InputProblem(file=path.name, row=row, column=None, message=message)])


def read_bytes(path: InputPath) -> bytes:
    """The file's bytes, gunzipped when the name ends in .gz."""
    if not path.is_file():
        raise file_error(path, "文件不存在或不是普通文件")
    check_file(path)  # decompressed size and rows bounded before the whole file is read
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise file_error(path, f"gzip 压缩文件已损坏，无法解压（{exc}）") from exc
    return data


def decode_text(path: InputPath, data: bytes) -> tuple[str, str]:
    """Decode as UTF-8 (BOM allowed) or else GB18030/GBK; returns (text, encoding name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise file_error(
        path, "无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030，请另存为 UTF-8 编码的 CSV"
    )


def header_line(path: InputPath) -> str:
    """The first line of a text file (for format detection), decoded like the whole file."""
    if not path.is_file():
        raise file_error(path, "文件不存在或不是普通文件")
    try:
        with path.open("rb") as raw:
            if path.suffix.lower() == ".gz":
                with gzip.GzipFile(fileobj=raw) as unzipped:
                    chunk = unzipped.read(65536)
            else:
                chunk = raw.read(65536)
    except (OSError, EOFError) as exc:
        raise file_error(path, f"文件无法读取（{exc}）") from exc
    text, _ = decode_text(path, chunk.split(b"\n", 1)[0])
    return text.strip("\r\n")


def is_archive(path: InputPath) -> bool:
    return isinstance(path, Path) and path.suffix.lower() == ".zip" and path.is_file()


def archive_members(archive: Path) -> list[zipfile.Path]:
    """CSV / CSV.GZ members of a zip archive at any depth, by file name."""
    try:
        opened = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise file_error(archive, f"zip 压缩包无法打开（{exc}）") from exc
    names = [
        name
        for name in opened.namelist()
        if not name.endswith("/")
        and "__MACOSX" not in name
        and not name.rsplit("/", 1)[-1].startswith(".")
        and name.lower().endswith((".csv", ".csv.gz"))
    ]
    names.sort(key=lambda name: name.rsplit("/", 1)[-1])
    return [zipfile.Path(opened, at=name) for name in names]


def load_csv(path: InputPath) -> LoadedTable:
    """Read a CSV (optionally .gz, UTF-8 or GBK) with every column as text."""
    text, encoding = decode_text(path, read_bytes(path))
    if not text.strip():
        raise file_error(path, "文件为空")
    duplicated = [c for c, n in Counter(_header_names(text)).items() if n > 1]
    if duplicated:
        raise file_error(path, f"表头有重复的列名：{'、'.join(sorted(duplicated))}", row=1)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            infer_schema=False,
            has_header=True,
            truncate_ragged_lines=True,  # ragged rows are reported below, row by row
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise file_error(path, f"CSV 结构无法解析（列数不一致或引号不配对）：{exc}") from exc
    frame = _strip_header_names(frame)
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    _raise_ragged(path, text, frame)
    # Blank lines and all-empty rows (",,,," from spreadsheet exports) carry nothing: skip them.
    frame = frame.filter(~pl.all_horizontal(pl.exclude(ROW).is_null()))
    return LoadedTable(path=path, name=path.name, encoding=encoding, frame=frame)


def _raise_ragged(path: InputPath, text: str, frame: pl.DataFrame) -> None:
    """Rows with fewer or more fields than the header, each named: never taken as partial data.

    Polars pads a short row with nulls (and cuts a long one), so the field count of every record
    comes from the csv module's C parser; blank lines (0 fields) are skipped later.
    """

    counts = np.fromiter((len(record) for record in csv.reader(io.StringIO(text))), dtype=np.int64)
    if counts.size - 1 != frame.height:  # the two parsers disagree on records: quoting is broken
        raise file_error(path, "CSV 结构无法解析：引号不配对，无法确定每行的字段")
    width = int(counts[0])
    fields = pl.Series("_fields", counts[1:])
    checked = frame.select(ROW).with_columns(fields)
    short = (pl.col("_fields") > 0) & (pl.col("_fields") < width)
    long = pl.col("_fields") > width
    problems = checked.filter(short | long).select(
        pl.lit(path.name).alias("file"),
        pl.col(ROW).alias("row"),
        pl.lit(None, dtype=pl.String).alias("column"),
        pl.format(
            "该行有 {} 个字段，表头有 {} 列（{}）",
            pl.col("_fields"),
            pl.lit(width),
            pl.when(long)
            .then(pl.lit("多出的字段无法对应到列，请检查逗号或引号"))
            .otherwise(pl.lit("缺少的字段不会当作空值导入，请补齐该行")),
        ).alias("message"),
    )
    raise_if_problems([problems.cast(PROBLEM_SCHEMA)])


def load_xlsx(path: Path) -> LoadedTable:
    """Read the first sheet of an Excel workbook with every cell as text."""
    import openpyxl  # local import: only the template format needs it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise file_error(path, f"无法打开 Excel 文件：{exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        raise file_error(path, "Excel 工作表为空")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    width = len(header)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    if len(columns) != width:
        raise file_error(path, "表头有重复的列名", row=1)
    # Cell conversion is I/O, not validation: openpyxl only hands out Python objects.
    for values in rows[1:]:
        padded = list(values[:width]) + [None] * (width - len(values))
        for name, cell in zip(header, padded, strict=True):
            columns[name].append(_cell_text(cell))
    frame = pl.DataFrame(columns, schema={name: pl.String for name in header})
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    # Trailing formatted-but-empty rows are common in Excel exports.
    frame = frame.filter(~pl.all_horizontal(pl.exclude(ROW).is_null()))
    return LoadedTable(path=path, name=path.name, encoding="xlsx", frame=frame)


def _cell_text(cell: object) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, dt.datetime):
        # Excel stores a date cell as midnight: keep it a date, so a daily row means its day.
        if cell.time() == dt.time(0):
            return cell.strftime("%Y-%m-%d")
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(cell, dt.date):
        return cell.strftime("%Y-%m-%d")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = str(cell).strip()
    return text or None


def _header_names(text: str) -> list[str]:
    first = text.split("\n", 1)[0]
    return [name.strip() for name in next(csv.reader([first]), [])]


def _strip_header_names(frame: pl.DataFrame) -> pl.DataFrame:
    renamed = {c: c.strip() for c in frame.columns if c != c.strip()}
    return frame.rename(renamed) if renamed else frame


def is_missing(raw: pl.Expr) -> pl.Expr:
    """True where a text cell means "no value"."""
    return raw.is_null() | raw.str.strip_chars().is_in(list(MISSING_MARKERS))


def parse_number(raw: pl.Expr) -> pl.Expr:
    """Text cell to Float64; null for missing markers and for text that is not a number."""
    return (
        pl.when(is_missing(raw))
        .then(None)
        .otherwise(raw.str.strip_chars().cast(pl.Float64, strict=False))
    )


_LABEL_PATTERN = (
    r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.0+)?)?)?\s*$"
)


def parse_time_label(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Parse 'YYYY-MM-DD[ HH:MM[:SS]]' (also 'T', '/' or 'THHMM'); hour 24 is 00:00 of the next day.

    Returns (label, has_time): the naive local datetime [UTC+8] of the label (null when the text
    is not a valid whole-hour label) and whether the text carried a time of day.
    """
    # CNEMC's current live table writes the hour without a colon: 2026-03-01T1200.
    compact = raw.str.replace(r"^(\s*\d{4}-\d{1,2}-\d{1,2})T(\d{2})(\d{2})(\s*)$", "${1}T${2}:${3}")
    parts = compact.str.extract_groups(_LABEL_PATTERN)
    date = pl.concat_str(
        [
            parts.struct.field("1"),
            parts.struct.field("2").str.zfill(2),
            parts.struct.field("3").str.zfill(2),
        ],
        separator="-",
    ).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    hour = parts.struct.field("4").cast(pl.Int64, strict=False)
    minute = parts.struct.field("5").cast(pl.Int64, strict=False)
    second = parts.struct.field("6").cast(pl.Int64, strict=False)
    has_time = hour.is_not_null()
    whole_hour = hour.is_null() | (
        hour.is_between(0, 24) & (minute.fill_null(0) == 0) & (second.fill_null(0) == 0)
    )
    label = (
        pl.when(whole_hour)
        .then(date.cast(pl.Datetime("us")) + pl.duration(hours=hour.fill_null(0)))
        .otherwise(None)
    )
    return label, has_time
