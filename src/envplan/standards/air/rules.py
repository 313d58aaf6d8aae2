"""Air-quality rule sets as dated data: AQI breakpoint tables (HJ 633) and concentration limits
(GB 3095), each with its edition and the dates it is in force.

Breakpoints are stored as integers in the rounding unit of the concentration (µg/m³, or 0.1 mg/m³
for CO) so that the IAQI formula can be evaluated in exact integer arithmetic.

Sources:
- HJ 633-2012 §4.1 Table 1 (breakpoints and notes (1)–(3)), §4.3 Table 2, §6.2; in force 2016-01-01.
- HJ 633-2026 §4.1.1, Table 1, Table 3 (notes a–c), §4.2.2–4.2.6, §5.3; in force 2026-03-01.
- GB 3095-2012 Table 1 (with the 2018 amendment: gases at 298.15 K / 1013.25 hPa from 2018-09-01).
- GB 3095-2026 Table 1 (transitional limits until 2030-12-31, final limits from 2031-01-01), §4.4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

#: Indicator keys of the breakpoint tables ("<pollutant>_<averaging>").
BREAKPOINT_KEYS = (
    "SO2_24h",
    "SO2_1h",
    "NO2_24h",
    "NO2_1h",
    "PM10_24h",
    "CO_24h",
    "CO_1h",
    "O3_1h",
    "O3_8h",
    "PM2.5_24h",
)

#: Pollutants and their decimal places under GB/T 8170 (µg/m³ → integer, CO mg/m³ → 0.1).
POLLUTANT_DECIMALS: MappingProxyType[str, int] = MappingProxyType(
    {"SO2": 0, "NO2": 0, "CO": 1, "O3": 0, "PM10": 0, "PM2.5": 0}
)

#: Order in which primary pollutants are listed (CLI contract of issue 3).
PRIMARY_ORDER = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3_1h", "O3_8h")


@dataclass(frozen=True)
class BreakpointColumn:
    """One column of an IAQI breakpoint table.

    concentrations: breakpoints in the rounding unit (µg/m³, or 0.1 mg/m³ when ``decimals`` = 1).
    indices: the IAQI at each breakpoint (0, 50, 100, …).
    above_top: IAQI when the concentration exceeds the last breakpoint; ``None`` = no IAQI is
    computed (HJ 633-2012 notes (2) and (3)); 500 for full columns (cap, see ``iaqi``).
    """

    key: str
    unit: str
    decimals: int
    concentrations: tuple[int, ...]
    indices: tuple[int, ...]
    above_top: int | None


def _column(key: str, values: tuple[float, ...], above_top: int | None = 500) -> BreakpointColumn:
    decimals = 1 if key.startswith("CO") else 0
    scale = 10**decimals
    return BreakpointColumn(
        key=key,
        unit="mg/m³" if key.startswith("CO") else "µg/m³",
        decimals=decimals,
        concentrations=tuple(round(v * scale) for v in values),
        indices=(0, 50, 100, 150, 200, 300, 400, 500)[: len(values)],
        above_top=above_top,
    )


#: When an incomplete record's AQI is published: ``always`` or only ``above_100``.
PublishRule = Literal["always", "above_100"]


@dataclass(frozen=True)
class AqiRuleSet:
    """An edition of the AQI technical rules (HJ 633).

    code: the name used by ``--rules`` (``hj633-2012``, ``hj633-2026``).
    columns: breakpoint columns by key (see ``BREAKPOINT_KEYS``).
    min_aqi: lower end of the AQI range (HJ 633-2026 §4.1.1: 1–500; HJ 633-2012: 0–500).
    daily_o3_1h_max: the daily report includes the O3 daily maximum 1-h value (2012 §5.1.2: 7
    indicators; 2026 §4.2.2: 6 indicators).
    so2_1h_above_top_uses_24h / o3_8h_above_top_uses_1h: HJ 633-2012 Table 1 notes (2), (3).
    defines_exceeding: 超标污染物 (IAQI > 100) exists (2012 §3.4, §4.4.2; removed in 2026).
    incomplete_publish: when an hour or day lacks an indicator, publish the AQI "always" (computed
    from the others) or only when it is "above_100" (HJ 633-2026 §5.3.1).
    """

    code: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    columns: MappingProxyType[str, BreakpointColumn]
    min_aqi: int
    daily_o3_1h_max: bool
    so2_1h_above_top_uses_24h: bool
    o3_8h_above_top_uses_1h: bool
    defines_exceeding: bool
    incomplete_publish: PublishRule


def _columns(
    pm10: tuple[float, ...], pm25: tuple[float, ...], *, edition_2026: bool
) -> MappingProxyType[str, BreakpointColumn]:
    cols = [
        _column("SO2_24h", (0, 50, 150, 475, 800, 1600, 2100, 2620)),
        _column("SO2_1h", (0, 150, 500, 650, 800), above_top=200 if edition_2026 else None),
        _column("NO2_24h", (0, 40, 80, 180, 280, 565, 750, 940)),
        _column("NO2_1h", (0, 100, 200, 700, 1200, 2340, 3090, 3840)),
        _column("PM10_24h", pm10),
        _column("CO_24h", (0, 2, 4, 14, 24, 36, 48, 60)),
        _column("CO_1h", (0, 5, 10, 35, 60, 90, 120, 150)),
        _column("O3_1h", (0, 160, 200, 300, 400, 800, 1000, 1200)),
        _column("O3_8h", (0, 100, 160, 215, 265, 800), above_top=300 if edition_2026 else None),
        _column("PM2.5_24h", pm25),
    ]
    return MappingProxyType({c.key: c for c in cols})


#: HJ 633-2012 (in force 2016-01-01 – 2026-02-28): Table 1 breakpoints, Table 2 levels.
#:
#: :meta hide-value:
HJ633_2012 = AqiRuleSet(
    code="hj633-2012",
    title="HJ 633-2012 环境空气质量指数（AQI）技术规定（试行）",
    effective_from=dt.date(2016, 1, 1),
    effective_to=dt.date(2026, 2, 28),
    columns=_columns(
        (0, 50, 150, 250, 350, 420, 500, 600),
        (0, 35, 75, 115, 150, 250, 350, 500),
        edition_2026=False,
    ),
    min_aqi=0,
    daily_o3_1h_max=True,
    so2_1h_above_top_uses_24h=True,
    o3_8h_above_top_uses_1h=True,
    defines_exceeding=True,
    # The 2012 text has no rule; the MEE city table of 2019 publishes every incomplete city-hour
    # (1,753 of 1,753). See docs/air.md for the choice and the contrary CNEMC 2022 station-hour.
    incomplete_publish="always",
)

#: HJ 633-2026 (in force from 2026-03-01): Table 3 breakpoints, Table 1 levels.
#:
#: :meta hide-value:
HJ633_2026 = AqiRuleSet(
    code="hj633-2026",
    title="HJ 633-2026 环境空气质量指数（AQI）技术规定",
    effective_from=dt.date(2026, 3, 1),
    effective_to=None,
    columns=_columns(
        (0, 50, 120, 250, 350, 420, 500, 600),
        (0, 35, 60, 115, 150, 250, 350, 500),
        edition_2026=True,
    ),
    min_aqi=1,
    daily_o3_1h_max=False,
    so2_1h_above_top_uses_24h=False,
    o3_8h_above_top_uses_1h=False,
    defines_exceeding=False,
    incomplete_publish="above_100",
)

#: The HJ 633 editions by code.
#:
#: :meta hide-value:
AQI_RULE_SETS: MappingProxyType[str, AqiRuleSet] = MappingProxyType(
    {r.code: r for r in (HJ633_2012, HJ633_2026)}
)


def select_aqi_rules(on: dt.date | None = None, code: str | None = None) -> AqiRuleSet:
    """The HJ 633 edition named by ``code``, else the one in force on the date ``on``.

    HJ 633-2012 is in force 2016-01-01 – 2026-02-28, HJ 633-2026 from 2026-03-01 (HJ 633-2026
    foreword / announcement). Dates before 2016-01-01 get HJ 633-2012 (the only AQI rules that
    exist; earlier API-era data are scored under it when recomputed). Unknown codes raise
    ``ValueError`` with the valid names.

    Parameters
    ----------
    on
        The date of the data (needed when ``code`` is None).
    code
        Edition code (``hj633-2012``, ``hj633-2026``; any case); overrides ``on``.

    Returns
    -------
    AqiRuleSet
        The edition's rules.
    """
    if code is not None:
        try:
            return AQI_RULE_SETS[code.lower()]
        except KeyError:
            raise ValueError(
                f"未知的 AQI 规则版本：{code}（可选：{'、'.join(AQI_RULE_SETS)}）"
            ) from None
    if on is None:
        raise ValueError("须指定数据日期或规则版本")
    return HJ633_2026 if on >= HJ633_2026.effective_from else HJ633_2012


def aqi_rules_by_day(days: pl.Series) -> list[tuple[AqiRuleSet, npt.NDArray[np.intp] | None]]:
    """Which HJ 633 edition applies to which rows, from each row's natural day.

    The edition of a row is the one in force on its day (see :func:`select_aqi_rules`):
    HJ 633-2012 from 2016-01-01 to 2026-02-28, HJ 633-2026 from 2026-03-01. Days before
    2016-01-01 get HJ 633-2012. For hourly data pass the natural day of each hour-end label
    (``statistics.hour_label_day``: the label 2026-03-01 00:00 closes 2026-02-28, so it is
    scored under HJ 633-2012).

    Parameters
    ----------
    days : polars.Series
        Natural day of every row (``Date``, or ``Datetime`` cut to its date), in row order. Only
        the first and last day are read when both select the same edition.

    Returns
    -------
    list of (AqiRuleSet, numpy.ndarray or None)
        One entry per edition present, oldest first; the array holds the positions of that
        edition's rows. A single entry with ``None`` means every row takes that edition (also
        for an empty series, which gets HJ 633-2012).
    """
    first, last = days.min(), days.max()
    if first is None or last is None:
        return [(HJ633_2012, None)]
    first_rules = select_aqi_rules(on=first)  # type: ignore[arg-type]
    if select_aqi_rules(on=last) is first_rules:  # type: ignore[arg-type]
        # Editions are dated: one edition at both ends is the edition of every day between.
        return [(first_rules, None)]
    starts = sorted({r.effective_from for r in AQI_RULE_SETS.values()})
    day_numbers = days.cast(pl.Date).to_numpy().astype("datetime64[D]")
    bins = np.searchsorted(np.array(starts, dtype="datetime64[D]"), day_numbers, side="right")
    parts: list[tuple[AqiRuleSet, npt.NDArray[np.intp] | None]] = []
    for position in np.unique(bins):
        on = starts[max(int(position) - 1, 0)]
        parts.append((select_aqi_rules(on=on), np.flatnonzero(bins == position)))
    return parts


#: GB 3095 items with their statistics: (pollutant, statistic).
LimitKey = tuple[str, str]


@dataclass(frozen=True)
class LimitSet:
    """Concentration limits of one GB 3095 edition/phase [µg/m³; CO mg/m³].

    limits[level][(pollutant, statistic)] with statistic in ``annual``, ``24h``, ``1h``,
    ``8h_max_day`` (O3 daily maximum 8-h mean).
    """

    code: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    limits: MappingProxyType[int, MappingProxyType[LimitKey, float]] = field(repr=False)

    def limit(self, pollutant: str, statistic: str, level: int = 2) -> float | None:
        """Limit of ``pollutant``/``statistic`` at ``level`` (1 or 2) from GB 3095 Table 1 of this
        edition [µg/m³; CO mg/m³]; ``None`` if the table has none (e.g. CO annual).

        Parameters
        ----------
        pollutant
            Pollutant code (``SO2``, ``NO2``, ``CO``, ``O3``, ``PM10``, ``PM2.5``).
        statistic
            Averaging statistic as named in the table (``annual``, ``24h``, ``1h``, ``8h_max_day``).
        level
            Limit class, 1 or 2.

        Returns
        -------
        float or None
            The limit [µg/m³; CO mg/m³].
        """
        return self.limits[level].get((pollutant, statistic))


def _limits(
    rows: dict[LimitKey, tuple[float, float]],
) -> MappingProxyType[int, MappingProxyType[LimitKey, float]]:
    return MappingProxyType(
        {
            1: MappingProxyType({k: v[0] for k, v in rows.items()}),
            2: MappingProxyType({k: v[1] for k, v in rows.items()}),
        }
    )


#: GB 3095-2012 with its 2018 amendment, Table 1 limits [µg/m³; CO mg/m³].
GB3095_2012 = LimitSet(
    code="gb3095-2012",
    title="GB 3095-2012 环境空气质量标准（含 2018 年修改单）",
    effective_from=dt.date(2016, 1, 1),
    effective_to=dt.date(2026, 2, 28),
    limits=_limits(
        {
            ("SO2", "annual"): (20, 60),
            ("SO2", "24h"): (50, 150),
            ("SO2", "1h"): (150, 500),
            ("NO2", "annual"): (40, 40),
            ("NO2", "24h"): (80, 80),
            ("NO2", "1h"): (200, 200),
            ("CO", "24h"): (4, 4),
            ("CO", "1h"): (10, 10),
            ("O3", "8h_max_day"): (100, 160),
            ("O3", "1h"): (160, 200),
            ("PM10", "annual"): (40, 70),
            ("PM10", "24h"): (50, 150),
            ("PM2.5", "annual"): (15, 35),
            ("PM2.5", "24h"): (35, 75),
        }
    ),
)

#: GB 3095-2026 transitional limits (2026-03-01 – 2030-12-31, §4.4) [µg/m³; CO mg/m³].
GB3095_2026_TRANSITIONAL = LimitSet(
    code="gb3095-2026-transitional",
    title="GB 3095-2026 环境空气质量标准（过渡阶段浓度限值，至 2030-12-31）",
    effective_from=dt.date(2026, 3, 1),
    effective_to=dt.date(2030, 12, 31),
    limits=_limits(
        {
            ("SO2", "annual"): (20, 60),
            ("SO2", "24h"): (50, 150),
            ("SO2", "1h"): (150, 500),
            ("NO2", "annual"): (40, 40),
            ("NO2", "24h"): (80, 80),
            ("NO2", "1h"): (200, 200),
            ("CO", "24h"): (4, 4),
            ("CO", "1h"): (10, 10),
            ("O3", "8h_max_day"): (100, 160),
            ("O3", "1h"): (160, 200),
            ("PM10", "annual"): (40, 60),
            ("PM10", "24h"): (50, 120),
            ("PM2.5", "annual"): (15, 30),
            ("PM2.5", "24h"): (35, 60),
        }
    ),
)

#: GB 3095-2026 limits from 2031-01-01 [µg/m³; CO mg/m³].
GB3095_2026_FINAL = LimitSet(
    code="gb3095-2026",
    title="GB 3095-2026 环境空气质量标准（浓度限值，自 2031-01-01）",
    effective_from=dt.date(2031, 1, 1),
    effective_to=None,
    limits=_limits(
        {
            ("SO2", "annual"): (20, 20),
            ("SO2", "24h"): (50, 50),
            ("SO2", "1h"): (150, 150),
            ("NO2", "annual"): (30, 30),
            ("NO2", "24h"): (50, 50),
            ("NO2", "1h"): (200, 200),
            ("CO", "24h"): (4, 4),
            ("CO", "1h"): (10, 10),
            ("O3", "8h_max_day"): (100, 160),
            ("O3", "1h"): (160, 200),
            ("PM10", "annual"): (20, 50),
            ("PM10", "24h"): (50, 100),
            ("PM2.5", "annual"): (10, 25),
            ("PM2.5", "24h"): (25, 50),
        }
    ),
)

#: The GB 3095 limit sets by code.
LIMIT_SETS: MappingProxyType[str, LimitSet] = MappingProxyType(
    {s.code: s for s in (GB3095_2012, GB3095_2026_TRANSITIONAL, GB3095_2026_FINAL)}
)


def select_limits(on: dt.date | None = None, code: str | None = None) -> LimitSet:
    """The GB 3095 limit set named by ``code``, else the one in force on ``on``.

    GB 3095-2012 (+2018 amendment) until 2026-02-28; GB 3095-2026 §4.4: transitional limits
    2026-03-01 – 2030-12-31, the final limits from 2031-01-01. Dates before 2016-01-01 get
    GB 3095-2012. For a period, pass its first day.

    Parameters
    ----------
    on
        The date of the data, for a period its first day (needed when ``code`` is None).
    code
        Limit-set code (``gb3095-2012``, ``gb3095-2026-transitional``, ``gb3095-2026``; any
        case); overrides ``on``.

    Returns
    -------
    LimitSet
        The limits of the edition and phase.
    """
    if code is not None:
        try:
            return LIMIT_SETS[code.lower()]
        except KeyError:
            raise ValueError(
                f"未知的 GB 3095 限值版本：{code}（可选：{'、'.join(LIMIT_SETS)}）"
            ) from None
    if on is None:
        raise ValueError("须指定数据日期或限值版本")
    if on >= GB3095_2026_FINAL.effective_from:
        return GB3095_2026_FINAL
    if on >= GB3095_2026_TRANSITIONAL.effective_from:
        return GB3095_2026_TRANSITIONAL
    return GB3095_2012


@dataclass(frozen=True)
class LevelInfo:
    """One AQI level (HJ 633-2012 Table 2 + Appendix A Table A.1; HJ 633-2026 Table 1)."""

    level: int
    level_name: str
    category: str
    colour_name: str
    rgb: tuple[int, int, int]
    cmyk: tuple[int, int, int, int]
    aqi_low: int
    aqi_high: int | None

    @property
    def hex(self) -> str:
        """The level's colour as ``#rrggbb``."""
        return "#{:02X}{:02X}{:02X}".format(*self.rgb)


#: The six AQI levels with names, categories, colours (RGB, CMYK) and AQI ranges (HJ 633-2012
#: Table 2 and Appendix A Table A.1; HJ 633-2026 Table 1).
AQI_LEVELS: tuple[LevelInfo, ...] = (
    LevelInfo(1, "一级", "优", "绿色", (0, 228, 0), (40, 0, 100, 0), 0, 50),
    LevelInfo(2, "二级", "良", "黄色", (255, 255, 0), (0, 0, 100, 0), 51, 100),
    LevelInfo(3, "三级", "轻度污染", "橙色", (255, 126, 0), (0, 52, 100, 0), 101, 150),
    LevelInfo(4, "四级", "中度污染", "红色", (255, 0, 0), (0, 100, 100, 0), 151, 200),
    LevelInfo(5, "五级", "重度污染", "紫色", (153, 0, 76), (10, 100, 40, 30), 201, 300),
    LevelInfo(6, "六级", "严重污染", "褐红色", (126, 0, 35), (30, 100, 100, 30), 301, None),
)


@dataclass(frozen=True)
class WarningRuleSet:
    """Heavy-pollution warning thresholds on a forecast daily AQI series.

    Default: 环办大气函〔2018〕875号 / 〔2019〕648号 unified thresholds (as in local plans, e.g. the
    Xinzhou reply of 2021-03-16): yellow = AQI > 200 for ≥ 2 days; orange = > 200 for ≥ 3 days;
    red = > 200 for ≥ 4 days and > 300 for ≥ 2 days, or AQI reaching 500. Local plans may be
    stricter: build another instance.
    """

    code: str = "warning-2019"
    heavy_threshold: int = 200
    severe_threshold: int = 300
    yellow_days: int = 2
    orange_days: int = 3
    red_days: int = 4
    red_severe_days: int = 2
    red_any_aqi: int = 500


#: Warning thresholds of 环办大气函〔2019〕648号 (yellow: AQI > 200 on 2 days, orange: 3, red: 4
#: with AQI > 300 on 2 of them, or any AQI ≥ 500).
WARNING_2019 = WarningRuleSet()
