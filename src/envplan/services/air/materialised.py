"""Air results computed once per state of the store and read back afterwards.

``store_daily_frame`` and the platform's air views are pure functions of the committed imports
and of the code that computes them. They are kept as derived tables
(``envplan.monitoring.derived``) under a key made of both — the store's fingerprint and a digest
of the computing code's source files — so a new import or a changed engine recomputes them,
and nothing else does: a start of the platform and ``envplan report monthly`` read them back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

import envplan
from envplan.monitoring.derived import read_derived, store_fingerprint, write_derived

_PACKAGE = Path(envplan.__file__).resolve().parent

#: The source folders whose code computes the air results (the standards engines and the air
#: use cases); a change to any file in them changes the key.
CODE_FOLDERS = ("standards/air", "services/air")


@cache
def code_key(extra: tuple[str, ...] = ()) -> str:
    """Digest of the source files of ``CODE_FOLDERS`` and of ``extra`` (paths under the package)."""
    digest = hashlib.sha256(envplan.__version__.encode())
    files = sorted(p for folder in CODE_FOLDERS for p in (_PACKAGE / folder).glob("*.py"))
    for path in [*files, *(_PACKAGE / e for e in extra)]:
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def derived_result(
    root: Path,
    name: str,
    compute: Callable[[], tuple[pl.DataFrame | None, dict[str, Any]]],
    *,
    extra_code: tuple[str, ...] = (),
) -> tuple[pl.DataFrame | None, dict[str, Any]]:
    """The derived result ``name`` of the store at ``root``: read back while the store and the
    code are unchanged, else ``compute()`` (a frame and JSON-able metadata) and keep it."""
    key = f"{store_fingerprint(root)}-{code_key(extra_code)}"
    stored = read_derived(root, name, key)
    if stored is not None:
        return stored
    frame, meta = compute()
    # The values as they read back (JSON has lists, not tuples): the first start and every later
    # one see the same types.
    meta = json.loads(json.dumps(meta, ensure_ascii=False))
    write_derived(root, name, key, frame, meta)
    return frame, meta
