"""Contaminated-land registry use cases (土壤 6-12): plots and their lifecycle, sample results
against GB 36600-2018, the land-supply gate with its append-only query record, the public lists,
the key supervised units with their tracked duties, Excel import and export, the 示例 registry.

The CLI (``envplan land``), the JSON API and the pages call these same functions.
"""

from envplan.services.land.common import (
    DEMO_TAG,
    LandConflict,
    LandError,
    LandNotFound,
    find_plot,
    known_counties,
    require_county,
    visible_counties,
)
from envplan.services.land.demo import seed_land_demo
from envplan.services.land.excel import (
    PLOT_COLUMNS,
    PLOT_SHEET,
    UNIT_COLUMNS,
    UNIT_SHEET,
    import_workbook,
)
from envplan.services.land.export import LandExport, PlotRow, land_export
from envplan.services.land.gate import (
    GateRequest,
    attach_reply,
    gate,
    list_queries,
    query_json,
    verify_queries,
)
from envplan.services.land.plots import (
    FileUpload,
    PlotInput,
    StepInput,
    add_plot,
    add_samples,
    advance,
    assess_samples,
    list_plots,
)
from envplan.services.land.units import (
    KeyUnitInput,
    add_key_unit,
    complete_duty,
    list_key_units,
    list_plot_duties,
    open_year,
    plan_demolition,
)
from envplan.services.land.views import plot_detail, plot_summary, public_lists, stage_dates

__all__ = [
    "DEMO_TAG",
    "PLOT_COLUMNS",
    "PLOT_SHEET",
    "UNIT_COLUMNS",
    "UNIT_SHEET",
    "FileUpload",
    "GateRequest",
    "KeyUnitInput",
    "LandConflict",
    "LandError",
    "LandExport",
    "LandNotFound",
    "PlotInput",
    "PlotRow",
    "StepInput",
    "add_key_unit",
    "add_plot",
    "add_samples",
    "advance",
    "assess_samples",
    "attach_reply",
    "complete_duty",
    "find_plot",
    "gate",
    "import_workbook",
    "known_counties",
    "land_export",
    "list_key_units",
    "list_plot_duties",
    "list_plots",
    "list_queries",
    "open_year",
    "plan_demolition",
    "plot_detail",
    "plot_summary",
    "public_lists",
    "query_json",
    "require_county",
    "seed_land_demo",
    "stage_dates",
    "verify_queries",
    "visible_counties",
]
