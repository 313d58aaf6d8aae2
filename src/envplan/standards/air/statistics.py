"""Concentration statistics and their validity: daily means, O3 8-h moving means and daily
maximum, HJ 663 percentiles, period statistics, compliance and exceedance multiples.

Frames (Polars):

- hourly (wide): ``site`` (str), ``interval_end`` (Datetime, CNEMC hour-end label: the value
  labelled 16:00 covers 15:00–16:00), 1-h values ``SO2 NO2 CO O3 PM10 PM2.5`` (Float64, null =
  missing) [µg/m³; CO mg/m³].
- daily: ``site``, ``date``, 24-h means ``SO2 NO2 CO PM10 PM2.5``, ``O3_8h_max`` (daily maximum 8-h
  mean), ``O3_1h_max``, each null when invalid, rounded by GB/T 8170 [µg/m³; CO mg/m³].

Sources: GB 3095-2012 §3 (definitions), §7 Table 4 and GB 3095-2026 §3.7–3.13, §6.4 Table 4
(validity); HJ 663-2013 §5, §6 and Appendix A (statistics, percentiles); GB/T 8170-2008 (rounding).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from envplan.standards.air.rounding import round_gbt8170, round_half_even_scaled
from envplan.standards.air.rules import POLLUTANT_DECIMALS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: GB 3095 Table 4 minimums (identical in the 2012 and 2026 editions).
MIN_HOURS_PER_DAY = 20
#: Valid hours an 8-h moving mean needs (of 8).
MIN_HOURS_PER_8H = 6
#: Valid 8-h windows the O3 daily maximum needs (of 17; HJ 663-2013 Appendix A).
MIN_O3_8H_WINDOWS = 14
#: Valid daily values a month needs (February: ``MIN_DAYS_FEBRUARY``).
MIN_DAYS_PER_MONTH = 27
#: Valid daily values February needs.
MIN_DAYS_FEBRUARY = 25
#: Valid daily values a calendar year needs.
MIN_DAYS_PER_YEAR = 324

#: Pollutants with a 24-h mean in the daily frame.
DAILY_MEAN_POLLUTANTS = ("SO2", "NO2", "CO", "PM10", "PM2.5")
#: The six pollutants of the hourly frame.
HOURLY_POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")


def gbt8170_expr(expr: pl.Expr, decimals: int) -> pl.Expr:
    """GB/T 8170-2008 §3.2 round half to even on the decimal value, as a Polars expression
    [units of the input]. Binary noise below 1e-6 of the last kept digit is removed first so that
    decimal ties (2.675) are treated as ties.

    Parameters
    ----------
    expr
        The values to round [any unit].
    decimals
        Decimal places kept.

    Returns
    -------
    polars.Expr
        The rounded values [unit of the input].
    """
    scale = 10.0**decimals
    # The final round(decimals) returns the double nearest the decimal result (606 / 100 may
    # otherwise come out as 6.0600000000000005).
    rounded = ((expr * scale).round(6).round(0, mode="half_to_even") / scale).round(decimals)
    return rounded.alias(expr.meta.output_name())


def _decimals(column: str) -> int:
    return POLLUTANT_DECIMALS.get(column.split("_")[0], 0)


def hour_label_day(interval_end: pl.Expr) -> pl.Expr:
    """Natural day of an hour-end label (GB 3095-2012 §3; CNEMC convention): the hours labelled
    01:00 … 24:00 of day D belong to D, and 24:00 is stored as 00:00 of D+1 (HJ 633-2012 §5.1.2:
    the 24 hours before midnight).

    Parameters
    ----------
    interval_end
        Hour-end labels (Datetime).

    Returns
    -------
    polars.Expr
        The natural day (Date) each hour belongs to.
    """
    return (interval_end - pl.duration(hours=1)).dt.date()


def complete_hourly_grid(hourly: pl.DataFrame) -> pl.DataFrame:
    """Insert a null row for every missing hour of each site between its first and last label,
    so that moving means count absent rows as missing hours (GB 3095 Table 4 counts valid hours;
    openair#271 pitfall). The grid spans whole natural days (GB 3095-2012 §3): from 01:00 of the
    first day to 24:00 (next day 00:00) of the last. Values keep their units.

    Parameters
    ----------
    hourly
        Wide hourly frame (``site``, ``interval_end``, pollutant columns) [µg/m³; CO mg/m³].

    Returns
    -------
    polars.DataFrame
        The same columns, one row per site and hour of the grid, sorted by site and hour.
    """
    day = hour_label_day(pl.col("interval_end"))
    bounds = hourly.group_by("site").agg(day.min().alias("_first"), day.max().alias("_last"))
    edges = pl.concat(
        [
            bounds.select(
                "site",
                (pl.col("_first").cast(pl.Datetime("us")) + pl.duration(hours=1)).alias(
                    "interval_end"
                ),
            ),
            bounds.select(
                "site",
                (pl.col("_last").cast(pl.Datetime("us")) + pl.duration(days=1)).alias(
                    "interval_end"
                ),
            ),
        ]
    ).with_columns(pl.col("interval_end").cast(hourly.schema["interval_end"]))
    missing_edges = edges.join(
        hourly.select("site", "interval_end"), on=["site", "interval_end"], how="anti"
    )
    with_edges = pl.concat([hourly, missing_edges], how="diagonal_relaxed")
    return (
        with_edges.sort("site", "interval_end")
        .upsample("interval_end", every="1h", group_by="site", maintain_order=True)
        .with_columns(pl.col("site").forward_fill())
    )


def o3_8h_moving(hourly: pl.DataFrame, *, min_hours: int = MIN_HOURS_PER_8H) -> pl.DataFrame:
    """O3 8-h moving mean labelled by its last hour: mean of the hours labelled t−7 … t, valid
    with ≥ ``min_hours`` valid hours of 8 (GB 3095-2012 Table 4; GB 3095-2026 §3.8, Table 4)
    [µg/m³]. Returns the completed hourly grid with column ``O3_8h`` (null when invalid; not
    rounded).

    Parameters
    ----------
    hourly
        Wide hourly frame with ``site``, ``interval_end`` and ``O3`` [µg/m³].
    min_hours
        Valid hours needed by an 8-h window (6).

    Returns
    -------
    polars.DataFrame
        The completed hourly grid with ``O3_8h`` [µg/m³].
    """
    grid = complete_hourly_grid(hourly)
    return grid.with_columns(
        pl.col("O3").rolling_mean(window_size=8, min_samples=min_hours).over("site").alias("O3_8h")
    )


@dataclass(frozen=True)
class HourlyCube:
    """Hourly values on a dense grid: ``values[pollutant]`` has shape (sites, hours) [µg/m³; CO
    mg/m³], NaN = missing. Column 0 is the hour labelled 01:00 of ``first_day`` (covering
    00:00–01:00), and ``hours`` is a whole number of natural days (labels 01:00 … 24:00)."""

    sites: tuple[str, ...]
    first_day: dt.date
    hours: int
    values: dict[str, FloatArray]

    @property
    def days(self) -> int:
        """Number of natural days on the grid (``hours`` // 24)."""
        return self.hours // 24

    def day_matrix(self, pollutant: str) -> FloatArray:
        """(sites × days, 24) view [input units]: one row per site-day, columns = the hours
        labelled 01:00 … 24:00 of the natural day (GB 3095-2012 §3 daily mean definition).

        Parameters
        ----------
        pollutant
            Pollutant column of ``values``.

        Returns
        -------
        FloatArray
            The (sites × days, 24) matrix.
        """
        return self.values[pollutant].reshape(len(self.sites) * self.days, 24)


def run_starts(column: pl.Series) -> pl.Series:
    """Rows where a value differs from the previous row's (cheap on frames grouped by site).
    Data shaping only (no standard clause); units not applicable.

    Parameters
    ----------
    column
        Any column.

    Returns
    -------
    polars.Series
        Boolean, True on the first row and wherever the value changes.
    """
    return column.ne_missing(column.shift(1)).fill_null(True)


def _site_codes(site: pl.Series) -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    """Sorted distinct sites and each row's position among them. Frames grouped by site (the
    usual layout) are coded from their runs without hashing every row."""
    starts = run_starts(site)
    run_sites = site.filter(starts).to_list()
    sites = tuple(sorted(set(run_sites)))
    if len(run_sites) == len(sites):
        rank = {name: i for i, name in enumerate(sites)}
        run_code = np.asarray([rank[name] for name in run_sites], dtype=np.int64)
        return sites, run_code[starts.cum_sum().to_numpy() - 1]
    codes = site.cast(pl.Enum(list(sites))).to_physical().cast(pl.Int64).to_numpy()
    return sites, codes


def hourly_cube(hourly: pl.DataFrame, pollutants: Sequence[str] = HOURLY_POLLUTANTS) -> HourlyCube:
    """Scatter a wide hourly frame onto a dense site × hour grid spanning whole natural days
    (GB 3095-2012 §3: a day = the hours labelled 01:00 … 24:00).

    Parameters
    ----------
    hourly
        ``site``, ``interval_end`` (hour-end labels) and the pollutant columns [µg/m³; CO mg/m³].
    pollutants
        Columns put on the grid.

    Returns
    -------
    HourlyCube
        Sites sorted; NaN = missing hour. Duplicate (site, hour) rows: the last one wins. A frame
        that already is the grid (each site-hour once, in site then hour order) is reshaped
        without copying: its arrays are then read-only views of the frame's columns.
    """
    ends = hourly["interval_end"]
    if ends.len() == 0 or ends.null_count() == ends.len():
        return HourlyCube((), dt.date(1970, 1, 1), 0, {p: np.empty((0, 0)) for p in pollutants})
    first, last = pl.select(hour_label_day(pl.lit(pl.Series([ends.min(), ends.max()])))).to_series()
    hours = ((last - first).days + 1) * 24
    origin = dt.datetime.combine(first, dt.time(1))
    sites, site_codes = _site_codes(hourly["site"])
    positions = (
        site_codes * hours
        + hourly.select((pl.col("interval_end") - pl.lit(origin)).dt.total_hours())
        .to_series()
        .to_numpy()
    )
    size = len(sites) * hours
    # A frame that already is the grid (every site-hour once, in site then hour order: the
    # usual national layout) is reshaped without a scatter (read-only views of the columns).
    dense = len(positions) == size and bool(np.all(np.diff(positions) == 1))
    if len(positions):
        dense = dense and int(positions[0]) == 0
    values: dict[str, FloatArray] = {}
    for pollutant in pollutants:
        column = hourly[pollutant].cast(pl.Float64).to_numpy()
        if dense:
            grid = column
        else:
            grid = np.full(size, np.nan)
            grid[positions] = column
        values[pollutant] = grid.reshape(len(sites), hours)
    return HourlyCube(sites, first, hours, values)


def mean_of_groups(cube: HourlyCube, members: Mapping[str, Sequence[str]]) -> HourlyCube:
    """Hourly arithmetic mean of the valid values of each group's sites (a city = mean of its
    assessment stations; air-standards.md §3.4, HJ 663) [units of the input]. ``members`` maps a
    group name to site codes; sites absent from the cube are ignored; a group-hour with no valid
    station value is NaN.

    Parameters
    ----------
    cube
        Hourly values of the sites [µg/m³; CO mg/m³].
    members
        Group name → its site codes.

    Returns
    -------
    HourlyCube
        One row per group with a site in the cube (groups sorted), on the same hours.
    """
    index = {site: i for i, site in enumerate(cube.sites)}
    groups = sorted(g for g, sites in members.items() if any(s in index for s in sites))
    if not groups:
        empty = {p: np.empty((0, cube.hours)) for p in cube.values}
        return HourlyCube((), cube.first_day, cube.hours, empty)
    order = [index[s] for g in groups for s in members[g] if s in index]
    sizes = [sum(1 for s in members[g] if s in index) for g in groups]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    values: dict[str, FloatArray] = {}
    for pollutant, grid in cube.values.items():
        ordered = grid[order]  # a copy: zero its NaN in place
        valid = ~np.isnan(ordered)
        np.nan_to_num(ordered, copy=False, nan=0.0)
        sums = np.add.reduceat(ordered, starts, axis=0)
        counts = np.add.reduceat(valid, starts, axis=0, dtype=np.int32)
        with np.errstate(invalid="ignore", divide="ignore"):
            values[pollutant] = np.where(counts > 0, sums / counts, np.nan)
    return HourlyCube(tuple(groups), cube.first_day, cube.hours, values)


def cube_to_frame(cube: HourlyCube) -> pl.DataFrame:
    """Wide hourly frame (``site``, ``interval_end`` hour-end labels per GB 3095 §3 / CNEMC,
    pollutant columns [µg/m³; CO mg/m³]) of a cube's non-empty site-hours. Data shaping only.

    Parameters
    ----------
    cube
        Hourly values on the grid [µg/m³; CO mg/m³].

    Returns
    -------
    polars.DataFrame
        The wide hourly frame.
    """
    origin = np.datetime64(dt.datetime.combine(cube.first_day, dt.time(1)), "us")
    times = origin + np.arange(cube.hours).astype("timedelta64[h]").astype("timedelta64[us]")
    frame = pl.DataFrame(
        {
            "site": pl.Series(
                np.repeat(np.asarray(cube.sites, dtype=object), cube.hours), dtype=pl.String
            ),
            "interval_end": np.tile(times, len(cube.sites)),
            **{p: v.reshape(-1) for p, v in cube.values.items()},
        }
    )
    pollutants = list(cube.values)
    return frame.with_columns(pl.col(pollutants).fill_nan(None)).filter(
        pl.any_horizontal(pl.col(pollutants).is_not_null())
    )


def daily_mean(
    day_hours: FloatArray, *, min_hours: int = MIN_HOURS_PER_DAY
) -> tuple[FloatArray, IntArray]:
    """24-h mean of each row of a (days, 24) matrix of 1-h values and its count of valid hours;
    NaN where fewer than ``min_hours`` = 20 (GB 3095-2012 Table 4; GB 3095-2026 §6.4 Table 4)
    [units of the input; not rounded].

    Parameters
    ----------
    day_hours
        (days, 24) matrix of 1-h values [µg/m³; CO mg/m³], NaN = missing.
    min_hours
        Valid hours needed by a daily mean (20).

    Returns
    -------
    tuple of (FloatArray, IntArray)
        The 24-h means and the counts of valid hours.
    """
    valid = ~np.isnan(day_hours)
    counts = valid.sum(axis=1)
    sums = np.sum(day_hours, axis=1, where=valid)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts >= min_hours, sums / counts, np.nan)
    return means, counts


def daily_max_1h(day_hours: FloatArray, *, min_hours: int = MIN_HOURS_PER_DAY) -> FloatArray:
    """Maximum 1-h value of each day (HJ 633-2012 §5.1.2 O3 日最大1小时平均), NaN with fewer than
    ``min_hours`` valid hours (an assumption: GB 3095 Table 4 names no minimum) [input units].

    Parameters
    ----------
    day_hours
        (days, 24) matrix of 1-h values [µg/m³], NaN = missing.
    min_hours
        Valid hours needed by a daily maximum.

    Returns
    -------
    FloatArray
        The daily maxima [µg/m³].
    """
    valid = ~np.isnan(day_hours)
    counts = valid.sum(axis=1)
    maxima = np.max(day_hours, axis=1, where=valid, initial=-np.inf)
    return np.where(counts >= min_hours, maxima, np.nan)


def o3_daily_max_8h(
    day_hours: FloatArray,
    *,
    min_hours: int = MIN_HOURS_PER_8H,
    min_windows: int = MIN_O3_8H_WINDOWS,
    limit: float | None = None,
) -> tuple[FloatArray, IntArray]:
    """O3 daily maximum 8-h mean of each day and its number of valid 8-h windows.

    GB 3095-2012 / 2026 §3: 8-h mean = mean of 8 consecutive hours, valid with ≥ ``min_hours`` = 6
    (Table 4); HJ 663-2013 Appendix A: the daily maximum uses the 17 windows ending 08:00 … 24:00
    of the same day and needs ≥ ``min_windows`` = 14 valid ones; with fewer it stands only when it
    exceeds ``limit`` (None = never).

    Parameters
    ----------
    day_hours
        (days, 24) matrix of 1-h O3 values [µg/m³], columns = labels 01:00 … 24:00, NaN = missing.
    min_hours
        Valid hours needed by an 8-h window (6).
    min_windows
        Valid windows needed by the daily maximum (14).
    limit
        Level-2 8-h limit [µg/m³] above which a maximum with fewer windows stands; None = never.

    Returns
    -------
    tuple[FloatArray, IntArray]
        Daily maximum 8-h mean [µg/m³; not rounded; NaN when invalid] and valid windows per day.
    """
    valid = ~np.isnan(day_hours)
    rows = day_hours.shape[0]
    # running sums and counts with a leading zero column, written in place (few allocations:
    # this runs on every site-day of the network); counts fit int16 (≤ 24)
    sums = np.zeros((rows, 25))
    np.cumsum(np.where(valid, day_hours, 0.0), axis=1, out=sums[:, 1:])
    counts = np.zeros((rows, 25), dtype=np.int16)
    np.cumsum(valid, axis=1, dtype=np.int16, out=counts[:, 1:])
    means = sums[:, 8:25] - sums[:, 0:17]  # window sums, windows ending at labels 08 … 24
    window_counts = counts[:, 8:25] - counts[:, 0:17]
    ok = window_counts >= min_hours
    np.divide(means, window_counts, out=means, where=ok)
    means[~ok] = -np.inf
    n_windows = ok.sum(axis=1)
    maxima = means.max(axis=1)
    keep = n_windows >= min_windows
    if limit is not None:
        keep |= (n_windows > 0) & (round_half_even_scaled(maxima, 0) > limit)
    return np.where(keep & (n_windows > 0), maxima, np.nan), n_windows


def daily_statistics_from_cube(
    cube: HourlyCube,
    *,
    min_hours: int = MIN_HOURS_PER_DAY,
    min_o3_windows: int = MIN_O3_8H_WINDOWS,
    o3_8h_limit: float | None = None,
) -> pl.DataFrame:
    """Daily statistics [µg/m³; CO mg/m³] of every site-day of an ``HourlyCube``: GB 3095-2012
    Table 4 / GB 3095-2026 §6.4 Table 4 validity, HJ 663-2013 Appendix A O3 daily maximum 8-h,
    GB/T 8170 rounding; see ``daily_statistics`` for the columns.

    Parameters
    ----------
    cube
        Hourly values of the sites [µg/m³; CO mg/m³].
    min_hours
        Valid hours needed by a 24-h mean (20).
    min_o3_windows
        Valid 8-h windows needed by the O3 daily maximum 8-h mean (14).
    o3_8h_limit
        O3 8-h limit [µg/m³] above which a maximum of fewer windows stands (None = never).

    Returns
    -------
    polars.DataFrame
        The daily frame, one row per site-day.
    """
    n_days = cube.days
    dates = np.arange(n_days, dtype="timedelta64[D]") + np.datetime64(cube.first_day, "D")
    columns: dict[str, Any] = {
        "site": pl.Series(np.repeat(np.asarray(cube.sites, dtype=object), n_days), dtype=pl.String),
        "date": pl.Series(np.tile(dates, len(cube.sites))).cast(pl.Date),
    }
    counts: dict[str, IntArray] = {}
    for p in DAILY_MEAN_POLLUTANTS:
        means, counts[p] = daily_mean(cube.day_matrix(p), min_hours=min_hours)
        columns[p] = round_gbt8170(means, _decimals(p))
    o3 = cube.day_matrix("O3")
    mda8, windows = o3_daily_max_8h(o3, min_windows=min_o3_windows, limit=o3_8h_limit)
    columns["O3_8h_max"] = round_gbt8170(mda8, 0)
    columns["O3_1h_max"] = round_gbt8170(daily_max_1h(o3, min_hours=min_hours), 0)
    for p in DAILY_MEAN_POLLUTANTS:
        columns[f"hours_{p}"] = counts[p]
    columns["hours_O3"] = (~np.isnan(o3)).sum(axis=1)
    columns["o3_8h_windows"] = windows
    frame = pl.DataFrame(columns)
    value_columns = [*DAILY_MEAN_POLLUTANTS, "O3_8h_max", "O3_1h_max"]
    return frame.with_columns(pl.col(value_columns).fill_nan(None))


def daily_statistics(
    hourly: pl.DataFrame,
    *,
    min_hours: int = MIN_HOURS_PER_DAY,
    min_o3_windows: int = MIN_O3_8H_WINDOWS,
    o3_8h_limit: float | None = None,
) -> pl.DataFrame:
    """Daily statistics per site and natural day from 1-h values [µg/m³; CO mg/m³].

    - 24-h means of SO2, NO2, CO, PM10, PM2.5 (GB 3095-2012 Table 4, GB 3095-2026 Table 4: valid
      with ≥ ``min_hours`` = 20 hourly values of the day).
    - ``O3_8h_max``: maximum of the 8-h moving means labelled 08:00 … 24:00 of the day (17 windows
      inside the day; HJ 663-2013 Appendix A), each valid with ≥ 6 of 8 hours; the maximum is valid
      with ≥ ``min_o3_windows`` = 14 valid windows, or, when fewer, if it already exceeds
      ``o3_8h_limit`` (HJ 663-2013 §6 exception; not applied when ``o3_8h_limit`` is None).
    - ``O3_1h_max``: maximum valid 1-h O3 of the day, valid with ≥ ``min_hours`` hours (an
      assumption: GB 3095 Table 4 names no minimum for it).

    Values are rounded by GB/T 8170 (integers; CO 1 decimal) and null when invalid. Count columns
    ``hours_<pollutant>`` and ``o3_8h_windows`` give the data capture. Every site gets a row for
    every day between the first and the last day of the data.

    Parameters
    ----------
    hourly
        Wide hourly frame (``site``, ``interval_end``, pollutant columns) [µg/m³; CO mg/m³].
    min_hours
        Valid hours needed by a 24-h mean (20).
    min_o3_windows
        Valid 8-h windows needed by the O3 daily maximum 8-h mean (14).
    o3_8h_limit
        O3 8-h limit [µg/m³] above which a maximum of fewer windows stands (None = never).

    Returns
    -------
    polars.DataFrame
        The daily frame, one row per site-day.
    """
    cube = hourly_cube(hourly.select("site", "interval_end", *HOURLY_POLLUTANTS))
    return daily_statistics_from_cube(
        cube, min_hours=min_hours, min_o3_windows=min_o3_windows, o3_8h_limit=o3_8h_limit
    )
