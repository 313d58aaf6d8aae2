"""Section (断面) class, status word, colour and main pollutants under 环办〔2011〕22号.

Documents:

* 《地表水环境质量评价办法（试行）》 环办〔2011〕22号 (2011-03-09): §2 indicators (21 items = GB 3838-2002
  Table 1 minus water temperature, total nitrogen, fecal coliform), §3.1 断面水质评价 (single-factor,
  worst class), §3.1 Table 1 status words, §5 主要污染指标 (reference §2.1, §2.3, §2.6).
* 《"十四五"国家地表水监测及评价方案（试行）》 环办监测函〔2020〕714号: the "5+X" evaluation set
  (reference §2.1).
* GB 3838-2002 Table 1 for limits (see :mod:`envplan.standards.water.classify`).

Input frames are wide: one row per section and period, one Float64 column per indicator id of
GB 3838 Table 1 (``ph``, ``do``, ``codmn``, ``nh3n``, ``tp`` …) in the Table 1 units [mg/L], plus a
Boolean ``lake`` column (True for lakes and reservoirs). Missing indicators are null or absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from envplan.standards.water.classify import (
    exceedance_multiple,
    indicator_class,
    round_half_even,
)
from envplan.standards.water.gb3838 import CLASS_LABELS, TABLE_1_BY_ID

#: Id of an indicator set.
IndicatorSetId = Literal["national-2021-5x", "eval-2011-21", "auto-basic"]

#: The five items always evaluated by the automatic stations and the "5+X" set.
BASIC_FIVE: Final[tuple[str, ...]] = ("ph", "do", "codmn", "nh3n", "tp")

#: The 21 evaluation items of 环办〔2011〕22号 §2 (Table 1 without 水温, 总氮, 粪大肠菌群).
EVAL_2011_21: Final[tuple[str, ...]] = (
    "ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "cu", "zn", "fluoride", "se", "as", "hg",
    "cd", "cr6", "pb", "cyanide", "volatile_phenol", "petroleum", "las", "sulfide",
)  # fmt: skip


@dataclass(frozen=True)
class IndicatorSet:
    """A named evaluation set. ``extra`` items enter the class only when they exceed the class-Ⅲ
    limit (or the target class limit for Ⅰ/Ⅱ targets): the "X" of "5+X"."""

    id: str
    name_zh: str
    document: str
    core: tuple[str, ...]
    extra: tuple[str, ...] = ()


#: The indicator sets by id.
INDICATOR_SETS: Final[dict[str, IndicatorSet]] = {
    "eval-2011-21": IndicatorSet(
        "eval-2011-21", "评价办法21项", "环办〔2011〕22号 §2", EVAL_2011_21
    ),
    "national-2021-5x": IndicatorSet(
        "national-2021-5x",
        "国家“5+X”评价指标",
        "环办监测函〔2020〕714号",
        BASIC_FIVE,
        tuple(item for item in EVAL_2011_21 if item not in BASIC_FIVE),
    ),
    "auto-basic": IndicatorSet(
        "auto-basic", "自动站基本指标", "国家地表水水质自动监测站五项", BASIC_FIVE
    ),
}


#: Cyanide and heavy metals (incl. arsenic) listed first when ``priority_toxics`` is set.
PRIORITY_TOXICS: Final[frozenset[str]] = frozenset(
    {"cyanide", "hg", "cd", "cr6", "pb", "cu", "zn", "as"}
)


@dataclass(frozen=True)
class ClassStatus:
    """Status word and colour for a section class (环办〔2011〕22号 §3.1 Table 1, reference §2.3).
    The method names the colours only; the hex values are envplan's choice."""

    label: str
    status: str
    colour_name: str
    colour_hex: str


#: Status word and colour of each class code (环办〔2011〕22号 §3.1).
CLASS_STATUS: Final[dict[int, ClassStatus]] = {
    1: ClassStatus("Ⅰ", "优", "蓝", "#1E78C8"),
    2: ClassStatus("Ⅱ", "优", "蓝", "#1E78C8"),
    3: ClassStatus("Ⅲ", "良好", "绿", "#2EA043"),
    4: ClassStatus("Ⅳ", "轻度污染", "黄", "#E6C229"),
    5: ClassStatus("Ⅴ", "中度污染", "橙", "#F08C00"),
    6: ClassStatus("劣Ⅴ", "重度污染", "红", "#D62728"),
}

_LABEL_OF: Final = dict(enumerate(CLASS_LABELS))


def class_label(codes: pl.Expr) -> pl.Expr:
    """Expression mapping class codes 0..6 [–] to labels ``"" Ⅰ … 劣Ⅴ`` (GB 3838-2002 clause 3).

    Parameters
    ----------
    codes
        Class codes 0..6.

    Returns
    -------
    polars.Expr
        The labels.
    """
    return codes.replace_strict(_LABEL_OF, default="", return_dtype=pl.String)


def class_status(codes: pl.Expr) -> pl.Expr:
    """Status word for class codes [–] (环办〔2011〕22号 §3.1): Ⅰ–Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染, Ⅴ 中度污染,
    劣Ⅴ 重度污染; code 0 (nothing measured) → "".

    Parameters
    ----------
    codes
        Class codes 0..6.

    Returns
    -------
    polars.Expr
        The zh-CN status words.
    """
    mapping = {code: item.status for code, item in CLASS_STATUS.items()}
    return codes.replace_strict(mapping, default="", return_dtype=pl.String)


def class_colour(codes: pl.Expr) -> pl.Expr:
    """Official colour name (蓝/绿/黄/橙/红) for class codes [–] (环办〔2011〕22号 §3.1); 0 → "".

    Parameters
    ----------
    codes
        Class codes 0..6.

    Returns
    -------
    polars.Expr
        The zh-CN colour names.
    """
    mapping = {code: item.colour_name for code, item in CLASS_STATUS.items()}
    return codes.replace_strict(mapping, default="", return_dtype=pl.String)


def _float_column(frame: pl.DataFrame, name: str) -> NDArray[np.float64]:
    if name not in frame.columns:
        return np.full(frame.height, np.nan)
    values: NDArray[np.float64] = (
        frame.get_column(name).cast(pl.Float64).fill_null(np.nan).to_numpy()
    )
    return values


def assess_sections(
    frame: pl.DataFrame,
    *,
    indicator_set: str = "eval-2011-21",
    round_values: bool = True,
    target_column: str | None = None,
    max_main_pollutants: int = 3,
    multiple_decimals: int = 1,
    priority_toxics: bool = False,
) -> pl.DataFrame:
    """Class every row (section × period) of a wide measurement frame.

    Documents: GB 3838-2002 clause 5.1 and Table 1; 环办〔2011〕22号 §2, §3.1, §5; 环办监测函〔2020〕
    714号 for ``national-2021-5x``. Values [mg/L] (pH dimensionless), ``lake`` Boolean column
    (absent → all rivers). ``indicator_set`` is ``eval-2011-21``, ``national-2021-5x`` or
    ``auto-basic``. For 5+X the extra items count when worse than Ⅲ, or worse than the target
    class when ``target_column`` (class codes 1..6) holds a Ⅰ/Ⅱ target.

    Returns the input with ``cls_<id>`` (per indicator, 0 = not measured), ``mul_<id>``
    (超标倍数 vs Ⅲ), ``tn_class`` (total nitrogen of lakes/reservoirs, evaluated separately and
    never part of the class; 0 for rivers), ``water_class`` (0..6; 0 when no indicator of the set
    was measured), ``water_class_label``, ``status``, ``colour`` and ``main_pollutants`` (e.g.
    "总磷(1.2),氨氮(0.4)":
    only for classes worse than Ⅲ, up to ``max_main_pollutants`` items by class then 超标倍数,
    pH/DO without a multiple, multiples rounded half-even to ``multiple_decimals``, a multiple
    that would round to 0 keeps one significant figure, e.g. 0.05). ``priority_toxics`` lists
    exceeding cyanide and heavy metals (:data:`PRIORITY_TOXICS`) first, a rule of the method the
    reference tags [R] (§2.6 item 5); off by default.

    Parameters
    ----------
    frame
        Wide frame, one row per section × period, one column per indicator id [mg/L; pH
        dimensionless], optional ``lake``.
    indicator_set
        ``eval-2011-21``, ``national-2021-5x`` or ``auto-basic``.
    round_values
        Round to the evaluation precision before classing.
    target_column
        Column with target class codes 1..6 (5+X extra items against a Ⅰ/Ⅱ target).
    max_main_pollutants
        Number of main pollutants listed.
    multiple_decimals
        Decimal places of the exceedance multiples.
    priority_toxics
        Put toxic items first among the main pollutants.

    Returns
    -------
    polars.DataFrame
        The input with the class, multiple, status and main-pollutant columns.
    """
    try:
        chosen = INDICATOR_SETS[indicator_set]
    except KeyError:
        raise KeyError(f"unknown indicator set {indicator_set!r}") from None
    lake = (
        frame.get_column("lake").cast(pl.Boolean).fill_null(False).to_numpy()
        if "lake" in frame.columns
        else np.zeros(frame.height, dtype=bool)
    )
    threshold = np.full(frame.height, 3, dtype=np.int8)
    if target_column is not None:
        target = frame.get_column(target_column).cast(pl.Int8).fill_null(3).to_numpy()
        # Ⅰ/Ⅱ targets lower the X threshold to the target; unknown targets (0) keep Ⅲ.
        threshold = np.where(target >= 1, np.clip(target, 1, 3), 3).astype(np.int8)

    class_columns: list[pl.Series] = []
    multiple_columns: list[pl.Series] = []
    counted: list[NDArray[np.int8]] = []
    items = chosen.core + chosen.extra
    for item in items:
        values = _float_column(frame, item)
        codes = indicator_class(item, values, lake=lake, round_values=round_values)
        multiples = exceedance_multiple(item, values, lake=lake, round_values=round_values)
        if item in chosen.core:
            counted_codes = codes
        else:
            counted_codes = np.where(codes > threshold, codes, 0).astype(np.int8)
        class_columns.append(pl.Series(f"cls_{item}", codes, dtype=pl.Int8))
        multiple_columns.append(pl.Series(f"mul_{item}", multiples, dtype=pl.Float64))
        counted.append(counted_codes)
    section = np.max(np.vstack(counted), axis=0).astype(np.int8)
    # Total nitrogen of lakes and reservoirs is evaluated separately and never sets the class.
    tn_codes = indicator_class(
        "tn", _float_column(frame, "tn"), lake=lake, round_values=round_values
    )
    out = frame.with_columns(
        *class_columns,
        *multiple_columns,
        pl.Series("water_class", section, dtype=pl.Int8),
        pl.Series("tn_class", np.where(lake, tn_codes, 0), dtype=pl.Int8),
    ).with_columns(
        class_label(pl.col("water_class")).alias("water_class_label"),
        class_status(pl.col("water_class")).alias("status"),
        class_colour(pl.col("water_class")).alias("colour"),
    )
    pollutants = _main_pollutants(
        section,
        np.vstack(counted).T,
        np.vstack([m.to_numpy() for m in multiple_columns]).T,
        items,
        max_main_pollutants,
        multiple_decimals,
        priority_toxics,
    )
    return out.with_columns(pollutants)


def _main_pollutants(
    section: NDArray[np.int8],
    classes: NDArray[np.int8],
    multiples: NDArray[np.float64],
    items: tuple[str, ...],
    limit: int,
    decimals: int,
    priority_toxics: bool = False,
) -> pl.Series:
    """Main-pollutant label per row (环办〔2011〕22号 §5, reference §2.6): indicators worse than Ⅲ,
    ranked by class (worst first) then 超标倍数 (largest first; pH/DO without a multiple last),
    then Table 1 order. ``classes`` and ``multiples`` are (rows, items) matrices."""
    total_rows = classes.shape[0]
    polluted = np.flatnonzero(section > 3)  # only these rows get a label: filter first
    classes, multiples = classes[polluted], multiples[polluted]
    rows, width = classes.shape
    eligible = classes > 3
    class_key = np.where(eligible, -classes.astype(np.int64), 0)
    multiple_key = np.where(np.isnan(multiples), np.inf, -multiples)
    item_key = np.broadcast_to(np.arange(width), (rows, width))
    toxic = np.array([item in PRIORITY_TOXICS for item in items]) & priority_toxics
    toxic_key = np.where(eligible & toxic[None, :], 0, 1)
    order = np.lexsort((item_key, multiple_key, class_key, toxic_key), axis=-1)[:, :limit]
    picked_item = np.take_along_axis(np.broadcast_to(np.arange(width), (rows, width)), order, 1)
    picked_ok = np.take_along_axis(eligible, order, 1)
    # Half-even to ``decimals``; a multiple that would show as 0 keeps one significant figure.
    picked_mul = round_half_even(np.take_along_axis(multiples, order, 1), decimals)
    names = {index: TABLE_1_BY_ID[item].name_zh for index, item in enumerate(items)}
    parts: list[pl.Expr] = []
    columns: dict[str, object] = {}
    for position in range(picked_item.shape[1]):
        columns[f"item{position}"] = picked_item[:, position]
        columns[f"ok{position}"] = picked_ok[:, position]
        columns[f"mul{position}"] = picked_mul[:, position]
        name = pl.col(f"item{position}").replace_strict(names, return_dtype=pl.String)
        multiple = pl.col(f"mul{position}").fill_nan(None)
        text = multiple.cast(pl.String)
        label = pl.when(multiple.is_null()).then(name).otherwise(pl.format("{}({})", name, text))
        parts.append(pl.when(pl.col(f"ok{position}")).then(label))
    result = np.full(total_rows, "", dtype=object)
    if parts and rows:
        labels = pl.DataFrame(columns).select(
            pl.concat_str(parts, separator=",", ignore_nulls=True).fill_null("")
        )
        result[polluted] = labels.to_series().to_numpy()
    return pl.Series("main_pollutants", result, dtype=pl.String)


def network_main_pollutants(
    assessed: pl.DataFrame, *, limit: int = 3, items: tuple[str, ...] = EVAL_2011_21
) -> list[tuple[str, float]]:
    """Main pollutants of a river, basin or lake with several sections: indicators ranked by
    断面超标率 = sections where the indicator is worse than Ⅲ ÷ classed sections × 100 [%], top
    ``limit`` with a non-zero rate (环办〔2011〕22号 §5, reference §2.6 [R]).

    ``assessed`` is the output of :func:`assess_sections` (uses ``cls_<id>`` and ``water_class``).
    Returns (name_zh, rate %) pairs; ties keep Table 1 order.

    Parameters
    ----------
    assessed
        Assessed sections (:func:`assess_sections`).
    limit
        Number of pollutants returned at most.
    items
        Indicator ids considered.

    Returns
    -------
    list of tuple of (str, float)
        (name_zh, rate [%]) pairs.
    """
    classed = assessed.filter(pl.col("water_class") > 0)
    if classed.height == 0:
        return []
    rates: list[tuple[str, float]] = []
    for item in items:
        column = f"cls_{item}"
        if column not in classed.columns:
            continue
        exceeding = int((classed.get_column(column) > 3).sum())
        if exceeding:
            rates.append((TABLE_1_BY_ID[item].name_zh, exceeding * 100.0 / classed.height))
    rates.sort(key=lambda pair: -pair[1])  # stable: equal rates keep Table 1 order
    return rates[:limit]
