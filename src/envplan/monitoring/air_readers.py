"""Readers mapping each air-monitoring source layout onto one canonical long table.

Public API::

    detect_air_format(path) -> str                  # one of AIR_FORMATS, or InputFileError
    read_air(path, format=None) -> AirReadResult    # .measurements, .published

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

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from envplan.monitoring.air_checks import (
    COLUMN,
    FILE,
    blank_problems,
    duplicate_problems,
    finish_measurements,
    finish_published,
    problems_where,
    time_problems,
)
from envplan.monitoring.air_io import (
    ROW,
    InputPath,
    LoadedTable,
    archive_members,
    file_error,
    header_line,
    is_archive,
    is_missing,
    load_csv,
    load_xlsx,
    parse_number,
    parse_time_label,
)
from envplan.monitoring.air_schema import (
    MEASUREMENT_SCHEMA,
    PUBLISHED_KEY,
    PUBLISHED_SCHEMA,
    empty_measurements,
)
from envplan.monitoring.errors import InputFileError, problem_frame, raise_if_problems

AIR_FORMATS: tuple[str, ...] = (
    "mee-city",
    "cnemc-live",
    "cnemc-sites",
    "cnemc-cities",
    "aqistudy-daily",
    "template",
)

_FORMAT_NAMES_ZH = {
    "mee-city": "生态环境部城市实时数据表",
    "cnemc-live": "中国环境监测总站实时发布站点表（HeQinWill 存档格式）",
    "cnemc-sites": "china_sites_YYYYMMDD.csv 站点表",
    "cnemc-cities": "china_cities_YYYYMMDD.csv 城市表",
    "aqistudy-daily": "真气网（aqistudy）城市日均值表",
    "template": "envplan 空气监测数据导入模板（CSV/Excel）",
}

_MEE_COLUMNS = ("city", "AQI", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "main_pollution", "time")
_MEE_POLLUTANTS = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3")

#: HeQinWill archive column → (pollutant, averaging). The O3 columns are swapped in the archive.
_CNEMC_LIVE_COLUMNS: dict[str, tuple[str, str]] = {
    "so2": ("SO2", "1h"),
    "so2_24h": ("SO2", "24h"),
    "no2": ("NO2", "1h"),
    "no2_24h": ("NO2", "24h"),
    "co": ("CO", "1h"),
    "co_24h": ("CO", "24h"),
    "o3_24h": ("O3", "1h"),
    "o3": ("O3", "1h_max_24h"),
    "o3_8h_24h": ("O3", "8h"),
    "o3_8h": ("O3", "8h_max_day"),
    "pm10": ("PM10", "1h"),
    "pm10_24h": ("PM10", "24h"),
    "pm2_5": ("PM2.5", "1h"),
    "pm2_5_24h": ("PM2.5", "24h"),
}
_CNEMC_LIVE_REQUIRED = ("timepoint", "stationcode", "aqi", "primarypollutant", "o3_24h", "o3")

#: quotsoft `type` value → (pollutant, averaging). The mirror keeps CNEMC's own (unswapped) names:
#: O3 is the 1-hour value, O3_24h the max 1-hour of the last 24 h, O3_8h the running 8-h mean
#: and O3_8h_24h its running daily max.
_QUOTSOFT_TYPES: dict[str, tuple[str, str]] = {
    "SO2": ("SO2", "1h"),
    "SO2_24h": ("SO2", "24h"),
    "NO2": ("NO2", "1h"),
    "NO2_24h": ("NO2", "24h"),
    "CO": ("CO", "1h"),
    "CO_24h": ("CO", "24h"),
    "O3": ("O3", "1h"),
    "O3_24h": ("O3", "1h_max_24h"),
    "O3_8h": ("O3", "8h"),
    "O3_8h_24h": ("O3", "8h_max_day"),
    "PM10": ("PM10", "1h"),
    "PM10_24h": ("PM10", "24h"),
    "PM2.5": ("PM2.5", "1h"),
    "PM2.5_24h": ("PM2.5", "24h"),
}
_QUOTSOFT_HEAD = ("date", "hour", "type")
_STATION_CODE = re.compile(r"^\d{3,4}[A-Z]$")

_AQISTUDY_COLUMNS = (
    "city",
    "date",
    "aqi",
    "aqi_hourly_range",
    "quality",
    "pm25",
    "pm10",
    "so2",
    "co",
    "no2",
    "o3",
    "rank",
)
#: aqistudy columns → daily statistics. The file leaves `o3` unlabelled; aqistudy's daily
#: history page heads that column O3_8h (daily max 8-h mean), which is what we assume.
_AQISTUDY_POLLUTANTS: dict[str, tuple[str, str]] = {
    "so2": ("SO2", "24h"),
    "no2": ("NO2", "24h"),
    "co": ("CO", "24h"),
    "o3": ("O3", "8h_max_day"),
    "pm10": ("PM10", "24h"),
    "pm25": ("PM2.5", "24h"),
}

#: Prefecture-level names the MEE city table writes without "市" (autonomous prefectures 州,
#: leagues 盟 and prefectures 地区), as they appear in mee-city-hourly-2019-02-04_2019-02-12.
_MEE_NAMES_WITHOUT_SHI = frozenset(
    [
        "临夏州",
        "伊犁哈萨克州",
        "克州",
        "兴安盟",
        "凉山州",
        "博州",
        "吐鲁番地区",
        "和田地区",
        "哈密地区",
        "喀什地区",
        "塔城地区",
        "大兴安岭地区",
        "大理州",
        "延边州",
        "德宏州",
        "怒江州",
        "恩施州",
        "文山州",
        "昌吉州",
        "果洛州",
        "楚雄州",
        "海东地区",
        "海北州",
        "海南州",
        "海西州",
        "湘西州",
        "玉树州",
        "甘南州",
        "甘孜州",
        "红河州",
        "西双版纳州",
        "迪庆州",
        "那曲地区",
        "铜仁地区",
        "锡林郭勒盟",
        "阿克苏地区",
        "阿勒泰地区",
        "阿坝州",
        "阿拉善盟",
        "阿里地区",
        "黄南州",
        "黔东南州",
        "黔南州",
        "黔西南州",
    ]
)
_CITY_SUFFIXES = ("市", "盟", "地区", "特别行政区")


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


# ----------------------------------------------------------------------------- detection


def _as_input(path: str | Path | zipfile.Path) -> InputPath:
    return path if isinstance(path, zipfile.Path) else Path(path)


def _is_collection(path: InputPath) -> bool:
    return path.is_dir() or is_archive(path)


def detect_air_format(path: str | Path | zipfile.Path) -> str:
    """Name the layout of an air file (or of a folder / zip of daily files); raise if unknown."""
    path = _as_input(path)
    if _is_collection(path):
        files = folder_files(path)
        if not files:
            raise file_error(path, "文件夹或压缩包中没有 CSV 文件")
        path = files[0]
    _reject_old_excel(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "template"
    header = header_line(path)
    columns = [c.strip().strip('"').strip() for c in header.split(",")]
    found = _format_of_columns(columns, path.name)
    if found is None:
        shown = "、".join(columns[:12]) + ("……" if len(columns) > 12 else "")
        raise file_error(
            path,
            f"无法识别的数据格式，表头为：{shown}。支持的格式："
            + "；".join(f"{k}（{v}）" for k, v in _FORMAT_NAMES_ZH.items()),
            row=1,
        )
    return found


def _format_of_columns(columns: list[str], file_name: str) -> str | None:
    names = set(columns)
    if set(_MEE_COLUMNS) <= names:
        return "mee-city"
    if set(_CNEMC_LIVE_REQUIRED) <= names:
        return "cnemc-live"
    if tuple(columns[:3]) == _QUOTSOFT_HEAD:
        if "china_cities" in file_name:
            return "cnemc-cities"
        if "china_sites" in file_name:
            return "cnemc-sites"
        sites = [c for c in columns[3:] if c]
        if sites and all(_STATION_CODE.match(c) for c in sites):
            return "cnemc-sites"
        return "cnemc-cities"
    if set(_AQISTUDY_COLUMNS) <= names:
        return "aqistudy-daily"
    from envplan.monitoring.air_template import looks_like_template

    if looks_like_template(columns):
        return "template"
    return None


def folder_files(folder: InputPath) -> list[InputPath]:
    """The CSV / CSV.GZ files of a folder (or zip archive) of daily files, by name."""
    if isinstance(folder, Path) and is_archive(folder):
        return list(archive_members(folder))
    return sorted(
        (
            p
            for p in folder.iterdir()
            if p.is_file()
            and not p.name.startswith(".")
            and (p.name.lower().endswith(".csv") or p.name.lower().endswith(".csv.gz"))
        ),
        key=lambda p: p.name,
    )


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
    path = _as_input(path)
    if format is None:
        format = detect_air_format(path)
    if format not in AIR_FORMATS:
        raise file_error(path, f"未知的数据格式「{format}」，可选：{'、'.join(AIR_FORMATS)}")
    files = _input_files(path, format)
    tables = [_load(f, format) for f in files]
    if format == "template":
        from envplan.monitoring.air_template import read_template_tables

        slots, published_parts, problems = read_template_tables(tables, data_version)
        restricted = False
    else:
        reader = _READERS[format]
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
        from envplan.monitoring.air_stations import bundled_station_catalog

        stations = bundled_station_catalog()
    if stations is not None and measurements.height:
        from envplan.monitoring.air_stations import fill_station_attributes

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
    if not _is_collection(path):
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


def _reject_old_excel(path: InputPath) -> None:
    if path.suffix.lower() in (".xls", ".et", ".ods", ".numbers"):
        raise file_error(
            path, "不支持该表格文件格式，请在 Excel/WPS 中另存为 .xlsx 或 CSV（UTF-8）后再导入"
        )


def _load(path: InputPath, format: str) -> LoadedTable:
    _reject_old_excel(path)
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
        "mee-city": _MEE_COLUMNS,
        "cnemc-live": (*_CNEMC_LIVE_REQUIRED, "area", "positionname"),
        "cnemc-sites": _QUOTSOFT_HEAD,
        "cnemc-cities": _QUOTSOFT_HEAD,
        "aqistudy-daily": _AQISTUDY_COLUMNS,
    }[format]
    missing = [c for c in required if c not in table.frame.columns]
    return [
        problem_frame(table.name, f"缺少必需的列「{c}」（{_FORMAT_NAMES_ZH[format]}）", 1, c)
        for c in missing
    ]


def _source(table: LoadedTable, format: str) -> str:
    return f"{table.name} ({format})"


def city_name(name: pl.Expr) -> pl.Expr:
    """Normalize a city name to the MEE form: "晋城" → "晋城市", "忻州" → "忻州市", "临夏州" kept."""
    stripped = name.str.strip_chars()
    keep = pl.any_horizontal(
        [stripped.str.ends_with(s) for s in _CITY_SUFFIXES]
        + [stripped.is_in(list(_MEE_NAMES_WITHOUT_SHI))]
    )
    return pl.when(keep).then(stripped).otherwise(stripped + "市")


_Reader = Callable[[LoadedTable, str, str], tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]]


def _empty_result() -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    return pl.DataFrame(), pl.DataFrame(schema=PUBLISHED_SCHEMA), []


def _pollutant_mapping(key: str, pollutants: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """A join table: the source's `key` value → pollutant and averaging columns."""
    return pl.DataFrame(
        {
            key: list(pollutants),
            "pollutant": [p for p, _ in pollutants.values()],
            "averaging": [a for _, a in pollutants.values()],
        }
    )


def _with_file(frame: pl.DataFrame, table: LoadedTable, format: str, version: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(table.name).alias(FILE),
        pl.lit(_source(table, format)).alias("source"),
        pl.lit(version).alias("data_version"),
    )


def _usable_rows(
    frame: pl.DataFrame, raw_time: str, key: str, key_label: str
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Rows with a parsed `interval_end` and a non-blank `key`, and the problems of the others."""
    problems = [
        time_problems(frame, raw_time, "interval_end"),
        blank_problems(frame, key, key_label),
    ]
    good = frame.filter(pl.col("interval_end").is_not_null() & ~is_missing(pl.col(key)))
    return good, problems


def _pollutant_slots(
    good: pl.DataFrame,
    value_columns: list[str],
    site_columns: list[str],
    pollutants: dict[str, tuple[str, str]],
) -> pl.DataFrame:
    """One row per value column and input row, with its pollutant and averaging."""
    return good.unpivot(
        on=value_columns,
        index=[FILE, ROW, *site_columns, "interval_end", "source", "data_version"],
        variable_name=COLUMN,
        value_name="raw",
    ).join(_pollutant_mapping(COLUMN, pollutants), on=COLUMN, how="left", maintain_order="left")


def _read_mee_city(
    table: LoadedTable, format: str, version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    if not set(_MEE_COLUMNS) <= set(table.frame.columns):
        return _empty_result()
    label, _ = parse_time_label(pl.col("time"))
    frame = _with_file(table.frame, table, format, version).with_columns(
        interval_end=label, site=pl.col("city").str.strip_chars()
    )
    good, problems = _usable_rows(frame, "time", "city", "城市名")
    slots = good.unpivot(
        on=list(_MEE_POLLUTANTS),
        index=[FILE, ROW, "site", "interval_end", "source", "data_version"],
        variable_name=COLUMN,
        value_name="raw",
    ).with_columns(
        pollutant=pl.col(COLUMN),
        averaging=pl.lit("1h"),
        site_name=pl.col("site"),
        site_kind=pl.lit("city"),
        city=pl.col("site"),
    )
    published, pub_problems = finish_published(good, aqi_raw="AQI", primary_raw="main_pollution")
    return slots, published, problems + pub_problems


def _read_cnemc_live(
    table: LoadedTable, format: str, version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    columns = set(table.frame.columns)
    if not {*_CNEMC_LIVE_REQUIRED, "area", "positionname"} <= columns:
        return _empty_result()
    mapping = _cnemc_live_o3_mapping(table.frame)
    value_columns = [c for c in mapping if c in columns]
    label, _ = parse_time_label(pl.col("timepoint"))
    frame = _with_file(table.frame, table, format, version).with_columns(
        interval_end=label,
        site=pl.col("stationcode").str.strip_chars(),
        site_name=pl.col("positionname").str.strip_chars(),
        city=pl.col("area").str.strip_chars(),
    )
    good, problems = _usable_rows(frame, "timepoint", "stationcode", "站点编码")
    slots = _pollutant_slots(
        good, value_columns, ["site", "site_name", "city"], mapping
    ).with_columns(site_kind=pl.lit("station"))
    extra: dict[str, pl.Expr] = {
        "longitude": pl.col("longitude").cast(pl.Float64, strict=False)
        if "longitude" in columns
        else pl.lit(None, dtype=pl.Float64),
        "latitude": pl.col("latitude").cast(pl.Float64, strict=False)
        if "latitude" in columns
        else pl.lit(None, dtype=pl.Float64),
    }
    if "source_commit" in columns:
        extra["source_commit"] = pl.col("source_commit")
    if "source_blob" in columns:
        extra["source_blob"] = pl.col("source_blob")
    # `/` = the item is not reported at that station (persistent per station); kept because the
    # platform's publication decision treats it unlike a missing value (standards.air.publication).
    slash = [
        pl.when(pl.col(c).str.strip_chars() == "/").then(pl.lit(mapping[c][0])).otherwise(None)
        for c in value_columns
        if mapping[c][1] == "1h"
    ]
    listed = pl.concat_list(slash).list.drop_nulls().list.unique(maintain_order=True)
    extra["unreported"] = (
        pl.when(listed.list.len() > 0).then(listed.list.join(",")).otherwise(None)
        if slash
        else pl.lit(None, dtype=pl.String)
    )
    published, pub_problems = finish_published(
        good, aqi_raw="aqi", primary_raw="primarypollutant", extra=extra
    )
    return slots, published, problems + pub_problems


def _cnemc_live_o3_mapping(frame: pl.DataFrame) -> dict[str, tuple[str, str]]:
    """Column map of one cnemc-live file, O3 columns by the archive's layout.

    Two archives, two O3 layouts (tests/data/README.md):
    - HeQinWill (2022): `o3_24h` is the 1-h O3 and `o3` the max 1-h of the last 24 h (swapped);
    - StorywithLove (2026): `o3` is the 1-h O3; until 2026-02-28 23:00 `o3_24h` is empty, from
      2026-03-01 00:00 it repeats the 1-h value.
    The file is the swapped layout when some row has both cells numeric and different (the max
    of 24 h differs from the current hour somewhere); otherwise `o3` is the 1-h value and the
    empty (or equal) `o3_24h` is never taken.
    """
    if "o3_24h" not in frame.columns or "o3" not in frame.columns:
        return _CNEMC_LIVE_COLUMNS
    hourly = parse_number(pl.col("o3_24h"))
    maximum = parse_number(pl.col("o3"))
    swapped = frame.select(
        (hourly.is_not_null() & maximum.is_not_null() & (hourly != maximum)).any()
    )
    if swapped.item():
        return _CNEMC_LIVE_COLUMNS
    current = {k: v for k, v in _CNEMC_LIVE_COLUMNS.items() if k not in ("o3", "o3_24h")}
    return {"o3": ("O3", "1h"), **current}


def _read_quotsoft(
    table: LoadedTable, format: str, version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    columns = table.frame.columns
    if tuple(c for c in columns if c != ROW)[:3] != _QUOTSOFT_HEAD:
        if set(_QUOTSOFT_HEAD) <= set(columns):
            return (
                pl.DataFrame(),
                pl.DataFrame(schema=PUBLISHED_SCHEMA),
                [problem_frame(table.name, "前三列必须依次为 date,hour,type", 1)],
            )
        return _empty_result()
    site_columns = [c for c in columns if c not in (*_QUOTSOFT_HEAD, ROW)]
    # A concatenated file repeats the header line before each day.
    frame = table.frame.filter(pl.col("date").str.strip_chars() != "date")
    hour = pl.col("hour").str.strip_chars().cast(pl.Float64, strict=False)
    date_text = pl.col("date").str.strip_chars()
    day = (
        pl.when(date_text.str.contains(r"^\d{8}$"))
        .then(date_text.str.strptime(pl.Date, "%Y%m%d", strict=False))
        .otherwise(None)
    )
    valid_hour = hour.is_between(0, 24) & (hour == hour.round(0))
    frame = _with_file(frame, table, format, version).with_columns(
        interval_end=pl.when(valid_hour)
        .then(day.cast(pl.Datetime("us")) + pl.duration(hours=hour.cast(pl.Int64, strict=False)))
        .otherwise(None),
        _type=pl.col("type").str.strip_chars(),
    )
    with_column = frame.with_columns(pl.lit("date").alias(COLUMN))
    known_types = [*_QUOTSOFT_TYPES, "AQI"]
    problems = [
        problems_where(
            with_column,
            day.is_null(),
            pl.format("无法解析的日期「{}」，应为 YYYYMMDD", pl.col("date").fill_null("")),
        ),
        problems_where(
            frame.with_columns(pl.lit("hour").alias(COLUMN)),
            day.is_not_null() & ~valid_hour.fill_null(False),
            pl.format("无法解析的小时「{}」，应为 0–23 的整数", pl.col("hour").fill_null("")),
        ),
        problems_where(
            frame.with_columns(pl.lit("type").alias(COLUMN)),
            ~pl.col("_type").is_in(known_types).fill_null(False),
            pl.format(
                "未知的数据类型「{}」，可选：" + "、".join(known_types),
                pl.col("type").fill_null(""),
            ),
        ),
    ]
    good = frame.filter(pl.col("interval_end").is_not_null())
    long = good.unpivot(
        on=site_columns,
        index=[FILE, ROW, "_type", "interval_end", "source", "data_version"],
        variable_name=COLUMN,
        value_name="raw",
    )
    mapping = _pollutant_mapping("_type", _QUOTSOFT_TYPES)
    cities = format == "cnemc-cities"
    names = pl.col(COLUMN).str.strip_chars()
    site = city_name(names) if cities else names
    long = long.with_columns(
        site=site,
        site_name=names if cities else pl.lit(None, dtype=pl.String),
        site_kind=pl.lit("city" if cities else "station"),
        city=site if cities else pl.lit(None, dtype=pl.String),
    )
    slots = long.join(mapping, on="_type", how="inner", maintain_order="left")
    aqi_rows = long.filter(pl.col("_type") == "AQI")
    published, pub_problems = finish_published(
        aqi_rows, aqi_raw="raw", primary_raw=None, aqi_column=pl.col(COLUMN)
    )
    return slots, published, [*problems, *pub_problems]


def _read_aqistudy(
    table: LoadedTable, format: str, version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    if not set(_AQISTUDY_COLUMNS) <= set(table.frame.columns):
        return _empty_result()
    label, has_time = parse_time_label(pl.col("date"))
    frame = _with_file(table.frame, table, format, "third-party").with_columns(
        # A daily mean of day D covers the hours labelled D 01:00 … D+1 00:00.
        interval_end=pl.when(has_time).then(None).otherwise(label + pl.duration(days=1)),
        site=city_name(pl.col("city")),
        site_name=pl.col("city").str.strip_chars(),
    )
    good, problems = _usable_rows(frame, "date", "city", "城市名")
    slots = _pollutant_slots(
        good, list(_AQISTUDY_POLLUTANTS), ["site", "site_name"], _AQISTUDY_POLLUTANTS
    ).with_columns(site_kind=pl.lit("city"), city=pl.col("site"))
    third_party_aqi = pl.col("aqi").str.strip_chars().cast(pl.Float64, strict=False)
    rank = pl.col("rank").str.strip_chars().cast(pl.Int64, strict=False)
    published, pub_problems = finish_published(
        good,
        aqi_raw=None,  # never truth: the site's AQI does not follow HJ 633 on most days
        primary_raw=None,
        extra={
            "third_party_aqi": third_party_aqi.cast(pl.Int64, strict=False),
            "third_party_quality": pl.col("quality").str.strip_chars(),
            "third_party_aqi_hourly_range": pl.col("aqi_hourly_range").str.strip_chars(),
            # rank 0 means "not ranked" in the aqistudy tables
            "third_party_rank": pl.when(rank > 0).then(rank).otherwise(None),
        },
    )
    return slots, published, problems + pub_problems


_READERS: dict[str, _Reader] = {
    "mee-city": _read_mee_city,
    "cnemc-live": _read_cnemc_live,
    "cnemc-sites": _read_quotsoft,
    "cnemc-cities": _read_quotsoft,
    "aqistudy-daily": _read_aqistudy,
}

__all__ = [
    "AIR_FORMATS",
    "MEASUREMENT_SCHEMA",
    "PUBLISHED_SCHEMA",
    "AirReadResult",
    "InputFileError",
    "detect_air_format",
    "read_air",
]
