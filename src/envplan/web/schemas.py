"""Pydantic I/O schemas of the JSON API (``XRead`` / ``XList`` / ``XCreate``), separate from the
records' tables. Values are what the services computed; units are stated in field descriptions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Health(Schema):
    status: str = Field(description="ok 表示平台就绪")
    demo: bool = Field(description="是否为演示模式（任务进展为示例数据）")


class ErrorRead(Schema):
    detail: str = Field(description="中文错误说明，指明出错的字段、文件或行")
    errors: list[str] | None = None


class DataLabel(Schema):
    source: str = Field(description="数据来源")
    label: str = Field(description="官方发布数据 / 第三方处理数据 / 示例")


class AirDay(Schema):
    date: date
    aqi: int | None = Field(description="日 AQI（HJ 633 由日均浓度重算）")
    level: int | None = Field(description="AQI 级别 1–6")
    category: str | None = Field(description="类别：优、良、轻度污染……")
    primary_pollutant: str | None = None
    pm25: float | None = Field(None, description="PM2.5 日均 [µg/m³]")
    pm10: float | None = Field(None, description="PM10 日均 [µg/m³]")
    so2: float | None = Field(None, description="SO2 日均 [µg/m³]")
    no2: float | None = Field(None, description="NO2 日均 [µg/m³]")
    co: float | None = Field(None, description="CO 日均 [mg/m³]")
    o3_8h: float | None = Field(None, description="O3 日最大 8 小时 [µg/m³]")


class CityRank(Schema):
    city: str
    composite_index: float | None = Field(description="综合指数（两位小数）")
    rank: int | None = Field(description="在所列城市中的排名（升序，1 为最好）")
    good_day_ratio: float | None = Field(None, description="优良天数比例 [%]")
    pm25: float | None = Field(None, description="PM2.5 年均 [µg/m³]")


class GoodDays(Schema):
    year: int
    as_of: date | None
    valid_days: int
    good_days: int
    ratio: float | None = Field(description="截至 as_of 的优良天数比例 [%]")
    target_ratio: float | None = Field(None, description="计划目标 [%]；计划未给出时为空")
    days_in_year: int
    remaining_days: int
    good_days_needed: int | None = Field(
        None, description="全年达到目标尚需的优良天数（剩余天数内）；目标为空时为空"
    )
    achievable: bool | None = None


class AirYear(Schema):
    year: int
    city: str
    label: DataLabel
    days: list[AirDay]
    good_days: GoodDays
    heavy_pollution_days: int = Field(description="重污染天数（AQI > 200）")
    ranking: list[CityRank]
    annual: dict[str, Any] = Field(description="年评价统计量（HJ 663）")
    targets: list[dict[str, Any]] = Field(description="计划中的空气质量目标")


class AirHour(Schema):
    time: str = Field(description="CNEMC 小时结束时刻 YYYY-MM-DD HH:00")
    aqi: int | None
    published_aqi: int | None = Field(None, description="生态环境部实时发布值")
    primary_pollutant: str | None = None
    category: str | None = None


class GenericList(Schema):
    count: int
    data: list[dict[str, Any]]
