"""View models of the web platform: what the pages and the JSON API show.

Pages and JSON routes call the same methods of :class:`Platform`, and these call the engines
(air, water, soil, supervision); nothing is computed twice in two ways. Heavy results (years of
daily AQI, rankings, section classes) are computed once when the platform opens and again after
an import changes the data; task boards are cached until the next write. A page view therefore
reads a cached value.

``open_platform(settings)`` opens an installation: it migrates the records database, loads the
plan and (demo mode) the 示例 progress data on a fresh database, imports the bundled real
monitoring files into the Parquet store (idempotent: an import is keyed by file content), and
computes the cached view models.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from envplan.plan import Plan, default_plan
from envplan.services import accounts, demo, supervision
from envplan.services.access import ROLE_LABELS, Principal, Role
from envplan.services.dashboard.loading import compute_monitoring_views
from envplan.services.home import claim_home
from envplan.services.settings import Settings
from envplan.store import EvidenceStore, make_engine, make_session_factory, upgrade
from envplan.store.audit import head
from envplan.store.models import PlanVersion, User

#: Callback told each startup line (a step's zh-CN description and its duration).
Progress = Callable[[str], None]
#: How often (seconds) a platform looks at the audit head for writes of other processes.
HEAD_CHECK_S = 0.5

#: The sources of data a cached view can read: the records database (every write, here or in
#: another process), the air store (imports) and the water files (imports).
DATA_PARTS = ("records", "air", "water")


@dataclass(frozen=True)
class UserInfo:
    """The logged-in user as the web layer needs it (no password hash, no audit data)."""

    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit_id: str | None = None
    unit_name: str | None = None
    county: str | None = None

    @property
    def principal(self) -> Principal:
        """The user as an access-control principal."""
        return Principal(self.id, self.username, Role(self.role), self.unit_id, self.county)

    @property
    def is_admin(self) -> bool:
        """Whether the user has the administrator role."""
        return self.role == Role.ADMIN.value


@dataclass(frozen=True)
class DemoLogin:
    """A demo account shown on the login page (demo mode only): user name, password, role and unit."""

    username: str
    password: str
    role_label: str
    unit_name: str | None


class PlatformError(ValueError):
    """A request the platform cannot serve (zh-CN message, shown as a 4xx)."""


@dataclass
class Platform:
    """An opened installation: records database, monitoring store, plan, cached view models."""

    home: Path
    demo: bool
    engine: Engine
    sessions: sessionmaker[Session]
    plan: Plan
    evidence: EvidenceStore
    timeseries_dir: Path
    today: dt.date
    demo_accounts: tuple[DemoLogin, ...] = ()
    views: dict[str, Any] = field(default_factory=dict)
    startup_log: list[str] = field(default_factory=list)
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    # One generation per source of data (DATA_PARTS); a cached value remembers those it read.
    _generations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DATA_PARTS, 0))
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _building: dict[tuple[Any, ...], threading.Lock] = field(default_factory=dict)
    # Read-only sessions (no SQLite write lock); the last audit head seen and when it was read,
    # so a write by another process (CLI, second server) drops this process's cache too.
    read_sessions: sessionmaker[Session] | None = None
    _seen_head: int | None = None
    _head_checked: float = 0.0

    # ------------------------------------------------------------------ sessions and caching

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only session (never takes the SQLite write lock); writes go through write()."""
        with (self.read_sessions or self.sessions)() as session:
            yield session

    def _sync_with_database(self) -> None:
        """At most every HEAD_CHECK_S: drop the cache if the audit head moved (any process)."""
        now = time.monotonic()
        if now - self._head_checked < HEAD_CHECK_S:
            return
        self._head_checked = now

        with self.session() as session:
            seq = head(session).seq
        with self._lock:
            if self._seen_head is not None and seq != self._seen_head:
                self._bump(("records",))
            self._seen_head = seq

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error; caches invalidated."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                with self._lock:
                    self._bump(("records",))

    def _bump(self, parts: tuple[str, ...]) -> None:
        """New generations of ``parts``; cached values that read any of them are dropped
        (under the lock)."""
        for part in parts:
            self._generations[part] += 1
        stale = [k for k, (seen, _v) in self._cache.items() if any(p in seen for p in parts)]
        for key in stale:
            del self._cache[key]

    def _current(self, depends: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        return tuple((part, self._generations[part]) for part in depends)

    def data_generation(self) -> int:
        """A number that changes whenever any data changes (here or, for the records, in
        another process)."""
        self._sync_with_database()
        with self._lock:
            return sum(self._generations.values())

    def invalidate(self, *parts: str) -> None:
        """Drop the cached views that read ``parts`` (``DATA_PARTS``; default all of them):
        an air import drops the air views, not the task pages' figures, and the reverse."""
        unknown = set(parts) - set(DATA_PARTS)
        if unknown:
            raise ValueError(f"unknown data parts {sorted(unknown)}")
        with self._lock:
            self._bump(parts or DATA_PARTS)

    def peek(self, key: tuple[Any, ...], depends: tuple[str, ...] = DATA_PARTS) -> Any:
        """The cached value for ``key`` if it is current, else None (never builds)."""
        self._sync_with_database()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == dict(self._current(depends)):
                return hit[1]
        return None

    def cached(
        self,
        key: tuple[Any, ...],
        build: Callable[[], Any],
        depends: tuple[str, ...] = DATA_PARTS,
    ) -> Any:
        """The value for ``key``, built at most once per generation of the data it reads
        (``depends``, a subset of ``DATA_PARTS``; default all): concurrent callers of a missing
        key wait for the one building it instead of all building it."""
        self._sync_with_database()
        with self._lock:
            seen = dict(self._current(depends))
            hit = self._cache.get(key)
            if hit is not None and hit[0] == seen:
                return hit[1]
            key_lock = self._building.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                seen = dict(self._current(depends))
                hit = self._cache.get(key)
                if hit is not None and hit[0] == seen:
                    return hit[1]
            value = build()
            with self._lock:
                if seen == dict(self._current(depends)):
                    self._cache[key] = (seen, value)
                self._building.pop(key, None)
        return value

    # ------------------------------------------------------------------ users

    def authenticate(self, username: str, password: str) -> UserInfo | None:
        """The user with these credentials, None when they do not match."""
        with self.session() as session:
            user = accounts.authenticate(session, username, password, allow_demo=self.demo)
            return _user_info(user) if user is not None else None

    def user(self, user_id: int) -> UserInfo | None:
        """The user as the database has it now (active only; demo accounts only in demo mode):
        read on every call, so a disabled or demoted user loses rights with the next request."""
        with self.session() as session:
            row = session.get(User, user_id)
            ok = row is not None and row.active and (self.demo or not row.is_demo)
            return _user_info(row) if ok and row is not None else None

    def demo_logins(self) -> list[DemoLogin]:
        """The demo accounts (empty outside demo mode)."""
        return list(self.demo_accounts)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # ------------------------------------------------------------------ supervision views

    def task_states(
        self,
        user: UserInfo,
        *,
        plan_key: str | None = None,
        unit_id: str | None = None,
        county: str | None = None,
        status: str | None = None,
        month: str | None = None,
    ) -> list[supervision.OccurrenceState]:
        """Occurrences the user may read, with their state as of the platform's date."""
        key = ("tasks", user.id, plan_key, unit_id, county, status, month)

        def build() -> list[supervision.OccurrenceState]:
            with self.session() as session:
                return supervision.list_occurrences(
                    session,
                    as_of=self.today,
                    principal=user.principal,
                    plan_key=plan_key or None,
                    unit_id=unit_id or None,
                    county=county or None,
                    status=status or None,
                    month=month or None,
                )

        try:
            states: list[supervision.OccurrenceState] = self.cached(key, build)
        except supervision.SupervisionError as exc:
            raise PlatformError(str(exc)) from exc
        return states

    def task_board(self, user: UserInfo, **filters: str | None) -> dict[str, Any]:
        """The task board: occurrences, traffic-light counts, overdue list, completion rates."""
        states = self.task_states(user, **filters)
        lights = Counter(s.light for s in states)
        statuses = Counter(s.status for s in states)
        overdue = sorted(
            (s for s in states if s.status == "overdue"),
            key=lambda s: (-s.working_days_overdue, s.unit_name),
        )
        return {
            "as_of": self.today,
            "states": states,
            "lights": {k: lights.get(k, 0) for k in ("green", "yellow", "red")},
            "statuses": {k: statuses.get(k, 0) for k in supervision.STATUS_LABELS},
            "overdue": overdue,
            "rates_by_unit": supervision.completion_rates(states, by="unit"),
            "rates_by_county": supervision.completion_rates(states, by="county"),
            "rates_by_plan": supervision.completion_rates(states, by="plan"),
        }

    def task_filters(self) -> dict[str, Any]:
        """Choices of the task-board filters (plans, units, counties) from the registry."""
        return {
            "plans": [(sub.key, sub.title) for sub in self.plan.subplans],
            "units": [(u.id, u.name) for u in self.plan.units],
            "counties": [supervision.CITY_LEVEL, *[c.name for c in self.plan.counties]],
            "statuses": list(supervision.STATUS_LABELS.items()),
        }

    def occurrence(self, user: UserInfo, occurrence_id: int) -> dict[str, Any]:
        """One occurrence as ``user`` sees it: its state, reports, reviews and history. LookupError when
        it does not exist.
        """
        with self.session() as session:
            try:
                state = supervision.get_occurrence_state(
                    session, occurrence_id, as_of=self.today, principal=user.principal
                )
                history = supervision.occurrence_history(
                    session, occurrence_id, principal=user.principal
                )
            except supervision.NotFound as exc:
                raise LookupError(str(exc)) from exc
        reviewed = {h.detail.get("report_id") for h in history if h.kind == "review"}
        entries = [
            {
                "kind": h.kind,
                "on": h.on,
                "who": h.who,
                "text": h.text,
                "report_id": h.detail.get("report_id"),
                "state": h.detail.get("state"),
                "percent": h.detail.get("percent"),
                "decision": h.detail.get("decision"),
                "evidence": [e["filename"] for e in h.detail.get("evidence", [])],
                "reviewable": h.kind == "report"
                and h.detail.get("state") == "done"
                and h.detail.get("report_id") not in reviewed,
            }
            for h in history
        ]
        return {"state": state, "history": entries}

    def submit_progress(
        self,
        user: UserInfo,
        occurrence_id: int,
        *,
        expected_version: int,
        state: str,
        percent: int,
        narrative: str,
        evidence: Sequence[supervision.EvidenceUpload] = (),
    ) -> supervision.OccurrenceState:
        """Record a progress report (the service writes the audit entry) and return the new state."""
        with self.write() as session:
            supervision.submit_report(
                session,
                user.principal,
                occurrence_id,
                expected_version=expected_version,
                reported_on=self.today,
                state=state,
                percent=percent,
                narrative=narrative,
                evidence=evidence,
                evidence_store=self.evidence,
            )
        with self.session() as session:
            return supervision.get_occurrence_state(
                session, occurrence_id, as_of=self.today, principal=user.principal
            )

    def review(
        self,
        user: UserInfo,
        report_id: int,
        *,
        expected_version: int,
        decision: str,
        comment: str,
    ) -> None:
        """Record ``user``'s review of a progress report (optimistic locking on ``expected_version``)."""
        with self.write() as session:
            supervision.review_report(
                session,
                user.principal,
                report_id,
                expected_version=expected_version,
                reviewed_on=self.today,
                decision=decision,
                comment=comment,
            )

    def notices(self, user: UserInfo, *, state: str | None = None) -> list[supervision.NoticeState]:
        """The supervision notices ``user`` may see, optionally of one state (cached)."""
        key = ("notices", user.id, state)

        def build() -> list[supervision.NoticeState]:
            with self.session() as session:
                return supervision.list_notices(
                    session, as_of=self.today, principal=user.principal, state=state or None
                )

        notices: list[supervision.NoticeState] = self.cached(key, build)
        return notices

    def reply_notice(self, user: UserInfo, notice_id: int, *, text: str) -> None:
        """Record ``user``'s reply to a notice, dated today."""
        with self.write() as session:
            supervision.reply_notice(
                session, user.principal, notice_id, replied_on=self.today, text=text
            )


def _user_info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=ROLE_LABELS.get(Role(user.role), user.role),
        unit_id=user.unit_id,
        unit_name=user.unit.name if user.unit is not None else None,
        county=user.county,
    )


# ---------------------------------------------------------------------- opening


def open_platform(
    settings: Settings,
    *,
    engine: Engine | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> Platform:
    """Open (and on a fresh home, load) the installation described by ``settings``.

    engine: an already built records engine (tests pass a PostgreSQL engine bound to a schema);
    built from ``settings.database_url`` otherwise.
    progress: receives one zh-CN line per loading step (the serve command prints them).
    today: the platform's evaluation date; default the demo's reference date in demo mode, the
    calendar date otherwise.
    """
    say = progress or (lambda _line: None)
    settings.home.mkdir(parents=True, exist_ok=True)
    log: list[str] = []

    def step(message: str, began: float) -> None:
        line = f"{message}（{time.monotonic() - began:.1f} 秒）"
        log.append(line)
        say(line)

    plan = default_plan()
    # The monitoring store and its views do not touch the records database: build them in a
    # second thread while this one migrates, loads the plan and seeds the demo.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="envplan-monitoring") as pool:
        monitoring = pool.submit(
            compute_monitoring_views, settings.timeseries_dir, plan, settings.demo, step
        )
        began = time.monotonic()
        engine = engine or make_engine(settings.database_url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            has_demo = session.scalar(select(func.count(User.id)).where(User.is_demo)) or 0
            claim_home(settings.home, demo=settings.demo, has_demo_accounts=bool(has_demo))
            loaded = session.scalar(select(func.count(PlanVersion.id))) or 0
            if not loaded:
                supervision.load_plan_into_db(session, plan)
                session.commit()
        step(f"记录库就绪，已载入计划 {plan.document_number}", began)

        demo_accounts: tuple[DemoLogin, ...] = ()
        reference_day = today or dt.date.today()
        if settings.demo:
            began = time.monotonic()
            with sessions() as session:
                seeded = demo.seed_demo(
                    session, plan=plan, evidence_store=EvidenceStore(settings.evidence_dir)
                )
                session.commit()
            demo_accounts = tuple(
                DemoLogin(a.username, a.password, a.role_label, a.unit_name)
                for a in seeded.accounts
            )
            reference_day = today or seeded.as_of
            step(f"示例进展数据就绪（评估日期 {reference_day}）", began)
        views = monitoring.result()

    platform = Platform(
        home=settings.home,
        demo=settings.demo,
        engine=engine,
        sessions=sessions,
        plan=plan,
        evidence=EvidenceStore(settings.evidence_dir),
        timeseries_dir=settings.timeseries_dir,
        today=reference_day,
        demo_accounts=demo_accounts,
        startup_log=log,
        views=views,
        read_sessions=make_session_factory(engine, readonly=True),
    )
    return platform
