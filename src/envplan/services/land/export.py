"""The registry export use case: every plot, key unit (with its tracked duties) and recorded query,
gathered once into plain data for :mod:`envplan.reports.land_xlsx`. The CLI (``envplan land
export``) and the page download (``/land/export.xlsx``) call this same function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from envplan.services.land.gate import list_queries, query_json
from envplan.services.land.plots import list_plots
from envplan.services.land.units import list_key_units
from envplan.services.land.views import stage_dates


@dataclass(frozen=True)
class PlotRow:
    """One plot in the import layout's terms (``services.land.excel.PLOT_COLUMNS``).

    Parameters
    ----------
    parcel_id, name, county, stage, town, village : str
        地块编号, name, county, stage (a ``Stage`` value), 乡镇, 村.
    area_m2 : float or None
        Area [m²].
    polygon : dict or None
        Boundary as a GeoJSON geometry (WGS 84).
    former_use, former_enterprise_name : str
        Former use and former enterprise.
    former_enterprise_code : str or None
        统一社会信用代码 of the former enterprise.
    planned_use : str or None
        Planned use (None = 规划用途不明确).
    stage_on : datetime.date or None
        Day the plot entered its current stage.
    is_demo : bool
        Whether the plot is 示例 data.
    """

    parcel_id: str
    name: str
    county: str
    stage: str
    town: str = ""
    village: str = ""
    area_m2: float | None = None
    polygon: dict[str, Any] | None = None  # GeoJSON geometry (WGS 84)
    former_use: str = ""
    former_enterprise_code: str | None = None
    former_enterprise_name: str = ""
    planned_use: str | None = None  # None = 规划用途不明确
    stage_on: dt.date | None = None  # the date the plot entered its current stage
    is_demo: bool = False


@dataclass(frozen=True)
class LandExport:
    """The whole land registry as plain data for the Excel renderer (:func:`land_export`).

    Parameters
    ----------
    plots : tuple of PlotRow
        Every plot, by county then 地块编号.
    units : tuple of dict
        Every key supervised unit (``list_key_units`` JSON, with its duties).
    queries : tuple of dict
        Every recorded land-supply query (``query_json`` objects), in record order.
    """

    plots: tuple[PlotRow, ...]
    #: ``list_key_units`` JSON: unit facts, ``is_demo`` and ``duties`` (``duty_json`` objects)
    units: tuple[dict[str, Any], ...]
    queries: tuple[dict[str, Any], ...]  # ``query_json`` objects, in record order


def land_export(session: Session, *, as_of: dt.date) -> LandExport:
    """The whole registry (duties evaluated on ``as_of``).

    Parameters
    ----------
    session : Session
        Open database session.
    as_of : datetime.date
        Day the duties are judged on.

    Returns
    -------
    LandExport
    """
    plots = list_plots(session)
    dates = stage_dates(session, [p.id for p in plots])
    rows = tuple(
        PlotRow(
            parcel_id=p.parcel_id, name=p.name, county=p.county, stage=p.stage, town=p.town,
            village=p.village, area_m2=p.area_m2, polygon=p.polygon, former_use=p.former_use,
            former_enterprise_code=p.former_enterprise_code,
            former_enterprise_name=p.former_enterprise_name, planned_use=p.planned_use,
            stage_on=dates.get(p.id), is_demo=p.is_demo,
        )
        for p in plots
    )  # fmt: skip
    units = tuple(list_key_units(session, as_of=as_of))
    queries = tuple(query_json(row) for row in list_queries(session))
    return LandExport(rows, units, queries)
