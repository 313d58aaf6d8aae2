"""Limits on what an input file may expand to, checked before any reader parses it.

The upload limit counts the bytes sent; a compressed file can expand a thousandfold (a 255 KB
``.csv.gz`` of repeated lines is gigabytes of text). Before a reader sees a file, it is streamed
through here once with bounded memory:
- ``.gz``: decompressed chunk by chunk, counting bytes and lines; refused beyond the limits;
- ``.xlsx`` (a zip of XML): every member decompressed chunk by chunk (the sizes declared in the
  zip directory are not trusted), refused beyond the limits or when any XML part declares a DTD
  or entities (the "billion laughs" expansion; openpyxl also parses through defusedxml);
- plain text: counted lines.
Problems are :class:`InputFileError` with a zh-CN message naming the file.

These absolute limits protect the server from what a user uploads (``check_bytes``,
``check_stream``). A file already on the user's own disk (``check_file``: the command line, a
folder import) is not an expansion risk by its size — a national year of station-hours is
15 M lines — so there only what a file *expands to* is checked: plain text passes, a ``.gz``
is refused when it expands past ``MAX_EXPANDED_BYTES`` *and* more than
``MAX_LOCAL_RATIO`` times its compressed size (real CSV compresses 5–15×; a bomb 1,000×), and
a workbook keeps the upload limits (openpyxl holds it in memory).
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from envplan.monitoring.errors import InputFileError, InputProblem

#: Largest decompressed content of one input file [bytes].
MAX_EXPANDED_BYTES = 128 * 1024 * 1024
#: Most lines (CSV) or rows (every sheet of a workbook together) of one input file.
MAX_ROWS = 2_000_000
#: Largest expansion of a local ``.gz`` file beyond ``MAX_EXPANDED_BYTES`` [decompressed bytes
#: per compressed byte].
MAX_LOCAL_RATIO = 100
_CHUNK = 1 << 20
_XML_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def _error(name: str, message: str) -> InputFileError:
    return InputFileError([InputProblem(file=name, row=None, column=None, message=message)])


def _too_big(name: str, limit: int = MAX_EXPANDED_BYTES) -> InputFileError:
    return _error(
        name,
        f"解压后内容超过上限 {limit // (1024 * 1024):,} MB（疑似压缩炸弹），未导入；"
        "请拆分为多个文件",
    )


def _too_many_rows(name: str, rows: int) -> InputFileError:
    return _error(
        name, f"行数超过上限 {MAX_ROWS:,}（已数到 {rows:,} 行），未导入；请拆分为多个文件"
    )


def _gunzip_chunks(name: str, raw: IO[bytes], limit: int = MAX_EXPANDED_BYTES) -> Iterator[bytes]:
    """The decompressed content in chunks of at most 1 MB (memory stays bounded)."""
    total = 0
    try:
        with gzip.GzipFile(fileobj=raw) as unzipped:
            while chunk := unzipped.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise _too_big(name, limit)
                yield chunk
    except (OSError, EOFError, zlib.error) as exc:
        raise _error(name, f"gzip 压缩文件已损坏或不完整，无法解压（{exc}）") from exc


def _count_lines(name: str, chunks: Iterator[bytes]) -> int:
    rows = 0
    for chunk in chunks:
        rows += chunk.count(b"\n")
        if rows > MAX_ROWS:
            raise _too_many_rows(name, rows)
    return rows


def _check_xlsx(name: str, source: IO[bytes]) -> None:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _error(name, f"不是有效的 Excel（.xlsx）文件（{exc}）") from exc
    total = 0
    rows = 0
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            try:
                with archive.open(info) as member:
                    previous = b""
                    while chunk := member.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_EXPANDED_BYTES:
                            raise _too_big(name)
                        window = previous + chunk
                        if info.filename.endswith((".xml", ".rels", ".vml")) and any(
                            marker in window for marker in _XML_MARKERS
                        ):
                            raise _error(
                                name,
                                f"工作簿的部件 {info.filename} 含有 DTD/实体声明（XML 实体扩展攻击），"
                                "未导入；请用 Excel 重新另存为 .xlsx",
                            )
                        if info.filename.startswith("xl/worksheets/"):
                            rows += chunk.count(b"<row ") + chunk.count(b"<row>")
                            if rows > MAX_ROWS:
                                raise _too_many_rows(name, rows)
                        previous = chunk[-16:]
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                raise _error(
                    name, f"Excel 文件已损坏：部件 {info.filename} 无法解压（{exc}）"
                ) from exc
            except NotImplementedError as exc:
                raise _error(name, f"Excel 文件使用了不支持的压缩方式（{exc}）") from exc


def check_stream(name: str, source: IO[bytes]) -> None:
    """Check one input file read from ``source`` (named ``name``); raise InputFileError."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        _count_lines(name, _gunzip_chunks(name, source))
    elif lowered.endswith((".xlsx", ".xlsm")):
        _check_xlsx(name, source)
    else:
        _count_lines(name, iter(lambda: source.read(_CHUNK), b""))


def check_bytes(name: str, data: bytes) -> None:
    check_stream(name, io.BytesIO(data))


def read_gzip_checked(path: Path) -> bytes:
    """The decompressed content of a local ``.gz`` file, under the limit ``check_file`` applies
    to it (same errors): one decompression serves both the check and the parse."""
    limit = max(MAX_EXPANDED_BYTES, MAX_LOCAL_RATIO * path.stat().st_size)
    with path.open("rb") as handle:
        return b"".join(_gunzip_chunks(path.name, handle, limit))


def check_file(path: Path | zipfile.Path) -> None:
    """Check a file on the user's disk before a reader parses it (see the module docstring)."""
    if not path.is_file():
        return  # the reader names a missing file itself
    lowered = path.name.lower()
    if lowered.endswith((".xlsx", ".xlsm")) or isinstance(path, zipfile.Path):
        with path.open("rb") as handle:
            check_stream(path.name, handle)
    elif lowered.endswith(".gz"):
        compressed = path.stat().st_size
        limit = max(MAX_EXPANDED_BYTES, MAX_LOCAL_RATIO * compressed)
        with path.open("rb") as handle:
            for _chunk in _gunzip_chunks(path.name, handle, limit):
                pass
