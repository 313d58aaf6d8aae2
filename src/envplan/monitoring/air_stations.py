"""Station catalog: station code → name, city and position, to complete layouts that carry only
codes (the quotsoft ``china_sites`` files).

The bundled catalog is taken from the real CNEMC live file of all 44 Shanxi national stations
(`bundled/air/cnemc-live-shanxi-stations-2022-01-01T00.csv`), which covers Jincheng's five
stations (2160A–2163A, 2165A). A caller may pass any frame with the same columns.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from envplan.monitoring.air_bundled import bundled_air_file

STATION_CATALOG_SCHEMA = pl.Schema(
    {
        "site": pl.String(),
        "site_name": pl.String(),
        "city": pl.String(),
        "longitude": pl.Float64(),
        "latitude": pl.Float64(),
    }
)

_CATALOG_SOURCE = "cnemc-live-shanxi-stations-2022-01-01T00.csv"


@lru_cache(maxsize=1)
def _bundled_catalog() -> pl.DataFrame:
    frame = pl.read_csv(bundled_air_file(_CATALOG_SOURCE), infer_schema=False)
    return frame.select(
        pl.col("stationcode").str.strip_chars().alias("site"),
        pl.col("positionname").str.strip_chars().alias("site_name"),
        pl.col("area").str.strip_chars().alias("city"),
        pl.col("longitude").cast(pl.Float64),
        pl.col("latitude").cast(pl.Float64),
    ).unique("site", keep="first")


def bundled_station_catalog() -> pl.DataFrame:
    """The 44 Shanxi national stations (CNEMC, 2022): `STATION_CATALOG_SCHEMA`."""
    return _bundled_catalog().clone()


def fill_station_attributes(measurements: pl.DataFrame, catalog: pl.DataFrame) -> pl.DataFrame:
    """Fill empty `site_name` / `city` of station rows from the catalog (file values win)."""
    lookup = catalog.select(
        "site",
        pl.col("site_name").alias("_catalog_name"),
        pl.col("city").alias("_catalog_city"),
    ).unique("site", keep="first")
    station = pl.col("site_kind") == "station"
    return (
        measurements.join(lookup, on="site", how="left", maintain_order="left")
        .with_columns(
            site_name=pl.when(station)
            .then(pl.coalesce("site_name", "_catalog_name"))
            .otherwise(pl.col("site_name")),
            city=pl.when(station)
            .then(pl.coalesce("city", "_catalog_city"))
            .otherwise(pl.col("city")),
        )
        .drop("_catalog_name", "_catalog_city")
    )
