"""Loading the dashboard's monitoring views: the bundled real files imported into the store on
every start (answered from the import records when already there), the air views read back from
the derived tables (``services.air.derived_result``) or computed once, and the uploads that change
the store (air and water files), each followed by the targeted refresh of its views.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from envplan.monitoring import timeseries
from envplan.monitoring.air_bundled import bundled_air_file
from envplan.monitoring.air_readers import AirReadResult
from envplan.monitoring.water_template import read_water_template
from envplan.services.air import (
    AirImportRequest,
    derived_result,
    import_air_data,
    latest_months,
    store_daily_frame,
)
from envplan.services.dashboard.monitoring import CITY, Step, official_hourly_view
from envplan.services.dashboard.water_soil import soil_view, water_view
from envplan.store import audit

if TYPE_CHECKING:
    from envplan.services.dashboard.platform import Platform

#: Folder of the bundled air data.
BUNDLED_AIR_DIR = bundled_air_file("PROVENANCE.md").parent

#: Bundled files imported on first start: (file, reader format).
BUNDLED_AIR_FILES: tuple[tuple[str, str], ...] = (
    ("mee-city-hourly-2019-02-04_2019-02-12.csv.gz", "mee-city"),
    ("cnemc-live-jincheng-stations-2022-06-15.csv", "cnemc-live"),
    ("aqistudy-daily-shanxi-11-cities-2013_2017.csv", "aqistudy-daily"),
    # Real current data (官方实时发布数据): Shanxi's 63 national stations, 2026-03-02 – 07-24.
    ("cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz", "cnemc-live"),
)


def import_bundled(root: Path) -> list[timeseries.ImportSummary]:
    """Import the bundled real files into the store (idempotent: keyed by file content)."""
    return [
        timeseries.import_air_file(BUNDLED_AIR_DIR / name, root, fmt)
        for name, fmt in BUNDLED_AIR_FILES
    ]


def compute_monitoring_views(root: Path, plan: Any, demo: bool, step: Step) -> dict[str, Any]:
    """Import the bundled files (first start) and compute every monitoring view from the store
    (``root`` = ``<home>/timeseries``; imported water files live in ``<home>/water``).

    Independent of the records database, so ``open_platform`` runs it beside the database work.
    """
    began = time.monotonic()
    summaries = import_bundled(root)
    new = sum(1 for s in summaries if not s.already_imported)
    step(f"随附真实监测数据：{len(summaries)} 个文件（新导入 {new} 个）", began)
    views = compute_air_views(root, step)
    began = time.monotonic()
    views["water"] = water_view(plan, demo, root.parent)
    views["soil"] = soil_view(demo)
    step("地表水断面评价、土壤样品分类完成", began)
    return views


def refresh_air_views(platform: Platform) -> None:
    """Recompute the air views after an import changed the store."""
    platform.views.update(compute_air_views(platform.timeseries_dir, lambda _m, _b: None))
    platform.invalidate("air")


def compute_air_views(root: Path, step: Step) -> dict[str, Any]:
    """Air views from the store: the daily frame of every data version (the one the bulletin,
    the public pages, the API and the CLI use: ``air_figures.store_daily_frame``), its whole
    years, the official hourly view.

    Read back from the derived tables while the store and the code are unchanged
    (``services.air.materialised``): a start of the platform recomputes nothing.
    """
    began = time.monotonic()
    daily = store_daily_frame(root)
    views: dict[str, Any] = {"air_daily": daily}
    _, summary = derived_result(
        root, "air-views", lambda: (None, _daily_summary(daily)), extra_code=_CODE
    )
    views.update(summary)
    step(f"日均数据：{len(views['air_cities'])} 个站点/城市，完整年份 {views['air_years']}", began)
    began = time.monotonic()
    _, hourly = derived_result(
        root, "air-official-hourly", lambda: (None, official_hourly_view(root)), extra_code=_CODE
    )
    views["air_hourly"] = hourly
    step("官方逐时数据 AQI 计算完成", began)
    return views


#: This module computes the views kept by ``derived_result``: its source is part of their key.
_CODE = ("services/dashboard/monitoring.py", "services/dashboard/loading.py")


def _daily_summary(daily: pl.DataFrame) -> dict[str, Any]:
    """The year list, site list and latest months of the plan's city (JSON-able)."""
    # Whole years of the plan's city (Jincheng's rows start on 2014-12-31 in the 11-city file).
    years = (
        sorted(
            daily.filter(pl.col("site") == CITY)
            .group_by(pl.col("date").dt.year().alias("year"))
            .agg(pl.col("date").n_unique().alias("days"))
            .filter(pl.col("days") >= 360)["year"]
            .to_list()
        )
        if daily.height
        else []
    )
    return {
        "air_years": years,
        "air_cities": sorted(daily["site"].unique().to_list()) if daily.height else [],
        "air_latest": latest_months(daily, CITY),
    }


def import_water_upload(
    platform: Platform, user: Any, filename: str, data: bytes
) -> dict[str, Any]:
    """Import an uploaded monthly water file (the water engine's template, CSV or XLSX): the
    reader checks everything first (``InputFileError`` lists every problem, nothing is kept),
    the file is stored by content under ``<home>/water``, the import is audited, and the water
    view is recomputed."""

    suffix = Path(filename).suffix.lower()
    digest = hashlib.sha256(data).hexdigest()
    staging = platform.home / "uploads" / digest[:16]
    staging.mkdir(parents=True, exist_ok=True)
    candidate = staging / Path(filename).name
    candidate.write_bytes(data)
    result = read_water_template(candidate)  # raises InputFileError: nothing stored
    folder = platform.home / "water"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest[:20]}{suffix}"
    already = target.exists()
    if not already:
        target.write_bytes(data)
    with platform.write() as session:
        audit.append(
            session,
            actor=user.username,
            action="monitoring.import",
            entity="water_import",
            entity_id=digest[:20],
            after={
                "file": filename,
                "sha256": digest,
                "rows": result.frame.height,
                "already_imported": already,
            },
        )
    platform.views["water"] = water_view(platform.plan, platform.demo, platform.home)
    platform.invalidate("water")
    return {
        "import_id": digest[:20],
        "file": filename,
        "format": "water-template",
        "measurement_rows": result.frame.height,
        "published_rows": 0,
        "already_imported": already,
    }


#: The air upload formats offered on the import page: (format key, zh-CN label); "" = detect.
AIR_UPLOAD_FORMATS: tuple[tuple[str, str], ...] = (
    ("", "自动识别"),
    ("mee-city", "生态环境部城市实时数据表"),
    ("cnemc-live", "中国环境监测总站站点实时表"),
    ("cnemc-sites", "china_sites_YYYYMMDD.csv 站点表"),
    ("cnemc-cities", "china_cities_YYYYMMDD.csv 城市表"),
    ("aqistudy-daily", "真气网城市日均值表（第三方处理数据）"),
    ("template", "envplan 空气监测数据导入模板（CSV/Excel）"),
)


def import_air_upload(
    platform: Platform, user: Any, filename: str, data: bytes, fmt: str | None
) -> dict[str, Any]:
    """Import an uploaded air file (``services.air.import_air_data``, the use case of
    ``envplan air import`` too): the reader checks everything first (``InputFileError`` lists
    every problem and nothing is written), the store commits the import atomically, the audit log
    records who imported what, then the air views are recomputed."""

    incoming = platform.home / "uploads"
    incoming.mkdir(parents=True, exist_ok=True)
    suffix = ".csv.gz" if filename.lower().endswith(".csv.gz") else Path(filename).suffix.lower()
    digest = hashlib.sha256(data).hexdigest()
    # Named after the original so that row messages name the file the user sent.
    target_dir = incoming / digest[:16]
    target_dir.mkdir(exist_ok=True)
    target = target_dir / (
        Path(filename).name if Path(filename).name.lower().endswith(suffix) else f"upload{suffix}"
    )
    target.write_bytes(data)
    request = AirImportRequest(target, fmt or None, name=filename, sha256=digest)
    with platform.write() as session:
        # The store import commits on its own (all or nothing); the audit entry with it.
        result = import_air_data(
            request,
            timeseries_dir=platform.timeseries_dir,
            session=session,
            principal=user.principal,
        )
    refresh_air_views(platform)
    return {
        "import_id": result.import_id,
        "file": filename,
        "format": result.format,
        "measurement_rows": result.measurement_rows,
        "published_rows": result.published_rows,
        "already_imported": result.already_imported,
    }


__all__ = ["AirReadResult", "compute_monitoring_views", "import_air_upload"]
