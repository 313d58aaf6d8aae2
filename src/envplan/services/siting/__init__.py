"""Siting pre-screen (选址预审) use cases: verdict with quoted clauses, enterprises by zone;
the offsets ledger export (it shows the ledger beside the enterprises by zone)."""

from envplan.services.siting.export import OffsetsExport, offsets_export
from envplan.services.siting.screen import (
    SitingError,
    SitingRequest,
    check_siting,
    enterprises_in_zones,
)

__all__ = [
    "OffsetsExport",
    "SitingError",
    "SitingRequest",
    "check_siting",
    "enterprises_in_zones",
    "offsets_export",
]
