"""Evidence files stored by content (SHA-256), never overwritten.

Bytes live under ``<root>/<sha[:2]>/<sha>``; the same content is stored once. A file already on
disk is checked, not rewritten: if its bytes no longer match its name the store refuses to go on.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class EvidenceCorrupted(RuntimeError):
    pass


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"无效的 SHA-256：{sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 (hex). Idempotent for identical content."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha)
        if target.exists():
            self._check(target, sha)
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file then link it into place: a crash never leaves a partial file
        # under a final name, and os.link refuses to replace an existing one.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, target)
            except FileExistsError:
                self._check(target, sha)
        finally:
            os.unlink(tmp)
        return sha

    def read(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise EvidenceCorrupted(f"证明材料 {sha256} 内容与哈希不符（文件被改动）")
        return data

    def _check(self, path: Path, sha: str) -> None:
        if hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            raise EvidenceCorrupted(f"证明材料 {sha} 已存在但内容与哈希不符（文件被改动）")
