"""`envplan soil` command group: classify soil samples against GB 15618-2018 / GB 36600-2018.

Stable contract: ``envplan soil classify INPUT --land-use {farmland,construction-1,construction-2}
[--json]``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(
    help="土壤：农用地与建设用地风险筛选 / Soil: farmland and construction-land risk classification.",
    no_args_is_help=True,
)


class LandUse(StrEnum):
    farmland = "farmland"
    construction_1 = "construction-1"
    construction_2 = "construction-2"


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code=2)


@app.command()
def classify(
    input_path: Path = typer.Argument(..., metavar="INPUT", help="土壤样品文件 / Soil samples."),
    land_use: LandUse = typer.Option(
        ...,
        "--land-use",
        help=(
            "farmland：农用地（GB 15618-2018）；construction-1 / construction-2：第一类 / 第二类"
            "建设用地（GB 36600-2018；规划用途不明确时用第一类）/ Land use."
        ),
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """按土壤标准评价样品与地块 / Classify soil samples and parcels."""
    from envplan.monitoring.errors import InputFileError
    from envplan.monitoring.soil_readers import read_construction_samples, read_farmland_samples
    from envplan.services.soil import classify_construction, classify_farmland

    result: Any
    try:
        if land_use is LandUse.farmland:
            result = classify_farmland(read_farmland_samples(input_path))
        else:
            land_class = 1 if land_use is LandUse.construction_1 else 2
            result = classify_construction(read_construction_samples(input_path), land_class)
    except InputFileError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    if land_use is LandUse.farmland:
        _print_farmland(result, input_path.name)
    else:
        _print_construction(result, input_path.name)


def _print_farmland(result: Any, source: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200, markup=False)
    use_zh = {"paddy": "水田", "other": "旱地等", "orchard": "果园", "rotation": "水旱轮作"}
    table = Table(title=f"农用地土壤污染风险筛选（GB 15618-2018，数据：{source}）")
    for header in (
        "样点",
        "地块",
        "用地类型",
        "pH",
        "风险",
        "超筛选值项目(含量>筛选值)",
        "超管制值项目",
    ):
        table.add_column(header)
    for row in result.samples.iter_rows(named=True):
        table.add_row(
            row["sample_id"], row["parcel_id"] or "", use_zh.get(row["land_use"], ""),
            f"{row['ph']:g}", row["risk"], row["exceeding"] or "—", row["high_risk_items"] or "—",
        )  # fmt: skip
    console.print(table)
    parcels = Table(title="地块类别（结合农产品协同监测）")
    for header in ("地块", "样点数", "土壤类别", "地块类别"):
        parcels.add_column(header)
    for row in result.parcels.iter_rows(named=True):
        parcels.add_row(
            row["parcel_id"] or "", str(row["n_samples"]), row["soil_category"], row["category"]
        )
    console.print(parcels)
    if result.safe_use_rate is not None:
        console.print(f"受污染耕地安全利用率：{result.safe_use_rate}%")
    for note in result.notes:
        console.print(f"注：{note}")


def _print_construction(result: Any, source: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200, markup=False)
    name = "第一类用地" if result.land_class == 1 else "第二类用地"
    table = Table(title=f"建设用地土壤污染风险筛选（GB 36600-2018，{name}，数据：{source}）")
    for header in ("地块", "样点", "结论", "超筛选值项目(含量 mg/kg)"):
        table.add_column(header)
    for row in result.samples.iter_rows(named=True):
        table.add_row(
            row["parcel_id"] or "", row["sample_id"], row["result"], row["exceeding"] or "—"
        )
    console.print(table)
    for row in result.parcels.iter_rows(named=True):
        console.print(f"地块 {row['parcel_id']}（{row['n_samples']} 个样点）：{row['result']}")
    if result.safe_use_rate is not None:
        console.print(f"污染地块安全利用率（按超过筛选值的地块计）：{result.safe_use_rate}%")
