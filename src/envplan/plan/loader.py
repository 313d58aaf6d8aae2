"""Loading and validating plan files (YAML, ruamel.yaml so problems carry line numbers).

Stub: the full loader lands in the next commit; the signatures below are stable.
"""

from __future__ import annotations

from pathlib import Path

from envplan.plan.model import FrozenModel, Plan

DEFAULT_PLAN_DIR = Path(__file__).resolve().parent / "data" / "jincheng-2021"


class Problem(FrozenModel):
    """One problem in a plan file: where it is and what is wrong (message in zh-CN)."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}：字段 {self.field}：{self.message}"


class PlanValidationError(ValueError):
    """Raised when a plan file has problems; carries all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def validate_file(path: Path) -> list[Problem]:
    """Every problem of a plan file or plan directory (empty list when valid)."""
    raise NotImplementedError


def load_plan(path: Path) -> Plan:
    """Load a plan directory (or its plan.yaml); raise PlanValidationError listing all problems."""
    raise NotImplementedError


def default_plan() -> Plan:
    """The Jincheng 2021 plan shipped in the package."""
    return load_plan(DEFAULT_PLAN_DIR)
