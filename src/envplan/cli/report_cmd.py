"""`envplan report` command group: the monthly dispatch bulletin (月调度通报)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import typer

app = typer.Typer(
    help="报告：月度调度通报 / Reports: the monthly dispatch bulletin.", no_args_is_help=True
)


def _home_and_database() -> tuple[Path, str]:
    """ENVPLAN_HOME and ENVPLAN_DATABASE_URL through the settings contract.

    The bulletin needs no secret key (that is for web sessions), so a missing
    ENVPLAN_SECRET_KEY is not an error here.
    """
    from envplan.services.settings import load_settings

    try:
        settings = load_settings(os.environ)
    except ValueError:
        settings = load_settings(os.environ, demo=True)
    return settings.home, settings.database_url


@app.command("monthly")
def monthly(
    month: str = typer.Option(..., "--month", help="通报月份，如 2021-06 / Month, e.g. 2021-06."),
    formats: str = typer.Option(
        "docx,xlsx,html,pdf",
        "--format",
        help="输出格式（逗号分隔）：docx,xlsx,html,pdf / Output formats (comma-separated).",
    ),
    out: Path = typer.Option(Path("."), "--out", help="输出目录 / Output folder."),
    air_data: list[Path] = typer.Option(
        [],
        "--air-data",
        help=(
            "空气质量数据文件（可多次指定；默认：数据目录中已导入的数据，无则用内置日均值数据）"
            " / Air data files (repeatable; default: imported data, else the bundled daily means)."
        ),
    ),
    water_data: Path | None = typer.Option(
        None,
        "--water-data",
        help="地表水月度监测数据（模板CSV/Excel）/ Monthly surface-water data (template).",
    ),
    soil_farmland: Path | None = typer.Option(
        None, "--soil-farmland", help="农用地土壤样点数据 / Farmland soil samples."
    ),
    soil_construction: Path | None = typer.Option(
        None, "--soil-construction", help="建设用地土壤样点数据 / Construction-land samples."
    ),
    provincial_targets: Path | None = typer.Option(
        None,
        "--provincial-targets",
        help="“完成省定目标”断面的省定目标配置 / Provincial targets of sections.",
    ),
    rank_table: Path | None = typer.Option(
        None,
        "--rank-table",
        help=(
            "本月城市统计表（六项污染物，用于168城市排名目标）"
            " / The month's city statistics table (for the 168-city rank target)."
        ),
    ),
    rank_set: str = typer.Option(
        "168", "--rank-set", help="排名范围：168、339、shanxi-11、table / City set of the rank."
    ),
    demo_data: bool = typer.Option(
        False,
        "--demo-data",
        help=(
            "水、土壤使用内置示例数据（标注“示例”；记录为示例数据时默认使用）"
            " / Use the bundled 示例 water and soil files (default when the records are 示例)."
        ),
    ),
    authority: str | None = typer.Option(
        None, "--authority", help="发文机关 / Issuing authority (默认 晋城市生态环境局)."
    ),
    document_number: str | None = typer.Option(
        None, "--doc-number", help="发文字号，如 晋环调〔2021〕6号 / Document number."
    ),
    issue_date: str | None = typer.Option(
        None, "--date", help="成文日期 YYYY-MM-DD（默认次月5日）/ Issue date."
    ),
) -> None:
    """生成月度调度通报（Word、Excel、网页、PDF）/ Build the monthly dispatch bulletin."""
    from envplan.monitoring.errors import InputFileError
    from envplan.plan import default_plan
    from envplan.reports.bulletin import (
        BulletinError,
        BulletinFiles,
        parse_formats,
        render_bulletin,
    )
    from envplan.services.air import RankingError
    from envplan.services.bulletin import (
        BulletinOptions,
        BulletinRequest,
        Month,
        monthly_bulletin,
        open_records,
    )

    try:
        first = Month.parse(month)
        wanted = parse_formats(formats)
        date = dt.date.fromisoformat(issue_date) if issue_date else None
    except (ValueError, BulletinError) as error:
        message = str(error)
        if issue_date and "Invalid isoformat" in message:
            message = f"成文日期格式应为 YYYY-MM-DD，收到“{issue_date}”"
        typer.secho(f"错误：{message}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from error
    given = [
        *air_data,
        water_data,
        soil_farmland,
        soil_construction,
        provincial_targets,
        rank_table,
    ]
    missing = [path for path in given if path is not None and not path.is_file()]
    if missing:
        typer.secho(
            f"错误：数据文件不存在：{'、'.join(map(str, missing))}",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)

    home, database_url = _home_and_database()
    request = BulletinRequest(
        month=first,
        air_files=tuple(air_data),
        water_file=water_data,
        soil_farmland=soil_farmland,
        soil_construction=soil_construction,
        provincial_targets=provincial_targets,
        rank_table=rank_table,
        rank_set=rank_set,
        demo_data=True if demo_data else None,
        options=BulletinOptions(
            issuing_authority=authority or BulletinOptions.issuing_authority,
            document_number=document_number,
            issue_date=date,
        ),
    )
    try:
        with open_records(database_url) as session:
            result = monthly_bulletin(request, plan=default_plan(), home=home, session=session)
    except (InputFileError, RankingError) as error:
        typer.secho(f"错误：{error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from error
    files = render_bulletin(result, wanted, out_dir=out)
    assert isinstance(files, BulletinFiles)
    for fmt, path in files.paths.items():
        typer.echo(f"已生成 {fmt}：{path}")
    for message in files.messages:
        typer.secho(message, fg=typer.colors.YELLOW)
    for gap in files.bulletin.gaps():
        typer.echo(f"提示：{gap.text}")
    if any(gap.what == "月调度快照" for gap in files.bulletin.gaps()):
        typer.echo(f"提示：先执行 envplan db init 与 envplan dispatch snapshot --month {first}")
