"""The monthly dispatch bulletin (月调度通报) as one use case.

- :func:`monthly_bulletin` (``usecase``): a :class:`BulletinRequest` (a :class:`Month`, optional
  files, the reader's access scope) → :class:`MonthlyBulletin` (the assembled :class:`Bulletin`
  and its ledger rows). The CLI and the web download call it; ``envplan.reports`` renders it.
- ``model``: the document model (sections, tables, sourced numbers) the renderers lay out.
- ``inputs``: the typed facts gathered from the services; ``sources``: the gathering.
- ``assemble`` and the section modules: facts → blocks, no arithmetic of their own;
  ``infrastructure_section``: the water graph's indicators and warnings (read through
  ``services.water_graph``'s public functions), added by the use case.
"""

from envplan.services.bulletin.assemble import assemble_monthly_bulletin
from envplan.services.bulletin.infrastructure_section import (
    InfrastructureFacts,
    infrastructure_facts,
    infrastructure_section,
    with_infrastructure_section,
)
from envplan.services.bulletin.inputs import (
    DEFAULT_ADDRESSEE,
    DEFAULT_AUTHORITY,
    PLAN_NAMES,
    AirInputs,
    BulletinOptions,
    NoticeRow,
    OverdueItem,
    ProgressRow,
    SoilFacts,
    SupervisionFacts,
    UpcomingItem,
    WaterFacts,
    WaterGap,
    find_target,
    month_end,
    target_label,
)
from envplan.services.bulletin.ledger_data import LedgerBook, LedgerSheet, ledger_book
from envplan.services.bulletin.model import (
    Block,
    Bulletin,
    Chart,
    DataGap,
    Heading,
    Paragraph,
    Section,
    Sourced,
    Table,
    cell,
    cn_ordinal,
    format_number,
)
from envplan.services.bulletin.sources import store_air_inputs
from envplan.services.bulletin.usecase import (
    BulletinRequest,
    MonthlyBulletin,
    monthly_bulletin,
    open_records,
)
from envplan.services.month import Month, MonthError

__all__ = [
    "DEFAULT_ADDRESSEE",
    "DEFAULT_AUTHORITY",
    "PLAN_NAMES",
    "AirInputs",
    "Block",
    "Bulletin",
    "BulletinOptions",
    "BulletinRequest",
    "Chart",
    "DataGap",
    "Heading",
    "InfrastructureFacts",
    "LedgerBook",
    "LedgerSheet",
    "Month",
    "MonthError",
    "MonthlyBulletin",
    "NoticeRow",
    "OverdueItem",
    "Paragraph",
    "ProgressRow",
    "Section",
    "SoilFacts",
    "Sourced",
    "SupervisionFacts",
    "Table",
    "UpcomingItem",
    "WaterFacts",
    "WaterGap",
    "assemble_monthly_bulletin",
    "cell",
    "cn_ordinal",
    "find_target",
    "format_number",
    "infrastructure_facts",
    "infrastructure_section",
    "ledger_book",
    "month_end",
    "monthly_bulletin",
    "open_records",
    "store_air_inputs",
    "target_label",
    "with_infrastructure_section",
]
