"""Siting pre-screen (选址预审) use cases: verdict with quoted clauses, enterprises by zone."""

from envplan.services.siting.screen import (
    SitingError,
    SitingRequest,
    check_siting,
    enterprises_in_zones,
)

__all__ = ["SitingError", "SitingRequest", "check_siting", "enterprises_in_zones"]
