"""Bounded soak of the web platform (not a test): many clients for minutes on 127.0.0.1.

Starts ``envplan serve --demo`` on a fresh temporary home and a free port (or uses ``--url``):
the first requests meet cold caches. ``--clients`` clients (threads, one keep-alive connection
each) log in as the demo accounts of every role and cycle through the pages and the API; one
writer client records a progress report every ``--write-every`` seconds, which drops every cache
again (cold caches during the run too), and a CLI-style second connection writes to the database
directly now and then (the other process's write must refresh the board). The run stops after
``--seconds``. Prints the request count, errors (5xx, refused or dropped connections, timeouts),
4xx by status, and p50/p95/p99 latency overall and per endpoint. Exit code 1 on any error.

    .venv/bin/python benchmarks/soak.py                      # 100 clients × 10 min
    .venv/bin/python benchmarks/soak.py --clients 100 --seconds 180
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS: list[tuple[str, str]] = [
    ("dashboard", "/"),
    ("air page", "/air"),
    ("water page", "/water"),
    ("tasks page", "/tasks"),
    ("notices page", "/notices"),
    ("public page", "/public/"),
    ("api me", "/api/v1/me"),
    ("api air year", "/api/v1/air/daily?year=2016"),
    ("api ranking", "/api/v1/air/ranking?year=2016"),
    ("api water", "/api/v1/water/sections"),
    ("api tasks", "/api/v1/tasks?month=2021-06"),
    ("api notices", "/api/v1/notices"),
    ("healthz", "/healthz"),
]
ACCOUNTS = [
    ("demo-admin", "demo-admin-2021"),
    ("demo-clerk", "demo-clerk-2021"),
    ("demo-leader", "demo-leader-2021"),
    ("demo-county", "demo-county-2021"),
    ("demo-viewer", "demo-viewer-2021"),
]
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], str, Path]:
    home = Path(tempfile.mkdtemp(prefix="envplan-soak-"))
    port = free_port()
    env = {**os.environ, "ENVPLAN_HOME": str(home)}
    env.pop("ENVPLAN_DATABASE_URL", None)
    env.pop("ENVPLAN_SECRET_KEY", None)
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/envplan"), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: see {home / 'server.log'}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return proc, url, home
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("server did not become ready in 300 s")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.client_errors: Counter[str] = Counter()
        self.samples: list[str] = []

    def record(self, name: str, seconds: float, status: int | None, problem: str = "") -> None:
        with self.lock:
            self.latencies[name].append(seconds)
            if status is None or status >= 500:
                self.errors[name] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{name}: {status} {problem[:160]}")
            elif status >= 400:
                self.client_errors[f"{name} {status}"] += 1


def _timed(
    stats: Stats, client: httpx.Client, name: str, method: str, path: str, **kw: object
) -> httpx.Response | None:
    began = time.perf_counter()
    try:
        response = client.request(method, path, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        stats.record(name, time.perf_counter() - began, None, repr(exc))
        return None
    stats.record(name, time.perf_counter() - began, response.status_code, response.text[:160])
    return response


def _login(stats: Stats, client: httpx.Client, username: str, password: str) -> str | None:
    page = _timed(stats, client, "login page", "GET", "/login")
    if page is None:
        return None
    match = CSRF_RE.search(page.text)
    if not match:
        return None
    response = _timed(
        stats,
        client,
        "login",
        "POST",
        "/login",
        data={"username": username, "password": password, "csrf_token": match.group(1)},
    )
    if response is None or response.status_code >= 400:
        return None
    me = client.get("/api/v1/me")
    return str(me.json()["csrf_token"]) if me.status_code == 200 else None


def _cookie(response: http.client.HTTPResponse, current: str) -> str:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("envplan_session="):
            return value.split(";", 1)[0]
    return current


def _plain_login(
    stats: Stats, conn: http.client.HTTPConnection, username: str, password: str
) -> str:
    began = time.perf_counter()
    conn.request("GET", "/login")
    page = conn.getresponse()
    text = page.read().decode("utf-8")
    stats.record("login page", time.perf_counter() - began, page.status)
    cookie = _cookie(page, "")
    token = CSRF_RE.search(text)
    if not token:
        return cookie
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": token.group(1)}
    )
    began = time.perf_counter()
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    stats.record("login", time.perf_counter() - began, response.status)
    return _cookie(response, cookie)


def reader(url: str, number: int, stop: threading.Event, stats: Stats) -> None:
    """One client: plain http.client on a keep-alive connection (its own CPU cost is a fraction of
    the server's, so the figures measure the server, not the load generator)."""
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    username, password = ACCOUNTS[number % len(ACCOUNTS)]
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        cookie = _plain_login(stats, conn, username, password)
    except (OSError, http.client.HTTPException) as exc:
        stats.record("login", 0.0, None, repr(exc))
        return
    i = number
    while not stop.is_set():
        name, path = ENDPOINTS[i % len(ENDPOINTS)]
        i += 1
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            body = response.read()
            stats.record(
                name,
                time.perf_counter() - began,
                response.status,
                body[:160].decode("utf-8", "replace"),
            )
            if response.status == 401 or response.status == 303:
                stats.record("unexpected logout", 0.0, None, path)
        except (OSError, http.client.HTTPException) as exc:
            stats.record(name, time.perf_counter() - began, None, repr(exc))
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.close()


def writer(url: str, every_s: float, stop: threading.Event, stats: Stats) -> None:
    with httpx.Client(base_url=url, timeout=60, follow_redirects=False) as client:
        csrf = _login(stats, client, "demo-clerk", "demo-clerk-2021")
        n = 0
        while not stop.wait(every_s):
            items = (
                client.get("/api/v1/tasks", params={"status": "in_progress"}).json().get("data", [])
            )
            if not items or csrf is None:
                continue
            item = items[n % len(items)]
            _timed(
                stats,
                client,
                "write progress",
                "POST",
                f"/api/v1/tasks/{item['occurrence_id']}/progress",
                data={
                    "expected_version": str(item["version"]),
                    "state": "in_progress",
                    "percent": str(min(99, int(item.get("percent") or 0) + 1)),
                    "narrative": f"【示例】soak 写入 {n}",
                },
                headers={"X-CSRF-Token": csrf},
            )
            n += 1


def other_process_writer(home: Path | None, every_s: float, stop: threading.Event) -> None:
    """A write by another process (as the CLI does): the server must refresh its caches."""
    if home is None:
        return
    from envplan.store import audit, make_engine, make_session_factory

    engine = make_engine(f"sqlite:///{home / 'envplan.sqlite3'}")
    factory = make_session_factory(engine)
    n = 0
    while not stop.wait(every_s):
        with factory() as session:
            audit.append(session, actor="soak-cli", action="soak.ping", entity="soak", entity_id=n)
            session.commit()
        n += 1
    engine.dispose()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--write-every", type=float, default=20.0)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    proc, home = None, None
    url = args.url
    if url is None:
        proc, url, home = start_server()
        print(f"server on {url} (home {home})")
    stats = Stats()
    stop = threading.Event()
    threads = [
        threading.Thread(target=reader, args=(url, n, stop, stats), daemon=True)
        for n in range(args.clients)
    ]
    threads.append(
        threading.Thread(target=writer, args=(url, args.write_every, stop, stats), daemon=True)
    )
    threads.append(
        threading.Thread(
            target=other_process_writer, args=(home, args.write_every * 1.5, stop), daemon=True
        )
    )
    began = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        while time.monotonic() - began < args.seconds:
            time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=90)
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    elapsed = time.monotonic() - began
    every = [v for values in stats.latencies.values() for v in values]
    errors = sum(stats.errors.values())
    print(
        f"{args.clients} clients × {elapsed:.0f} s: {len(every)} requests ({len(every) / elapsed:.0f}/s)"
    )
    print(
        f"errors (5xx / connection): {errors}; p50 {percentile(every, 0.5):.0f} ms, "
        f"p95 {percentile(every, 0.95):.0f} ms, p99 {percentile(every, 0.99):.0f} ms"
    )
    for name, values in sorted(stats.latencies.items()):
        print(
            f"  {name:<16} n={len(values):<7} p50 {percentile(values, 0.5):6.0f} ms  "
            f"p95 {percentile(values, 0.95):6.0f} ms  errors {stats.errors.get(name, 0)}"
        )
    if stats.client_errors:
        print("4xx:", dict(stats.client_errors))
    for sample in stats.samples:
        print("  sample error:", sample)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
