"""Fixtures of the web tests: settings on a temporary home, an in-process client, a live server.

The in-process client (``fastapi.testclient``) runs the app's lifespan, so the platform opens
exactly as under ``envplan serve``. Browser tests use ``live_server``: uvicorn in a background
thread on a free localhost port.
"""

from __future__ import annotations

import re
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from envplan.services.dashboard.platform import Platform, open_platform
from envplan.services.demo import DEMO_AS_OF
from envplan.services.settings import Settings
from envplan.store import make_engine
from envplan.store.testing import postgres_test_url
from envplan.web import create_app

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def demo_settings(home: Path, database_url: str | None = None) -> Settings:
    return Settings(
        home=home,
        database_url=database_url or f"sqlite:///{home / 'envplan.sqlite3'}",
        secret_key="test-secret-" + "x" * 40,
        demo=True,
    )


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The session's CSRF token, read from a form the way a browser gets it."""
    match = CSRF_RE.search(client.get(path).text)
    assert match, f"no csrf_token field on {path}"
    return match.group(1)


#: The evaluation date of the test platforms: the demo's own (its 示例 records end there).
TODAY = DEMO_AS_OF
PASSWORD = "test-password-1"
#: Test accounts: username → (role, unit id). The clerk's unit, 市生态环境局, leads many tasks.
ACCOUNTS = {
    "t-admin": ("admin", None),
    "t-clerk": ("unit_clerk", "city-ecology-environment"),
    "t-leader": ("unit_leader", "city-ecology-environment"),
    "t-viewer": ("viewer", None),
}


def ensure_accounts(platform: Platform) -> None:
    """Create the test accounts (argon2 passwords, through the access service) if missing."""
    from sqlalchemy import select

    from envplan.services.access import create_user
    from envplan.store.models import User

    with platform.write() as session:
        for username, (role, unit_id) in ACCOUNTS.items():
            if session.scalar(select(User).where(User.username == username)) is None:
                create_user(
                    session,
                    username=username,
                    password=PASSWORD,
                    role=role,
                    unit_id=unit_id,
                    display_name=f"测试{username}",
                )


#: One seeded demo home per test process (SQLite + monitoring store + evidence), copied into each
#: test's own home: the same platform as a first start, without seeding it again every time.
_TEMPLATE_HOME: list[Path] = []


def _seeded_template() -> Path:
    if not _TEMPLATE_HOME:
        home = Path(tempfile.mkdtemp(prefix="envplan-template-home-"))
        platform = open_platform(demo_settings(home), today=TODAY)
        ensure_accounts(platform)
        platform.close()
        _TEMPLATE_HOME.append(home)
    return _TEMPLATE_HOME[0]


def open_test_platform(home: Path, engine: Engine | None = None) -> Platform:
    """A demo platform on ``home``. On SQLite the home starts as a copy of this process's seeded
    template (isolated: every test platform has its own files); on PostgreSQL (``engine``) the
    records are seeded into the engine's fresh schema, and the monitoring store (with its derived
    air tables) is copied from the template, as it does not depend on the records backend."""
    if engine is None:
        shutil.copytree(_seeded_template(), home, dirs_exist_ok=True)
    else:
        shutil.copytree(_seeded_template() / "timeseries", home / "timeseries", dirs_exist_ok=True)
    platform = open_platform(demo_settings(home), engine=engine, today=TODAY)
    ensure_accounts(platform)
    return platform


#: The records backends a per-backend test module runs on (PostgreSQL only with the marker).
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    """A platform per test module and backend, with its own records database: a SQLite file, or
    a fresh PostgreSQL schema dropped afterwards. Modules that need another platform (e.g. the
    browser tests) define their own ``platform`` fixture, which takes precedence."""
    home = tmp_path_factory.mktemp(f"home-{request.param}")
    if request.param == "sqlite":
        opened = open_test_platform(home)
        yield opened
        opened.close()
        return
    schema = f"web_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_test_url())
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres_test_url(), pg_schema=schema)
    try:
        opened = open_test_platform(home, engine=engine)
        yield opened
        opened.close()
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def shared_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """One opened demo platform (SQLite) for the tests that only read."""
    platform = open_test_platform(tmp_path_factory.mktemp("home"))
    yield platform
    platform.close()


@pytest.fixture
def bare_client(shared_platform: Platform) -> Iterator[TestClient]:
    """A fresh app (fresh sessions and login throttle) on the shared platform, not logged in."""
    with TestClient(
        create_app(demo_settings(shared_platform.home), platform=shared_platform)
    ) as client:
        yield client


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


@pytest.fixture
def admin_client(bare_client: TestClient) -> TestClient:
    login(bare_client, "t-admin")
    return bare_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("live server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real headless Chromium (Debian's), driven by Playwright, with a fresh profile."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
            locale="zh-CN",
        )
        try:
            yield context
        finally:
            context.close()


def screenshot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    try:
        page.screenshot(path=str(target), full_page=True, timeout=20_000)  # type: ignore[attr-defined]
    except Exception:  # very long pages: the viewport is enough for a look
        page.screenshot(path=str(target), timeout=20_000)  # type: ignore[attr-defined]
    return target
