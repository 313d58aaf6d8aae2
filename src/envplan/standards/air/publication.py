"""When CNEMC publishes a station-hour AQI: the platform's practice and the standard's text.

Two rule sets, dated and cited, chosen by data date (hour-end label − 1 h, so the label
2026-03-01 00:00, hour 24 of 02-28, still falls under HJ 633-2012):

- ``standard``: the edition's text — HJ 633-2012 (no rule for incomplete hours; envplan publishes
  them, see `rules.HJ633_2012.incomplete_publish`), HJ 633-2026 §5.3.1 (an incomplete hour is
  published only when its AQI > 100);
- ``published`` (default): what the national live platform publishes, derived from
  tests/data/air/cnemc-live-national-2026-02-28_2026-03-01.csv.gz (76,800 station-hours, the
  last day of HJ 633-2012 and the first of HJ 633-2026; counts in docs/monitoring-air.md):
  rule P1 — an item written ``/`` is not reported at that station and is left out of its set
  (CNEMC still publishes the AQI of the others); rule P2 — a missing (``NA``) PM10 alone does not
  stop publication; rule P3 — any other missing item does, unless the AQI of the items present
  exceeds 100 (in both editions, as HJ 633-2026 §5.3.1 writes for 2026). Agreement 76,574 /
  76,800 station-hours (99.71 %); the standard's text agrees on 69,642 (90.68 %).

Pure functions on NumPy arrays; no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from envplan.standards.air.rules import HJ633_2012, HJ633_2026, AqiRuleSet

#: The six hourly items in the order of `aqi.hourly_aqi`'s arguments.
HOURLY_ITEMS: tuple[str, ...] = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")

#: Modes of :func:`publication_decision`: the platforms' ``published`` practice or the ``standard`` text.
RULE_MODES: tuple[str, ...] = ("published", "standard")


@dataclass(frozen=True)
class PublicationRules:
    """One publication rule set (see the module docstring for the rules and their source)."""

    code: str
    title: str
    source: str
    effective_from: dt.date
    effective_to: dt.date | None
    #: ``/`` = the item is not part of the station's set (rule P1); False: it counts as missing.
    unreported_is_absent: bool
    #: items whose absence alone still lets the hour be published (rule P2)
    may_be_missing: tuple[str, ...]
    #: an incomplete hour is published when its AQI exceeds this (None: never)
    incomplete_above: int | None


#: The national real-time platform's publication practice, inferred from its published data.
PUBLISHED_CNEMC = PublicationRules(
    code="cnemc-live-2026",
    title="国家城市空气质量实时发布平台的发布做法（由官方发布数据归纳）",
    source=(
        "CNEMC 实时发布数据 2026-02-28/03-01 全部 1,600 个国控站（StorywithLove/workflow 存档，"
        "tests/data/air/cnemc-live-national-2026-02-28_2026-03-01.csv.gz）"
    ),
    effective_from=dt.date(2026, 2, 28),
    effective_to=None,
    unreported_is_absent=True,
    may_be_missing=("PM10",),
    incomplete_above=100,
)


def edition_for_labels(labels: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where an hour-end label falls under HJ 633-2026 (label − 1 h on or after 2026-03-01).

    HJ 633-2026 takes effect 2026-03-01; the hour labelled 2026-03-01 00:00 covers 23:00–24:00
    of 02-28 and is still computed by HJ 633-2012 (CNEMC's own practice, tests/data/README.md).

    Parameters
    ----------
    labels
        Hour-end labels (``datetime64``).

    Returns
    -------
    numpy.ndarray of bool
        True where HJ 633-2026 applies.
    """
    ends = np.asarray(labels, dtype="datetime64[us]")
    switch = np.datetime64(HJ633_2026.effective_from.isoformat(), "us")
    return bool_array(ends - np.timedelta64(1, "h") >= switch)


def bool_array(values: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """``values`` as a NumPy bool array (a scalar becomes a 0-d array).

    Parameters
    ----------
    values
        Values read as booleans.

    Returns
    -------
    numpy.ndarray of bool
        The array.
    """
    return np.asarray(values, dtype=np.bool_)


def edition_rules(is_2026: bool) -> AqiRuleSet:
    """The AQI rule set of HJ 633-2026 when ``is_2026``, else of HJ 633-2012.

    Parameters
    ----------
    is_2026
        True for HJ 633-2026.

    Returns
    -------
    AqiRuleSet
        The edition's rule set.
    """
    return HJ633_2026 if is_2026 else HJ633_2012


def publication_decision(
    aqi: npt.ArrayLike,
    missing: Mapping[str, npt.ArrayLike],
    unreported: Mapping[str, npt.ArrayLike],
    *,
    is_2026: npt.ArrayLike,
    mode: str = "published",
    rules: PublicationRules = PUBLISHED_CNEMC,
) -> npt.NDArray[np.bool_]:
    """Whether each station-hour's AQI is published.

    ``aqi`` [dimensionless, NaN = no sub-index at all]; ``missing[item]`` True where the 1-h value
    is absent (``NA``/empty), ``unreported[item]`` True where it is written ``/``; ``is_2026``
    from :func:`edition_for_labels`. ``mode`` is ``published`` (``rules``) or ``standard``
    (HJ 633-2012: always when any sub-index exists; HJ 633-2026 §5.3.1: complete, or AQI > 100).

    Parameters
    ----------
    aqi
        AQI per station-hour [dimensionless]; NaN = no sub-index at all.
    missing
        By item code: True where the 1-h value is absent (``NA`` or empty).
    unreported
        By item code: True where the 1-h value is written ``/``.
    is_2026
        True where HJ 633-2026 applies (:func:`edition_for_labels`).
    mode
        ``published`` (the platforms' practice, ``rules``) or ``standard`` (the edition's text).
    rules
        The publication rule set used in ``published`` mode.

    Returns
    -------
    numpy.ndarray of bool
        True where the AQI is published.
    """
    value = np.asarray(aqi, dtype=np.float64)
    has_index = ~np.isnan(value)
    n = value.shape[0]
    if mode not in RULE_MODES:
        raise ValueError(f"未知的发布规则：{mode}（可选：{'、'.join(RULE_MODES)}）")
    gone = {item: bool_array(missing.get(item, np.zeros(n))) for item in HOURLY_ITEMS}
    slash = {item: bool_array(unreported.get(item, np.zeros(n))) for item in HOURLY_ITEMS}
    new = bool_array(is_2026)
    if mode == "standard":
        absent = np.any([gone[i] | slash[i] for i in HOURLY_ITEMS], axis=0)
        above = np.nan_to_num(value, nan=0.0) > 100
        return has_index & np.where(new, ~absent | above, True)
    blocking = np.zeros(n, dtype=np.bool_)
    for item in HOURLY_ITEMS:
        if item in rules.may_be_missing:
            continue
        lost = gone[item] if rules.unreported_is_absent else gone[item] | slash[item]
        blocking |= lost
    if rules.incomplete_above is not None:
        blocking &= ~(np.nan_to_num(value, nan=0.0) > rules.incomplete_above)
    return has_index & ~blocking
