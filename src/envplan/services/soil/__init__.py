"""Soil use cases.

See the submodules for details; this package re-exports their public functions."""

from envplan.services.soil.samples import (
    ConstructionResult,
    FarmlandResult,
    classify_construction,
    classify_farmland,
)

__all__ = [
    "ConstructionResult",
    "FarmlandResult",
    "classify_construction",
    "classify_farmland",
]
