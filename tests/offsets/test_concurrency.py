"""Concurrent debits never spend the same tonnes: real threads and real processes, each with its
own connection, released together, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from envplan.services.access import SYSTEM
from envplan.services.offsets import add_credit, debit
from envplan.store import make_session_factory
from envplan.store.offsets import OffsetAllocation, OffsetCredit, OffsetDebit

DAY = dt.date(2021, 6, 1)


def _seed(engine: Engine, tonnes: tuple[str, ...]) -> list[int]:
    with make_session_factory(engine)() as session:
        ids = [
            add_credit(
                session,
                SYSTEM,
                county="泽州县",
                pollutant="NOx",
                tonnes=t,
                kind="工程减排",
                source=f"企业{i}",
                on=dt.date(2021, 1, 1),
            ).id
            for i, t in enumerate(tonnes)
        ]
        session.commit()
    return ids


def _ledger_is_consistent(engine: Engine) -> tuple[int, int]:
    """(granted debits, grams left); asserts no credit gave more than it had."""
    with make_session_factory(engine)() as session:
        for credit in session.scalars(select(OffsetCredit)):
            given = session.scalar(
                select(func.coalesce(func.sum(OffsetAllocation.amount_g), 0)).where(
                    OffsetAllocation.credit_id == credit.id
                )
            )
            assert credit.amount_g - given == credit.remaining_g >= 0
        granted = session.scalar(select(func.count(OffsetDebit.id)).where(OffsetDebit.ok))
        left = session.scalar(select(func.sum(OffsetCredit.remaining_g)))
    return int(granted or 0), int(left or 0)


def _run_threads(engine: Engine, workers: int, tonnes: str) -> list[bool]:
    sessions = make_session_factory(engine)
    engine.pool.dispose()
    barrier = threading.Barrier(workers)
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            with sessions() as session:
                # No transaction before the start: on SQLite BEGIN IMMEDIATE would already
                # take the write lock here.
                barrier.wait(timeout=60)
                result = debit(session, SYSTEM, county="泽州县", pollutant="NOx", tonnes=tonnes,
                               project=f"项目{n}", on=DAY)  # fmt: skip
                session.commit()
            with lock:
                results.append(result.ok)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_concurrent_threads_one_credit(migrated_engine: Engine) -> None:
    _seed(migrated_engine, ("10",))
    # 8 debits of 2 t need 4 t each: exactly two fit in 10 t, 2 t stay
    results = _run_threads(migrated_engine, 8, "2")
    assert sorted(results) == [False] * 6 + [True] * 2
    assert _ledger_is_consistent(migrated_engine) == (2, 2_000_000)


def test_concurrent_threads_across_credits(migrated_engine: Engine) -> None:
    _seed(migrated_engine, ("3", "3", "3"))
    # 6 debits of 1 t need 2 t each: 9 t hold four of them (split across credits), 1 t stays
    results = _run_threads(migrated_engine, 6, "1")
    assert results.count(True) == 4
    assert _ledger_is_consistent(migrated_engine) == (4, 1_000_000)


_WORKER = textwrap.dedent(
    """
    import datetime as dt, json, os, sys, time
    from pathlib import Path
    from envplan.services.access import SYSTEM
    from envplan.services.offsets import debit
    from envplan.store import make_engine, make_session_factory

    engine = make_engine(os.environ["ENVPLAN_DATABASE_URL"])
    with engine.connect():  # open the connection (no transaction yet)
        pass
    with make_session_factory(engine)() as session:
        Path(sys.argv[1] + ".ready").write_text("1")
        go = Path(sys.argv[2])
        while not go.exists():
            time.sleep(0.005)
        result = debit(session, SYSTEM, county="泽州县", pollutant="NOx", tonnes="2",
                       project=sys.argv[1], on=dt.date(2021, 6, 1))
        session.commit()
    print(json.dumps({"ok": result.ok}))
    """
)


def test_concurrent_processes(migrated_engine: Engine, db_url: str, tmp_path: Path) -> None:
    _seed(migrated_engine, ("10",))
    env = {**os.environ, "ENVPLAN_DATABASE_URL": db_url}
    go = tmp_path / "go"
    names = [str(tmp_path / f"p{n}") for n in range(4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, name, str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    deadline = time.monotonic() + 120
    while not all(Path(n + ".ready").exists() for n in names):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.02)
    go.write_text("go")
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    oks = [json.loads(out.strip().splitlines()[-1])["ok"] for out, _ in outputs]
    assert sorted(oks) == [False, False, True, True]
    assert _ledger_is_consistent(migrated_engine) == (2, 2_000_000)
