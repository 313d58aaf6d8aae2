"""`envplan water` command group: class monitoring files, assess a plan's sections.

Stable contracts (used by acceptance checks):
* ``envplan water classify INPUT --format {cnemc-auto,template} [--lake-sections FILE] --output OUT``
  writes ``province,basin,section,time,water_class,status,main_pollutants``.
* ``envplan water assess --plan jincheng-2021 --input DATA [--period …] [--provincial-targets FILE]
  [--json]``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(
    help="地表水：断面水质类别与目标评价 / Surface water: section classes and target assessment.",
    no_args_is_help=True,
)


class InputFormat(StrEnum):
    cnemc_auto = "cnemc-auto"
    template = "template"


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code=2)


def _read(input_path: Path, input_format: InputFormat) -> Any:
    from envplan.monitoring.errors import InputFileError
    from envplan.monitoring.water_cnemc import read_cnemc_water_auto
    from envplan.monitoring.water_template import read_water_template

    try:
        if input_format is InputFormat.cnemc_auto:
            return read_cnemc_water_auto(input_path)
        return read_water_template(input_path)
    except InputFileError as exc:
        _fail(str(exc))


def _lake_names(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"文件「{path.name}」无法读取（应为 UTF-8 文本，每行一个断面名称）：{exc}")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@app.command()
def classify(
    input_path: Path = typer.Argument(..., metavar="INPUT", help="监测数据文件 / Monitoring file."),
    input_format: InputFormat = typer.Option(
        ...,
        "--format",
        help="cnemc-auto：国家地表水自动站表；template：手工月报模板 / Input layout.",
    ),
    lake_sections: Path | None = typer.Option(
        None,
        "--lake-sections",
        help="湖库断面名单（每行一个），按湖、库总磷限值评价 / Sections to treat as lakes/reservoirs.",
    ),
    output: Path = typer.Option(..., "--output", help="输出 CSV / Output CSV."),
    engine: str = typer.Option(
        "embedded",
        "--engine",
        help="计算引擎：embedded（默认）或 spark（Apache Spark，同一套计算核心） / Engine.",
    ),
    master: str | None = typer.Option(
        None, "--master", help="Spark master（默认 SPARK_MASTER 或 local[2]） / Spark master URL."
    ),
) -> None:
    """按 GB 3838-2002 评价每个断面的水质类别 / Class every section (GB 3838-2002)."""
    from envplan.services.water import CONTRACT_COLUMNS, classify_measurements

    if engine not in ("embedded", "spark"):
        _fail(f"错误：--engine 只能是 embedded 或 spark，收到“{engine}”")
    result = _read(input_path, input_format)
    automatic = input_format is InputFormat.cnemc_auto
    # Automatic-station classes reproduce on the published digits (no re-rounding), see docs.
    options: dict[str, Any] = {
        "indicator_set": "auto-basic" if automatic else "eval-2011-21",
        "round_values": not automatic,
        "lake_sections": _lake_names(lake_sections),
    }
    if engine == "spark":
        from envplan.services.spark import (
            SparkUnavailable,
            classify_measurements_spark,
            spark_engine,
        )

        try:
            with spark_engine(master) as spark:
                classed = classify_measurements_spark(spark, result.frame, **options)
        except SparkUnavailable as error:
            _fail(f"错误：{error}")
    else:
        classed = classify_measurements(result.frame, **options)
    table = classed.select(list(CONTRACT_COLUMNS))
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".part")
    table.write_csv(temporary)
    temporary.replace(output)  # all or nothing: no half-written output
    counts = classed.get_column("water_class").value_counts(sort=True)
    summary = "，".join(f"{c or '无数据'} {n} 个" for c, n in counts.iter_rows())
    typer.echo(f"已评价 {table.height} 个断面（{summary}），结果写入 {output}")


def _load_plan(plan_ref: str) -> Any:
    from envplan.plan import PlanValidationError, default_plan, load_plan

    try:
        plan = default_plan()
        if plan_ref == plan.id:
            return plan
        candidate = Path(plan_ref)
        if candidate.exists():
            return load_plan(candidate)
    except PlanValidationError as exc:
        _fail(f"计划数据校验失败：{exc}")
    _fail(f"未知的计划「{plan_ref}」：可用 {default_plan().id}，或给出计划目录")


@app.command()
def assess(
    plan_ref: str = typer.Option(
        "jincheng-2021", "--plan", help="计划 id 或计划目录 / Plan id or directory."
    ),
    input_path: Path = typer.Option(
        ..., "--input", help="断面监测数据（手工月报模板）/ Section data (template)."
    ),
    period: str | None = typer.Option(
        None,
        "--period",
        help="时段：2021、2021-05、2021-Q2、2021-H1；缺省为文件全部数据 / Period.",
    ),
    provincial_targets: Path | None = typer.Option(
        None,
        "--provincial-targets",
        help="“完成省定目标”断面的省定目标配置（CSV 或 YAML）/ Provincial targets file.",
    ),
    input_format: InputFormat = typer.Option(
        InputFormat.template, "--format", help="数据格式 / Input layout."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """按计划附件1逐断面评价目标达标情况 / Assess each plan section against its target."""
    from envplan.monitoring.errors import InputFileError
    from envplan.monitoring.water_targets import read_provincial_targets
    from envplan.services.water import assess_plan_sections

    plan = _load_plan(plan_ref)
    result = _read(input_path, input_format)
    targets = None
    if provincial_targets is not None:
        try:
            targets = read_provincial_targets(provincial_targets)
        except InputFileError as exc:
            _fail(str(exc))
    try:
        assessment = assess_plan_sections(
            plan,
            result.frame,
            period,
            targets,
            round_values=input_format is InputFormat.template,
        )
    except ValueError as exc:
        _fail(str(exc))
    if as_json:
        payload = assessment.to_dict()
        payload["plan"] = plan.id
        payload["input"] = result.source_file
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    _print_assessment(plan, assessment, result.source_file)


def _print_assessment(plan: Any, assessment: Any, source: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=220, markup=False)  # wide table: do not squeeze columns when piped
    period = assessment.period or "文件全部数据"
    table = Table(title=f"{plan.city} 地表水断面目标评价（{period}，数据：{source}）")
    for header in (
        "序号", "县（市、区）", "断面", "考核", "水体", "目标", "水质类别", "状况", "达标情况",
        "超目标指标(超标倍数)", "主要污染指标",
    ):  # fmt: skip
        table.add_column(header)
    body = {"river": "河流", "lake": "湖泊", "reservoir": "水库"}
    for row in assessment.sections.iter_rows(named=True):
        table.add_row(
            str(row["number"]),
            row["county"],
            row["section"],
            row["assessment_level"],
            body.get(row["water_body_type"], row["water_body_type"]),
            row["target_class"] or row["target_raw"],
            row["water_class"] or "—",
            row["status"] or "—",
            row["compliance"],
            row["exceeding"] or "—",
            row["main_pollutants"] or "—",
        )
    console.print(table)
    for name, share in assessment.shares.items():
        if not share["sections"]:
            continue
        good = "—" if share["share_i_iii"] is None else f"{share['share_i_iii']}%"
        worst = "—" if share["share_worse_than_v"] is None else f"{share['share_worse_than_v']}%"
        rate = "—" if share["compliance_rate"] is None else f"{share['compliance_rate']}%"
        console.print(
            f"{name}：{share['sections']} 个断面，有数据 {share['classed']} 个；"
            f"Ⅰ～Ⅲ类比例 {good}，劣Ⅴ类比例 {worst}；"
            f"达标 {share['met']}/{share['judged']}（{rate}）"
            + (f"；省定目标未配置 {share['not_configured']} 个" if share["not_configured"] else "")
            + (f"；无监测数据 {share['no_data']} 个" if share["no_data"] else "")
        )
    if assessment.unmatched:
        shown = "、".join(assessment.unmatched[:10])
        more = f" 等 {len(assessment.unmatched)} 个" if len(assessment.unmatched) > 10 else ""
        console.print(f"数据中不属于计划断面的断面（未评价）：{shown}{more}")
