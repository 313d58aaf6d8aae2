"""Parsing the 责任单位 wording ("市生态环境局、市工信局，各县（市、区）人民政府、开发区管委会").

Rules (documented in docs/plan-registry.md):
- units are separated by 、 ， , or whitespace (water 附件2 writes "市城市管理局 市国投公司");
- "各县（市、区）人民政府" (also with half-width brackets, or "相关县（市、区）…") is the county group:
  it sets ``all_counties``; a 开发区管委会 named in the same wording joins the group
  (``includes_dev_zone``) instead of being listed as a unit;
- in body measures the first unit leads and the rest are co-responsible; in annex cells
  (牵头单位 / 责任主体) every named unit leads.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from envplan.plan.model import Responsibility

_GROUP = re.compile(r"(?:各|相关)县[（(]市、区[）)]人民政府")
_PLACEHOLDER = "\x00GROUP\x00"
_SEPARATORS = re.compile(r"[、，,；;\s]+")
DEV_ZONE_NAME = "开发区管委会"


def parse_responsible(
    raw: str, resolve: Callable[[str], str | None], *, all_lead: bool = False
) -> tuple[Responsibility, list[str]]:
    """Parse ``raw`` into a Responsibility; also return the names ``resolve`` did not know.

    ``resolve`` maps a unit name, alias or id to a unit id (None when unknown).
    """
    groups = _GROUP.findall(raw)
    text = _GROUP.sub(_PLACEHOLDER, raw)
    tokens = [t for t in _SEPARATORS.split(text.replace(_PLACEHOLDER, f"、{_PLACEHOLDER}、")) if t]
    has_group = bool(groups)
    includes_dev_zone = False
    unit_ids: list[str] = []
    unknown: list[str] = []
    for token in tokens:
        if token == _PLACEHOLDER:
            continue
        if has_group and token == DEV_ZONE_NAME:
            includes_dev_zone = True
            continue
        unit_id = resolve(token)
        if unit_id is None:
            unknown.append(token)
        elif unit_id not in unit_ids:
            unit_ids.append(unit_id)
    lead = tuple(unit_ids) if all_lead else tuple(unit_ids[:1])
    co = () if all_lead else tuple(unit_ids[1:])
    return (
        Responsibility(
            raw=raw,
            lead_units=lead,
            co_units=co,
            all_counties=has_group,
            includes_dev_zone=includes_dev_zone,
            county_group_raw=(groups[0] + ("、" + DEV_ZONE_NAME if includes_dev_zone else ""))
            if has_group
            else None,
        ),
        unknown,
    )


def merge_responsibilities(parts: list[Responsibility]) -> Responsibility:
    """One measure-level Responsibility from its clauses: each clause's lead (in order) leads,
    all other named units are co-responsible, the group flags are OR-ed."""
    lead: list[str] = []
    for part in parts:
        for unit_id in part.lead_units:
            if unit_id not in lead:
                lead.append(unit_id)
    co: list[str] = []
    for part in parts:
        for unit_id in part.co_units:
            if unit_id not in lead and unit_id not in co:
                co.append(unit_id)
    group_raw = next((p.county_group_raw for p in parts if p.county_group_raw), None)
    return Responsibility(
        raw="；".join(p.raw for p in parts if p.raw),
        lead_units=tuple(lead),
        co_units=tuple(co),
        all_counties=any(p.all_counties for p in parts),
        includes_dev_zone=any(p.includes_dev_zone for p in parts),
        county_group_raw=group_raw,
    )
