"""Reader of the provincial targets file of `envplan water assess` (完成省定目标 sections).

CSV or YAML, see docs/water-soil.md; bad input raises
:class:`~envplan.monitoring.errors.InputFileError` listing every problem: all or nothing.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from envplan.monitoring.air_io import ROW, file_error
from envplan.monitoring.errors import problem_frame, raise_if_problems
from envplan.monitoring.water_checks import load_table
from envplan.standards.water.targets import parse_class_label


def read_provincial_targets(path: str | Path) -> pl.DataFrame:
    """Read the provincial targets of "完成省定目标" sections (CSV or YAML), see docs/water-soil.md.

    CSV columns: 断面名称, 年份, 目标水质 (e.g. "Ⅲ类", "III", "劣Ⅴ"). YAML: a mapping
    ``{year: {section name: class}}``. Returns section, year (Int32), target_class (code 1..6).
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _provincial_yaml(path)
    else:
        table = load_table(path)
        needed = {"断面名称", "年份", "目标水质"}
        absent = needed - set(table.frame.columns)
        if absent:
            raise file_error(path, f"缺少列 {'、'.join(sorted(absent))}", row=1)
        rows = [
            (r[ROW], r["断面名称"], r["年份"], r["目标水质"])
            for r in table.frame.iter_rows(named=True)
        ]
    problems: list[pl.DataFrame] = []
    records: list[tuple[str, int, int]] = []
    # One small configuration file: row-wise parsing keeps the messages exact.
    for row, section, year, target in rows:
        code = parse_class_label(str(target or ""))
        year_text = str(year or "").strip()
        if not section or not str(section).strip():
            problems.append(problem_frame(path.name, "断面名称为空", row=row, column="断面名称"))
        elif not year_text.isdigit():
            problems.append(
                problem_frame(path.name, f"年份「{year_text}」不是整数", row=row, column="年份")
            )
        elif code is None:
            problems.append(
                problem_frame(
                    path.name,
                    f"目标水质「{target}」无法识别，应为 Ⅰ类…Ⅴ类 或 劣Ⅴ类",
                    row=row,
                    column="目标水质",
                )
            )
        else:
            records.append((str(section).strip(), int(year_text), code))
    raise_if_problems(problems)
    return pl.DataFrame(
        records,
        schema={"section": pl.String, "year": pl.Int32, "target_class": pl.Int8},
        orient="row",
    )


def _provincial_yaml(path: Path) -> list[tuple[int | None, object, object, object]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise file_error(path, f"YAML 文件无法解析：{exc}") from exc
    if not isinstance(data, dict):
        raise file_error(path, "YAML 顶层应为 {年份: {断面名称: 目标水质}} 的映射")
    rows: list[tuple[int | None, object, object, object]] = []
    for year, sections in data.items():
        if not isinstance(sections, dict):
            raise file_error(path, f"年份 {year} 下应为 {{断面名称: 目标水质}} 的映射")
        for section, target in sections.items():
            rows.append((None, section, year, target))
    return rows


__all__ = ["read_provincial_targets"]
