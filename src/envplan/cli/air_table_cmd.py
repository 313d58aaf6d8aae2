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
    from envplan.services.air import (
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


def city_command(
    input_paths: list[Path] = typer.Argument(
        ..., metavar="INPUT...", help="空气质量数据文件（可多个）/ Air data files."
    ),
    month: str = typer.Option(..., "--month", help="月份，如 2026-06 / Month."),
    city: str = typer.Option("晋城市", "--city", help="城市名 / City (e.g. 太原市)."),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """城市月度、年初至今及上年同期指标（由国控站点计算城市值，对照点除外）/ City figures."""
    import polars as pl

    from envplan.monitoring.air_readers import read_air
    from envplan.monitoring.errors import InputFileError
    from envplan.services.air import AirServiceError, city_daily_frame, city_report
    from envplan.services.bulletin import Month

    try:
        wanted = Month.parse(month)
        frames = [read_air(path).measurements for path in input_paths]
        daily = city_daily_frame(pl.concat(frames, how="diagonal_relaxed"))
        report = city_report(daily, city, wanted)
    except (ValueError, InputFileError, AirServiceError) as error:
        typer.echo(f"错误：{error}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    names = {
        "month": wanted.label,
        "ytd": wanted.ytd_label,
        "month_last_year": f"{wanted.year - 1}年{wanted.month}月",
        "ytd_last_year": Month(wanted.year - 1, wanted.month).ytd_label,
    }
    typer.echo(f"{city}环境空气质量（{report['label'] or '—'}）")
    typer.echo(
        "时段\t有效天数\t优良天数\t优良比例%\t重污染天数\tPM2.5\tPM10\tSO2\tNO2\tCO-95\tO3-8h-90\t综合指数"
    )
    for key, name in names.items():
        row = report[key]
        if row is None:
            typer.echo(f"{name}\t数据缺失")
            continue
        cells = [row.get(c) for c in ("valid_days", "good_days", "good_day_ratio", "heavy_days")]
        cells += [row.get(c) for c in ("PM2.5_mean", "PM10_mean", "SO2_mean", "NO2_mean")]
        cells += [row.get(c) for c in ("CO_P95", "O3_8h_P90", "composite_index")]
        typer.echo(name + "\t" + "\t".join("—" if c is None else str(c) for c in cells))
    verdict = {True: "达标", False: "超标", None: "—"}
    typer.echo(
        f"年初至今 NO₂（二级）：{verdict[report['no2_level2_ok']]}；"
        f"SO₂（一级）：{verdict[report['so2_level1_ok']]}"
    )
