"""Use cases of the enterprise registry (排污单位名录), shared by emergency, offsets, siting, water
and soil.

Stable API (add, don't rename)::

    get_enterprise(session, credit_code, *, principal=SYSTEM) -> Enterprise   # EnterpriseNotFound
    find_enterprise(session, credit_code, *, principal=SYSTEM) -> Enterprise | None
    list_enterprises(session, *, county=None, industry=None, principal=SYSTEM) -> list[Enterprise]
    save_enterprise(session, EnterpriseInput, *, principal=SYSTEM) -> Enterprise   # audited
    record_grade(session, credit_code, GradeInput, *, principal=SYSTEM) -> GradeRecord
    import_registry(session, path_or_file, *, principal=SYSTEM) -> ImportResult   # all or nothing
    current_grade(enterprise), latest_emissions(enterprise), enterprise_zones(enterprise)
    enterprise_dict(enterprise), enterprise_history(session, credit_code)
    registry_export(session, *, county=None, principal=SYSTEM) -> RegistryExport   # plain rows

The caller owns the transaction (commit / rollback).
"""

from envplan.services.enterprises.excel_import import (
    COLUMNS,
    ImportProblem,
    ImportResult,
    RegistryImportError,
    import_registry,
    parse_registry,
)
from envplan.services.enterprises.export import RegistryExport, RegistryRow, registry_export
from envplan.services.enterprises.registry import (
    GRADES,
    INDUSTRIES,
    KEY_INDUSTRIES,
    EmissionInput,
    EnterpriseConflict,
    EnterpriseError,
    EnterpriseInput,
    EnterpriseNotFound,
    GradeInput,
    can_access,
    county_names,
    current_grade,
    enterprise_dict,
    enterprise_history,
    enterprise_zones,
    find_enterprise,
    get_enterprise,
    latest_emissions,
    list_enterprises,
    record_grade,
    save_enterprise,
    save_many,
    visible_counties,
)

__all__ = [
    "COLUMNS",
    "GRADES",
    "INDUSTRIES",
    "KEY_INDUSTRIES",
    "EmissionInput",
    "EnterpriseConflict",
    "EnterpriseError",
    "EnterpriseInput",
    "EnterpriseNotFound",
    "GradeInput",
    "ImportProblem",
    "ImportResult",
    "RegistryExport",
    "RegistryImportError",
    "RegistryRow",
    "can_access",
    "county_names",
    "current_grade",
    "enterprise_dict",
    "enterprise_history",
    "enterprise_zones",
    "find_enterprise",
    "get_enterprise",
    "import_registry",
    "latest_emissions",
    "list_enterprises",
    "parse_registry",
    "record_grade",
    "registry_export",
    "save_enterprise",
    "save_many",
    "visible_counties",
]
