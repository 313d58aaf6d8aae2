"""The monthly bulletin use case: one request in, one document's data out.

``envplan report monthly`` and the web download both call :func:`monthly_bulletin` with a
:class:`BulletinRequest`; it gathers every source once (dispatch facts, air, water, soil, the
ledger rows in the reader's access scope) and returns plain data (:class:`MonthlyBulletin`) that
the pure renderers of ``envplan.reports`` lay out. So one month gives one document everywhere.

Defaults, the same for every caller: air = the data imported under the home (else the bundled
daily means); water = the newest file uploaded to the home that covers the month (else, when the
records are the seeded 示例 data or ``demo_data`` is set, the bundled 示例 file); soil = the files
given (else, with 示例 records or ``demo_data``, the bundled 示例 files).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from envplan.monitoring.air_city_table import read_city_statistics
from envplan.services.access import Principal
from envplan.services.air import rank_table, resolve_city_set
from envplan.services.bulletin import sources
from envplan.services.bulletin.assemble import assemble_monthly_bulletin
from envplan.services.bulletin.infrastructure_section import with_infrastructure_section
from envplan.services.bulletin.inputs import (
    AirInputs,
    BulletinOptions,
    SoilFacts,
    SupervisionFacts,
    WaterFacts,
    WaterGap,
)
from envplan.services.bulletin.ledger_data import LedgerBook, ledger_book
from envplan.services.bulletin.model import Bulletin
from envplan.services.month import Month
from envplan.services.supervision import list_occurrences


@dataclass(frozen=True)
class BulletinRequest:
    """What a caller asks for. Files are optional overrides of the home's data.

    principal: the reader (access scope of the ledger rows); ``None`` = the whole ledger (the
    bureau's own CLI run). demo_data: ``None`` = use the bundled 示例 water/soil files only when
    the records are the seeded 示例 data; ``True``/``False`` force it.
    """

    month: Month
    air_files: tuple[Path, ...] = ()
    water_file: Path | None = None
    soil_farmland: Path | None = None
    soil_construction: Path | None = None
    provincial_targets: Path | None = None
    rank_table: Path | None = None
    rank_set: str = "168"
    demo_data: bool | None = None
    with_ledger: bool = True
    options: BulletinOptions = field(default_factory=BulletinOptions)
    principal: Principal | None = None

    @property
    def scope(self) -> str:
        """The access scope as a cache key part: who may read which ledger rows."""
        p = self.principal
        if p is None:
            return "all"
        return f"{p.role}:{p.unit_id or ''}:{p.county or ''}"


@dataclass(frozen=True)
class MonthlyBulletin:
    """The gathered, assembled bulletin and the ledger rows for its Excel attachment."""

    bulletin: Bulletin
    ledger: LedgerBook | None = None


def _demo(request: BulletinRequest, supervision: SupervisionFacts | None) -> bool:
    if request.demo_data is not None:
        return request.demo_data
    return bool(supervision and supervision.demo)


def _water(
    request: BulletinRequest, plan: Any, home: Path | None, demo: bool
) -> WaterFacts | WaterGap | None:
    month = request.month
    if request.water_file is not None:
        return sources.water_facts_from_file(
            request.water_file, month, plan=plan, provincial_targets=request.provincial_targets
        )
    found: WaterFacts | WaterGap | None = None
    for path in reversed(sources.uploaded_water_files(home)):
        facts = sources.water_facts_from_file(
            path, month, plan=plan, provincial_targets=request.provincial_targets
        )
        if isinstance(facts, WaterFacts):
            return facts
        found = found or facts
    if demo:
        return sources.water_facts_from_file(
            sources.demo_water_file(),
            month,
            plan=plan,
            provincial_targets=request.provincial_targets,
        )
    return found


def _soil(request: BulletinRequest, demo: bool) -> SoilFacts | None:
    farmland, construction = request.soil_farmland, request.soil_construction
    if demo:
        demo_farmland, demo_construction = sources.demo_soil_files()
        farmland = farmland or demo_farmland
        construction = construction or demo_construction
    return sources.soil_facts_from_files(farmland, construction)


def _air(request: BulletinRequest, home: Path | None) -> AirInputs | None:
    if request.air_files:
        return sources.air_inputs_from_files(list(request.air_files))
    return sources.default_air_inputs(home)


def _ranking(request: BulletinRequest) -> Any:
    """The month's statistics table ranked within ``rank_set`` (``services.air_ranking``)."""

    assert request.rank_table is not None
    table = read_city_statistics(request.rank_table)
    return rank_table(table, resolve_city_set(request.rank_set), period=request.month)


def monthly_bulletin(
    request: BulletinRequest,
    *,
    plan: Any,
    home: Path | None = None,
    session: Any = None,
    air: AirInputs | None = None,
) -> MonthlyBulletin:
    """Gather the month's sources once and assemble the bulletin (see the module docstring).

    session: an open records session (``None`` → the supervision sections print data gaps).
    air: ready air inputs (tests, and callers that keep the store's daily frame).
    Raises ``InputFileError`` for an unreadable data file (zh-CN, file/row/field).
    """
    # Every occurrence's state at the month end, read once (one set-based query) for the
    # dispatch figures, the next month's items and the ledger sheets.
    states = _month_end_states(session, request.month)
    supervision = sources.supervision_facts(
        request.month, plan=plan, session=session, states=states
    )
    demo = _demo(request, supervision)
    options = request.options
    if demo and not options.demo_data:
        options = replace(options, demo_data=True)
    if not options.attachments and supervision is not None and request.with_ledger:
        # The ledger is part of the bulletin whichever file is downloaded: the same text always.
        options = replace(options, attachments=attachments_for(request.month))
    air = air if air is not None else _air(request, home)
    if air is not None and request.rank_table is not None:
        air = replace(air, ranking=_ranking(request))
    bulletin = assemble_monthly_bulletin(
        request.month,
        plan=plan,
        supervision=supervision,
        air=air,
        water=_water(request, plan, home, demo),
        soil=_soil(request, demo),
        options=options,
    )
    # The water plan's infrastructure indicators and warnings (services.water_graph), when the
    # records hold them.
    bulletin = with_infrastructure_section(bulletin, session)
    ledger = (
        ledger_book(
            session,
            as_of=request.month.last,
            principal=request.principal,
            # A reader's scope is applied by the query on the records themselves.
            states=states if request.principal is None else None,
        )
        if request.with_ledger and supervision is not None
        else None
    )
    return MonthlyBulletin(bulletin, ledger)


def _month_end_states(session: Any, month: Month) -> list[Any] | None:
    """``supervision.list_occurrences`` as of the month's last day (``None`` without records)."""
    if session is None:
        return None
    return list_occurrences(session, as_of=month.last)


def open_records(database_url: str | None) -> Any:
    """A context manager yielding a read session on ``database_url``, or ``None`` when there is no
    records database yet (no URL, a missing SQLite file, or ``envplan db init`` not run)."""
    return sources.records_session(database_url)


def attachments_for(month: Month) -> tuple[str, ...]:
    """The attachment line of the document: the month's Excel ledger."""
    return (f"{month.label}重点任务调度台账",)


__all__ = [
    "BulletinRequest",
    "MonthlyBulletin",
    "attachments_for",
    "monthly_bulletin",
    "open_records",
]
