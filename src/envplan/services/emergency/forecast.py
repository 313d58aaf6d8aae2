"""Forecast files for warnings: CSV ``date,aqi`` (forecast daily AQI), optionally a primary
pollutant column. Bad input → :class:`ForecastError` naming the file, row and field (zh-CN)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

DATE_COLUMNS = ("date", "日期")
AQI_COLUMNS = ("aqi", "AQI", "预报AQI")
PRIMARY_COLUMNS = ("primary_pollutant", "primary", "首要污染物")


class ForecastError(ValueError):
    """A forecast file cannot be read (zh-CN message naming the file and row)."""

    pass


@dataclass(frozen=True)
class Forecast:
    """A forecast read from a file: consecutive days, daily AQI [dimensionless] and optional primary
    pollutants.
    """

    dates: list[dt.date]
    aqi: list[float]
    primary: list[str] | None
    source: str

    def rows(self) -> list[dict[str, object]]:
        """The forecast as JSON-ready rows (date, AQI, primary pollutant when known)."""
        return [
            {
                "date": d.isoformat(),
                "aqi": a,
                **({"primary_pollutant": self.primary[i]} if self.primary else {}),
            }
            for i, (d, a) in enumerate(zip(self.dates, self.aqi, strict=True))
        ]


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {c.strip().lower(): c for c in columns}
    return next((lowered[n.lower()] for n in names if n.lower() in lowered), None)


def read_forecast(path: Path) -> Forecast:
    """Read and check a forecast CSV: dates consecutive and increasing, AQI numbers 0…500."""
    source = path.name
    if not path.is_file():
        raise ForecastError(f"预报文件不存在：{path}")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ForecastError(f"{source}：无法读取 CSV（{str(exc).splitlines()[0]}）") from None
    date_col = _pick(frame.columns, DATE_COLUMNS)
    aqi_col = _pick(frame.columns, AQI_COLUMNS)
    if date_col is None or aqi_col is None:
        raise ForecastError(
            f"{source}：缺少列 date 和/或 aqi（表头为：{'、'.join(frame.columns)}）"
        )
    if frame.height == 0:
        raise ForecastError(f"{source}：没有预报数据行")
    primary_col = _pick(frame.columns, PRIMARY_COLUMNS)
    parsed = frame.select(
        pl.col(date_col).str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("date"),
        pl.col(aqi_col).str.strip_chars().cast(pl.Float64, strict=False).alias("aqi"),
        pl.col(date_col).alias("date_raw"),
        pl.col(aqi_col).alias("aqi_raw"),
    ).with_row_index("row", offset=2)
    problems = [
        f"{source} 第 {r['row']} 行 date：应为 YYYY-MM-DD，实为 {r['date_raw']}"
        for r in parsed.filter(pl.col("date").is_null()).iter_rows(named=True)
    ] + [
        f"{source} 第 {r['row']} 行 aqi：应为 0–500 的数，实为 {r['aqi_raw']}"
        for r in parsed.filter(
            pl.col("aqi").is_null() | (pl.col("aqi") < 0) | (pl.col("aqi") > 500)
        ).iter_rows(named=True)
    ]
    if not problems:
        gaps = parsed.with_columns(
            (pl.col("date") - pl.col("date").shift(1)).dt.total_days().alias("step")
        ).filter(pl.col("step").is_not_null() & (pl.col("step") != 1))
        problems += [
            f"{source} 第 {r['row']} 行 date：{r['date']} 与上一行不是连续的下一天"
            for r in gaps.iter_rows(named=True)
        ]
    if problems:
        raise ForecastError("预报文件有误，未评估：\n" + "\n".join(problems))
    primary = [str(v or "").strip() for v in frame[primary_col].to_list()] if primary_col else None
    return Forecast(parsed["date"].to_list(), parsed["aqi"].to_list(), primary, source)
