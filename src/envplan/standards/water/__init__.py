"""Surface-water standards: GB 3838-2002 and the national evaluation methods built on it.

Modules: :mod:`.gb3838` (tables 1-3), :mod:`.classify` (single-indicator class, rounding,
non-detects), :mod:`.sections` (section class, status, main pollutants, indicator sets),
:mod:`.periods` (period means, shares, river status, trends), :mod:`.trophic` (TLI),
:mod:`.cwqi` (city ranking index), :mod:`.targets` (target compliance).
"""
