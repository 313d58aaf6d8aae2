"""Paths of the real air data and the import template shipped inside the package (for demos).

The data are unchanged copies of official public files; `bundled/air/PROVENANCE.md` records
where each comes from.
"""

from __future__ import annotations

from pathlib import Path

BUNDLED_AIR_DIR = Path(__file__).resolve().parent / "bundled" / "air"
TEMPLATE_DIR = Path(__file__).resolve().parent / "bundled" / "templates"


def bundled_air_files() -> list[Path]:
    """Every bundled air data file (CSV, CSV.GZ), sorted by name."""
    return sorted(p for p in BUNDLED_AIR_DIR.iterdir() if p.name.endswith((".csv", ".csv.gz")))


def bundled_air_file(name: str) -> Path:
    """One bundled air file by name; FileNotFoundError names the available files."""
    path = BUNDLED_AIR_DIR / name
    if not path.is_file():
        available = ", ".join(p.name for p in bundled_air_files())
        raise FileNotFoundError(f"内置空气数据中没有文件「{name}」，可用：{available}")
    return path


def air_template_path(suffix: str = "csv") -> Path:
    """The sample import template, `csv` or `xlsx`."""
    if suffix not in ("csv", "xlsx"):
        raise ValueError(f"模板格式只能是 csv 或 xlsx，而不是「{suffix}」")
    return TEMPLATE_DIR / f"air-monitoring-template.{suffix}"
