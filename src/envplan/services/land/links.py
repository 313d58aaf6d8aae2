"""Links of the land registry to the enterprise registry (issue #13), by 统一社会信用代码.

A plot's former enterprise and a key supervised unit name their enterprise by credit code. When the
enterprise registry holds that code, its name, county, industry and permit are the reference: they
fill what the user left empty and are shown beside the plot or unit. A former enterprise that has
closed may be absent from the registry of emitting units; the code and the typed name then stand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from envplan.services.enterprises import find_enterprise


def enterprise_facts(session: Session, credit_code: str | None) -> dict[str, Any] | None:
    """Name, county, industry and permit of the registered enterprise, or None."""
    if not credit_code:
        return None
    enterprise = find_enterprise(session, credit_code)
    if enterprise is None:
        return None
    return {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "county": enterprise.county,
        "industry": enterprise.industry,
        "permit_number": enterprise.permit_number,
        "is_demo": enterprise.is_demo,
    }
