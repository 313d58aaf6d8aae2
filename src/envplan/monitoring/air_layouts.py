"""Air-monitoring source layouts: their vocabulary (columns, codes, names) and detection.

Public API::

    detect_air_format(path) -> str   # one of AIR_FORMATS, or InputFileError
    folder_files(folder) -> list     # the CSV / CSV.GZ files of a folder or zip of daily files

The per-format readers are in ``air_formats``; ``air_readers.read_air`` puts them together; the
wide fast path of the hourly city table is ``air_wide``. Formats: see ``air_readers``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import polars as pl

from envplan.monitoring.air_io import (
    InputPath,
    archive_members,
    file_error,
    header_line,
    is_archive,
)
from envplan.monitoring.air_template import looks_like_template

AIR_FORMATS: tuple[str, ...] = (
    "mee-city",
    "cnemc-live",
    "cnemc-sites",
    "cnemc-cities",
    "aqistudy-daily",
    "template",
)

FORMAT_NAMES_ZH = {
    "mee-city": "生态环境部城市实时数据表",
    "cnemc-live": "中国环境监测总站实时发布站点表（HeQinWill 存档格式）",
    "cnemc-sites": "china_sites_YYYYMMDD.csv 站点表",
    "cnemc-cities": "china_cities_YYYYMMDD.csv 城市表",
    "aqistudy-daily": "真气网（aqistudy）城市日均值表",
    "template": "envplan 空气监测数据导入模板（CSV/Excel）",
}

MEE_COLUMNS = ("city", "AQI", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "main_pollution", "time")
MEE_POLLUTANTS = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3")

#: HeQinWill archive column → (pollutant, averaging). The O3 columns are swapped in the archive.
CNEMC_LIVE_COLUMNS: dict[str, tuple[str, str]] = {
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
CNEMC_LIVE_REQUIRED = ("timepoint", "stationcode", "aqi", "primarypollutant", "o3_24h", "o3")

#: quotsoft `type` value → (pollutant, averaging). The mirror keeps CNEMC's own (unswapped) names:
#: O3 is the 1-hour value, O3_24h the max 1-hour of the last 24 h, O3_8h the running 8-h mean
#: and O3_8h_24h its running daily max.
QUOTSOFT_TYPES: dict[str, tuple[str, str]] = {
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
QUOTSOFT_HEAD = ("date", "hour", "type")
STATION_CODE = re.compile(r"^\d{3,4}[A-Z]$")

AQISTUDY_COLUMNS = (
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
AQISTUDY_POLLUTANTS: dict[str, tuple[str, str]] = {
    "so2": ("SO2", "24h"),
    "no2": ("NO2", "24h"),
    "co": ("CO", "24h"),
    "o3": ("O3", "8h_max_day"),
    "pm10": ("PM10", "24h"),
    "pm25": ("PM2.5", "24h"),
}

#: Prefecture-level names the MEE city table writes without "市" (autonomous prefectures 州,
#: leagues 盟 and prefectures 地区), as they appear in mee-city-hourly-2019-02-04_2019-02-12.
MEE_NAMES_WITHOUT_SHI = frozenset(
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
CITY_SUFFIXES = ("市", "盟", "地区", "特别行政区")


def as_input(path: str | Path | zipfile.Path) -> InputPath:
    return path if isinstance(path, zipfile.Path) else Path(path)


def is_collection(path: InputPath) -> bool:
    return path.is_dir() or is_archive(path)


def detect_air_format(path: str | Path | zipfile.Path) -> str:
    """Name the layout of an air file (or of a folder / zip of daily files); raise if unknown."""
    path = as_input(path)
    if is_collection(path):
        files = folder_files(path)
        if not files:
            raise file_error(path, "文件夹或压缩包中没有 CSV 文件")
        path = files[0]
    reject_old_excel(path)
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
            + "；".join(f"{k}（{v}）" for k, v in FORMAT_NAMES_ZH.items()),
            row=1,
        )
    return found


def _format_of_columns(columns: list[str], file_name: str) -> str | None:
    names = set(columns)
    if set(MEE_COLUMNS) <= names:
        return "mee-city"
    if set(CNEMC_LIVE_REQUIRED) <= names:
        return "cnemc-live"
    if tuple(columns[:3]) == QUOTSOFT_HEAD:
        if "china_cities" in file_name:
            return "cnemc-cities"
        if "china_sites" in file_name:
            return "cnemc-sites"
        sites = [c for c in columns[3:] if c]
        if sites and all(STATION_CODE.match(c) for c in sites):
            return "cnemc-sites"
        return "cnemc-cities"
    if set(AQISTUDY_COLUMNS) <= names:
        return "aqistudy-daily"
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


def reject_old_excel(path: InputPath) -> None:
    if path.suffix.lower() in (".xls", ".et", ".ods", ".numbers"):
        raise file_error(
            path, "不支持该表格文件格式，请在 Excel/WPS 中另存为 .xlsx 或 CSV（UTF-8）后再导入"
        )


def city_name(name: pl.Expr) -> pl.Expr:
    """Normalize a city name to the MEE form: "晋城" → "晋城市", "忻州" → "忻州市", "临夏州" kept."""
    stripped = name.str.strip_chars()
    keep = pl.any_horizontal(
        [stripped.str.ends_with(s) for s in CITY_SUFFIXES]
        + [stripped.is_in(list(MEE_NAMES_WITHOUT_SHI))]
    )
    return pl.when(keep).then(stripped).otherwise(stripped + "市")
