"""Load benchmark of the web platform (not a test): concurrent clients on localhost.

Starts ``envplan serve --demo`` on a fresh temporary home and a free port (or uses ``--url``), logs
every client in as the first demo login (the bureau admin), then runs ``--clients`` concurrent
clients (threads, one keep-alive connection each) for ``--seconds`` seconds, each cycling through
the main pages and API endpoints; the run stops by itself. Prints
p50/p95/p99 latency and the error count per endpoint. Target: no errors, dashboard p95 < 300 ms
on SQLite with 50 clients for 60 s.

    .venv/bin/python benchmarks/web_load.py [--clients 50] [--seconds 60] [--url http://…]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS: list[tuple[str, str]] = [
    ("dashboard", "/"),
    ("air page", "/air"),
    ("water page", "/water"),
    ("tasks page", "/tasks"),
    ("public page", "/public/"),
    ("api air year", "/api/v1/air/daily?year=2016"),
    ("api ranking", "/api/v1/air/ranking?year=2016"),
    ("api water", "/api/v1/water/sections"),
    ("api tasks", "/api/v1/tasks?month=2021-06"),
    ("healthz", "/healthz"),
]
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_RE = re.compile(r"^\s+(\S+)\s+密码\s+(\S+)\s", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[str], str, str, str]:
    home = tempfile.mkdtemp(prefix="envplan-bench-")
    port = free_port()
    env = {**os.environ, "ENVPLAN_HOME": home}
    env.pop("ENVPLAN_DATABASE_URL", None)
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/envplan"), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started = time.monotonic()
    output: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        output.append(line)
        if "平台地址" in line:
            break
    text = "".join(output)
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < 120:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    print(f"server ready in {time.monotonic() - started:.1f} s (home {home})")
    # The demo logins follow the address lines; read until the list ends.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not LOGIN_RE.search(text):
        line = proc.stdout.readline()
        if not line:
            break
        text += line
    match = LOGIN_RE.search(text)
    if not match:
        proc.terminate()
        raise SystemExit(f"no demo login printed by envplan serve:\n{text}")
    return proc, url, match.group(1), match.group(2)


def session_cookie(response: http.client.HTTPResponse, current: str) -> str:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("envplan_session="):
            return value.split(";", 1)[0]
    return current


def login(conn: http.client.HTTPConnection, username: str, password: str) -> str:
    """Log in like a browser (CSRF token from the form); return the session cookie."""
    conn.request("GET", "/login")
    page = conn.getresponse()
    text = page.read().decode("utf-8")
    cookie = session_cookie(page, "")
    token = CSRF_RE.search(text)
    assert token, "no CSRF token on /login"
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": token.group(1)}
    )
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    if response.status not in (200, 303):
        raise SystemExit(f"login failed: {response.status}")
    return session_cookie(response, cookie)


def run_client(
    host: str,
    port: int,
    username: str,
    password: str,
    stop_at: float,
    offset: int,
    latencies: dict[str, list[float]],
    errors: dict[str, int],
) -> None:
    """One client: a keep-alive connection cycling through the endpoints until ``stop_at``.
    Plain http.client in a thread: its own CPU cost per request is a fraction of the server's,
    so the figures measure the server, not the load generator."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    cookie = login(conn, username, password)
    i = offset
    while time.monotonic() < stop_at:
        name, path = ENDPOINTS[i % len(ENDPOINTS)]
        i += 1
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        latencies[name].append((time.perf_counter() - began) * 1000)
        if not ok:
            errors[name] += 1
    conn.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_load(args: argparse.Namespace, base: str, username: str, password: str) -> int:
    parsed = urllib.parse.urlsplit(base)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    stop_at = time.monotonic() + args.seconds
    began = time.monotonic()
    threads = [
        threading.Thread(
            target=run_client,
            args=(host, port, username, password, stop_at, n, latencies, errors),
            daemon=True,
        )
        for n in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 120)
    elapsed = time.monotonic() - began
    total = sum(len(v) for v in latencies.values())
    print(f"\n{args.clients} clients, {elapsed:.1f} s, {total} requests ({total / elapsed:.0f}/s)")
    print(f"{'endpoint':<16}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, _ in ENDPOINTS:
        values = latencies.get(name, [])
        print(
            f"{name:<16}{len(values):>7}{percentile(values, 0.50):>9.1f}"
            f"{percentile(values, 0.95):>9.1f}{percentile(values, 0.99):>9.1f}{errors[name]:>8}"
        )
    total_errors = sum(errors.values())
    dashboard_p95 = percentile(latencies["dashboard"], 0.95)
    verdict = "OK" if total_errors == 0 and dashboard_p95 < 300 else "TARGET MISSED"
    print(f"errors: {total_errors}; dashboard p95 {dashboard_p95:.1f} ms (target < 300): {verdict}")
    return 0 if verdict == "OK" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description="envplan web load benchmark")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", help="an already running platform (needs --username/--password)")
    parser.add_argument("--username")
    parser.add_argument("--password")
    args = parser.parse_args()
    proc = None
    if args.url:
        base, username, password = args.url.rstrip("/"), args.username, args.password
        if not (username and password):
            parser.error("--url needs --username and --password")
    else:
        proc, base, username, password = start_server()
    try:
        return run_load(args, base, username, password)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
