"""Vendor Apache ECharts into the package (the project's own build step; no CDN at run time).

Fetches the pinned ``echarts`` tarball from the npm registry (plain HTTPS, so npm itself is not
needed), checks it against the registry's published SHA-512 integrity hash pinned below, and writes
``dist/echarts.min.js`` and the licence to ``src/envplan/web/static/vendor/``. The vendored files are
committed, so a fresh machine with only Python never runs this.

    .venv/bin/python scripts/vendor_echarts.py            # fetch, verify, write
    .venv/bin/python scripts/vendor_echarts.py --check    # verify the committed file only
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import tarfile
from pathlib import Path

import httpx

ECHARTS_VERSION = "5.6.0"
TARBALL_URL = f"https://registry.npmjs.org/echarts/-/echarts-{ECHARTS_VERSION}.tgz"
# `npm view echarts@5.6.0 dist.integrity` (Subresource-Integrity form: sha512-<base64>).
TARBALL_INTEGRITY = "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=="

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "src" / "envplan" / "web" / "static" / "vendor"
TARGET = VENDOR_DIR / "echarts.min.js"
LICENSE_TARGET = VENDOR_DIR / "echarts.LICENSE.txt"
# SHA-256 of the extracted dist/echarts.min.js, so --check can verify the committed copy offline.
MINIFIED_SHA256_FILE = VENDOR_DIR / "echarts.min.js.sha256"


def sri_digest(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_tarball() -> bytes:
    response = httpx.get(TARBALL_URL, follow_redirects=True, timeout=120)
    response.raise_for_status()
    return response.content


def extract(tarball: bytes) -> tuple[bytes, bytes]:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        minified = archive.extractfile("package/dist/echarts.min.js")
        licence = archive.extractfile("package/LICENSE")
        if minified is None or licence is None:
            raise RuntimeError("tarball lacks dist/echarts.min.js or LICENSE")
        return minified.read(), licence.read()


def check_committed() -> int:
    if not TARGET.is_file() or not MINIFIED_SHA256_FILE.is_file():
        print(f"缺少 {TARGET} / vendored ECharts missing: run scripts/vendor_echarts.py")
        return 1
    expected = MINIFIED_SHA256_FILE.read_text().split()[0]
    actual = hashlib.sha256(TARGET.read_bytes()).hexdigest()
    if actual != expected:
        print(f"{TARGET} 校验失败 / hash mismatch: {actual} != {expected}")
        return 1
    print(f"echarts {ECHARTS_VERSION} ok ({actual})")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the committed file only")
    args = parser.parse_args(argv)
    if args.check:
        return check_committed()
    tarball = fetch_tarball()
    got = sri_digest(tarball)
    if got != TARBALL_INTEGRITY:
        print(f"完整性校验失败 / integrity mismatch for {TARBALL_URL}: {got}")
        return 1
    minified, licence = extract(tarball)
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(minified)
    LICENSE_TARGET.write_bytes(licence)
    digest = hashlib.sha256(minified).hexdigest()
    MINIFIED_SHA256_FILE.write_text(f"{digest}  echarts.min.js ({ECHARTS_VERSION})\n")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(minified)} bytes, sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
