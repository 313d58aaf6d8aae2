"""Cold start of the platform to its first /healthz answer (not a test; prints figures).

A cold start is a new server process on a home that already exists (the second and later starts
of `./run serve`, a restart after an upgrade or a crash): the Python process starts, opens the
records database, loads the plan and the monitoring views, and answers /healthz. Target < 3 s.
The first start of a new home (migrations, the 示例 seed, the import of the bundled data) is
timed too and printed apart, as the one-off it is.

Each start is `envplan serve --demo` in a fresh process (as a user runs it), polled every 20 ms.
Peak RSS of the server is read from /proc while it runs.

Usage: .venv/bin/python benchmarks/startup.py [--starts 3] [--home DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ENVPLAN = Path(sys.executable).parent / "envplan"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def start_once(home: Path, timeout: float = 600.0) -> tuple[float, float, str]:
    """Seconds from process start to the first 200 from /healthz, the server's peak RSS [MiB]
    and the startup log it printed."""
    port = free_port()
    env = dict(os.environ, ENVPLAN_HOME=str(home))
    env.pop("ENVPLAN_DATABASE_URL", None)
    began = time.perf_counter()
    proc = subprocess.Popen(
        [str(ENVPLAN), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while time.perf_counter() - began < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        elapsed = time.perf_counter() - began
                        break
            except OSError:
                time.sleep(0.02)
        else:
            raise SystemExit("no /healthz answer in time")
        peak = rss_mib(proc.pid)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    return elapsed, peak, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="cold starts to time (default 3)")
    parser.add_argument("--home", type=Path, help="an existing home (default: a new one)")
    args = parser.parse_args()
    print(f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    work = Path(tempfile.mkdtemp(prefix="envplan-startup-"))
    home = args.home or work / "home"
    if args.home is None:
        first, peak, log = start_once(home)
        print(
            f"first start of a new demo home (seed + bundled import): {first:.2f} s, {peak:.0f} MiB"
        )
        print("".join(f"    {line}\n" for line in log.splitlines() if "·" in line), end="")
    for i in range(args.starts):
        seconds, peak, log = start_once(home)
        print(
            f"cold start {i + 1} to /healthz (target < 3 s): {seconds:.2f} s, peak RSS {peak:.0f} MiB"
        )
        if i == 0:
            print("".join(f"    {line}\n" for line in log.splitlines() if "·" in line), end="")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
