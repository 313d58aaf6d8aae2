"""Public use cases.

See the submodules for details; this package re-exports their public functions."""

from envplan.services.public.disclosure import (
    PUBLIC_AIR_FIELDS,
    PUBLIC_WATER_FIELDS,
    SOURCE_ALL,
    public_air_monthly,
    public_water_sections,
)

__all__ = [
    "PUBLIC_AIR_FIELDS",
    "PUBLIC_WATER_FIELDS",
    "SOURCE_ALL",
    "public_air_monthly",
    "public_water_sections",
]
