"""Fixtures for the plan-registry tests: the shipped plan, loaded once."""

from __future__ import annotations

import pytest

from envplan.plan import Plan, default_plan


@pytest.fixture(scope="session")
def plan() -> Plan:
    return default_plan()
