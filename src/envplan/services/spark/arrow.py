"""Moving Polars frames in and out of Spark through Arrow, with types both sides agree on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
import pyarrow as pa

#: Spark resolves "PM2.5" as struct access: column names travel with the dot spelled out.
_DOT = "__dot__"

#: Arrow types Spark reads: large/view strings become plain strings, small ints stay exact.
_PLAIN = {pa.large_string(): pa.string(), pa.string_view(): pa.string()}


def unescape(name: str) -> str:
    """A column name as envplan spells it (the inverse of the dot escaping)."""
    return name.replace(_DOT, ".")


def plain_schema(schema: pa.Schema) -> pa.Schema:
    fields = []
    for field in schema:
        kind = field.type
        if pa.types.is_dictionary(kind):  # Polars Enum/Categorical: Spark reads the values
            kind = kind.value_type
        if kind in _PLAIN:
            kind = _PLAIN[kind]
        elif pa.types.is_large_list(kind):
            kind = pa.list_(kind.value_type)
        elif pa.types.is_null(kind):
            kind = pa.string()
        elif pa.types.is_unsigned_integer(kind):  # Spark has no unsigned integers
            kind = {8: pa.int16(), 16: pa.int32()}.get(kind.bit_width, pa.int64())
        fields.append(pa.field(field.name, kind, nullable=True))
    return pa.schema(fields)


def to_arrow(frame: pl.DataFrame, schema: pa.Schema | None = None) -> pa.Table:
    """The frame as an Arrow table in Spark-readable types (cast to ``schema`` when given)."""
    table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())
    table = table.rename_columns([name.replace(".", _DOT) for name in table.column_names])
    return table.cast(schema or plain_schema(table.schema))


def from_arrow(table: pa.Table | pa.RecordBatch) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    # envplan times are naive local times; Spark runs in UTC (spark_session) and may hand them
    # back as UTC instants of the same wall-clock value
    aware = [
        pl.col(name).dt.replace_time_zone(None)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    ]
    if aware:
        frame = frame.with_columns(aware)
    return frame.rename({name: name.replace(_DOT, ".") for name in frame.columns if _DOT in name})


def spark_frame(spark: Any, frame: pl.DataFrame) -> Any:
    """A Spark DataFrame of a Polars frame (through Arrow)."""
    return spark.createDataFrame(to_arrow(frame))


def collect(df: Any) -> pl.DataFrame:
    """The rows of a Spark DataFrame as a Polars frame (through Arrow)."""
    return from_arrow(df.toArrow())


def spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema, prefer_timestamp_ntz=True)


def output_schema(
    function: Callable[[pl.DataFrame], pl.DataFrame], sample: pl.DataFrame
) -> tuple[pa.Schema, pl.Schema]:
    """The Arrow schema a stage sends through Spark and the Polars schema the embedded function
    returns, found by running the same function on a sample of its input on the driver (types
    depend on the input's types, not its values)."""
    out = function(sample)
    return plain_schema(to_arrow(out).schema), out.schema


def collect_as(df: Any, schema: pl.Schema) -> pl.DataFrame:
    """The rows of a stage's output with the embedded function's own types restored."""
    frame = collect(df)
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


def batches(
    function: Callable[[pl.DataFrame], pl.DataFrame], schema: pa.Schema
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """A ``mapInArrow`` function: each batch through ``function``, cast to ``schema``."""

    def run(iterator: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in iterator:
            if batch.num_rows == 0:
                continue
            yield from to_arrow(function(from_arrow(batch)), schema).to_batches()

    return run


def groups(
    function: Callable[[pl.DataFrame], pl.DataFrame], schema: pa.Schema
) -> Callable[[pa.Table], pa.Table]:
    """An ``applyInArrow`` function: one group's rows through ``function``, cast to ``schema``."""

    def run(table: pa.Table) -> pa.Table:
        if table.num_rows == 0:
            return schema.empty_table()
        return to_arrow(function(from_arrow(table)), schema)

    return run
