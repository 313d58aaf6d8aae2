"""Use cases of heavy-pollution emergency response (削峰降频): warnings from a forecast, the
emergency-reduction list of a level checked against the national minimum, recorded warnings
(issue / upgrade / downgrade / lift) and inspections of listed enterprises::

    warn_from_file(path, rules=None) -> WarnResult          # .contract() = `emergency warn --json`
    build_list(session, level, *, county=None, year=None) -> EmergencyList   # .contract()
    set_totals(session, year, {pollutant: t/a}, source=…)   # society-wide emissions
    issue_warning / change_warning / warning_in_force / list_warnings
    record_inspection / list_inspections / daily_dispatch (每日调度)
"""

from envplan.services.emergency.demo import seed_emergency_demo
from envplan.services.emergency.forecast import Forecast, ForecastError, read_forecast
from envplan.services.emergency.lists import (
    EmergencyError,
    EmergencyList,
    ListedEnterprise,
    build_list,
    set_totals,
)
from envplan.services.emergency.warnings import (
    WarningError,
    WarnResult,
    assess_forecast,
    change_warning,
    daily_dispatch,
    issue_warning,
    list_inspections,
    list_warnings,
    record_inspection,
    rule_set,
    warn_from_file,
    warning_dict,
    warning_in_force,
)

__all__ = [
    "EmergencyError",
    "EmergencyList",
    "Forecast",
    "ForecastError",
    "ListedEnterprise",
    "WarnResult",
    "WarningError",
    "assess_forecast",
    "build_list",
    "change_warning",
    "daily_dispatch",
    "issue_warning",
    "list_inspections",
    "list_warnings",
    "read_forecast",
    "record_inspection",
    "rule_set",
    "seed_emergency_demo",
    "set_totals",
    "warn_from_file",
    "warning_dict",
    "warning_in_force",
]
