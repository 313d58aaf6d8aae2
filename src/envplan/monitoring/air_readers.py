"""Reading an air-monitoring file (or folder): every source layout onto one canonical long table.

Public API::

    read_air(path, format=None) -> AirReadResult    # .measurements, .published

Modules: ``air_layouts`` (layout vocabulary, ``detect_air_format``, ``folder_files``),
``air_formats`` (one reader per layout), ``air_io`` (decoding, CSV/Excel loading), ``air_checks``
(value, duplicate and published-field checks), ``air_wide`` (the wide fast path of the MEE
city-hour table that ``envplan air aqi`` uses).

Formats (see docs/monitoring-air.md):

- ``mee-city``: MEE city real-time table ``city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,main_pollution,time``
  (1-hour values; ``—`` missing); ``.csv`` or ``.csv.gz``.
- ``cnemc-live``: CNEMC live station table as archived by HeQinWill/CNEMC. The archive swaps the O3
  headers: ``o3_24h`` is the 1-hour O3, ``o3`` the max 1-hour value of the last 24 h,
  ``o3_8h_24h`` the running 8-h mean restricted to the day, ``o3_8h`` its running daily max.
- ``cnemc-sites`` / ``cnemc-cities``: quotsoft ``china_sites_YYYYMMDD.csv`` /
  ``china_cities_YYYYMMDD.csv`` (``date,hour,type,<one column per station or city>``); one
  file, a folder of daily files, or one concatenated file (repeated header lines allowed).
- ``aqistudy-daily``: third-party (真气网/aqistudy) daily city means; its AQI is kept only as
  ``third_party_aqi`` in ``.published`` (``aqi`` stays empty), data version ``third-party``.
- ``template``: the documented CSV/Excel template for a bureau's own exports.

Every reader checks the whole input with Polars expressions and raises one `InputFileError`
listing all problems (file, spreadsheet row, column, zh-CN message); nothing is returned or
stored when any problem exists.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from envplan.monitoring.air_checks import (
    COLUMN,
    FILE,
    duplicate_problems,
    finish_measurements,
)
from envplan.monitoring.air_formats import READERS
from envplan.monitoring.air_io import (
    ROW,
    InputPath,
    LoadedTable,
    file_error,
    load_csv,
    load_xlsx,
)
from envplan.monitoring.air_layouts import (
    AIR_FORMATS,
    AQISTUDY_COLUMNS,
    CNEMC_LIVE_REQUIRED,
    FORMAT_NAMES_ZH,
    MEE_COLUMNS,
    QUOTSOFT_HEAD,
    as_input,
    detect_air_format,
    folder_files,
    is_collection,
    reject_old_excel,
)
from envplan.monitoring.air_schema import (
    MEASUREMENT_SCHEMA,
    PUBLISHED_KEY,
    PUBLISHED_SCHEMA,
    empty_measurements,
)
from envplan.monitoring.air_stations import bundled_station_catalog, fill_station_attributes
from envplan.monitoring.air_template import read_template_tables
from envplan.monitoring.errors import InputFileError, problem_frame, raise_if_problems


@dataclass(frozen=True, slots=True)
class AirReadResult:
    """What `read_air` returns: canonical measurements and the file's published fields.

    measurements: `MEASUREMENT_SCHEMA`, in file order (one row per site, interval, pollutant,
    averaging; `value` is null where the source had the slot but no value).
    published: `PUBLISHED_SCHEMA` first, then format-specific published fields.
    """

    measurements: pl.DataFrame
    published: pl.DataFrame
    format: str
    files: tuple[InputPath, ...]
    encodings: tuple[str, ...]


# ----------------------------------------------------------------------------- reading


def read_air(
    path: str | Path | zipfile.Path,
    format: str | None = None,
    *,
    data_version: str | None = None,
    stations: pl.DataFrame | None = None,
) -> AirReadResult:
    """Read an air-monitoring file (or a folder of daily files) into canonical tables.

    `format` is one of `AIR_FORMATS`; None detects it. `data_version` ("realtime", default, or
    "audited") sets the version of the values; in the template the file's own column wins per
    row, and aqistudy files are always "third-party". `stations` (site, site_name, city) fills
    station names and cities the file lacks; `cnemc-sites` files, which carry only codes, use the
    bundled catalog of the 44 Shanxi national stations by default.
    Raises `InputFileError` listing every problem (file, row, column, zh-CN message).
    """
    path = as_input(path)
    if format is None:
        format = detect_air_format(path)
    if format not in AIR_FORMATS:
        raise file_error(path, f"未知的数据格式「{format}」，可选：{'、'.join(AIR_FORMATS)}")
    files = _input_files(path, format)
    tables = [_load(f, format) for f in files]
    if format == "template":
        slots, published_parts, problems = read_template_tables(tables, data_version)
        restricted = False
    else:
        reader = READERS[format]
        version = data_version or "realtime"
        if version not in ("realtime", "audited"):
            raise file_error(
                path, f"数据版本「{version}」无效，应为 realtime（实时）或 audited（审核）"
            )
        slot_parts: list[pl.DataFrame] = []
        published_parts = []
        problems = []
        for table in tables:
            problems.extend(_layout_problems(table, format))
            s, p, probs = reader(table, format, version)
            if s.width:
                slot_parts.append(s)
            published_parts.append(p)
            problems.extend(probs)
        slots = pl.concat(slot_parts, how="vertical_relaxed") if slot_parts else pl.DataFrame()
        restricted = format in ("cnemc-live", "cnemc-sites", "cnemc-cities")
    if slots.width:
        measurements, value_problems = finish_measurements(slots, restricted_day_8h=restricted)
        problems.extend(value_problems)
    else:
        measurements = empty_measurements()
    parts = [p for p in published_parts if p.height]
    published = (
        pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame(schema=PUBLISHED_SCHEMA)
    )
    if published.height:
        problems.append(duplicate_problems(published, list(PUBLISHED_KEY), "AQI/首要污染物"))
    raise_if_problems(problems)  # all or nothing: every problem of every file at once
    published = published.drop(FILE, ROW, COLUMN, strict=False)
    if stations is None and format == "cnemc-sites":
        stations = bundled_station_catalog()
    if stations is not None and measurements.height:
        measurements = fill_station_attributes(measurements, stations)
    return AirReadResult(
        measurements=measurements,  # in file order; sort when order matters
        published=published,
        format=format,
        files=tuple(files),
        encodings=tuple(t.encoding for t in tables),
    )


def _input_files(path: InputPath, format: str) -> list[InputPath]:
    if not path.exists():
        raise file_error(path, "文件或文件夹不存在")
    if not is_collection(path):
        return [path]
    if format not in ("cnemc-sites", "cnemc-cities"):
        raise file_error(
            path,
            f"格式 {format} 只接受单个文件；只有 cnemc-sites / cnemc-cities 可读取整个文件夹或 zip 压缩包",
        )
    files = folder_files(path)
    if not files:
        raise file_error(path, "文件夹或压缩包中没有 CSV 文件")
    return files


def _load(path: InputPath, format: str) -> LoadedTable:
    reject_old_excel(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if format != "template":
            raise file_error(path, f"Excel 文件只支持导入模板格式（template），不支持 {format}")
        if not isinstance(path, Path):
            raise file_error(path, "压缩包中的 Excel 文件请先解压再导入")
        return load_xlsx(path)
    return load_csv(path)


def _layout_problems(table: LoadedTable, format: str) -> list[pl.DataFrame]:
    """Missing required columns: one problem per column, on the header row."""
    required: tuple[str, ...] = {
        "mee-city": MEE_COLUMNS,
        "cnemc-live": (*CNEMC_LIVE_REQUIRED, "area", "positionname"),
        "cnemc-sites": QUOTSOFT_HEAD,
        "cnemc-cities": QUOTSOFT_HEAD,
        "aqistudy-daily": AQISTUDY_COLUMNS,
    }[format]
    missing = [c for c in required if c not in table.frame.columns]
    return [
        problem_frame(table.name, f"缺少必需的列「{c}」（{FORMAT_NAMES_ZH[format]}）", 1, c)
        for c in missing
    ]


__all__ = [
    "AIR_FORMATS",
    "MEASUREMENT_SCHEMA",
    "PUBLISHED_SCHEMA",
    "AirReadResult",
    "InputFileError",
    "read_air",
]
