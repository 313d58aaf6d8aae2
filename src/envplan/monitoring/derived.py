"""Derived tables kept beside the air store, valid for one state of the store.

A derived table (the daily frame of everything imported, the official hourly view …) costs
seconds and gigabytes to compute from millions of stored hours, and changes only when an import
commits. It is written once under ``<root>/air/derived/`` with the key it was computed for —
the store's fingerprint (the committed imports) joined with the caller's code key — and read
back while the key still holds, so that a start of the platform, the bulletin on the command
line and the pages read it instead of recomputing it.

Layout::

    <root>/air/derived/<name>.json                  # {"key": …, "frame": file name, "meta": …}
    <root>/air/derived/<name>-<key>.parquet         # the frame, written before the record

The record is written last, by rename, so a reader sees either the old pair or the new pair;
a crash in between leaves an orphan Parquet file that the next write removes. A home that cannot
be written (read-only media) simply recomputes.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

import polars as pl

_DERIVED = ("air", "derived")
_IMPORTS = ("air", "imports")


def store_fingerprint(root: str | Path) -> str:
    """A digest of the committed imports under ``root`` (their records' names and contents):
    it changes when, and only when, an import commits or is removed."""
    digest = hashlib.sha256()
    folder = Path(root).joinpath(*_IMPORTS)
    if folder.is_dir():
        for marker in sorted(folder.glob("*.json")):
            digest.update(marker.name.encode())
            digest.update(marker.read_bytes())
    return digest.hexdigest()[:24]


def read_derived(
    root: str | Path, name: str, key: str
) -> tuple[pl.DataFrame | None, dict[str, Any]] | None:
    """The frame and metadata stored as ``name`` for ``key``; ``None`` when absent or stale."""
    folder = Path(root).joinpath(*_DERIVED)
    try:
        record = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    frame: pl.DataFrame | None = None
    if record.get("frame"):
        try:
            frame = pl.read_parquet(folder / str(record["frame"]))
        except (OSError, pl.exceptions.PolarsError):
            return None
    meta = record.get("meta")
    return frame, meta if isinstance(meta, dict) else {}


def write_derived(
    root: str | Path,
    name: str,
    key: str,
    frame: pl.DataFrame | None,
    meta: dict[str, Any] | None = None,
) -> bool:
    """Store ``frame`` (optional) and JSON-able ``meta`` as ``name`` for ``key``; ``False`` when
    the home cannot be written (the caller keeps its computed values either way)."""
    folder = Path(root).joinpath(*_DERIVED)
    frame_name = f"{name}-{key}.parquet" if frame is not None else None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if frame is not None and frame_name is not None:
            temp = folder / f".tmp-{uuid.uuid4().hex}.parquet"
            frame.write_parquet(temp, compression="lz4")
            os.replace(temp, folder / frame_name)
        record = {"key": key, "frame": frame_name, "meta": meta or {}}
        temp_record = folder / f".tmp-{uuid.uuid4().hex}.json"
        temp_record.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(temp_record, folder / f"{name}.json")
    except OSError:
        return False
    for old in folder.glob(f"{name}-*.parquet"):  # frames of earlier keys
        if old.name != frame_name:
            old.unlink(missing_ok=True)
    return True
