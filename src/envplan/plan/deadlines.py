"""Parsing Chinese deadline wording into a structured ``Deadline``.

Forms (spaces in the seed such as "2021 年 4 月底前" are ignored):

- by a date: "2021年4月底前" / "4月底" → month end; "年底前" / "2021年底" → 12-31;
  "4月上旬|中旬|下旬" → the 10th / 20th / month end; "3月份完成" → month end;
  "2021年"、"2021年完成主体工程"、"2021年启动" → 2021-12-31 (the year as a whole).
- from a date: "2021年7月1日起" → 07-01; "2021年4月起" → 04-01; "2022年起" → 01-01.
- window: "2021年5—9月" → 05-01 .. 09-30 (with frequency when "每月"/"按季度" also appears).
- recurring: "每季度开展一次" / "按季度" → quarterly; "每月" / "按月" → monthly.
- long term: "长期坚持".
- several dated steps in one sentence → milestones, each labelled with the words that follow
  its date up to the next date.

A month or day without a year takes the last year written before it, else the plan year.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from envplan.plan.model import Deadline, Frequency, Milestone

PLAN_YEAR_DEFAULT = 2021

# One alternative per date form; order matters (longer, more specific forms first).
_DATE_PATTERN = re.compile(
    r"(?P<window>(?:(?P<wy>\d{4})年)?(?P<wm1>\d{1,2})[—\-–~～至](?P<wm2>\d{1,2})月)"
    r"|(?P<fromday>(?:(?P<fdy>\d{4})年)?(?P<fdm>\d{1,2})月(?P<fdd>\d{1,2})日起)"
    r"|(?P<xun>(?:(?P<xy>\d{4})年)?(?P<xm>\d{1,2})月(?P<xp>上旬|中旬|下旬))"
    r"|(?P<monthend>(?:(?P<mey>\d{4})年)?(?P<mem>\d{1,2})月(?:底|末|份)前?)"
    r"|(?P<frommonth>(?:(?P<fmy>\d{4})年)?(?P<fmm>\d{1,2})月起)"
    r"|(?P<byday>(?:(?P<bdy>\d{4})年)?(?P<bdm>\d{1,2})月(?P<bdd>\d{1,2})日前)"
    r"|(?P<yearend>(?:(?P<yey>\d{4})年|(?<!\d)年)底前?)"
    r"|(?P<fromyear>(?P<fyy>\d{4})年起)"
    r"|(?P<year>(?P<yy>\d{4})年(?!\d|底|起|度))"
)
_QUARTERLY = re.compile(r"每季度|按季度")
_MONTHLY = re.compile(r"每月|按月")
_LONG_TERM = "长期坚持"
# "…主体工程建设；（2）" — the next step's enumeration marker is not part of this label.
_ENUMERATION_TAIL = re.compile(r"[；;，,。]?[（(]\d+[）)]$")


class DeadlineParseError(ValueError):
    """The wording holds no deadline form this parser knows."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(group: str | None, current: int) -> int:
    return int(group) if group else current


def parse_deadline(raw: str | None, plan_year: int = PLAN_YEAR_DEFAULT) -> Deadline:
    """Structured form of ``raw`` (kept verbatim in the result).

    ``None`` or an empty string → kind "none" (an empty table cell). Wording with no
    recognisable form raises ``DeadlineParseError`` (the loader reports it as a bad deadline;
    an item without a date must say ``kind: none`` explicitly).
    """
    if raw is None or not raw.strip():
        return Deadline(raw=raw or None, kind="none")
    text = "".join(raw.split())
    frequency: Frequency | None = None
    if _QUARTERLY.search(text):
        frequency = "quarterly"
    elif _MONTHLY.search(text):
        frequency = "monthly"

    steps: list[tuple[re.Match[str], Deadline]] = []
    current_year = plan_year
    for match in _DATE_PATTERN.finditer(text):
        try:
            parsed, current_year = _parse_one(match, current_year)
        except ValueError:  # calendar.IllegalMonthError, date(): a month or day that does not exist
            raise DeadlineParseError(
                f"时限“{raw}”中的日期“{match.group(0)}”不存在（月份应为 1–12，日应在当月天数内）"
            ) from None
        steps.append((match, parsed))

    if not steps:
        if _LONG_TERM in text:
            return Deadline(raw=raw, kind="long_term", frequency=frequency)
        if frequency is not None:
            return Deadline(raw=raw, kind="recurring", frequency=frequency)
        raise DeadlineParseError(f"无法识别的时限表述：“{raw}”")

    if len(steps) == 1:
        single = steps[0][1]
        return single.model_copy(update={"raw": raw, "frequency": frequency or single.frequency})

    milestones: list[Milestone] = []
    for index, (match, parsed) in enumerate(steps):
        end = steps[index + 1][0].start() if index + 1 < len(steps) else len(text)
        label = _ENUMERATION_TAIL.sub("", text[match.end() : end]).strip("，,；;。、 ")
        if parsed.kind == "window":
            # A window inside a multi-step sentence: its start and end become two steps.
            assert parsed.start is not None and parsed.end is not None
            milestones.append(
                Milestone(raw=match.group(0), due=parsed.start, label=label, kind="from")
            )
            milestones.append(Milestone(raw=match.group(0), due=parsed.end, label=label))
        elif parsed.kind == "from_date":
            assert parsed.start is not None
            milestones.append(
                Milestone(raw=match.group(0), due=parsed.start, label=label, kind="from")
            )
        else:
            assert parsed.due is not None
            milestones.append(Milestone(raw=match.group(0), due=parsed.due, label=label))
    return Deadline(raw=raw, kind="milestones", milestones=tuple(milestones), frequency=frequency)


def _parse_one(match: re.Match[str], current_year: int) -> tuple[Deadline, int]:
    """One date expression → a single-form Deadline, and the year now in force."""
    g = match.group
    if g("window"):
        year = _year(g("wy"), current_year)
        start = date(year, int(g("wm1")), 1)
        end = _month_end(year, int(g("wm2")))
        return Deadline(raw=g(0), kind="window", start=start, end=end), year
    if g("fromday"):
        year = _year(g("fdy"), current_year)
        start = date(year, int(g("fdm")), int(g("fdd")))
        return Deadline(raw=g(0), kind="from_date", start=start), year
    if g("xun"):
        year = _year(g("xy"), current_year)
        month = int(g("xm"))
        day = {"上旬": 10, "中旬": 20}.get(g("xp"))
        due = date(year, month, day) if day else _month_end(year, month)
        return Deadline(raw=g(0), kind="by_date", due=due), year
    if g("monthend"):
        year = _year(g("mey"), current_year)
        return Deadline(raw=g(0), kind="by_date", due=_month_end(year, int(g("mem")))), year
    if g("frommonth"):
        year = _year(g("fmy"), current_year)
        return Deadline(raw=g(0), kind="from_date", start=date(year, int(g("fmm")), 1)), year
    if g("byday"):
        year = _year(g("bdy"), current_year)
        return Deadline(
            raw=g(0), kind="by_date", due=date(year, int(g("bdm")), int(g("bdd")))
        ), year
    if g("yearend"):
        year = _year(g("yey"), current_year)
        return Deadline(raw=g(0), kind="by_date", due=date(year, 12, 31)), year
    if g("fromyear"):
        year = int(g("fyy"))
        return Deadline(raw=g(0), kind="from_date", start=date(year, 1, 1)), year
    year = int(g("yy"))
    return Deadline(raw=g(0), kind="by_date", due=date(year, 12, 31)), year
