"""Canonical air-monitoring vocabulary shared by the readers, the checks and the Parquet store.

Units [µg/m³], CO [mg/m³]; times are naive local time (UTC+8) and follow the CNEMC hour-end
label: the value labelled 16:00 covers 15:00–16:00.
"""

from __future__ import annotations

import polars as pl

#: The six basic pollutants of GB 3095, in the canonical order of the tables.
POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")

#: Unit of each pollutant in every canonical table (GB 3095 Table 1 units).
UNITS: dict[str, str] = {p: ("mg/m³" if p == "CO" else "µg/m³") for p in POLLUTANTS}

#: Averaging periods:
#: "1h" hourly value; "24h" 24-h moving mean or natural-day mean; "8h" 8-h moving mean (the
#: CNEMC running value is restricted to the natural day); "1h_max_24h" max 1-h value of the last
#: 24 h; "8h_max_day" daily max 8-h mean (or its running value within the day).
AVERAGINGS: tuple[str, ...] = ("1h", "24h", "8h", "1h_max_24h", "8h_max_day")

DATA_VERSIONS: tuple[str, ...] = ("realtime", "audited", "third-party")

SITE_KINDS: tuple[str, ...] = ("station", "city")

#: Primary-pollutant codes in the order they are joined (ties are all listed).
PRIMARY_POLLUTANT_CODES: tuple[str, ...] = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3_1h", "O3_8h")

#: Physical plausibility limits [µg/m³; CO mg/m³]: a value above is rejected as absurd (a unit or
#: typing error), not capped. They sit well above the highest values ever published by the
#: national network (PM10 in dust storms reaches several thousand µg/m³) and above the top
#: HJ 633-2012 breakpoints (SO2 2620 24-h, NO2 3840 1-h, CO 150 1-h, O3 1200 1-h).
PHYSICAL_MAXIMA: dict[str, float] = {
    "SO2": 10_000.0,
    "NO2": 4_000.0,
    "CO": 150.0,
    "O3": 2_000.0,
    "PM10": 20_000.0,
    "PM2.5": 5_000.0,
}

MEASUREMENT_SCHEMA = pl.Schema(
    {
        "site": pl.String(),
        "site_name": pl.String(),
        "site_kind": pl.String(),
        "city": pl.String(),
        "interval_start": pl.Datetime("us"),
        "interval_end": pl.Datetime("us"),
        "pollutant": pl.String(),
        "averaging": pl.String(),
        "value": pl.Float64(),
        "unit": pl.String(),
        "source": pl.String(),
        "data_version": pl.String(),
    }
)

#: Columns every `.published` frame has; formats add their own published fields after these.
PUBLISHED_SCHEMA = pl.Schema(
    {
        "site": pl.String(),
        "interval_end": pl.Datetime("us"),
        "aqi": pl.Int64(),
        "primary_pollutant": pl.String(),
        "primary_pollutant_raw": pl.String(),
        "source": pl.String(),
        "data_version": pl.String(),
    }
)

#: Natural key of a measurement: one value per site, hour, pollutant, averaging and version.
MEASUREMENT_KEY: tuple[str, ...] = (
    "site",
    "interval_end",
    "pollutant",
    "averaging",
    "data_version",
)
PUBLISHED_KEY: tuple[str, ...] = ("site", "interval_end", "data_version")


def empty_measurements() -> pl.DataFrame:
    return pl.DataFrame(schema=MEASUREMENT_SCHEMA)
