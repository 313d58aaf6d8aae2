"""Supervision: every responsible party's duties, their progress, notices, 13710 items, ledgers.

Sub-domains (one module each, public names re-exported here so callers import from
``envplan.services.supervision``):

- :mod:`.rules` — configurable rules (:class:`SupervisionRules`), labels, errors.
- :mod:`.occurrences` — a task's deadline → dated occurrences for the plan year.
- :mod:`.loading` — the plan registry → units, plan versions, tasks, occurrences.
- :mod:`.state` — occurrence state as of a date, listing and finding occurrences.
- :mod:`.progress` — reports with evidence, reviews, comments, history (optimistic locking).
- :mod:`.notices` — 督办单 escalation blue → orange → red and replies.
- :mod:`.dispatch` — completion rates and the frozen month-end snapshots (月调度).
- :mod:`.clock13710` — the Shanxi 13710 clock for assigned matters.
- :mod:`.ledger` — Excel ledger rows and the all-or-nothing ledger import.

Every function takes a SQLAlchemy ``Session`` and leaves commit to the caller.
"""

# AccessDenied is raised by every use case here; re-exported for callers' except clauses.
from envplan.services.access import SYSTEM, AccessDenied, Principal
from envplan.services.supervision.clock13710 import (
    ORDINARY_WORKING_DAYS,
    PROGRESS_WORKING_DAYS,
    STEP_LABELS,
    STEP_STATE_LABELS,
    ClockState,
    ClockStep,
    add_month,
    clock_state,
    list_clock_items,
    record_step,
    register_item,
)
from envplan.services.supervision.dispatch import (
    SNAPSHOT_ROW_FIELDS,
    Rate,
    SnapshotResult,
    completion_rates,
    compute_dispatch,
    get_snapshot,
    list_snapshots,
    snapshot_content,
    take_snapshot,
)
from envplan.services.supervision.ledger import (
    COL_CATEGORY,
    COL_DEADLINE,
    COL_KEY,
    COL_LEAD,
    COL_NO,
    COL_PROGRESS,
    COL_REMARK,
    COL_RESPONSIBLE,
    COL_STATUS,
    COL_TASK,
    LEDGER_COLUMNS,
    PLAN_SHEET_NAMES,
    SHEET_PLAN_KEYS,
    LedgerChange,
    LedgerError,
    LedgerImportError,
    import_ledger,
    ledger_rows,
    occurrence_key,
    parse_status_cell,
    state_of,
    status_text,
)
from envplan.services.supervision.loading import (
    ensure_units,
    load_plan_into_db,
    reporting_unit_id,
)
from envplan.services.supervision.notices import (
    NOTICE_STATE_LABELS,
    NoticeState,
    escalate,
    list_notices,
    reply_notice,
)
from envplan.services.supervision.occurrences import (
    OccurrenceSpec,
    expand_deadline,
    month_end,
)
from envplan.services.supervision.progress import (
    MAX_EVIDENCE_BYTES,
    EvidenceUpload,
    add_comment,
    approve_report,
    latest_report,
    review_report,
    submit_report,
)
from envplan.services.supervision.rules import (
    CITY_LEVEL,
    COUNTY_GROUP_UNIT_ID,
    COUNTY_GROUP_UNIT_NAME,
    DEFAULT_RULES,
    LIGHT_LABELS,
    NOTICE_LEVEL_LABELS,
    NOTICE_LEVELS,
    STATUS_LABELS,
    ConflictError,
    NotFound,
    SupervisionError,
    SupervisionRules,
)
from envplan.services.supervision.state import (
    HistoryEntry,
    OccurrenceState,
    compute_state,
    find_occurrence,
    get_occurrence_state,
    list_occurrences,
    load_occurrence,
    occurrence_history,
    parse_month,
)

__all__ = [
    "CITY_LEVEL",
    "COL_CATEGORY",
    "COL_DEADLINE",
    "COL_KEY",
    "COL_LEAD",
    "COL_NO",
    "COL_PROGRESS",
    "COL_REMARK",
    "COL_RESPONSIBLE",
    "COL_STATUS",
    "COL_TASK",
    "COUNTY_GROUP_UNIT_ID",
    "COUNTY_GROUP_UNIT_NAME",
    "DEFAULT_RULES",
    "LEDGER_COLUMNS",
    "LIGHT_LABELS",
    "MAX_EVIDENCE_BYTES",
    "NOTICE_LEVELS",
    "NOTICE_LEVEL_LABELS",
    "NOTICE_STATE_LABELS",
    "ORDINARY_WORKING_DAYS",
    "PLAN_SHEET_NAMES",
    "PROGRESS_WORKING_DAYS",
    "SHEET_PLAN_KEYS",
    "SNAPSHOT_ROW_FIELDS",
    "STATUS_LABELS",
    "STEP_LABELS",
    "STEP_STATE_LABELS",
    "SYSTEM",
    "AccessDenied",
    "ClockState",
    "ClockStep",
    "ConflictError",
    "EvidenceUpload",
    "HistoryEntry",
    "LedgerChange",
    "LedgerError",
    "LedgerImportError",
    "NotFound",
    "NoticeState",
    "OccurrenceSpec",
    "OccurrenceState",
    "Principal",
    "Rate",
    "SnapshotResult",
    "SupervisionError",
    "SupervisionRules",
    "add_comment",
    "add_month",
    "approve_report",
    "clock_state",
    "completion_rates",
    "compute_dispatch",
    "compute_state",
    "ensure_units",
    "escalate",
    "expand_deadline",
    "find_occurrence",
    "get_occurrence_state",
    "get_snapshot",
    "import_ledger",
    "latest_report",
    "ledger_rows",
    "list_clock_items",
    "list_notices",
    "list_occurrences",
    "list_snapshots",
    "load_occurrence",
    "load_plan_into_db",
    "month_end",
    "occurrence_history",
    "occurrence_key",
    "parse_month",
    "parse_status_cell",
    "record_step",
    "register_item",
    "reply_notice",
    "reporting_unit_id",
    "review_report",
    "snapshot_content",
    "state_of",
    "status_text",
    "submit_report",
    "take_snapshot",
]
