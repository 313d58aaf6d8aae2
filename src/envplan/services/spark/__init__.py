"""The scale-out engine: the same air and water kernels run on Apache Spark.

Nothing here implements a rule. Each Spark stage hands Arrow batches (``mapInArrow``) or the
rows of one station/city (``groupBy().applyInArrow``) to the embedded functions of
:mod:`envplan.services.air.hourly` and :mod:`envplan.services.water.sections`, which call the kernels of
:mod:`envplan.standards`; the driver only collects and orders what the stages return. So the
numbers are the embedded engine's, row for row (tests compare every column).

Spark is optional (``pyspark`` from the ``spark`` extra; Java 17+). Local mode by default
(``local[2]``), a cluster with ``--master URL`` or ``SPARK_MASTER``.
"""

from envplan.services.spark.air import (
    assess_period_spark,
    daily_frame_spark,
    daily_statistics_spark,
    hourly_aqi_spark,
    rank_cities_spark,
)
from envplan.services.spark.job import SparkJobError
from envplan.services.spark.job import run as run_spark_job
from envplan.services.spark.session import SparkUnavailable, spark_engine, spark_session
from envplan.services.spark.water import classify_measurements_spark

__all__ = [
    "SparkJobError",
    "SparkUnavailable",
    "assess_period_spark",
    "classify_measurements_spark",
    "daily_frame_spark",
    "daily_statistics_spark",
    "hourly_aqi_spark",
    "rank_cities_spark",
    "run_spark_job",
    "spark_engine",
    "spark_session",
]
