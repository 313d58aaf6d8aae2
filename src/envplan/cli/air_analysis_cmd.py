"""`envplan air signals | trend | variation | projection | compare`: the analysis commands.

Registered onto the ``envplan air`` group. Each reads a file (INPUT with --format) or, without
INPUT, the platform's store under ENVPLAN_HOME, calls one use case of
``envplan.services.analysis`` and prints zh-CN text or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import typer

INPUT_HELP = (
    "输入文件（不给则读取平台数据目录 ENVPLAN_HOME 中已导入的数据） / "
    "Input file (default: the data imported into ENVPLAN_HOME)."
)
FORMAT_HELP = "数据格式（与 envplan air 其他命令相同） / Input layout."


def _fail(message: str) -> typer.Exit:
    typer.echo(f"错误：{message}", err=True)
    return typer.Exit(code=2)


def _source(input_path: Path | None, fmt: str | None) -> Any:
    from envplan.services.analysis import AirSource

    if input_path is not None:
        if not input_path.exists():
            raise _fail(f"文件不存在：{input_path}")
        return AirSource(path=input_path, format=fmt)
    from envplan.services.settings import load_settings

    try:
        settings = load_settings(os.environ)
    except ValueError:
        settings = load_settings(os.environ, demo=True)
    return AirSource(timeseries_dir=settings.timeseries_dir)


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option} 应为日期 YYYY-MM-DD，收到“{text}”") from None


def _run(call: Any, request: Any) -> Any:
    from envplan.services.analysis import AnalysisError

    try:
        return call(request)
    except AnalysisError as error:
        raise _fail(str(error)) from None


def _echo_json(payload: object) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def signals_command(
    input_path: Path = typer.Argument(
        ..., metavar="INPUT", help="逐小时站点数据文件 / Station-hour file."
    ),
    fmt: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
    city: str | None = typer.Option(None, "--city", help="只看一个城市 / One city only."),
    flat_hours: int = typer.Option(
        12, "--flat-hours", min=2, max=24 * 31, help="恒值判定小时数 / Flat-line hours."
    ),
    inspection: list[str] = typer.Option(
        [],
        "--inspection",
        help="检查日期，可写“YYYY-MM-DD”或“站点代码@YYYY-MM-DD”，可多次 / Inspection date.",
    ),
    excel: Path | None = typer.Option(None, "--excel", help="另存为 Excel 清单 / Excel list."),
) -> None:
    """监测数据质量与造假信号：恒值、PM2.5>PM10、检出下限、单站骤降、站点偏离、检查日前后缺失 /
    Monitoring-data quality and fraud signals."""
    from envplan.analysis.signals import Inspection, SignalRules
    from envplan.services.analysis import SignalsRequest, monitoring_signals

    visits = []
    for text in inspection:
        station, _, day = text.rpartition("@")
        visits.append(
            Inspection(
                day=_date(day, "--inspection"),
                station=station or None,
                city=None if station else (city or None),
            )
        )
    request = SignalsRequest(
        source=_source(input_path, fmt),
        rules=SignalRules(flat_hours=flat_hours),
        inspections=tuple(visits),
        city=city,
    )
    frame = _run(monitoring_signals, request)
    rows = [
        {
            **row,
            "start": row["start"].isoformat(sep=" ", timespec="minutes"),
            "end": row["end"].isoformat(sep=" ", timespec="minutes"),
        }
        for row in frame.to_dicts()
    ]
    if excel is not None:
        from envplan.reports.analysis_xlsx import signals_workbook

        excel.write_bytes(
            signals_workbook(frame.to_dicts(), title=f"监测数据质量信号（{input_path.name}）")
        )
    if as_json:
        _echo_json(rows)
        return
    from envplan.analysis.signals import KINDS

    typer.echo(f"共 {len(rows)} 条信号")
    for row in rows:
        typer.echo(
            f"{row['station']}\t{row['pollutant']}\t{KINDS[row['kind']]}\t"
            f"{row['start']}—{row['end']}\t{row['evidence']}"
        )


def trend_command(
    input_path: Path | None = typer.Argument(None, metavar="[INPUT]", help=INPUT_HELP),
    fmt: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    city: str = typer.Option(..., "--city", help="城市 / City."),
    pollutant: str = typer.Option("PM2.5", "--pollutant", help="污染物或 AQI / Pollutant."),
    deseason: bool = typer.Option(False, "--deseasonalise", help="先去除季节变化 / Deseasonalise."),
    bootstrap: bool = typer.Option(
        False, "--bootstrap", help="自助法置信区间 / Bootstrap interval."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """Theil–Sen 趋势（月均值，斜率单位/年，置信区间与显著性） / Theil–Sen trend of monthly means."""
    from envplan.services.analysis import TrendRequest, city_trend

    answer = _run(
        city_trend,
        TrendRequest(
            source=_source(input_path, fmt),
            city=city,
            pollutant=pollutant,
            deseasonalise=deseason,
            bootstrap=bootstrap,
        ),
    )
    payload = answer.as_dict()
    if as_json:
        _echo_json(payload)
        return
    typer.echo(
        f"{city} {pollutant} 趋势：{payload['slope']} {payload['unit']}"
        f"（95% 置信区间 {payload['lower']} ～ {payload['upper']}，p = {payload['p']} {payload['significance']}）"
    )
    typer.echo(
        f"月均值 {len(answer.months)} 个；数据不足而未计入的月份：{'、'.join(answer.dropped_months) or '无'}"
    )


def variation_command(
    input_path: Path | None = typer.Argument(None, metavar="[INPUT]", help=INPUT_HELP),
    fmt: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    city: str | None = typer.Option(None, "--city", help="城市 / City."),
    station: str | None = typer.Option(None, "--station", help="站点代码 / Station code."),
    pollutant: str = typer.Option("PM2.5", "--pollutant", help="污染物 / Pollutant."),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """日变化、周变化、月变化（均值与 95% 置信带） / Diurnal, weekday and monthly variation."""
    from envplan.services.analysis import VariationRequest, variation

    result = _run(
        variation,
        VariationRequest(
            source=_source(input_path, fmt), pollutant=pollutant, city=city, station=station
        ),
    )
    payload = {name: getattr(result, name).to_dicts() for name in ("hour", "weekday", "month")}
    if as_json:
        _echo_json(payload)
        return
    worst = max(payload["hour"], key=lambda r: r["mean"] or 0)
    typer.echo(
        f"{city or station} {pollutant}：一天中最高在 {worst['hour']} 时（均值 {worst['mean']:.1f}）"
    )
    for row in payload["weekday"]:
        typer.echo(f"  周{'一二三四五六日'[row['weekday'] - 1]}：{row['mean']:.1f}（n={row['n']}）")


def projection_command(
    input_path: Path | None = typer.Argument(None, metavar="[INPUT]", help=INPUT_HELP),
    fmt: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    city: str = typer.Option(..., "--city", help="城市 / City."),
    as_of: str = typer.Option(..., "--as-of", help="截至日期 YYYY-MM-DD / As of."),
    good_ratio: float | None = typer.Option(
        None, "--good-ratio", min=0, max=100, help="优良天数比例目标 % / Good-day ratio target."
    ),
    pm25: float | None = typer.Option(
        None, "--pm25", min=0, max=1000, help="PM2.5 年均浓度目标 µg/m³ / PM2.5 target."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """目标测算：全年还需多少优良天、余下日子 PM2.5 均值最多多少 / Target projection."""
    from envplan.services.analysis import ProjectionRequest, target_projection

    answer = _run(
        target_projection,
        ProjectionRequest(
            source=_source(input_path, fmt),
            city=city,
            as_of=_date(as_of, "--as-of"),
            good_ratio_target=good_ratio,
            pm25_target=pm25,
        ),
    )
    if as_json:
        _echo_json(answer)
        return
    typer.echo(
        f"{city} 截至 {answer['as_of']}：有效 {answer['valid_days']} 天，优良 {answer['good_days']} 天，"
        f"剩余 {answer['remaining_days']} 天"
    )
    if "good_days_needed" in answer:
        typer.echo(
            f"  优良天数比例目标 {answer['good_ratio_target']}%（{answer['good_ratio_target_source']}）："
            f"还需 {answer['good_days_needed']} 个优良天"
            + ("" if answer["good_days_reachable"] else "（剩余天数已不足以达到）")
        )
    if "pm25_allowed_rest" in answer:
        allowed = answer["pm25_allowed_rest"]
        typer.echo(
            f"  PM2.5 目标 {answer['pm25_target']} µg/m³：余下日均值须低于 {allowed} µg/m³"
            if allowed is not None
            else "  PM2.5 目标已无法达到"
        )
    for item in answer["missing"]:
        typer.echo(f"  缺少输入：{item}")


def compare_command(
    input_path: Path | None = typer.Argument(None, metavar="[INPUT]", help=INPUT_HELP),
    fmt: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    city: str = typer.Option(..., "--city", help="城市 / City."),
    start: str = typer.Option(..., "--start", help="开始日期 / Start date."),
    end: str = typer.Option(..., "--end", help="结束日期 / End date."),
    last_year: bool = typer.Option(
        False, "--last-year", help="同时计算上年同期 / Same period last year."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
) -> None:
    """同口径比较：同一时段分别按 HJ 633-2012 与 HJ 633-2026 计算 / Like-for-like comparison."""
    from envplan.services.analysis import CompareRequest, compare_editions

    answer = _run(
        compare_editions,
        CompareRequest(
            source=_source(input_path, fmt),
            city=city,
            start=_date(start, "--start"),
            end=_date(end, "--end"),
            last_year=last_year,
        ),
    )
    if as_json:
        _echo_json(answer)
        return
    typer.echo("时段\t口径\t有效天数\t优良天数\t优良比例%\t重污染天数")
    for row in answer["rows"]:
        typer.echo(
            f"{row['period']} {row['start']}～{row['end']}\t{row['label']}\t{row['valid_days']}"
            f"\t{row['good_days']}\t{row['good_day_ratio']}\t{row['heavy_days']}"
        )


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the ``envplan air`` group."""
    app.command("signals")(signals_command)
    app.command("trend")(trend_command)
    app.command("variation")(variation_command)
    app.command("projection")(projection_command)
    app.command("compare")(compare_command)
