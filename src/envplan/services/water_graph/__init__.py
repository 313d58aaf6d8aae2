"""Water graph use cases: polluter → outfall → reach → section, early warning (正向预警),
upstream tracing (反向溯源), outfall monitoring, infrastructure indicators, 千吨万人 sources.

The CLI (``envplan water trace|warn|…``), the pages and the bulletin call these functions.
"""

from __future__ import annotations

from envplan.services.water_graph.demo import DEMO_WARNING_DAY, seed_water_graph_demo
from envplan.services.water_graph.graph import WaterGraph, build_graph, load_graph
from envplan.services.water_graph.imports import (
    OUTFALL_KINDS,
    ImportResult,
    import_drinking_sources,
    import_graph,
    import_section_targets,
    template_headers,
)
from envplan.services.water_graph.indicators import (
    IndicatorError,
    indicator_board,
    report_indicator,
    tracked_targets,
)
from envplan.services.water_graph.monitoring_import import import_monitoring
from envplan.services.water_graph.registry import drinking_sources, graph_overview, outfall_monthly
from envplan.services.water_graph.targets import PROVINCIAL_TARGETS_NOTE
from envplan.services.water_graph.templates import write_templates
from envplan.services.water_graph.trace import TraceError, TraceRequest, trace_upstream
from envplan.services.water_graph.warnings import (
    WarningError,
    evaluate_as_of,
    issue_warnings,
    list_warning_notices,
    reply_warning,
)

__all__ = [
    "DEMO_WARNING_DAY",
    "OUTFALL_KINDS",
    "PROVINCIAL_TARGETS_NOTE",
    "ImportResult",
    "IndicatorError",
    "TraceError",
    "TraceRequest",
    "WarningError",
    "WaterGraph",
    "build_graph",
    "drinking_sources",
    "evaluate_as_of",
    "graph_overview",
    "import_drinking_sources",
    "import_graph",
    "import_monitoring",
    "import_section_targets",
    "indicator_board",
    "issue_warnings",
    "list_warning_notices",
    "load_graph",
    "outfall_monthly",
    "reply_warning",
    "report_indicator",
    "seed_water_graph_demo",
    "template_headers",
    "trace_upstream",
    "tracked_targets",
    "write_templates",
]
