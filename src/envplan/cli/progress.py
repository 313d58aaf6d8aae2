"""Progress lines of the long CLI steps (read, check, compute, write) with rows per second.

``Steps(enabled)``: one line per step on stderr, shown by ``rich`` while the step runs and kept
with its time and rate when it ends. Off under ``--quiet`` and whenever stderr or stdout is not a
terminal (pipes, files, CI), so scripted output never carries progress text. Labels are zh-CN.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


def progress_enabled(quiet: bool) -> bool:
    """Progress shows only on an interactive terminal and without ``--quiet``."""
    return not quiet and on_terminal()


def on_terminal() -> bool:
    """True when both stdout and stderr are terminals."""
    return sys.stderr.isatty() and sys.stdout.isatty()


@dataclass(slots=True)
class StepRows:
    """What a running step reports: the rows it handled (None when unknown)."""

    rows: int | None = None


class Steps:
    """Context manager over one command's steps; ``step(label, rows)`` times one of them."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None

    def __enter__(self) -> Steps:
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(finished_text="✓"),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                _rate_column(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)
            self._progress = None

    @contextmanager
    def step(self, label: str, rows: int | None = None) -> Iterator[StepRows]:
        """Time the block as one step; set ``.rows`` on the yielded object when known."""
        counted = StepRows(rows)
        if self._progress is None:
            yield counted
            return
        task = self._progress.add_task(label, total=None)
        yield counted
        done = counted.rows or 0
        self._progress.update(task, total=max(done, 1), completed=max(done, 1), rows=counted.rows)
        self._progress.stop_task(task)


def _rate_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Rows and rows per second of a finished step."""

        def render(self, task: Any) -> Text:
            rows = task.fields.get("rows")
            elapsed = task.finished_time if task.finished else task.elapsed
            if not rows or not elapsed:
                return Text("")
            return Text(f"{rows:,} 行，{rows / elapsed:,.0f} 行/秒", style="cyan")

    return RateColumn()
