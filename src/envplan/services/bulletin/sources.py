"""Inputs of the monthly bulletin gathered from the other services (adapters, no arithmetic).

Each function asks one service for its result and re-shapes it into the bulletin's input types
(``inputs.SupervisionFacts``, ``AirInputs`` …). Nothing here computes an indicator; a
missing source returns ``None`` and the bulletin prints a data gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from envplan.monitoring.air_bundled import TEMPLATE_DIR, bundled_air_files
from envplan.monitoring.air_readers import read_air
from envplan.monitoring.errors import InputFileError
from envplan.monitoring.soil_readers import read_construction_samples, read_farmland_samples
from envplan.monitoring.water_cnemc import read_cnemc_water_auto
from envplan.monitoring.water_targets import read_provincial_targets
from envplan.monitoring.water_template import read_water_template
from envplan.services import soil, supervision
from envplan.services.air import city_daily_frame, store_daily_frame
from envplan.services.bulletin.inputs import (
    AirInputs,
    NoticeRow,
    OverdueItem,
    ProgressRow,
    SoilFacts,
    SupervisionFacts,
    UpcomingItem,
    WaterFacts,
    WaterGap,
)
from envplan.services.month import Month
from envplan.services.water import assess_plan_sections
from envplan.store import make_engine, make_session_factory
from envplan.store.models import Occurrence, ProgressReport

#: Jincheng as the air readers name it (city rows of the aqistudy files; MEE city tables say 晋城).
JINCHENG_SITE_NAMES = ("晋城市", "晋城")

_VERSION_LABELS = {
    "third-party": "第三方处理日均值，非官方发布值",
    "realtime": "官方实时发布数据，未经审核",
    "audited": "官方审核数据",
}


def _version_labels(frame: pl.DataFrame) -> str:
    versions = (
        frame["data_version"].drop_nulls().unique().to_list()
        if "data_version" in frame.columns
        else []
    )
    return "、".join(_VERSION_LABELS.get(v, v) for v in sorted(v for v in versions if v))


def describe_air_files(measurements: pl.DataFrame, files: Sequence[Path]) -> str:
    labels = _version_labels(measurements)
    names = "、".join(path.name for path in files)
    return f"{names}（{labels}）" if labels else names


def air_inputs_from_daily(daily: pl.DataFrame, description: str) -> AirInputs | None:
    """Bulletin air inputs from a daily frame of ``services.air_daily_frame.city_daily_frame``."""
    if daily.is_empty():
        return None
    present = set(daily["site"].unique().to_list())
    city = next((name for name in JINCHENG_SITE_NAMES if name in present), JINCHENG_SITE_NAMES[0])
    return AirInputs(daily=daily, city=city, description=description)


def air_inputs_from_measurements(measurements: pl.DataFrame, description: str) -> AirInputs | None:
    """Bulletin air inputs from canonical measurements through ``services.air_daily_frame.city_daily_frame``
    (the function the pages, the API and ``envplan air assess`` use). ``None`` without rows."""
    if measurements.is_empty():
        return None
    return air_inputs_from_daily(city_daily_frame(measurements), description)


def store_air_inputs(daily: pl.DataFrame) -> AirInputs | None:
    """Air inputs from the store's daily frame (``air_figures.store_daily_frame``); the web keeps
    that frame in memory and the CLI reads it from the store: the same frame, the same text."""
    return air_inputs_from_daily(
        daily, f"数据目录中已导入的空气质量数据（{_version_labels(daily)}）"
    )


def air_inputs_from_store(timeseries_dir: Path) -> AirInputs | None:
    """Air data imported into the monitoring store (``envplan air import``), if any."""
    return store_air_inputs(store_daily_frame(timeseries_dir))


def default_air_inputs(home: Path | None) -> AirInputs | None:
    """The air data on hand: imported under ``home/timeseries``, else the bundled daily means."""
    stored = air_inputs_from_store(home / "timeseries") if home is not None else None
    return stored or air_inputs_from_files(bundled_daily_air_files())


def bundled_daily_air_files() -> list[Path]:
    """The bundled whole-year daily files (aqistudy, 11 Shanxi cities incl. Jincheng)."""

    return [p for p in bundled_air_files() if p.name.startswith("aqistudy-daily-shanxi")]


def air_inputs_from_files(files: Sequence[Path]) -> AirInputs | None:
    """Read daily-mean air files (e.g. the aqistudy city files) into the bulletin's air inputs.

    Returns ``None`` when no file is given. The city is the first of ``JINCHENG_SITE_NAMES`` found.
    """

    if not files:
        return None
    frames = [read_air(path).measurements for path in files]
    measurements = pl.concat(frames, how="diagonal_relaxed")
    return air_inputs_from_measurements(measurements, describe_air_files(measurements, files))


# --------------------------------------------------------------------------- supervision


PLAN_ORDER = {"air": 0, "water": 1, "soil": 2}  # the order of the plans in the document


def _progress_rows(rates: list[dict[str, Any]]) -> tuple[ProgressRow, ...]:
    rates = sorted(rates, key=lambda rate: PLAN_ORDER.get(str(rate["key"]), 9))
    return tuple(
        ProgressRow(
            key=str(rate["key"]),
            name=str(rate["label"]),
            due=int(rate["due"]),
            done_on_time=int(rate["done_on_time"]),
            done_late=int(rate["done_late"]),
            overdue=int(rate["overdue"]),
            rate=rate["rate"],
            due_in_month=int(rate.get("due_in_month", 0)),
            done_on_time_in_month=int(rate.get("done_on_time_in_month", 0)),
            rate_in_month=rate.get("rate_in_month"),
        )
        for rate in rates
    )


PLAN_PREFIX = {"air": "大气", "water": "水", "soil": "土壤"}
ITEM_KINDS = {"measure": "第{}条", "key_task": "重点任务{}", "project": "重点工程{}"}


def _task_refs(plan: Any) -> dict[str, tuple[str, str]]:
    """Registry id → ("大气第3条", "大气第3条：first words of the text…")."""
    if plan is None:
        return {}
    refs = {}
    for item in plan.supervised_items():
        ref = PLAN_PREFIX.get(item.plan, "") + ITEM_KINDS.get(item.kind, "{}").format(item.number)
        text = item.text.split("\n")[0]
        short = text if len(text) <= 40 else text[:40] + "…"
        refs[item.id] = (ref, f"{ref}：{short}")
    return refs


def _label_text(label: str | None) -> str:
    if not label:
        return ""
    return f"（{label if len(label) <= 30 else label[:30] + '…'}）"


def supervision_facts_from_session(
    session: Any,
    month: Month | str,
    *,
    plan: Any = None,
    states: Sequence[Any] | None = None,
) -> SupervisionFacts | None:
    """The month's dispatch facts from the records: the frozen snapshot when there is one,
    otherwise the dispatch recomputed from the records now (and labelled so).

    states: every occurrence's state as of the month end
    (``supervision.list_occurrences(session, as_of=<month end>)``), when the caller gathered it
    already; the recomputed dispatch and the next month's due items are taken from it.
    ``None`` when the records hold no occurrence at all (no plan loaded).
    """

    if not session.scalar(select(func.count()).select_from(Occurrence)):
        return None
    month = str(Month.parse(month))
    snapshot = supervision.get_snapshot(session, month)
    month_label = Month.parse(month).label.removesuffix("月")
    if snapshot is not None:
        content = supervision.snapshot_content(snapshot)
        frozen = snapshot.created_at
        source = (
            f"{month_label}月调度快照（{frozen.year}年{frozen.month}月{frozen.day}日冻结，"
            f"校验码{snapshot.content_sha256[:12]}）"
        )
    else:
        content = supervision.compute_dispatch(session, month, states=states)
        source = f"{month_label}月调度数据（尚未冻结快照，按当前记录计算）"
    as_of = dt.date.fromisoformat(content["as_of"])
    refs = _task_refs(plan)
    overdue = tuple(
        OverdueItem(
            unit=row["unit_name"],
            county=row.get("county"),
            plan=row["plan_key"],
            task=refs.get(row["task_key"], ("", row["task_key"]))[1]
            + _label_text(row.get("label")),
            ref=refs.get(row["task_key"], (row["task_key"], ""))[0],
            due_date=dt.date.fromisoformat(row["due_date"]),
            days_overdue=row.get("working_days_overdue"),
        )
        for row in content["occurrences"]
        if row["status"] == "overdue"
    )
    notices_by_unit: dict[str, list[Any]] = {}
    for notice in supervision.list_notices(session, as_of=as_of):
        notices_by_unit.setdefault(notice.unit_name, []).append(notice)
    level_short = {"blue": "蓝", "orange": "橙", "red": "红"}
    notices = tuple(
        NoticeRow(
            unit=unit,
            issued=len(items),
            answered=sum(1 for n in items if n.state == "replied"),
            unanswered=sum(1 for n in items if n.state != "replied"),
            levels=" ".join(
                f"{level_short[level]}{sum(1 for n in items if n.level == level)}"
                for level in ("blue", "orange", "red")
                if any(n.level == level for n in items)
            ),
        )
        for unit, items in sorted(notices_by_unit.items())
    )
    following = Month.parse(as_of + dt.timedelta(days=1))
    if states is not None and all(state.as_of == as_of for state in states[:1]):
        # The same rows list_occurrences(month=...) selects: due in the next month, in order.
        upcoming_states = [s for s in states if following.first <= s.due_date <= following.last]
    else:
        upcoming_states = supervision.list_occurrences(session, as_of=as_of, month=str(following))
    upcoming = tuple(
        UpcomingItem(
            plan=state.plan_key,
            task=refs.get(state.task_key, ("", state.task_key))[1] + _label_text(state.label),
            units=state.unit_name,
            due_date=state.due_date,
        )
        for state in upcoming_states
    )
    demo = bool(
        session.scalar(
            select(func.count()).select_from(ProgressReport).where(ProgressReport.is_demo.is_(True))
        )
    )
    return SupervisionFacts(
        month=month,
        as_of=as_of,
        source=source + ("，示例数据" if demo else ""),
        by_plan=_progress_rows(content["rates"]["plan"]),
        by_unit=_progress_rows(content["rates"]["unit"]),
        by_county=_progress_rows(content["rates"]["county"]),
        overdue=overdue,
        notices=notices,
        upcoming=upcoming,
        demo=demo,
    )


def uploaded_water_files(home: Path | None) -> list[Path]:
    """Monthly water files imported through the platform under ``home/water`` (oldest first)."""
    folder = home / "water" if home is not None else None
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob("*.*"), key=lambda p: (p.stat().st_mtime, p.name))


@contextmanager
def records_session(database_url: str | None) -> Iterator[Any]:
    """A session on the records database, or ``None`` when there is none yet (no URL, a missing
    SQLite file, or a database without the schema: ``envplan db init`` not run)."""

    if not database_url or (
        database_url.startswith("sqlite:///")
        and not Path(database_url.removeprefix("sqlite:///")).is_file()
    ):
        yield None
        return
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            usable: Any = session
            try:
                session.execute(select(func.count()).select_from(Occurrence))
            except SQLAlchemyError:
                session.rollback()
                usable = None
            yield usable
    finally:
        engine.dispose()


def supervision_facts(
    month: Month | str,
    *,
    plan: Any = None,
    session: Any = None,
    database_url: str | None = None,
    states: Sequence[Any] | None = None,
) -> SupervisionFacts | None:
    """Dispatch facts from a session (``states``: see :func:`supervision_facts_from_session`),
    or from a database URL (opened and closed here)."""
    if session is not None:
        return supervision_facts_from_session(session, month, plan=plan, states=states)
    if not database_url:
        return None

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as own_session:
            return supervision_facts_from_session(own_session, month, plan=plan)
    except SQLAlchemyError:
        return None  # no records database yet (envplan db init not run): the bulletin says so
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- water


def water_facts_from_file(
    path: Path,
    month: Month | str,
    *,
    plan: Any,
    provincial_targets: Path | None = None,
) -> WaterFacts | WaterGap:
    """Assess the plan sections for ``month`` from a water file (the monthly template, or a CNEMC
    automatic-station snapshot) with ``services.water.assess_plan_sections``.

    A file whose data do not fall in the month gives a :class:`WaterGap` naming what it covers.
    """

    try:
        result = read_water_template(path)
        template = True
    except InputFileError:
        result = read_cnemc_water_auto(path)
        template = False
    frame = result.frame
    month = str(Month.parse(month))
    targets = read_provincial_targets(provincial_targets) if provincial_targets else None
    if "period" in frame.columns:
        months = sorted(str(p)[:7] for p in frame["period"].drop_nulls().unique().to_list())
        if month not in months:
            return WaterGap(path.name, "、".join(months) or "无")
        assessment = assess_plan_sections(plan, frame, month, targets, round_values=template)
    else:
        # Automatic-station snapshots label times "MM-DD HH:MM" without a year: they cannot be
        # placed in the bulletin's month, so they are reported as what they are.
        days = sorted({str(t)[:5] for t in frame["time"].drop_nulls().to_list()})
        return WaterGap(
            f"{path.name}（自动监测站实时数据，时间未标注年份）",
            "、".join(days) or "无",
        )
    return WaterFacts(assessment.sections, assessment.shares, path.name)


# --------------------------------------------------------------------------- soil


def soil_facts_from_files(
    farmland: Path | None = None,
    construction: Path | None = None,
    *,
    land_class: int = 1,
) -> SoilFacts | None:
    """Class soil sample files with ``services.soil`` (farmland: GB 15618-2018; construction
    land: GB 36600-2018 for ``land_class`` 1 or 2). ``None`` when no file is given."""

    if farmland is None and construction is None:
        return None
    farmland_result = (
        soil.classify_farmland(read_farmland_samples(farmland)) if farmland is not None else None
    )
    construction_result = (
        soil.classify_construction(read_construction_samples(construction), land_class)
        if construction is not None
        else None
    )
    names = "、".join(p.name for p in (farmland, construction) if p is not None)
    return SoilFacts(farmland_result, construction_result, names)


def demo_water_file() -> Path:
    """The bundled 示例 monthly water file for Jincheng 2021 (not measured data)."""

    return TEMPLATE_DIR / "water_monthly_示例_jincheng-2021.csv"


def demo_soil_files() -> tuple[Path, Path]:
    """The bundled 示例 farmland and construction-land sample files (not measured data)."""

    return TEMPLATE_DIR / "soil_farmland_示例.csv", TEMPLATE_DIR / "soil_construction_示例.csv"
