"""`envplan air rank-table`: composite index and rank from a city statistics table."""

from __future__ import annotations

import json
from pathlib import Path

import typer

SET_HELP = (
    "排名范围：168（全国重点城市）、339、shanxi-11、table（表内全部城市）或城市名单文件"
    " / City set: 168, 339, shanxi-11, table or a file listing the cities."
)


def rank_table_command(
    table: Path = typer.Argument(
        ..., metavar="TABLE", help="城市统计表（CSV/Excel，六项污染物）/ City statistics table."
    ),
    period: str = typer.Option(
        ..., "--period", help="统计时段 2021-06 或 2021 / Period (month or year)."
    ),
    city_set: str = typer.Option("table", "--set", help=SET_HELP),
    city: str = typer.Option("晋城市", "--city", help="评价排名目标的城市 / City of the target."),
    limits: str | None = typer.Option(
        None, "--limits", help="限值版本（默认时段适用版本）/ GB 3095 edition."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """城市统计表综合指数与排名（HJ 663），并评价计划排名目标 / Rank a city statistics table."""
    from envplan.monitoring.air_city_table import read_city_statistics
    from envplan.monitoring.errors import InputFileError
    from envplan.plan import default_plan
    from envplan.services.air_ranking import (
        RankingError,
        evaluate_rank_target,
        rank_table,
        resolve_city_set,
    )
    from envplan.services.bulletin import Month, find_target
    from envplan.standards.air.rules import select_limits

    try:
        span: Month | int = int(period) if period.strip().isdigit() else Month.parse(period)
        limit_set = select_limits(code=limits) if limits else None
        chosen = resolve_city_set(city_set)
        frame = read_city_statistics(table)
    except (ValueError, RankingError, InputFileError) as error:
        typer.echo(f"错误：{error}", err=True)
        raise typer.Exit(2) from None
    ranking = rank_table(frame, chosen, period=span, limits=limit_set)
    target = find_target(default_plan(), "air", "排名")
    verdict = evaluate_rank_target(target, ranking, city) if target is not None else None
    if as_json:
        rows = ranking.ranking.to_dicts()
        typer.echo(
            json.dumps(
                {
                    "set": chosen.code,
                    "set_name": chosen.name,
                    "limits": ranking.limits,
                    "rank_valid": ranking.rank_valid,
                    "note": ranking.note,
                    "target": verdict["text"] if verdict else None,
                    "target_status": verdict["status"] if verdict else None,
                    "rows": rows,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    typer.echo(f"{period} {chosen.name}环境空气质量综合指数排名（{ranking.limits}）")
    if ranking.note:
        typer.echo(f"说明：{ranking.note}")
    typer.echo("名次\t城市\t综合指数\t最大单项指数\t首要污染物")
    for row in ranking.ranking.iter_rows(named=True):
        typer.echo(
            f"{row['rank'] if row['rank'] is not None else '—'}\t{row['site']}\t"
            f"{row['composite_index']}\t{row['max_index']}\t{row['max_index_pollutants'] or '—'}"
        )
    if verdict is not None:
        typer.echo(f"计划目标（{target.text if target else ''}）：{verdict['text']}")
