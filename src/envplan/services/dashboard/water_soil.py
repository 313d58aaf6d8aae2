"""Water and soil view models of the dashboard: the plan's sections against the real CNEMC
snapshot (and uploaded monthly files), and the 示例 soil samples (demo mode only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from envplan.monitoring.air_bundled import bundled_air_file
from envplan.monitoring.soil_readers import read_farmland_samples
from envplan.monitoring.water_cnemc import read_cnemc_water_auto
from envplan.monitoring.water_template import read_water_template
from envplan.services import soil, water

OFFICIAL = "官方发布数据"
BUNDLED_AIR_DIR = bundled_air_file("PROVENANCE.md").parent

# ---------------------------------------------------------------------- water

#: Folder of all bundled data (air, water, templates).
BUNDLED_DIR = BUNDLED_AIR_DIR.parent
#: The bundled surface-water automatic-station snapshot (2026-02-04).
WATER_SNAPSHOT = BUNDLED_DIR / "water" / "cnemc-water-auto-2026-02-04-north.csv"
#: The bundled demo monthly water file (示例).
WATER_DEMO_MONTHLY = BUNDLED_DIR / "templates" / "water_monthly_示例_jincheng-2021.csv"
#: Source note of the bundled surface-water automatic-station snapshot.
SOURCE_WATER = (
    "中国环境监测总站国家地表水水质自动监测实时数据（约 2026-02-04 10:00–11:00 快照，"
    "GitHub davidTeng2025/water_info_crawler 抓取）"
)
#: Tag of demo (示例) data.
DEMO = "示例"


def _section_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "number": r["number"],
            "county": r["county"],
            "section": r["section"],
            "assessment_level": r["assessment_level"],
            "water_body_type": r["water_body_type"],
            "target_raw": r["target_raw"],
            "target_class": r["target_class"] or None,
            "water_class": r["water_class"] or None,
            "status": r["status"] or None,
            "compliance": r["compliance"],
            "exceeding": r["exceeding"] or None,
            "main_pollutants": r["main_pollutants"] or None,
            "n_samples": r["n_samples"],
        }
        for r in frame.iter_rows(named=True)
    ]


def uploaded_water_files(home: Path) -> list[Path]:
    """Monthly water files imported through the platform, stored by content (oldest first)."""
    folder = home / "water"
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.*"), key=lambda p: (p.stat().st_mtime, p.name))


def water_view(plan: Any, demo: bool, home: Path | None = None) -> dict[str, Any] | None:
    """The plan's 22 sections against their targets from the real CNEMC snapshot, the snapshot's
    Shanxi sections with the engine's class beside the published one, and (demo mode) the 示例
    monthly file of the water engine's template, labelled as such."""

    if not WATER_SNAPSHOT.is_file():
        return None
    snapshot = read_cnemc_water_auto(WATER_SNAPSHOT)
    assessed = water.assess_plan_sections(plan, snapshot.frame)
    shanxi = snapshot.frame.filter(pl.col("province").str.starts_with("山西"))
    classified = water.classify_measurements(shanxi, indicator_set="auto-basic", round_values=True)
    view: dict[str, Any] = {
        "label": OFFICIAL,
        "source": SOURCE_WATER,
        "sections": _section_rows(assessed.sections),
        "shares": assessed.shares,
        "province_sections": [
            {
                "basin": r["basin"],
                "section": r["section"],
                "time": r["time"],
                "water_class": r["water_class"] or None,
                "official_class": r["official_class"],
                "status": r["status"],
                "main_pollutants": r["main_pollutants"] or None,
            }
            for r in classified.iter_rows(named=True)
        ],
    }
    total = assessed.shares["全部断面"]
    view["summary"] = {
        "meeting_target": total["met"],
        "missing_target": total["judged"] - total["met"],
        "no_data": total["no_data"],
        "not_configured": total["not_configured"],
    }
    uploads = uploaded_water_files(home) if home is not None else []
    if uploads:
        frames = [read_water_template(path).frame for path in uploads]
        merged = pl.concat(frames, how="diagonal_relaxed")
        latest_year = str(merged.get_column("period").str.slice(0, 4).max())
        uploaded = water.assess_plan_sections(plan, merged, period=latest_year)
        view["uploaded"] = {
            "label": "用户上传数据",
            "source": f"经本平台导入的月度断面监测数据（{len(uploads)} 个文件，{latest_year} 年均值）",
            "sections": _section_rows(uploaded.sections),
            "shares": uploaded.shares,
        }
    if demo and WATER_DEMO_MONTHLY.is_file():
        monthly = read_water_template(WATER_DEMO_MONTHLY)
        demo_assessed = water.assess_plan_sections(plan, monthly.frame)
        view["demo"] = {
            "label": DEMO,
            "source": "水环境引擎随附的月度监测模板示例文件（示例数据，非实测）",
            "sections": _section_rows(demo_assessed.sections),
            "shares": demo_assessed.shares,
        }
    return view


# ---------------------------------------------------------------------- soil

#: The bundled demo farmland sample file (示例).
SOIL_DEMO_FARMLAND = BUNDLED_DIR / "templates" / "soil_farmland_示例.csv"
_RISK_COLOURS = {"低风险": "#2e9e44", "可能存在风险": "#e0a800", "高风险": "#d64545"}


def soil_view(demo: bool) -> dict[str, Any] | None:
    """Farmland sample classes (GB 15618-2018) of the soil engine's 示例 file, demo mode only:
    no real soil survey data ships with envplan, and none is shown as if it were real."""
    if not demo or not SOIL_DEMO_FARMLAND.is_file():
        return None

    result = soil.classify_farmland(read_farmland_samples(SOIL_DEMO_FARMLAND))
    samples = result.samples
    counts = samples.group_by("risk").len()
    count_of = {r["risk"]: r["len"] for r in counts.iter_rows(named=True)}
    return {
        "label": DEMO,
        "source": "土壤引擎随附的农用地样品模板示例文件（示例数据，非实测）",
        "method": "样品按 GB 15618-2018 表 1–3 的风险筛选值与管制值分类；"
        + "；".join(result.notes),
        "shares": [(risk, count_of.get(risk, 0), colour) for risk, colour in _RISK_COLOURS.items()],
        "columns": [
            ("sample_id", "样点"),
            ("parcel_id", "地块"),
            ("ph", "pH"),
            ("risk", "风险分类"),
            ("soil_category", "类别（仅据土壤）"),
            ("exceeding", "超筛选值项目"),
            ("high_risk_items", "超管制值项目"),
        ],
        "rows": samples.select(
            "sample_id", "parcel_id", "ph", "risk", "soil_category", "exceeding", "high_risk_items"
        ).to_dicts(),
        "parcels": result.parcels.select("parcel_id", "area_mu", "category").to_dicts(),
        "safe_use_rate": result.safe_use_rate,
    }
