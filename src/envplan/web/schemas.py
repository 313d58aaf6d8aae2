"""Pydantic I/O schemas of the JSON API (``XRead`` / ``XList`` / ``XCreate``), separate from the
records' tables. Values are what the services computed; units are stated in field descriptions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    model_config = ConfigDict(extra="ignore", from_attributes=True)


class Health(Schema):
    status: str = Field(description="ok 表示平台就绪")
    demo: bool = Field(description="是否为演示模式（任务进展为示例数据）")


class ErrorRead(Schema):
    detail: str = Field(description="中文错误说明，指明出错的字段、文件或行")
    errors: list[str] | None = Field(None, description="逐项的参数错误")
    problems: list[str] | None = Field(None, description="文件导入时逐行列出的问题")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorRead, "description": "请求有误"},
    401: {"model": ErrorRead, "description": "需要登录"},
    403: {"model": ErrorRead, "description": "无权操作或 CSRF 校验失败"},
    404: {"model": ErrorRead, "description": "未找到"},
    422: {"model": ErrorRead, "description": "参数或内容有误"},
}


class MeRead(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit_id: str | None
    unit_name: str | None
    county: str | None
    csrf_token: str = Field(description="写操作时放入请求头 X-CSRF-Token")


class AqiLevel(Schema):
    level: int
    category: str
    colour_name: str
    hex: str = Field(description="HJ 633 规定的级别颜色")
    aqi_low: int
    aqi_high: int | None


class AirDay(Schema):
    date: date
    aqi: int | None = Field(description="日 AQI（HJ 633-2012，由日均浓度重算）；无效日为空")
    level: int | None = Field(description="AQI 级别 1–6")
    category: str | None = Field(description="类别：优、良、轻度污染……")
    primary_pollutant: str | None = None
    pm25: float | None = Field(None, description="PM2.5 日均 [µg/m³]")
    pm10: float | None = Field(None, description="PM10 日均 [µg/m³]")
    so2: float | None = Field(None, description="SO2 日均 [µg/m³]")
    no2: float | None = Field(None, description="NO2 日均 [µg/m³]")
    co: float | None = Field(None, description="CO 日均 [mg/m³]")
    o3_8h: float | None = Field(None, description="O3 日最大 8 小时平均 [µg/m³]")


class GoodDays(Schema):
    year: int
    as_of: date
    valid_days: int
    good_days: int
    ratio: float | None = Field(description="年初至 as_of 的优良天数比例 [%]")
    target_ratio: float | None = Field(description="目标：上年全年优良天数比例 [%]（须进一步提升）")
    target_text: str
    days_in_year: int
    remaining_days: int
    good_days_needed: int | None = Field(
        description="全年比例超过目标尚需的优良天数（假定剩余日均有效）；无法达到时为空"
    )
    achievable: bool | None
    heavy_days: int = Field(description="年初至今重污染天数（AQI > 200）")
    heavy_days_last_year_same_span: int | None
    heavy_days_last_year: int | None


class CityRank(Schema):
    rank: int | None = Field(description="综合指数升序排名（并列同名次）")
    city: str
    composite_index: float | None = Field(description="综合指数（两位小数）")
    change_rate: float | None = Field(None, description="综合指数同比变化率 [%]")
    max_index_pollutants: str | None = None
    pm25: float | None = Field(None, description="PM2.5 平均浓度 [µg/m³]")


class AirTarget(Schema):
    id: str
    text: str
    indicator: str | None
    value: float | None = Field(None, description="本期统计值 [µg/m³]")
    limit: float | None = Field(None, description="GB 3095 对应级别年均限值 [µg/m³]")
    unit: str | None = None
    met: bool | None = None


class HeavyMonth(Schema):
    month: str
    heavy_days: int
    heavy_days_last_year: int


class AirYearRead(Schema):
    city: str
    year: int
    as_of: date
    label: str = Field(description="数据性质：第三方处理数据")
    source: str
    caveat: str
    levels: list[AqiLevel]
    days: list[AirDay]
    good_days: GoodDays
    heavy_by_month: list[HeavyMonth]
    ranking: list[CityRank]
    ranking_period: str
    rank: CityRank | None
    cities_ranked: int
    limits: str
    targets: list[AirTarget]
    annual: dict[str, Any] = Field(
        description="年初至 as_of 的 HJ 663 统计量与达标判定（引擎原样输出）"
    )


class AirRankingRead(Schema):
    year: int
    as_of: date
    period: str
    label: str
    ranking: list[CityRank]


class AirHour(Schema):
    time: str = Field(description="CNEMC 小时结束时刻 YYYY-MM-DD HH:00")
    aqi: int | None = Field(description="本平台按 HJ 633 计算的小时 AQI")
    published_aqi: int | None = Field(description="生态环境部实时发布值")
    primary_pollutant: str | None
    category: str | None


class StationHour(Schema):
    time: str
    site: str
    site_name: str | None
    aqi: int | None
    published_aqi: int | None
    primary_pollutant: str | None
    official_primary: str | None
    category: str | None


class HourlyMatch(Schema):
    city_hours: int = Field(description="六项齐全且有发布值的城市小时数")
    equal: int = Field(description="计算值与发布值一致的小时数")
    percent: float | None
    cities: int


class AirHourlyRead(Schema):
    label: str
    source: str
    match: HourlyMatch | None
    hours: list[AirHour]
    period: str | None = None
    ranking_total: int | None = None
    rank: CityRank | None = None
    ranking: list[CityRank] = []
    stations: list[StationHour] = []


class WaterSection(Schema):
    number: int
    county: str
    section: str
    assessment_level: str
    water_body_type: str | None = None
    target_raw: str
    target_class: str | None = None
    water_class: str | None = Field(description="Ⅰ–劣Ⅴ；无数据为空")
    status: str | None
    compliance: str = Field(description="达标 / 不达标 / 无监测数据 / 省定目标未配置")
    exceeding: str | None = Field(None, description="超过目标的指标及超标倍数")
    main_pollutants: str | None = None
    n_samples: int | None = None


class WaterRead(Schema):
    label: str
    source: str
    sections: list[WaterSection]
    shares: dict[str, dict[str, Any]] = Field(description="按考核级别的类别比例与达标情况")


class OccurrenceRead(Schema):
    occurrence_id: int
    task_key: str
    plan_key: str
    task_kind: str
    category: str
    task_text: str
    deadline_raw: str
    seq: int
    label: str
    unit_id: str
    unit_name: str
    county: str | None
    due_date: date
    status: str
    status_label: str
    light: str = Field(description="green / yellow / red")
    light_label: str
    percent: int
    last_reported_on: date | None
    awaiting_approval: bool
    completed_on: date | None
    on_time: bool | None
    working_days_overdue: int
    notice_level: str | None
    version: int = Field(description="乐观锁版本：提交进展时作为 expected_version")
    role: str = Field("lead", description="lead 牵头单位 / county 县级落实 / co 配合单位")
    role_label: str = "牵头单位"
    clause: int = Field(0, description="多段责任单位措施的第几段（0 = 整项）")
    duty_key: str = ""
    parent_id: int | None = Field(None, description="县级、配合单位行所属的牵头单位期次")
    lead_unit_ids: list[str] = []
    co_unit_ids: list[str] = []


class RateRead(Schema):
    key: str
    label: str
    due: int
    done_on_time: int
    done_late: int
    overdue: int
    rate: float | None


class TaskBoardRead(Schema):
    as_of: date
    count: int
    lights: dict[str, int]
    statuses: dict[str, int]
    overdue: list[OccurrenceRead]
    rates_by_plan: list[RateRead]
    rates_by_county: list[RateRead]
    rates_by_unit: list[RateRead]
    data: list[OccurrenceRead]


class HistoryRead(Schema):
    kind: str
    on: date
    who: str | None
    text: str
    report_id: int | None
    state: str | None
    percent: int | None
    decision: str | None
    evidence: list[str]


class OccurrenceDetailRead(Schema):
    state: OccurrenceRead
    history: list[HistoryRead]


class NoticeRead(Schema):
    notice_id: int
    number: str
    level: str
    level_label: str
    occurrence_id: int
    task_key: str
    unit_id: str
    unit_name: str
    issued_on: date
    reply_due: date
    replied_on: date | None
    state: str
    body: str
    reply_text: str | None


class NoticeList(Schema):
    count: int
    data: list[NoticeRead]


class NoticeReplyCreate(Schema):
    text: str = Field(min_length=1, max_length=5000, description="办理情况")


class ImportRead(Schema):
    import_id: str
    file: str
    format: str
    measurement_rows: int
    published_rows: int
    already_imported: bool


class PublicAirMonth(Schema):
    month: str
    valid_days: int | None
    good_days: int | None
    good_day_ratio: float | None = Field(description="[%]")
    heavy_days: int | None
    pm25: float | None = Field(description="[µg/m³]")
    pm10: float | None = Field(description="[µg/m³]")
    so2: float | None = Field(description="[µg/m³]")
    no2: float | None = Field(description="[µg/m³]")
    co_p95: float | None = Field(description="[mg/m³]")
    o3_8h_p90: float | None = Field(description="[µg/m³]")
    composite_index: float | None
    label: str = Field("", description="数据类别：官方实时发布数据 / 第三方处理数据")


class PublicAirRead(Schema):
    city: str
    label: str
    source: str
    rows: list[PublicAirMonth]


class PublicWaterSection(Schema):
    number: int
    county: str
    section: str
    assessment_level: str
    target_raw: str
    water_class: str | None
    status: str | None
    compliance: str


class PublicWaterRead(Schema):
    label: str
    source: str
    classed: int
    share_i_iii: float | None
    sections: list[PublicWaterSection]
