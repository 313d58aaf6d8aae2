"""Staging of an import into the Parquet store of ``monitoring.timeseries``: parts written under
temporary names, renamed into place with the import's record (its commit marker) only when every
part is written."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from envplan.monitoring.air_readers import AirReadResult

AIR = "air"
MEASUREMENTS = "measurements"
PUBLISHED = "published"
IMPORTS = "imports"


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did: its id, whether it was new, and how many rows it stored."""

    import_id: str
    format: str
    files: tuple[str, ...]
    measurement_rows: int
    published_rows: int
    already_imported: bool


class Staging:
    """Parquet parts written under temporary names, renamed into place only on commit."""

    def __init__(self, root: Path, format: str, import_id: str) -> None:
        self.base = root / AIR
        self.format = format
        self.import_id = import_id
        self.imported_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.staged: list[tuple[Path, Path]] = []
        self.sequence = 0
        # Time range of the import's labels: queries de-duplicate only imports that overlap.
        self.first_end: dt.datetime | None = None
        self.last_end: dt.datetime | None = None

    @property
    def marker(self) -> Path:
        return self.base / IMPORTS / f"{self.import_id}.json"

    def add(self, result: AirReadResult) -> None:
        """One read result: its parts of each month, numbered as one step of the import."""
        self.add_frames(result.measurements, result.published)
        self.sequence += 1

    def add_frames(self, measurements: pl.DataFrame, published: pl.DataFrame) -> None:
        """Parts of each month of the two tables (call ``add`` or increase ``sequence`` after
        the last frames of one read result: parts of one month of one step share a name)."""
        for table, frame in ((MEASUREMENTS, measurements), (PUBLISHED, published)):
            if frame.height == 0:
                continue
            # the month of the interval's start: a day ending at 00:00 belongs to the month before
            start = pl.col("interval_end") - pl.duration(microseconds=1)
            keyed = frame.with_columns(_year=start.dt.year(), _month=start.dt.month())
            for (year, month), part in keyed.group_by("_year", "_month", maintain_order=True):
                # Sorted by site and time so DuckDB skips row groups on site/period filters.
                sorted_part = part.drop("_year", "_month").sort("site", "interval_end")
                self._write(table, int(year), int(month), sorted_part)
        self._span(measurements, published)

    def add_month(
        self, year: int, month: int, measurements: pl.DataFrame, published: pl.DataFrame
    ) -> None:
        """The parts of one month (of the interval's start), ``measurements`` already in site
        and time order (``published`` is sorted here), as ``add_frames`` writes them."""
        self._write(MEASUREMENTS, year, month, measurements)
        self._write(PUBLISHED, year, month, published.sort("site", "interval_end"))
        self._span(measurements, published)

    def _write(self, table: str, year: int, month: int, part: pl.DataFrame) -> None:
        if part.height == 0:
            return
        folder = self.base / table / f"format={self.format}" / f"year={year}" / f"month={month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"part-{self.import_id}-{self.sequence:05d}.parquet"
        temp = folder / f".tmp-{uuid.uuid4().hex}.parquet"
        self.staged.append((temp, final))
        stamped = part.with_columns(
            pl.lit(self.import_id).alias("import_id"),
            pl.lit(self.imported_at).alias("imported_at"),
        )
        stamped.write_parquet(temp, compression="lz4", row_group_size=100_000)

    def _span(self, *frames: pl.DataFrame) -> None:
        for frame in frames:
            if frame.height:
                low, high = frame["interval_end"].min(), frame["interval_end"].max()
                assert isinstance(low, dt.datetime) and isinstance(high, dt.datetime)
                self.first_end = low if self.first_end is None else min(self.first_end, low)
                self.last_end = high if self.last_end is None else max(self.last_end, high)

    def commit(
        self,
        summary: ImportSummary,
        encodings: Sequence[str],
        request: dict[str, object] | None = None,
    ) -> None:
        for temp, final in self.staged:
            os.replace(temp, final)
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "import_id": self.import_id,
            "format": self.format,
            "files": list(summary.files),
            "encodings": list(encodings),
            "measurement_rows": summary.measurement_rows,
            "published_rows": summary.published_rows,
            "imported_at": self.imported_at.isoformat(),
            "first_end": self.first_end.isoformat() if self.first_end else None,
            "last_end": self.last_end.isoformat() if self.last_end else None,
        }
        if request is not None:
            record["request"] = request
        temp_marker = self.marker.with_suffix(".tmp")
        temp_marker.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(temp_marker, self.marker)

    def discard(self) -> None:
        for temp, _ in self.staged:
            temp.unlink(missing_ok=True)


__all__ = ["AIR", "IMPORTS", "MEASUREMENTS", "PUBLISHED", "ImportSummary", "Staging"]
