"""Analysis use cases: trends, temporal variation, target projections, like-for-like
comparisons across HJ 633 editions, and monitoring-data quality and fraud signals."""

from envplan.services.analysis.cases import (
    CompareRequest,
    ProjectionRequest,
    SignalsRequest,
    TrendAnswer,
    TrendRequest,
    VariationRequest,
    city_trend,
    compare_editions,
    monitoring_signals,
    target_projection,
    variation,
)
from envplan.services.analysis.page import AnalysisView, analysis_view, signal_frame
from envplan.services.analysis.sources import AirSource, AnalysisError

__all__ = [
    "AirSource",
    "AnalysisError",
    "AnalysisView",
    "CompareRequest",
    "ProjectionRequest",
    "SignalsRequest",
    "TrendAnswer",
    "TrendRequest",
    "VariationRequest",
    "analysis_view",
    "city_trend",
    "compare_editions",
    "monitoring_signals",
    "signal_frame",
    "target_projection",
    "variation",
]
