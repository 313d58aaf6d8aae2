"""Offsets ledger (削减替代) and emission inventory use cases (air 二、2、4、五（三）)."""

from envplan.services.offsets.common import (
    APPROVAL_UNIT_ID,
    OffsetsDenied,
    OffsetsError,
    credit_dict,
    parse_county,
    readable_counties,
    rule_dict,
)
from envplan.services.offsets.demo import seed_offsets_demo
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
    "APPROVAL_UNIT_ID",
    "INVENTORY_COLUMNS",
    "DebitResult",
    "InventoryImportError",
    "OffsetsDenied",
    "OffsetsError",
    "add_credit",
    "balance",
    "balances",
    "credit_dict",
    "debit",
    "import_inventory",
    "inventory_check",
    "list_credits",
    "list_debits",
    "list_emissions",
    "parse_county",
    "read_inventory",
    "readable_counties",
    "reduction_targets",
    "rule_dict",
    "save_inventory",
    "seed_offsets_demo",
    "withdraw_credit",
]
