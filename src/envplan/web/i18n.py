"""Page chrome in zh-CN first, with an English switch.

Only the interface words are translated; data (task texts, unit and section names, the plan's own
wording) stays in the original Chinese in both languages, because that is the official record.
The language is chosen by the ``lang`` cookie (set by ``/lang/{code}``), zh-CN by default.
"""

from __future__ import annotations

from collections.abc import Callable

DEFAULT_LANG = "zh"
LANGS = ("zh", "en")

# key: (zh-CN, English)
STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("晋城市污染防治行动计划运行平台", "Jincheng pollution-prevention plan platform"),
    "app.short": ("envplan", "envplan"),
    "nav.dashboard": ("总览", "Overview"),
    "nav.air": ("空气质量", "Air quality"),
    "nav.water": ("地表水", "Surface water"),
    "nav.soil": ("土壤", "Soil"),
    "nav.analysis": ("趋势与数据质量", "Trends and data quality"),
    "nav.tasks": ("任务调度", "Task board"),
    "nav.notices": ("督办单", "Supervision notices"),
    "nav.upload": ("数据上传", "Uploads"),
    "nav.bulletin": ("月调度通报", "Monthly bulletin"),
    "nav.public": ("信息公开", "Public disclosure"),
    "nav.api": ("API 文档", "API docs"),
    "nav.login": ("登录", "Log in"),
    "nav.logout": ("退出", "Log out"),
    "lang.switch": ("English", "中文"),
    "login.title": ("用户登录", "Log in"),
    "login.username": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码错误", "Wrong user name or password"),
    "login.demo_users": ("演示账号（示例）", "Demo logins (示例)"),
    "label.demo": ("示例", "示例 (demo)"),
    "label.third_party": ("第三方处理数据", "third-party processed data (第三方处理数据)"),
    "label.official": ("官方发布数据", "official published data"),
    "label.source": ("数据来源", "Source"),
    "label.missing": ("暂无数据", "No data"),
    "air.calendar": ("日 AQI 日历", "Daily AQI calendar"),
    "air.trend": ("日 AQI 与污染物浓度趋势", "Daily AQI and pollutant trends"),
    "air.good_ratio": ("优良天数比例", "Good-day ratio"),
    "air.good_needed": ("全年达标尚需优良天数", "Good days still needed this year"),
    "air.rank": ("综合指数与排名", "Composite index and rank"),
    "air.heavy": ("重污染天数", "Heavy-pollution days"),
    "air.hourly": ("小时 AQI（官方实时数据）", "Hourly AQI (official real-time data)"),
    "water.sections": ("断面水质类别与目标", "Section classes vs targets"),
    "soil.samples": ("土壤样品分类", "Soil sample classes"),
    "tasks.board": ("任务看板", "Task board"),
    "tasks.overdue": ("逾期清单", "Overdue list"),
    "tasks.report": ("填报进展", "Report progress"),
    "notices.title": ("督办单", "Supervision notices"),
    "upload.title": ("数据上传", "Uploads"),
    "upload.monitoring": ("监测数据文件", "Monitoring data file"),
    "upload.evidence": ("佐证材料", "Evidence file"),
    "upload.submit": ("上传", "Upload"),
    "public.title": ("信息公开", "Public disclosure"),
    "error.title": ("出错了", "Error"),
    "common.submit": ("提交", "Submit"),
    "common.filter": ("筛选", "Filter"),
    "common.all": ("全部", "All"),
    "common.as_of": ("评估日期", "as of"),
    "tasks.plan": ("计划", "Plan"),
    "tasks.unit": ("责任单位", "Responsible unit"),
    "tasks.county": ("县（市、区）", "County"),
    "tasks.status": ("状态", "Status"),
    "tasks.month": ("到期月份", "Due month"),
    "tasks.task": ("任务", "Task"),
    "tasks.step": ("节点", "Step"),
    "tasks.due": ("完成时限", "Due"),
    "tasks.overdue_days": ("逾期工作日", "Working days overdue"),
    "tasks.progress": ("进度", "Progress"),
    "tasks.green": ("绿灯", "Green"),
    "tasks.yellow": ("黄灯（临期预警）", "Yellow (due soon)"),
    "tasks.red": ("红灯（逾期）", "Red (overdue)"),
    "tasks.count": ("任务节点", "Task steps"),
    "tasks.rates_plan": ("按计划：按期完成率", "On-time rate by plan"),
    "tasks.rates_county": ("按县（市、区）：按期完成率", "On-time rate by county"),
    "tasks.rates_unit": ("按责任单位：按期完成率", "On-time rate by unit"),
    "water.plan_sections": ("计划考核断面（附件1，22 个）", "Plan sections (Annex 1, 22)"),
    "common.back": ("返回", "Back"),
}


def translator(lang: str) -> Callable[[str], str]:
    """Return ``t(key)`` for the language; unknown keys show themselves so gaps are visible."""
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = STRINGS.get(key)
        return pair[index] if pair else key

    return t


def pick_lang(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LANGS else DEFAULT_LANG
