"""Offsets ledger (削减替代) and emission inventory use cases (air 二、2、4、五（三）)."""

from envplan.services.offsets.common import (
    OffsetsDenied,
    OffsetsError,
    parse_county,
    readable_counties,
    rule_dict,
)
from envplan.services.offsets.export import OffsetsExport, offsets_export
from envplan.services.offsets.inventory import (
    INVENTORY_COLUMNS,
    InventoryImportError,
    import_inventory,
    inventory_check,
    list_emissions,
    read_inventory,
    reduction_targets,
    save_inventory,
)
from envplan.services.offsets.ledger import DebitResult, add_credit, debit, withdraw_credit
from envplan.services.offsets.queries import balance, balances, list_credits, list_debits

__all__ = [
    "INVENTORY_COLUMNS",
    "DebitResult",
    "InventoryImportError",
    "OffsetsDenied",
    "OffsetsError",
    "OffsetsExport",
    "add_credit",
    "balance",
    "balances",
    "debit",
    "import_inventory",
    "inventory_check",
    "list_credits",
    "list_debits",
    "list_emissions",
    "offsets_export",
    "parse_county",
    "read_inventory",
    "readable_counties",
    "reduction_targets",
    "rule_dict",
    "save_inventory",
    "withdraw_credit",
]
