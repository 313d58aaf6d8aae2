"""Supervision configuration: the configurable rules, labels and the errors every use case raises."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from envplan.services.calendar import NonWorkingDeadline, WorkingCalendar

# --- configuration ----------------------------------------------------------------------------

#: Notice levels in escalation order.
NOTICE_LEVELS = ("blue", "orange", "red")
#: zh-CN label of each notice level.
NOTICE_LEVEL_LABELS = {"blue": "蓝色督办单", "orange": "橙色督办单", "red": "红色督办单"}

#: zh-CN label of each occurrence status.
STATUS_LABELS = {
    "not_started": "未开始",
    "in_progress": "推进中",
    "done": "已完成",
    "overdue": "已逾期",
    "at_risk": "临期预警",
}
#: zh-CN label of each role a unit has in an occurrence.
OCCURRENCE_ROLE_LABELS = {
    "lead": "牵头单位",
    "county": "县级落实",
    "co": "配合单位",
}
#: Sort order of the roles (lead, county, co-unit).
ROLE_ORDER = {"lead": 0, "county": 1, "co": 2}
#: zh-CN label of each light.
LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
#: County bucket of city-level units in completion rates (市本级).
CITY_LEVEL = "市本级"  # county bucket of city-level units in completion rates
#: Unit id of "every county government" as a responsible party.
COUNTY_GROUP_UNIT_ID = "counties"
#: Name of that unit.
COUNTY_GROUP_UNIT_NAME = "各县（市、区）人民政府"


@dataclass(frozen=True)
class SupervisionRules:
    """Configurable thresholds (all counted in official working days).

    at_risk_working_days / at_risk_percent: an open occurrence due within N working days whose
    reported progress is below X % is "at risk" (yellow).
    notice_after_working_days: working days overdue before the blue notice; orange and red follow
    ``escalate_every_working_days`` after the previous notice while the item stays undone.
    notice_reply_working_days: working days the unit has to reply to a notice.
    non_working_deadline: a deadline on a non-working day is kept or moved to the next working day.
    """

    at_risk_working_days: int = 5
    at_risk_percent: int = 50
    notice_after_working_days: int = 1
    escalate_every_working_days: int = 5
    notice_reply_working_days: int = 3
    non_working_deadline: NonWorkingDeadline = NonWorkingDeadline.KEEP

    def as_dict(self) -> dict[str, Any]:
        """The rules as a JSON-ready dict."""
        data = asdict(self)
        data["non_working_deadline"] = self.non_working_deadline.value
        return data


#: The supervision rules used when a call passes none.
DEFAULT_RULES = SupervisionRules()
_calendar = WorkingCalendar()


class SupervisionError(ValueError):
    """Bad input to a supervision service (zh-CN message)."""


class NotFound(LookupError):
    """The requested record does not exist (zh-CN message)."""

    pass


class ConflictError(RuntimeError):
    """Someone saved the same occurrence first. Nothing was written; ``unsaved`` is the payload
    the caller tried to save, so a form can show it again."""

    def __init__(self, occurrence_id: int, expected: int, actual: int, unsaved: dict[str, Any]):
        self.occurrence_id = occurrence_id
        self.expected_version = expected
        self.actual_version = actual
        self.unsaved = unsaved
        super().__init__(
            f"保存冲突：任务第 {occurrence_id} 号记录已被他人更新（您基于版本 {expected}，"
            f"当前版本 {actual}）。您的内容未保存也未丢失，请刷新后核对再提交。"
        )
