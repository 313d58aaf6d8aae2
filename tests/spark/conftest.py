"""One local Spark session (local[2]) for the Spark engine tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from envplan.services.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()
