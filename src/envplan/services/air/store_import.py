"""Import an air data file into the platform's store: one use case for the page and the CLI.

The web upload (``services.dashboard.import_air_upload``) and ``envplan air import`` both call
:func:`import_air_data`: the reader checks everything first (``InputFileError`` lists every
problem — file, row, field — and nothing is written), the store commits the import atomically
(``monitoring.timeseries.import_air_file``; a file imported before is recognised and not stored
twice), and the audit chain records who imported what, in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from envplan.monitoring import timeseries

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from envplan.services.access import Principal


@dataclass(frozen=True)
class AirImportRequest:
    """One import: a file, folder or zip archive of air data.

    Attributes
    ----------
    path
        What to import (a folder or archive is imported one daily file at a time, still all or
        nothing).
    format
        The layout (``mee-city``, ``cnemc-live`` …; ``None`` = detect it).
    data_version
        The data version to record (``None`` = the layout's own, e.g. 实时).
    name
        The name the user knows the file by (an upload's original name; default the path's).
    sha256
        The SHA-256 of the file's bytes when the caller has it (uploads), for the audit.
    """

    path: Path
    format: str | None = None
    data_version: str | None = None
    name: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class AirImportResult:
    """What the import did (``already_imported``: the same content was in the store already)."""

    import_id: str
    file: str
    format: str
    files: tuple[str, ...]
    measurement_rows: int
    published_rows: int
    already_imported: bool


def import_air_data(
    request: AirImportRequest, *, timeseries_dir: Path, session: Session, principal: Principal
) -> AirImportResult:
    """Check and store ``request`` in ``timeseries_dir`` and audit it in ``session`` (the
    caller commits). Only the bureau's administrators import monitoring data (``AccessDenied``);
    a refused file raises ``InputFileError`` and leaves the store as it was."""
    # The records side (SQLAlchemy, the store's models: ≈ 0.25 s) is loaded here, not by every
    # importer of the air domain: `envplan air aqi` never touches the records.
    from envplan.services.access import AccessDenied, Role
    from envplan.store import audit

    if principal.role is not Role.ADMIN:
        raise AccessDenied("只有局管理员可以导入监测数据")
    summary = timeseries.import_air_file(
        request.path, timeseries_dir, request.format, data_version=request.data_version
    )
    result = AirImportResult(
        import_id=summary.import_id,
        file=request.name or request.path.name,
        format=summary.format,
        files=summary.files,
        measurement_rows=summary.measurement_rows,
        published_rows=summary.published_rows,
        already_imported=summary.already_imported,
    )
    after: dict[str, object] = {
        "file": result.file,
        "format": result.format,
        "measurement_rows": result.measurement_rows,
        "published_rows": result.published_rows,
        "already_imported": result.already_imported,
    }
    if request.sha256 is not None:
        after["sha256"] = request.sha256
    if len(result.files) > 1 or result.files != (result.file,):
        after["files"] = list(result.files)
    audit.append(
        session,
        actor=principal.username,
        action="monitoring.import",
        entity="air_import",
        entity_id=result.import_id,
        after=after,
    )
    return result
