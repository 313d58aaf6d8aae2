"""Starting Spark: local mode by default, a cluster by URL; clear zh-CN errors when Spark or
Java is missing."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Iterator
from typing import Any

DEFAULT_MASTER = "local[2]"
ENV_MASTER = "SPARK_MASTER"


class SparkUnavailable(RuntimeError):
    """Spark cannot start here (zh-CN message for the user)."""


def _partitions(master: str) -> str:
    """Shuffle partitions: two per local core (few, large groups suit the kernels), 200 (Spark's
    default) on a cluster; ENVPLAN_SPARK_PARTITIONS overrides."""
    if "ENVPLAN_SPARK_PARTITIONS" in os.environ:
        return os.environ["ENVPLAN_SPARK_PARTITIONS"]
    local = re.fullmatch(r"local\[(\d+|\*)\]", master)
    if local:
        cores = os.cpu_count() or 2 if local.group(1) == "*" else int(local.group(1))
        return str(2 * cores)
    return "4" if master == "local" else "200"


@contextlib.contextmanager
def spark_engine(master: str | None = None) -> Iterator[Any]:
    """A session for one command, stopped at the end (so its Python workers exit quietly) —
    unless it was already running (a notebook's or a test's), which is left as it was."""
    try:
        from pyspark.sql import SparkSession

        running = SparkSession.getActiveSession()
    except ImportError:
        running = None
    session = spark_session(master)
    try:
        yield session
    finally:
        if running is None:
            session.stop()


def spark_session(
    master: str | None = None, *, app_name: str = "envplan", submitted: bool = False
) -> Any:
    """A SparkSession on ``master`` (argument, else ``SPARK_MASTER``, else ``local[2]``).

    Python workers run this interpreter (so they import the same envplan and kernels); the UI is
    off; Arrow batches carry the data between the JVM and the kernels. ``submitted``: launched
    by spark-submit, whose --master (and configuration) then win unless ``master`` is given.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(
            "未安装 Apache Spark（pyspark）：请用 ./run test 安装项目环境，"
            "或 pip install 'envplan[spark]'"
        ) from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable(
            "未找到 Java：Spark 需要 Java 17 或更高版本（Debian：apt-get install openjdk-17-jre-headless；"
            "./run test 会自动安装）"
        )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    chosen = master or os.environ.get(ENV_MASTER) or DEFAULT_MASTER
    builder = SparkSession.builder
    if submitted and master is None:
        from pyspark import SparkConf

        if SparkConf().contains("spark.master"):
            chosen = SparkConf().get("spark.master") or chosen
    builder = (
        builder.master(chosen)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", _partitions(chosen))
        .config("spark.driver.memory", os.environ.get("ENVPLAN_SPARK_DRIVER_MEMORY", "4g"))
    )
    try:
        session = builder.getOrCreate()
    except Exception as error:  # the JVM did not start: say why, in one line
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SparkUnavailable(f"Spark 无法启动（master={chosen}）：{first}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session
