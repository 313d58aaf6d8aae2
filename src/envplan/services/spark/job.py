"""The cluster entry: run the air chain on Spark over a platform store and write the result
beside it, where the embedded platform reads it (``monitoring.timeseries.query_results``).

    spark-submit --master spark://host:7077 \\
        "$(python -c 'import envplan.services.spark.job as j; print(j.__file__)')" \\
        --store /srv/envplan/timeseries --task daily

or, on one machine, ``envplan air spark-job --task daily`` (local[2]). The job reads the
store's committed Parquet parts (the same file list as the embedded engine,
``committed_part_files``; overlapping imports keep the most recent row per natural key, as the
DuckDB query does) and writes ``<store>/air/results/<task>/`` (Parquet, then ``_SUCCESS``).
Tasks: ``aqi`` (hourly AQI of every station and city hour) and ``daily`` (daily statistics and
daily AQI of every station and city, 对照点 excluded from city values).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

import polars as pl

from envplan.monitoring.air_schema import MEASUREMENT_KEY, MEASUREMENT_SCHEMA
from envplan.monitoring.timeseries import committed_part_files, results_dir
from envplan.services.air import CityStations, hourly_aqi_wide, network_daily_statistics
from envplan.services.spark.air import SAMPLE_ROWS, Stage, _apply, _map, wide_of_stage
from envplan.services.spark.arrow import unescape
from envplan.services.spark.session import SparkUnavailable, spark_session

TASKS = ("aqi", "daily")


class SparkJobError(ValueError):
    """The job cannot run on this store (zh-CN message)."""


def store_stage(spark: Any, root: Path, formats: list[str] | None = None) -> Stage:
    """The store's committed measurements as the first stage, read by Spark itself."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    plain, shared = committed_part_files(root, "measurements", formats)
    if not plain and not shared:
        raise SparkJobError(f"数据目录 {root} 中没有已导入的空气监测数据")
    columns = list(MEASUREMENT_SCHEMA)
    parts = []
    if plain:
        parts.append(spark.read.parquet(*plain).select(*columns))
    if shared:
        window = Window.partitionBy(*MEASUREMENT_KEY).orderBy(
            F.col("imported_at").desc(), F.col("import_id")
        )
        newest = (
            spark.read.parquet(*shared)
            .withColumn("_n", F.row_number().over(window))
            .filter("_n = 1")
        )
        parts.append(newest.select(*columns))
    df = parts[0]
    for part in parts[1:]:
        df = df.unionByName(part)
    sample = pl.read_parquet((plain or shared)[0]).select(columns).cast(MEASUREMENT_SCHEMA)
    if sample.height:
        sample = sample.filter(pl.col("site") == sample["site"][0]).head(SAMPLE_ROWS)
    return Stage(df, MEASUREMENT_SCHEMA, sample)


def run(spark: Any, root: Path, task: str) -> Path:
    """Run ``task`` over the store at ``root``; returns the results folder."""
    if task not in TASKS:
        raise SparkJobError(f"未知任务“{task}”：可选 {'、'.join(TASKS)}")
    wide = wide_of_stage(store_stage(spark, root))
    if task == "aqi":
        result = _map(wide, hourly_aqi_wide)
    else:
        stations = _apply(wide, ["site"], lambda f: network_daily_statistics(f, None))
        cities = CityStations()

        def city_days(frame: pl.DataFrame) -> pl.DataFrame:
            both = network_daily_statistics(frame, cities)
            return both.filter(~pl.col("site").is_in(frame["site"].unique().implode()))

        with_city = wide.filter(
            "city IS NOT NULL AND site_kind = 'station'",
            pl.col("city").is_not_null() & (pl.col("site_kind") == "station"),
        )
        city = _apply(with_city, ["city"], city_days)
        result = Stage(stations.df.unionByName(city.df), stations.schema, stations.sample)
    target = results_dir(root, task)
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    result.df.toDF(*[unescape(c) for c in result.df.columns]).write.parquet(str(temporary))
    shutil.rmtree(target, ignore_errors=True)
    temporary.rename(target)  # readers see the old results or the new ones, never a half
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="envplan 空气监测数据 Spark 作业 / Spark job")
    parser.add_argument(
        "--store", required=True, help="平台时间序列目录（ENVPLAN_HOME/timeseries）"
    )
    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument("--master", default=None, help="Spark master（spark-submit 时不需要）")
    args = parser.parse_args(argv)
    try:
        spark = spark_session(args.master, submitted=args.master is None)
        try:
            target = run(spark, Path(args.store), args.task)
        finally:
            spark.stop()
    except (SparkUnavailable, SparkJobError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    print(f"已写入 {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
