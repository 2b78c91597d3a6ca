"""Office settings: a typed list of defaults, seeded into the ``setting`` table.

Every time limit of DOMAIN.md is a default here that an office can change. Limits
are written as short specs parsed by desk.services.core.sla: ``30m``, ``2h``, ``2d``
(calendar days), ``5wd`` (working days), ``eod`` (end of the same day).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from desk.models import Setting, db, kinds
from desk.models.enums import Severity, Urgency


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    label: str


def _sla(urgency: Urgency, response: str, completion: str) -> list[SettingSpec]:
    """The limits an order's deadlines are computed from, named as the deadlines are."""
    wo = kinds.WORKORDER.label
    return [
        SettingSpec(
            f"sla.workorder.{urgency.value}.response", response, f"{urgency}·{wo('response_due')}"
        ),
        SettingSpec(
            f"sla.workorder.{urgency.value}.completion",
            completion,
            f"{urgency}·{wo('completion_due')}",
        ),
    ]


# forms.register_phones: the loan registers print phones masked (138****5678), or in full
REGISTER_PHONES = ("隐藏", "完整")
# forms.signed_back: the forms whose signed copy comes back (services.records.signed_copies)
SIGNED_FORMS = ("派工单", "投诉处理单", "借用单")

DEFAULTS: list[SettingSpec] = [
    SettingSpec("office.name", "", "物业服务中心名称"),
    SettingSpec("office.greeting", "您好，{office}，请问有什么可以帮您？", "接听问候语"),
    *_sla(Urgency.EMERGENCY, "30m", "2h"),
    *_sla(Urgency.IMPORTANT, "1h", "8h"),
    *_sla(Urgency.ORDINARY, "2h", "48h"),
    *_sla(Urgency.APPOINTMENT, "4h", "5wd"),
    SettingSpec(f"sla.complaint.{Severity.MAJOR.value}", "eod", "重大投诉·上报公司领导时限"),
    SettingSpec(f"sla.complaint.{Severity.IMPORTANT.value}", "1h", "重要投诉·上报项目主管时限"),
    SettingSpec(f"sla.complaint.{Severity.MINOR.value}", "2d", "轻微投诉·处理完毕时限"),
    SettingSpec("sla.callback.workorder", "48h", "报修完成后回访时限"),
    SettingSpec("sla.callback.complaint", "48h", "投诉答复后回访时限"),
    SettingSpec("sla.near_fraction", 0.2, "剩余时间少于时限的此比例时标黄"),
    SettingSpec(
        "lists.workorder.categories",
        ["水电", "土建", "门窗", "电梯", "门禁", "公共设施", "其他"],
        kinds.WORKORDER.label("category"),
    ),
    SettingSpec(
        "lists.complaint.categories",
        ["工程质量", "规划设计", "销售管理", "物业管理", "客户服务", "其他"],
        kinds.COMPLAINT.label("category"),
    ),
    SettingSpec(
        "lists.complaint.subtypes",
        ["设施故障", "邻里纠纷", "噪音", "环境卫生", "收费", "服务态度", "其他"],
        kinds.COMPLAINT.label("subtype"),
    ),
    SettingSpec(
        "lists.shifts",
        [
            {"name": "早班", "start": "08:00", "end": "16:00"},
            {"name": "中班", "start": "16:00", "end": "24:00"},
            {"name": "晚班", "start": "00:00", "end": "08:00"},
        ],
        "班次",
    ),
    # the daily backup goes beside the database and, when this is set, here as well: a
    # USB stick or a second disk survives the PC's own disk failing (services/io/backup.py)
    SettingSpec("backup.folder", "", "每日备份另存到"),
    # nobody at the keyboard this long: the window locks (离开时锁定屏幕, ui/window/lock.py)
    SettingSpec("lock.idle_minutes", 5, "无人操作多久后锁屏（分钟）"),
    # the loan registers are signed by every borrower of the day: each sees the others'
    # numbers unless they are masked; an office keeping a full copy for staff says 完整
    SettingSpec("forms.register_phones", REGISTER_PHONES[0], "借用登记表上的电话"),
    # a signed paper is filed against its record; these are chased as 未签回 until it is
    SettingSpec("forms.signed_back", list(SIGNED_FORMS[:2]), "须签回的表单"),
    # a scanner or a phone saves signed papers here: the program files them by their QR code
    SettingSpec("signed.watch_folder", "", "签字件扫描文件夹"),
]

_BY_KEY = {spec.key: spec for spec in DEFAULTS}


def seed(session: Session) -> None:
    """Insert every default the table does not have yet; existing values are kept."""
    have = set(session.exec(select(Setting.key)).all())
    for spec in DEFAULTS:
        if spec.key not in have:
            session.add(Setting(key=spec.key, value=json.dumps(spec.default, ensure_ascii=False)))
    session.flush()


def seed_missing(engine: Engine) -> None:
    """Seed the defaults the file lacks, taking the write lock only when one is missing:
    opening a file to print a form or to read it never waits for a save, nor blocks one."""
    with db.read_session(engine) as session:
        have = set(session.exec(select(Setting.key)).all())
    if any(spec.key not in have for spec in DEFAULTS):
        with db.write_session(engine) as session:
            seed(session)


def label(key: str) -> str:
    return _BY_KEY[key].label


def default(key: str) -> Any:
    return _BY_KEY[key].default


def get(session: Session, key: str) -> Any:
    spec = _BY_KEY[key]  # unknown keys are programming errors
    row = session.get(Setting, key)
    return spec.default if row is None else json.loads(row.value)


def all_values(session: Session) -> dict[str, Any]:
    """Every setting, defaults filled in — one query for code that needs many limits."""
    values = {spec.key: spec.default for spec in DEFAULTS}
    for row in session.exec(select(Setting)).all():
        if row.key in values:
            values[row.key] = json.loads(row.value)
    return values
