"""Cell styles of an openpyxl workbook built once per distinct look, then reused.

Assigning ``cell.font = …`` (or fill, border, alignment) makes openpyxl hash the style object to
find its index in the workbook's style table: about 1.2 s for the ≈ 5,000-row ledger, more than the
writing itself. :class:`CellStyles` assigns each distinct combination once, through openpyxl's
public setters, and gives every later cell with the same combination a copy of the resulting
index array (``cell._style``, openpyxl's ``StyleArray``: font, fill, border, number format,
protection and alignment ids into the workbook's tables). The saved file is the same as with one
assignment per cell: the same entries in the same style tables.

The cache belongs to one workbook (the ids index that workbook's tables); the style objects are
keyed by identity, so callers pass shared module-level constants.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet


class CellStyles:
    """One workbook's cache: (font, fill, border, alignment) → the cell style index array."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[int, ...], tuple[Any, tuple[object, ...]]] = {}

    def apply(
        self,
        cell: Cell,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        border: Border | None = None,
        alignment: Alignment | None = None,
    ) -> Cell:
        """Give the unstyled ``cell`` these styles (``None``: the workbook default); returns it."""
        parts = (font, fill, border, alignment)
        key = tuple(map(id, parts))
        entry = self._arrays.get(key)
        if entry is not None:
            cell._style = copy(entry[0])  # type: ignore[attr-defined]
            return cell
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        if alignment is not None:
            cell.alignment = alignment
        # The objects are kept with their array so that their ids are not reused by others.
        self._arrays[key] = (copy(cell._style), parts)  # type: ignore[attr-defined]
        return cell

    def array(
        self,
        sheet: Worksheet,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        border: Border | None = None,
        alignment: Alignment | None = None,
    ) -> Any:
        """The style index array of this combination in ``sheet``'s workbook, for cells built
        as ``Cell(sheet, value=…, style_array=array)`` (openpyxl copies it into each cell) and
        added with ``sheet.append``."""
        key = (id(font), id(fill), id(border), id(alignment))
        entry = self._arrays.get(key)
        if entry is None:
            scratch = Cell(sheet, 1, 1)  # never placed in the sheet; only its style ids are kept
            self.apply(scratch, font=font, fill=fill, border=border, alignment=alignment)
            entry = self._arrays[key]
        return entry[0]
