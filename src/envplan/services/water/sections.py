"""Water services: class monitoring files and assess a plan's sections against their targets.

Used by the CLI (`envplan water classify|assess`), the web dashboard and the monthly bulletin.

* :func:`classify_measurements` — class every row of a reader's wide frame (GB 3838-2002,
  环办〔2011〕22号) and give the contract columns
  ``province,basin,section,time,water_class,status,main_pollutants``.
* :func:`assess_plan_sections` — average a period's data per section, class it with the section's
  water-body type and indicator set, compare it with the section's target (附件1; "完成省定目标"
  through configured provincial targets, never invented) and compute the plan-level shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import polars as pl

from envplan.standards.water.classify import exceedance_multiple
from envplan.standards.water.gb3838 import CLASS_LABELS, TABLE_1_BY_ID
from envplan.standards.water.periods import (
    class_shares,
    network_status,
    period_means,
    spearman_trend,
)
from envplan.standards.water.sections import (
    EVAL_2011_21,
    INDICATOR_SETS,
    assess_sections,
    network_main_pollutants,
)
from envplan.standards.water.targets import parse_class_label
from envplan.standards.water.trophic import tli, trophic_grade

#: Columns of the section-classification output (the CLI/JSON contract), in order.
CONTRACT_COLUMNS = (
    "province",
    "basin",
    "section",
    "time",
    "water_class",
    "status",
    "main_pollutants",
)

#: Every indicator a reader may deliver that enters a class or a period mean.
MEAN_INDICATORS: tuple[str, ...] = (*EVAL_2011_21, "tn", "fecal_coliform", "chla", "sd")

#: Status of a section whose provincial target is not configured.
STATUS_NOT_CONFIGURED = "省定目标未配置"
#: Status of a section without monitoring data.
STATUS_NO_DATA = "无监测数据"


class SectionLike(Protocol):
    """What the service needs from a plan section (envplan.plan.Section satisfies it)."""

    @property
    def number(self) -> int:
        """Section number in the plan's list (water 附件1)."""
        ...

    @property
    def county(self) -> str:
        """Id of the county the section belongs to."""
        ...

    @property
    def name(self) -> str:
        """Section name."""
        ...

    @property
    def target_raw(self) -> str:
        """The target as written in the plan (目标水质)."""
        ...

    @property
    def target_kind(self) -> str:
        """``class`` (a GB 3838 class) or ``provincial`` (完成省定目标)."""
        ...

    @property
    def target_class(self) -> str | None:
        """Target class label, None for a provincial target."""
        ...

    @property
    def assessment_level(self) -> str:
        """Assessment level (国考, 省考, 市考)."""
        ...

    @property
    def water_body_type(self) -> str:
        """Water body type (``river``, ``lake`` or ``reservoir``)."""
        ...

    @property
    def indicator_set(self) -> str:
        """Indicator set it is assessed on (``national-2021-5x`` or ``eval-2011-21``)."""
        ...


def _plain_name(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")")


def _normalise_name(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"\s+", "").str.replace_all("（", "(").str.replace_all("）", ")")


def classify_measurements(
    frame: pl.DataFrame,
    *,
    indicator_set: str,
    round_values: bool,
    lake_sections: Iterable[str] = (),
) -> pl.DataFrame:
    """Class each row; sections named in ``lake_sections`` use the 湖、库 TP column.

    Returns the contract columns plus ``water_class_code`` and ``official_class`` when the input
    carries one. ``water_class`` is "" for a row without any measured indicator of the set.
    """
    lakes = [_plain_name(name) for name in lake_sections if name.strip()]
    from_file = pl.col("lake").fill_null(False) if "lake" in frame.columns else pl.lit(False)
    # A section is a lake/reservoir when the list names it or the file's 水体类型 says so.
    prepared = frame.with_columns(
        (_normalise_name(pl.col("section")).is_in(lakes) | from_file).alias("lake")
    )
    out = assess_sections(prepared, indicator_set=indicator_set, round_values=round_values)
    columns = [
        pl.col("province") if "province" in out.columns else pl.lit("").alias("province"),
        pl.col("basin") if "basin" in out.columns else pl.lit("").alias("basin"),
        pl.col("section"),
        pl.col("time"),
        pl.col("water_class_label").alias("water_class"),
        pl.col("status"),
        pl.col("main_pollutants"),
        pl.col("water_class").alias("water_class_code"),
    ]
    if "official_class" in out.columns:
        columns.append(pl.col("official_class"))
    return out.select(columns)


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")


def period_filter(period: str | None) -> tuple[pl.Expr, int | None]:
    """Row filter on the ``period`` column (``YYYY-MM``) for ``YYYY``, ``YYYY-MM``, ``YYYY-Qn``
    or ``YYYY-Hn``; None = every row. Returns (filter, year). ValueError (zh-CN) otherwise."""
    if period is None:
        return pl.lit(True), None
    match = _PERIOD.match(period.strip())
    if match is None:
        raise ValueError(f"时段「{period}」无法识别，应为 2021、2021-05、2021-Q2 或 2021-H1")
    year = int(match.group(1))
    month = pl.col("period").str.slice(5, 2).cast(pl.Int32, strict=False)
    in_year = pl.col("period").str.starts_with(f"{year}-")
    if match.group(2):
        return pl.col("period") == f"{year}-{match.group(2)}", year
    if match.group(3):
        quarter = int(match.group(3))
        return in_year & month.is_between(3 * quarter - 2, 3 * quarter), year
    if match.group(4):
        half = int(match.group(4))
        return in_year & month.is_between(6 * half - 5, 6 * half), year
    return in_year, year


@dataclass(frozen=True)
class PlanAssessment:
    """Result of :func:`assess_plan_sections`.

    ``sections``: one row per plan section (number, county, section, assessment_level,
    water_body_type, indicator_set, target_raw, target_class, target_source, water_class, status,
    compliance, exceeding, main_pollutants, tn_class (lakes/reservoirs, separate), tli and
    trophic_grade (lakes/reservoirs with chlorophyll a), n_samples). ``shares``: plan-level figures
    over the classed sections (all, and per assessment level); ``shares["全部断面"]`` also lists
    the network main pollutants by 断面超标率. ``unmatched``: section names in the data that
    are not plan sections.
    """

    period: str | None
    sections: pl.DataFrame
    shares: dict[str, dict[str, Any]]
    unmatched: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The assessment as a JSON-ready dict."""
        return {
            "period": self.period,
            "sections": self.sections.to_dicts(),
            "shares": self.shares,
            "unmatched_sections": list(self.unmatched),
        }


def _sections_frame(sections: Sequence[SectionLike], county_names: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "number": [s.number for s in sections],
            "county": [county_names.get(s.county, s.county) for s in sections],
            "section": [s.name for s in sections],
            "assessment_level": [s.assessment_level for s in sections],
            "water_body_type": [s.water_body_type for s in sections],
            "indicator_set": [s.indicator_set for s in sections],
            "target_raw": [s.target_raw for s in sections],
            "target_kind": [s.target_kind for s in sections],
            "plan_target": [
                parse_class_label(s.target_class) if s.target_class else None for s in sections
            ],
        },
        schema_overrides={"plan_target": pl.Int8},
    ).with_columns(_normalise_name(pl.col("section")).alias("key"))


def plan_sections(plan: Any) -> list[SectionLike]:
    """The water sections of a plan (``plan.subplan("water").sections``) or a sequence of them."""
    if hasattr(plan, "subplan"):
        return list(plan.subplan("water").sections)
    return list(plan)


def assess_plan_sections(
    plan: Any,
    measurements: pl.DataFrame,
    period: str | None = None,
    provincial_targets: pl.DataFrame | None = None,
    *,
    round_values: bool = True,
) -> PlanAssessment:
    """Each plan section's class over ``period`` against its target, plus plan-level shares.

    ``measurements``: wide frame of a water reader (``section``, ``period`` ``YYYY-MM`` for the
    template; without ``period`` every row is used). Concentrations are averaged per section first
    (pH through [H⁺]) and the means are classed (环办〔2011〕22号 §4) with the section's
    water-body type (lake/reservoir → 湖、库 TP column) and indicator set. ``provincial_targets``
    (section, year, target_class code) resolves "完成省定目标"; a missing entry is reported
    ``省定目标未配置``. The year is that of ``period``, else the latest year in the data.
    """
    sections = plan_sections(plan)
    county_names = {c.id: c.name for c in getattr(plan, "counties", ())}
    registry = _sections_frame(sections, county_names)
    data = measurements
    row_filter, year = period_filter(period)
    if period is not None:
        if "period" not in data.columns:
            raise ValueError("数据没有“监测时间”所属时段，无法按 --period 筛选")
        data = data.filter(row_filter)
    if year is None and "period" in data.columns and data.height:
        years = data.get_column("period").str.slice(0, 4).cast(pl.Int32, strict=False).drop_nulls()
        year = int(years.max()) if years.len() else None  # type: ignore[arg-type]
    data = data.with_columns(_normalise_name(pl.col("section")).alias("key"))
    indicators = [c for c in MEAN_INDICATORS if c in data.columns]
    means = period_means(data, ["key"], indicators)
    unmatched = tuple(
        sorted(set(means.get_column("key").to_list()) - set(registry.get_column("key").to_list()))
    )
    joined = registry.join(means, on="key", how="left").with_columns(
        pl.col("water_body_type").is_in(["lake", "reservoir"]).alias("lake"),
        pl.col("n_samples").fill_null(0),
    )
    joined = _with_targets(joined, provincial_targets, year)
    assessed = _assess_by_indicator_set(joined, round_values=round_values)
    exceeding = _exceeding_against_target(assessed, round_values=round_values)
    assessed = assessed.with_columns(exceeding, *_trophic_columns(assessed))
    result = assessed.select(
        "number",
        "county",
        "section",
        "assessment_level",
        "water_body_type",
        "indicator_set",
        "target_raw",
        pl.col("target")
        .replace_strict(dict(enumerate(CLASS_LABELS)), default="")
        .alias("target_class"),
        "target_source",
        pl.when(pl.col("n_samples") > 0)
        .then(pl.col("water_class_label"))
        .otherwise(pl.lit(""))
        .alias("water_class"),
        pl.when(pl.col("n_samples") > 0)
        .then(pl.col("status"))
        .otherwise(pl.lit(""))
        .alias("status"),
        _compliance().alias("compliance"),
        "exceeding",
        "main_pollutants",
        pl.col("tn_class")
        .replace_strict(dict(enumerate(CLASS_LABELS)), default="")
        .alias("tn_class"),
        "tli",
        "trophic_grade",
        "n_samples",
        pl.col("water_class").alias("water_class_code"),
    ).sort("number")
    shares = _plan_shares(result)
    classed = assessed.filter(pl.col("n_samples") > 0)
    shares["全部断面"]["main_pollutants"] = [
        {"indicator": name, "exceedance_rate": round(rate, 1)}
        for name, rate in network_main_pollutants(classed)
    ]
    return PlanAssessment(period, result, shares, unmatched)


def _trophic_columns(frame: pl.DataFrame) -> list[pl.Series]:
    """TLI(Σ) and grade for lake and reservoir sections with chlorophyll a (总站 2004 rule)."""

    def column(name: str) -> Any:
        if name not in frame.columns:
            return np.full(frame.height, np.nan)
        return frame.get_column(name).cast(pl.Float64).fill_null(np.nan).to_numpy()

    index = tli(column("chla"), column("tp"), column("tn"), column("sd"), column("codmn"))
    index = np.where(frame.get_column("lake").to_numpy(), index, np.nan)
    grades = trophic_grade(index)
    return [
        pl.Series("tli", np.round(index, 2), dtype=pl.Float64).fill_nan(None),
        pl.Series("trophic_grade", grades, dtype=pl.String),
    ]


def _with_targets(
    frame: pl.DataFrame, provincial: pl.DataFrame | None, year: int | None
) -> pl.DataFrame:
    if provincial is not None and provincial.height and year is not None:
        configured = (
            provincial.filter(pl.col("year") == year)
            .with_columns(_normalise_name(pl.col("section")).alias("key"))
            .select("key", pl.col("target_class").cast(pl.Int8).alias("provincial_target"))
            .unique("key", keep="last")
        )
        frame = frame.join(configured, on="key", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int8).alias("provincial_target"))
    provincial_kind = pl.col("target_kind") == "provincial"
    return frame.with_columns(
        pl.when(provincial_kind)
        .then(pl.col("provincial_target"))
        .otherwise(pl.col("plan_target"))
        .alias("target"),
        pl.when(provincial_kind & pl.col("provincial_target").is_not_null())
        .then(pl.lit(f"省定目标（{year}年配置）"))
        .when(provincial_kind)
        .then(pl.lit(STATUS_NOT_CONFIGURED))
        .otherwise(pl.lit("附件1"))
        .alias("target_source"),
    )


def _assess_by_indicator_set(frame: pl.DataFrame, *, round_values: bool) -> pl.DataFrame:
    parts: list[pl.DataFrame] = []
    for indicator_set in frame.get_column("indicator_set").unique(maintain_order=True).to_list():
        chosen = indicator_set if indicator_set in INDICATOR_SETS else "eval-2011-21"
        subset = frame.filter(pl.col("indicator_set") == indicator_set)
        parts.append(
            assess_sections(
                subset, indicator_set=chosen, target_column="target", round_values=round_values
            )
        )
    return pl.concat(parts, how="diagonal_relaxed")


def _exceeding_against_target(frame: pl.DataFrame, *, round_values: bool) -> pl.Series:
    """Indicators whose class is worse than the target, with 超标倍数 vs the target-class limit
    (GB 3838-2002 clause 5.1), worst class first; pH/DO without a multiple."""
    target = frame.get_column("target").fill_null(0).cast(pl.Int64).to_numpy()
    lake = frame.get_column("lake").to_numpy()
    parts: list[pl.DataFrame] = []
    for item in INDICATOR_ITEMS_FOR_TARGET:
        if f"cls_{item}" not in frame.columns:
            continue
        codes = frame.get_column(f"cls_{item}").fill_null(0).to_numpy()
        values = (
            frame.get_column(item).cast(pl.Float64).fill_null(np.nan).to_numpy()
            if item in frame.columns
            else np.full(frame.height, np.nan)
        )
        multiples = exceedance_multiple(
            item, values, lake=lake, round_values=round_values, reference_class=target
        )
        parts.append(
            pl.DataFrame(
                {
                    "row": np.arange(frame.height),
                    "item": [TABLE_1_BY_ID[item].name_zh] * frame.height,
                    "cls": codes.astype(np.int64),
                    "mul": multiples,
                    "exceeds": (target > 0) & (codes > target),
                }
            )
        )
    if not parts:
        return pl.Series("exceeding", [""] * frame.height)
    long = (
        pl.concat(parts)
        .filter(pl.col("exceeds"))
        .with_columns(pl.col("mul").fill_nan(None))
        .sort(["row", "cls", "mul"], descending=[False, True, True], nulls_last=True)
        .with_columns(
            pl.when(pl.col("mul").is_null())
            .then(pl.col("item"))
            .otherwise(pl.format("{}({})", pl.col("item"), pl.col("mul").round(2)))
            .alias("label")
        )
        .group_by("row", maintain_order=True)
        .agg(pl.col("label").str.join(","))
    )
    labels = (
        pl.DataFrame({"row": np.arange(frame.height)})
        .join(long, on="row", how="left")
        .sort("row")
        .get_column("label")
        .fill_null("")
    )
    return labels.alias("exceeding")


#: Indicators judged against a section's target class (the 21 evaluation items of 环办〔2011〕22号).
INDICATOR_ITEMS_FOR_TARGET: tuple[str, ...] = EVAL_2011_21


def _compliance() -> pl.Expr:
    return (
        pl.when(pl.col("n_samples") == 0)
        .then(pl.lit(STATUS_NO_DATA))
        .when(pl.col("target").is_null())
        .then(pl.lit(STATUS_NOT_CONFIGURED))
        .when(pl.col("water_class") == 0)
        .then(pl.lit(STATUS_NO_DATA))
        .when(pl.col("water_class") <= pl.col("target"))
        .then(pl.lit("达标"))
        .otherwise(pl.lit("不达标"))
    )


def _plan_shares(result: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Shares over classed sections: all sections, and per assessment level."""
    groups: dict[str, pl.DataFrame] = {"全部断面": result}
    for level in ("国考", "省考", "市考"):
        groups[level] = result.filter(pl.col("assessment_level") == level)
    groups["国考和省考"] = result.filter(pl.col("assessment_level").is_in(["国考", "省考"]))
    shares: dict[str, dict[str, Any]] = {}
    for name, group in groups.items():
        codes = group.get_column("water_class_code").to_numpy()
        summary = class_shares(codes)
        compliance = group.get_column("compliance")
        met = int((compliance == "达标").sum())
        judged = int(compliance.is_in(["达标", "不达标"]).sum())
        status = ""
        if summary.sections >= 5:
            status = str(network_status(summary.share_i_iii, summary.share_worse_than_v).item())
        shares[name] = {
            "sections": group.height,
            "classed": summary.sections,
            "share_i_iii": _pct(summary.share_i_iii),
            "share_worse_than_v": _pct(summary.share_worse_than_v),
            "class_counts": summary.counts,
            "met": met,
            "judged": judged,
            "compliance_rate": _pct(met * 100.0 / judged) if judged else None,
            "not_configured": int((compliance == STATUS_NOT_CONFIGURED).sum()),
            "no_data": int((compliance == STATUS_NO_DATA).sum()),
            "status": status,
        }
    return shares


def _pct(value: float) -> float | None:
    return None if value != value else round(value, 1)  # NaN → None


def section_classes_by_period(
    plan: Any,
    measurements: pl.DataFrame,
    provincial_targets: pl.DataFrame | None = None,
    *,
    round_values: bool = True,
) -> pl.DataFrame:
    """Each plan section's class per month of the data (``period`` ``YYYY-MM``), for dashboards
    and bulletins: the columns of :func:`assess_plan_sections` plus ``period``. One assessment per
    month (a loop over at most a few dozen periods, each vectorised over sections)."""
    if "period" not in measurements.columns:
        raise ValueError("数据没有“监测时间”所属时段，无法按月评价")
    periods = sorted(p for p in measurements.get_column("period").unique().to_list() if p)
    frames = [
        assess_plan_sections(
            plan, measurements, period, provincial_targets, round_values=round_values
        ).sections.with_columns(pl.lit(period).alias("period"))
        for period in periods
    ]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).sort(["number", "period"])


def section_trends(by_period: pl.DataFrame, indicator: str = "water_class_code") -> pl.DataFrame:
    """Spearman trend (环办〔2011〕22号 §6.3) of each section over its months with data, from
    :func:`section_classes_by_period`; sections with fewer than 5 months get "数据不足"."""
    rows: list[dict[str, Any]] = []
    # One small series per section (at most 22 sections × months): the test itself is per series.
    for (number, section), group in by_period.filter(pl.col("n_samples") > 0).group_by(
        ["number", "section"], maintain_order=True
    ):
        series = group.sort("period").get_column(indicator).cast(pl.Float64).to_numpy()
        if 5 <= series.size <= 30:
            trend = spearman_trend(series)
            rows.append(
                {"number": number, "section": section, "months": trend.n, "rs": round(trend.rs, 3),
                 "wp": trend.wp, "trend": trend.verdict}
            )  # fmt: skip
        else:
            rows.append(
                {"number": number, "section": section, "months": int(series.size), "rs": None,
                 "wp": None, "trend": "数据不足"}
            )  # fmt: skip
    return pl.DataFrame(rows).sort("number") if rows else pl.DataFrame()
