"""Rule sets of the "13710" clock, as dated, cited data.

The provincial document: 山西省人民政府办公厅《关于建立"13710"工作制度的通知》(September 2016;
deepened by about 12 supporting documents in June 2017). For work deployed by government meetings
and tasks assigned by leaders:

- "1"  research and deploy within one day (the same day);
- "3"  report the handling status (答复) within 3 days;
- "7"  ordinary matters settled (办结) within 7 days in principle;
- "1"  major or complex matters settled within 1 month, or a timetable and plan submitted;
- "0"  every item tracked to the end and closed out (销号清零).

Sources (see docs/supervision.md §13710): 中国社会科学网 case article
http://www.cssn.cn/skyskl/skyskl_jczx/201708/t20170815_3610353.shtml and the report of the
2017-06-15 provincial press conference. Day counts are official working days (the Chinese
statutory calendar of :mod:`envplan.services.calendar`); the month is a calendar month moved to
the next working day when it ends on a non-working day.

Note: explainer sites that read 13710 as "1/3/7/10-day deadlines" are wrong (the digits are
1 day, 3 days, 7 days, 1 month, 0 left); issue #12's "7 days to answer, 10 to settle" follows that
reading. A city that does set other day counts adds a rule set here with its own document, date
and clause; each item keeps the rule set it was registered under, so changing the default never
moves the clocks of items already registered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from envplan.services.supervision.rules import SupervisionError


@dataclass(frozen=True)
class ClockRuleSet:
    """One dated, cited 13710 rule set: the deadlines in working days (deploy "1", answer "3",
    settle "7") and in months (a major matter: "1" month), the document that sets them and the date
    from which assigned items may run on it.
    """

    key: str
    title: str  # zh-CN
    document: str  # the document that sets the rule
    issued: dt.date  # the document's date
    effective_from: dt.date  # items assigned from this date may run on it
    deploy_working_days: int  # "1": 0 = the day of assignment itself (if a working day)
    answer_working_days: int  # "3": working days to report the handling status
    settle_working_days: int  # "7": working days to settle an ordinary matter
    major_settle_months: int  # "1": months to settle a major matter or submit a timetable
    source_urls: tuple[str, ...] = ()


#: Shanxi's 13710 rules (山西省人民政府办公厅, 2016).
SHANXI_13710_2016 = ClockRuleSet(
    key="shanxi-13710-2016",
    title="山西省“13710”工作制度（2016）",
    document="山西省人民政府办公厅《关于建立“13710”工作制度的通知》",
    issued=dt.date(2016, 9, 1),  # September 2016 (the day of the month is not published)
    effective_from=dt.date(2016, 9, 1),
    deploy_working_days=0,
    answer_working_days=3,
    settle_working_days=7,
    major_settle_months=1,
    source_urls=(
        "http://www.cssn.cn/skyskl/skyskl_jczx/201708/t20170815_3610353.shtml",
        "http://m.zgkjsz.com/page/2017/1229/25108564.shtml",
    ),
)

#: The 13710 rule sets by key.
CLOCK_RULE_SETS: dict[str, ClockRuleSet] = {SHANXI_13710_2016.key: SHANXI_13710_2016}
#: The 13710 rule set used when an item names none.
DEFAULT_CLOCK_RULES = SHANXI_13710_2016


def clock_rule_set(key: str) -> ClockRuleSet:
    """The rule set ``key``; a zh-CN error naming the known ones otherwise."""
    try:
        return CLOCK_RULE_SETS[key]
    except KeyError:
        known = "、".join(CLOCK_RULE_SETS)
        raise SupervisionError(f"未知的 13710 规则：{key}（可选：{known}）") from None
