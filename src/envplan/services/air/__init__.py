"""Air use cases.

See the submodules for details; this package re-exports their public functions."""

from envplan.services.air.cities import (
    DEFAULT_EXCLUDED_STATIONS,
    CityStations,
    city_hourly_wide,
)
from envplan.services.air.city_sets import (
    CITY_SETS,
    FENWEI_11,
    JJJ_2_26,
    SHANXI_11,
    CitySet,
)
from envplan.services.air.daily_frame import (
    city_daily_frame,
)
from envplan.services.air.figures import (
    DATA_VERSION_LABELS,
    MONTH_FIELDS,
    city_months,
    city_report,
    data_label,
    latest_months,
    month_figures,
    store_daily_frame,
)
from envplan.services.air.hourly import (
    CATEGORY,
    CHUNK_ROWS,
    HOURLY_AQI_COLUMNS,
    POLLUTANT_LIST,
    RULES,
    city_daily_statistics,
    daily_aqi_frame,
    daily_from_means,
    daily_statistics,
    daily_statistics_wide,
    hourly_aqi,
    hourly_aqi_arrays,
    hourly_aqi_wide,
    hourly_wide,
    network_daily_statistics,
    select_aqi_rules,
    select_limits,
    with_official,
)
from envplan.services.air.materialised import derived_result
from envplan.services.air.network import (
    CHUNK_STATION_HOURS,
    NetworkPeriod,
    network_period_chain,
    read_city_chunks,
)
from envplan.services.air.periods import (
    AirServiceError,
    Period,
    assess_period,
    good_day_ratio_ytd,
    parse_period,
    rank_cities,
    warning_for_forecast,
)
from envplan.services.air.ranking import (
    RankingError,
    TableRanking,
    city_key,
    evaluate_rank_target,
    rank_table,
    resolve_city_set,
)
from envplan.services.air.store_import import (
    AirImportRequest,
    AirImportResult,
    import_air_data,
)
from envplan.standards.air.rules import PRIMARY_ORDER

__all__ = [
    "CATEGORY",
    "CHUNK_ROWS",
    "CHUNK_STATION_HOURS",
    "CITY_SETS",
    "DATA_VERSION_LABELS",
    "DEFAULT_EXCLUDED_STATIONS",
    "FENWEI_11",
    "HOURLY_AQI_COLUMNS",
    "JJJ_2_26",
    "MONTH_FIELDS",
    "POLLUTANT_LIST",
    "PRIMARY_ORDER",
    "RULES",
    "SHANXI_11",
    "AirImportRequest",
    "AirImportResult",
    "AirServiceError",
    "CitySet",
    "CityStations",
    "NetworkPeriod",
    "Period",
    "RankingError",
    "TableRanking",
    "assess_period",
    "city_daily_frame",
    "city_daily_statistics",
    "city_hourly_wide",
    "city_key",
    "city_months",
    "city_report",
    "daily_aqi_frame",
    "daily_from_means",
    "daily_statistics",
    "daily_statistics_wide",
    "data_label",
    "derived_result",
    "evaluate_rank_target",
    "good_day_ratio_ytd",
    "hourly_aqi",
    "hourly_aqi_arrays",
    "hourly_aqi_wide",
    "hourly_wide",
    "import_air_data",
    "latest_months",
    "month_figures",
    "network_daily_statistics",
    "network_period_chain",
    "parse_period",
    "rank_cities",
    "rank_table",
    "read_city_chunks",
    "resolve_city_set",
    "select_aqi_rules",
    "select_limits",
    "store_daily_frame",
    "warning_for_forecast",
    "with_official",
]
