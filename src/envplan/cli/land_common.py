"""Helpers shared by the `envplan land` command modules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from envplan.cli.db_cmd import cli_settings, fail, records_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=1, default=str))


def evidence_store() -> Any:
    from envplan.store import EvidenceStore

    return EvidenceStore(cli_settings().evidence_dir)


def read_file(path: Path, option: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"{option}：无法读取文件「{path}」（{exc.strerror or exc}）") from exc
    if not data:
        raise fail(f"{option}：文件「{path.name}」为空")
    return data


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A session whose work is committed only if no land error was raised (all or nothing)."""
    from envplan.services.access import AccessDenied
    from envplan.services.land import LandConflict, LandError, LandNotFound

    with records_session() as session:
        try:
            yield session
        except (LandError, LandNotFound, LandConflict, AccessDenied) as exc:
            session.rollback()
            raise fail(str(exc)) from exc
        session.commit()
