"""The fixed vocabularies of the desk. Values are the Chinese words stored and shown.

Configurable lists (repair categories, complaint categories, shift names) live in
settings, not here; these are the words the rules depend on.
"""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    RECEPTIONIST = "前台"
    SUPERVISOR = "主管"
    MANAGER = "经理"


class ResidentRole(StrEnum):
    OWNER = "业主"
    TENANT = "租户"
    FAMILY = "家属"


class UnitKind(StrEnum):
    UNIT = "住户"  # a flat: building-entrance-room
    PUBLIC = "公共区域"  # lift hall, car park, garden …


class Channel(StrEnum):
    """How a repair request came in (DOMAIN §3)."""

    CALL = "来电"
    VISIT = "来访"
    PATROL = "巡查"
    OTHER = "其他"


class ComplaintChannel(StrEnum):
    CALL = "来电"
    VISIT = "来访"
    WRITTEN = "书面"
    ONLINE = "网络"
    OTHER = "其他"


class Urgency(StrEnum):
    EMERGENCY = "紧急"
    IMPORTANT = "重要"
    ORDINARY = "一般"
    APPOINTMENT = "预约"


class Severity(StrEnum):
    MAJOR = "重大"
    IMPORTANT = "重要"
    MINOR = "轻微"


class EscalationLevel(StrEnum):
    DESK = "前台/部门"
    SUPERVISOR = "项目主管"
    LEADERSHIP = "公司领导"


ESCALATION_ORDER = [EscalationLevel.DESK, EscalationLevel.SUPERVISOR, EscalationLevel.LEADERSHIP]


class WorkOrderState(StrEnum):
    NEW = "待派工"
    DISPATCHED = "已派工"
    IN_PROGRESS = "处理中"
    WAITING_PARTS = "待料"
    COMPLETED = "已完成"
    CALLED_BACK = "已回访"
    REWORK = "返工"
    VOID = "作废"


class ComplaintState(StrEnum):
    ACCEPTED = "已受理"
    IN_PROGRESS = "处理中"
    ANSWERED = "已答复"
    CALLED_BACK = "已回访"
    VOID = "作废"


class CallType(StrEnum):
    ENQUIRY = "咨询"
    REPAIR = "报修"
    COMPLAINT = "投诉"
    SUGGESTION = "建议"
    HELP = "求助"
    MESSAGE = "转告"
    OTHER = "其他"


class MessageState(StrEnum):
    PENDING = "未转告"
    DELIVERED = "已转告"


class VisitOutcome(StrEnum):
    SETTLED = "当场解决"
    PASSED = "转部门处理"


class VisitState(StrEnum):
    OPEN = "待处理"
    CLOSED = "已办结"
    VOID = "作废"


class RecordState(StrEnum):
    """State of records without a workflow of their own (calls)."""

    ACTIVE = "有效"
    VOID = "作废"


class LoanKind(StrEnum):
    ITEM = "物品"
    KEY = "钥匙"


class LoanState(StrEnum):
    OUT = "借出"
    RETURNED = "已归还"
    VOID = "作废"


class CallbackSource(StrEnum):
    WORK_ORDER = "报修"
    COMPLAINT = "投诉"


class CallbackState(StrEnum):
    DUE = "待回访"
    DONE = "已回访"
    VOID = "作废"


class CallbackWay(StrEnum):
    PHONE = "电话"
    VISIT = "上门"


class Satisfaction(StrEnum):
    VERY = "非常满意"
    SATISFIED = "满意"
    FAIR = "基本满意"
    UNSATISFIED = "不满意"


class SignedWay(StrEnum):
    """How a form's signed copy came back (models.SignedCopy)."""

    SCAN = "扫描件"  # the signed paper, scanned or photographed
    SCREEN = "屏幕签名"  # signed on the screen at the desk


class HandoverState(StrEnum):
    DRAFT = "草稿"
    CONFIRMED = "已确认"
    ACCEPTED = "已接班"


class AuditAction(StrEnum):
    CREATE = "新建"
    UPDATE = "修改"  # a field an action sets (派工's 维修人员 …)
    TRANSITION = "状态"
    VOID = "作废"
    # 修改 of a saved record's facts, with a reason (services.records.corrections). Not
    # "修改": that value is UPDATE's, stored in every office's log, and an equal value would
    # make CORRECT an alias of UPDATE.
    CORRECT = "更正"
    # personal data left the program: a list or form exported to a file (EXPORT) or printed
    # (PRINT) — services.core.audit.exported / form_exported. Two characters like the rest:
    # the column (String(6), migration 0001, no CHECK constraint) holds them without a
    # migration. A program older than PRINT cannot read a row holding it.
    EXPORT = "导出"
    PRINT = "打印"
