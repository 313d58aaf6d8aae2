"""The ledger export use case: everything the offsets workbook shows, gathered once into plain
data for :mod:`envplan.reports.offsets_xlsx`. The CLI (``envplan offsets export``) and the page
download (``/offsets/export.xlsx``) call this same function, so the same user and year give the
same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from envplan.services.access import Principal
from envplan.services.offsets import (
    balances,
    inventory_check,
    list_credits,
    list_debits,
    rule_dict,
)
from envplan.services.siting.screen import enterprises_in_zones
from envplan.standards.offsets import OFFSET_RULES


@dataclass(frozen=True)
class OffsetsExport:
    """The JSON objects of the ledger's queries (the API's stable shapes), as read for one user.

    Parameters
    ----------
    year : int
        The inventory year checked against the 2020 base.
    balances : tuple of dict
        :func:`balances`: per county and pollutant.
    credits : tuple of dict
        :func:`list_credits`, newest first, with their history.
    debits : tuple of dict
        :func:`list_debits`, granted and refused.
    check : dict
        :func:`inventory_check`: ``rows`` and ``note``.
    zones : dict
        ``services.siting.enterprises_in_zones``: ``zones``, ``unresolved``.
    rules : tuple of dict
        :func:`rule_dict` of every offset rule.
    """

    year: int  # the inventory year checked against the 2020 base
    balances: tuple[dict[str, Any], ...]  # ``balances``: per county and pollutant
    credits: tuple[dict[str, Any], ...]  # ``list_credits``, newest first, with their history
    debits: tuple[dict[str, Any], ...]  # ``list_debits``, granted and refused
    check: dict[str, Any]  # ``inventory_check``: ``rows`` and ``note``
    zones: dict[str, Any]  # ``services.siting.enterprises_in_zones``: ``zones``, ``unresolved``
    rules: tuple[dict[str, Any], ...]  # ``rule_dict`` of every offset rule


def offsets_export(session: Session, principal: Principal, *, year: int) -> OffsetsExport:
    """The ledger as ``principal`` may read it, with the inventory check of ``year``.

    Parameters
    ----------
    session : Session
        Open database session.
    principal : Principal
        The acting user; every part holds only what it may read.
    year : int
        Inventory year of the target check.

    Returns
    -------
    OffsetsExport
    """
    return OffsetsExport(
        year=year,
        balances=tuple(balances(session, principal)),
        credits=tuple(list_credits(session, principal)),
        debits=tuple(list_debits(session, principal)),
        check=inventory_check(session, principal, year),
        zones=enterprises_in_zones(session, principal),
        rules=tuple(rule_dict(rule) for rule in OFFSET_RULES),
    )
