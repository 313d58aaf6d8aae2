"""`envplan air` command group: hourly AQI, daily statistics, period assessment, city ranking.

Thin layer: read the input with ``envplan.monitoring.air_readers.read_air`` (``air aqi`` on
``mee-city``: the wide fast path ``envplan.monitoring.air_wide``), call ``envplan.services.air.hourly``,
write/print; long steps show progress (``envplan.cli.progress``, off under ``--quiet`` or without a
terminal). Every message a user reads is zh-CN; outputs are written
to a temporary file first and renamed, so a failed run leaves nothing partial.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    import polars as pl

app = typer.Typer(
    help="环境空气：AQI、日评价、期间评价、排名 / Air quality: AQI, daily statistics, assessment, ranking.",
    no_args_is_help=True,
)


class HourlyFormat(StrEnum):
    mee_city = "mee-city"
    cnemc_live = "cnemc-live"
    cnemc_sites = "cnemc-sites"
    cnemc_cities = "cnemc-cities"


class AnyFormat(StrEnum):
    mee_city = "mee-city"
    cnemc_live = "cnemc-live"
    cnemc_sites = "cnemc-sites"
    cnemc_cities = "cnemc-cities"
    aqistudy_daily = "aqistudy-daily"
    template = "template"


class Rules(StrEnum):
    hj633_2012 = "hj633-2012"
    hj633_2026 = "hj633-2026"


class Publication(StrEnum):
    published = "published"
    standard = "standard"


PUBLICATION_HELP = (
    "发布判定规则（cnemc-live）：published＝平台实际发布做法（默认，由官方数据归纳），standard＝标准文本 / "
    "Publication rule for cnemc-live: the platform's practice (default) or the standard's text."
)


class Order(StrEnum):
    hourly = "hourly"
    daily = "daily"


class Engine(StrEnum):
    embedded = "embedded"
    spark = "spark"


ENGINE_HELP = (
    "计算引擎：embedded＝本机内嵌（默认）；spark＝Apache Spark（同一套计算核心） / "
    "Engine: embedded (default) or Apache Spark (same kernels)."
)
MASTER_HELP = (
    "Spark master（默认 SPARK_MASTER 或 local[2]），如 spark://host:7077 / Spark master URL."
)


INPUT_HELP = (
    "输入文件（或 cnemc-sites/cnemc-cities 的日文件夹） / Input file (or folder of daily files)."
)
FORMAT_HELP = "数据格式 / Input layout."
RULES_HELP = (
    "强制使用的 HJ 633 版本（默认按数据日期自动选择） / Force an HJ 633 edition (default: by date)."
)
PERIOD_HELP = "评价时段：2021、2021-06 或 2021Q2 / Period: year, month or quarter."
LIMITS_HELP = (
    "GB 3095 限值版本：gb3095-2012、gb3095-2026-transitional、gb3095-2026（默认按时段首日） / "
    "GB 3095 limit set (default: in force on the period's first day)."
)
EXCLUDE_HELP = (
    "不参与城市均值的站点（对照点），逗号分隔 / Stations left out of city means (comma-separated)."
)
ORDER_HELP = (
    "城市均值顺序：hourly＝先站点小时均值再算日统计；daily＝先站点日统计再求均值 / "
    "City averaging order."
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"错误：{message}", err=True)
    return typer.Exit(code=2)


def _read(path: Path, fmt: str) -> Any:
    from envplan.monitoring.air_readers import read_air
    from envplan.monitoring.errors import InputFileError

    try:
        return read_air(path, fmt)
    except InputFileError as error:
        raise _fail(str(error)) from None


def _rules(rules: Rules | None) -> Any:
    if rules is None:
        return None
    from envplan.services.air import select_aqi_rules

    return select_aqi_rules(code=rules.value)


def _write_csv(frame: pl.DataFrame, output: Path) -> None:
    """Write all or nothing: a temporary file beside the target, then an atomic rename."""
    output = output.expanduser()
    if not output.parent.exists():
        raise _fail(f"输出目录不存在：{output.parent}")
    handle, temporary = tempfile.mkstemp(prefix=".envplan-", suffix=".csv", dir=output.parent)
    os.close(handle)
    try:
        frame.write_csv(temporary, datetime_format="%Y-%m-%d %H:%M", date_format="%Y-%m-%d")
        os.replace(temporary, output)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _fail(f"无法写入输出文件 {output}：{error.strerror}") from None


def _city_config(exclude: str | None, order: Order) -> Any:
    from envplan.services.air import DEFAULT_EXCLUDED_STATIONS, CityStations

    excluded = (
        DEFAULT_EXCLUDED_STATIONS
        if exclude is None
        else frozenset(s.strip() for s in exclude.split(",") if s.strip())
    )
    return CityStations(exclude=excluded, order=order.value)


def _daily(
    measurements: pl.DataFrame,
    rules: Any,
    exclude: str | None,
    order: Order,
    engine: _Engine | None = None,
) -> pl.DataFrame:
    """Daily frame of every site, plus city rows when the input is station data: the frame of
    ``services.air_daily_frame.city_daily_frame``, the one the bulletin and the pages use."""
    from envplan.services.air import AirServiceError, city_daily_frame

    try:
        if engine is not None and engine.spark:
            from envplan.services.spark import daily_frame_spark

            return daily_frame_spark(
                engine.session, measurements, rules=rules, cities=_city_config(exclude, order)
            )
        return city_daily_frame(measurements, rules=rules, cities=_city_config(exclude, order))
    except AirServiceError as error:
        raise _fail(str(error)) from None


class _Engine:
    """The chosen engine for one command: the embedded functions, or Spark (started lazily,
    stopped at the end of the command)."""

    def __init__(self, engine: Engine, master: str | None) -> None:
        self.engine = engine
        self.master = master
        self._context: Any = None
        self.session: Any = None

    @property
    def spark(self) -> bool:
        return self.engine is Engine.spark

    def __enter__(self) -> _Engine:
        if self.spark:
            from envplan.services.spark import SparkUnavailable, spark_engine

            self._context = spark_engine(self.master)
            try:
                self.session = self._context.__enter__()
            except SparkUnavailable as error:
                raise _fail(str(error)) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._context is not None:
            self._context.__exit__(*exc)


def _period_and_limits(period: str, limits: str | None) -> tuple[Any, Any]:
    """The --period span and the --limits set (None: the set in force on the period's first day)."""
    from envplan.services.air import parse_period, select_limits

    try:
        return parse_period(period), select_limits(code=limits) if limits else None
    except ValueError as error:
        raise _fail(str(error)) from None


QUIET_HELP = "不显示进度（非终端输出时自动关闭） / No progress display (off when not a terminal)."


@app.command("aqi")
def aqi_command(
    input_path: Path = typer.Argument(..., metavar="INPUT", help=INPUT_HELP),
    fmt: HourlyFormat = typer.Option(..., "--format", help=FORMAT_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="输出 CSV / Output CSV."),
    rules: Rules | None = typer.Option(None, "--rules", help=RULES_HELP),
    publication: Publication = typer.Option(
        Publication.published, "--publication", help=PUBLICATION_HELP
    ),
    engine: Engine = typer.Option(Engine.embedded, "--engine", help=ENGINE_HELP),
    master: str | None = typer.Option(None, "--master", help=MASTER_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
) -> None:
    """逐小时 AQI（每个站点/城市每小时一行） / Hourly AQI, one row per site and hour."""

    from envplan.cli.progress import Steps, progress_enabled
    from envplan.services.air import HOURLY_AQI_COLUMNS

    with Steps(progress_enabled(quiet)) as steps:
        done = None
        if fmt is HourlyFormat.mee_city and engine is Engine.embedded:
            done = _aqi_wide(input_path, rules, steps)
        elif fmt.value == "cnemc-live" and engine is Engine.embedded:
            done = _aqi_live(input_path, rules, publication, steps)
        if done is None:  # every other layout, Spark, or a file the fast path leaves to read_air
            frame = _aqi_long(input_path, fmt, rules, publication, engine, master, steps)
            done = _summary(frame), frame.select(HOURLY_AQI_COLUMNS)
        summary, table = done
        del done
        with steps.step("写入输出文件", table.height) as step:
            _write_csv(table, output)
            step.rows = table.height
    used, compared = summary
    typer.echo(f"已写入 {output}：{table.height} 行（站点×小时），计算规则：{used}")
    if compared is not None:
        typer.echo(f"与文件发布的 AQI 一致：{compared[0]}/{compared[1]}")


#: What the command prints after writing: the rule sets used, and (matching, compared) counts of
#: the file's own AQI when it has one.
_Summary = tuple[str, tuple[int, int] | None]


def _summary(frame: pl.DataFrame) -> _Summary:
    """The rule sets used and the agreement with the file's AQI, as column aggregates (no copy of
    the frame; row order does not matter)."""
    import polars as pl

    used = "、".join(sorted(frame["rules"].unique().cast(pl.String).to_list())) or "—"
    if "official_aqi" not in frame.columns:
        return used, None
    official = pl.col("official_aqi")
    counts = frame.select(
        same=(official == pl.col("aqi")).sum(),  # null (not counted) where either is missing
        compared=official.is_not_null().sum(),
    ).row(0)
    return used, (int(counts[0]), int(counts[1]))


def _aqi_wide(
    input_path: Path, rules: Rules | None, steps: Any
) -> tuple[_Summary, pl.DataFrame] | None:
    """The MEE city-hour table kept wide from reader to kernel (``monitoring.air_wide``): the
    summary and the output table (``HOURLY_AQI_COLUMNS`` in site/hour order); None when the file
    needs the general reader (which then reports its problems)."""
    if "numpy" not in sys.modules:
        # Not a lazy import, a setting read when NumPy is first imported (just below): this
        # command does no linear algebra, and OpenBLAS would otherwise start a thread per core
        # that busy-waits after the import (≈ 0.04 s CPU a run). Only this embedded path, which
        # starts no other process, sets it; an explicit setting is kept.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    from envplan.monitoring.air_wide import check_mee_city_wide, load_mee_city_wide
    from envplan.monitoring.errors import InputFileError
    from envplan.services.air import HOURLY_AQI_COLUMNS, hourly_aqi_wide

    with steps.step("读取文件") as step:
        try:
            loaded = load_mee_city_wide(input_path.expanduser())
        except InputFileError as error:
            raise _fail(str(error)) from None
        step.rows = None if loaded is None else loaded.height
    if loaded is None:
        return None
    with steps.step("检查数据", loaded.height):
        wide = check_mee_city_wide(loaded)
    del loaded
    if wide is None:
        return None
    with steps.step("计算 AQI", wide.frame.height):
        # The engine runs in file order; the summary is taken there, then only the output columns
        # are put in site/hour order (the order of the long path's hourly_wide): cheaper than
        # reordering the inputs.
        frame = hourly_aqi_wide(wide.frame, rules=_rules(rules)).with_columns(
            wide.frame["official_aqi"], _hour_labels(wide.frame["interval_end"])
        )
        summary = _summary(frame)
        order = wide.order_series()
        del wide
        # A frame-level row gather checks the index once, not once per column.
        table = frame.select(HOURLY_AQI_COLUMNS)[order]
    return summary, table


def _aqi_live(
    input_path: Path, rules: Rules | None, publication: Publication, steps: Any
) -> tuple[_Summary, pl.DataFrame] | None:
    """The CNEMC live station table kept wide (``cli.air_aqi_live``); None: general reader."""
    from envplan.cli.air_aqi_live import aqi_wide_live
    from envplan.monitoring.errors import InputFileError

    try:
        done = aqi_wide_live(input_path, _rules(rules), publication.value, steps, _hour_labels)
    except InputFileError as error:
        raise _fail(str(error)) from None
    return None if done is None else (_summary(done[0]), done[1])


def _hour_labels(end: pl.Series) -> pl.Series:
    """The whole-hour times as ``time`` labels "YYYY-MM-DD HH:MM" (the text of the long path's
    "%Y-%m-%d %H:00"), an Enum over the hours of the file's span: only those are formatted, each
    row gets a 4-byte code (formatting every row's datetime costs a third of the CSV write, and
    the code is cheaper to reorder). A file spanning more hours than it has rows keeps the
    datetime (``_write_csv`` prints it in the same notation)."""
    import polars as pl

    first, last = end.min(), end.max()
    if not isinstance(first, datetime) or not isinstance(last, datetime):
        return end.alias("time")
    span = (last - first) // timedelta(hours=1) + 1
    if span > end.len():
        return end.alias("time")
    hours = pl.datetime_range(first, last, "1h", time_unit="us", eager=True)
    text = hours.dt.strftime("%Y-%m-%d %H:%M")
    labels = pl.Series("time", text, dtype=pl.Enum(text))
    codes = (end - first).dt.total_hours().cast(pl.get_index_type())
    return labels.gather(codes)


def _aqi_long(
    input_path: Path,
    fmt: HourlyFormat,
    rules: Rules | None,
    publication: Publication,
    engine: Engine,
    master: str | None,
    steps: Any,
) -> pl.DataFrame:
    """The general path: ``read_air``'s long table, then the hourly AQI of ``services.air``."""
    from envplan.monitoring.air_publication import publication_flags
    from envplan.services.air import hourly_aqi

    with steps.step("读取并检查文件") as step:
        result = _read(input_path, fmt.value)
        step.rows = result.measurements.height
    with steps.step("计算 AQI") as step, _Engine(engine, master) as chosen:
        if chosen.spark:
            from envplan.services.spark import hourly_aqi_spark

            frame = hourly_aqi_spark(
                chosen.session, result.measurements, rules=_rules(rules), published=result.published
            )
        else:
            frame = hourly_aqi(result.measurements, rules=_rules(rules), published=result.published)
        step.rows = frame.height
    # The `published` column follows --publication for station data of the live platform (the
    # rules were derived from it); other layouts keep the standard's text.
    if fmt.value == "cnemc-live":
        flags = publication_flags(
            result.measurements, result.published, frame, mode=publication.value
        ).rename({"publish": "published"})
        frame = frame.drop("published").join(
            flags, on=["site", "interval_end"], how="left", maintain_order="left"
        )
    return frame


@app.command("daily")
def daily_command(
    input_path: Path = typer.Argument(..., metavar="INPUT", help=INPUT_HELP),
    fmt: AnyFormat = typer.Option(..., "--format", help=FORMAT_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="输出 CSV / Output CSV."),
    rules: Rules | None = typer.Option(None, "--rules", help=RULES_HELP),
    exclude: str | None = typer.Option(None, "--exclude", help=EXCLUDE_HELP),
    order: Order = typer.Option(Order.hourly, "--order", help=ORDER_HELP),
    engine: Engine = typer.Option(Engine.embedded, "--engine", help=ENGINE_HELP),
    master: str | None = typer.Option(None, "--master", help=MASTER_HELP),
) -> None:
    """逐日统计、有效性、日 AQI、首要污染物与级别 / Daily statistics, validity and daily AQI."""
    result = _read(input_path, fmt.value)
    with _Engine(engine, master) as chosen:
        daily = _daily(result.measurements, _rules(rules), exclude, order, chosen)
    _write_csv(daily, output)
    valid = int(daily["complete"].fill_null(False).sum())
    typer.echo(f"已写入 {output}：{daily.height} 个站点日，其中 {valid} 个日 AQI 有效")


def _jsonable(frame: pl.DataFrame) -> list[dict[str, Any]]:
    rows = frame.to_dicts()
    for row in rows:
        for key, value in row.items():
            if hasattr(value, "isoformat"):
                row[key] = value.isoformat()
    return rows


ASSESS_LABELS = {
    "period": "时段",
    "limits": "限值标准",
    "SO2_mean": "SO2 均值 µg/m³",
    "SO2_P98": "SO2 第98百分位 µg/m³",
    "NO2_mean": "NO2 均值 µg/m³",
    "NO2_P98": "NO2 第98百分位 µg/m³",
    "PM10_mean": "PM10 均值 µg/m³",
    "PM10_P95": "PM10 第95百分位 µg/m³",
    "PM2.5_mean": "PM2.5 均值 µg/m³",
    "PM2.5_P95": "PM2.5 第95百分位 µg/m³",
    "CO_P95": "CO 第95百分位 mg/m³",
    "O3_8h_P90": "O3 日最大8小时第90百分位 µg/m³",
    "city_ok": "六项污染物均达标",
    "composite_index": "综合指数",
    "max_index": "最大单项指数",
    "max_index_pollutants": "最大单项指数污染物",
    "valid_days": "有效天数",
    "good_days": "优良天数",
    "good_day_ratio": "优良天数比例 %",
    "heavy_days": "重度及以上污染天数",
    "severe_days": "严重污染天数",
}


@app.command("assess")
def assess_command(
    input_path: Path = typer.Argument(..., metavar="INPUT", help=INPUT_HELP),
    fmt: AnyFormat = typer.Option(..., "--format", help=FORMAT_HELP),
    period: str = typer.Option(..., "--period", help=PERIOD_HELP),
    site: str | None = typer.Option(
        None, "--site", help="站点代码或城市名 / Station code or city."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
    limits: str | None = typer.Option(None, "--limits", help=LIMITS_HELP),
    level: int = typer.Option(2, "--level", min=1, max=2, help="GB 3095 级别 1 或 2 / Level."),
    rules: Rules | None = typer.Option(None, "--rules", help=RULES_HELP),
    exclude: str | None = typer.Option(None, "--exclude", help=EXCLUDE_HELP),
    order: Order = typer.Option(Order.hourly, "--order", help=ORDER_HELP),
    engine: Engine = typer.Option(Engine.embedded, "--engine", help=ENGINE_HELP),
    master: str | None = typer.Option(None, "--master", help=MASTER_HELP),
) -> None:
    """期间评价：统计量、达标、超标倍数、综合指数、优良天数比例、重污染天数 / Period assessment."""
    from envplan.services.air import AirServiceError, assess_period

    span, limit_set = _period_and_limits(period, limits)
    result = _read(input_path, fmt.value)
    with _Engine(engine, master) as chosen:
        daily = _daily(result.measurements, _rules(rules), exclude, order, chosen)
        try:
            if chosen.spark:
                from envplan.services.spark import assess_period_spark

                assessed = assess_period_spark(
                    chosen.session, daily, span, site=site, limits=limit_set, level=level
                )
            else:
                assessed = assess_period(daily, span, site=site, limits=limit_set, level=level)
        except AirServiceError as error:
            raise _fail(str(error)) from None
    if as_json:
        typer.echo(json.dumps(_jsonable(assessed), ensure_ascii=False, indent=2))
        return
    for row in assessed.to_dicts():
        typer.echo(f"【{row['site']}】")
        for key, label in ASSESS_LABELS.items():
            value = row.get(key)
            shown = (
                "—"
                if value is None
                else ("是" if value is True else "否" if value is False else value)
            )
            typer.echo(f"  {label}：{shown}")


@app.command("rank")
def rank_command(
    input_path: Path = typer.Argument(..., metavar="INPUT", help=INPUT_HELP),
    fmt: AnyFormat = typer.Option(..., "--format", help=FORMAT_HELP),
    period: str = typer.Option(..., "--period", help=PERIOD_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / Print JSON."),
    output: Path | None = typer.Option(None, "--output", "-o", help="另存为 CSV / Also write CSV."),
    limits: str | None = typer.Option(None, "--limits", help=LIMITS_HELP),
    rules: Rules | None = typer.Option(None, "--rules", help=RULES_HELP),
    exclude: str | None = typer.Option(None, "--exclude", help=EXCLUDE_HELP),
    order: Order = typer.Option(Order.hourly, "--order", help=ORDER_HELP),
    engine: Engine = typer.Option(Engine.embedded, "--engine", help=ENGINE_HELP),
    master: str | None = typer.Option(None, "--master", help=MASTER_HELP),
) -> None:
    """城市综合指数排名（由小到大，并列同名次） / Composite-index ranking of all cities present."""
    import polars as pl

    from envplan.services.air import rank_cities

    span, limit_set = _period_and_limits(period, limits)
    result = _read(input_path, fmt.value)
    with _Engine(engine, master) as chosen:
        daily = _daily(result.measurements, _rules(rules), exclude, order, chosen)
        cities = (
            result.measurements.filter(pl.col("site_kind") == "city")["site"].unique().to_list()
        )
        if not cities:
            cities = (
                daily.filter(~pl.col("site").is_in(result.measurements["site"].unique().to_list()))[
                    "site"
                ]
                .unique()
                .to_list()
            )
        if not cities:
            raise _fail(f"文件 {input_path} 中没有城市（站点数据未注明所属城市），无法进行城市排名")
        if chosen.spark:
            from envplan.services.spark import rank_cities_spark

            ranked = rank_cities_spark(chosen.session, daily, span, limits=limit_set, sites=cities)
        else:
            ranked = rank_cities(daily, span, limits=limit_set, sites=cities)
    if output is not None:
        _write_csv(ranked, output)
    if as_json:
        typer.echo(json.dumps(_jsonable(ranked), ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{span.label} 城市环境空气质量综合指数排名（{ranked['limits'][0] if ranked.height else '—'}）"
    )
    typer.echo("名次\t城市\t综合指数\t最大单项指数\t首要污染物\t同比变化率%")
    for row in ranked.to_dicts():
        rank = "—" if row["rank"] is None else row["rank"]
        change = "—" if row["change_rate"] is None else row["change_rate"]
        typer.echo(
            f"{rank}\t{row['site']}\t{row['composite_index'] if row['composite_index'] is not None else '—'}"
            f"\t{row['max_index'] if row['max_index'] is not None else '—'}"
            f"\t{row['max_index_pollutants'] or '—'}\t{change}"
        )


@app.command("spark-job")
def spark_job_command(
    task: str = typer.Option(..., "--task", help="aqi（逐小时 AQI）或 daily（日统计） / Task."),
    master: str | None = typer.Option(None, "--master", help=MASTER_HELP),
) -> None:
    """在 Spark 上计算平台数据目录中的全部空气数据，结果写回数据目录供平台读取 /
    Run the air chain on Spark over the platform store; results are written beside it."""
    from envplan.services.settings import load_settings
    from envplan.services.spark import SparkJobError, run_spark_job

    try:
        settings = load_settings(os.environ)
    except ValueError:
        settings = load_settings(os.environ, demo=True)
    with _Engine(Engine.spark, master) as chosen:
        try:
            target = run_spark_job(chosen.session, settings.timeseries_dir, task)
        except SparkJobError as error:
            raise _fail(str(error)) from None
    typer.echo(f"已写入 {target}")


from envplan.cli.air_table_cmd import city_command, rank_table_command  # noqa: E402 - below

app.command("rank-table")(rank_table_command)
app.command("city")(city_command)
