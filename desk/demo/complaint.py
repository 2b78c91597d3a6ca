"""投诉: the complaints recorded at the desk and their life — picked up by the department,
reported up to the level their severity requires, answered, called back, and (when the
resident is unhappy) escalated and answered again.

Every move is a ``COMPLAINT_FLOW`` action; 升级 climbs one level at a time as
``complaints.escalate`` does, and the deadline comes from ``services.sla``.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from desk.demo import callback, signed
from desk.demo.callback import HAPPY_COMMENTS, SATISFACTION_COMPLAINT
from desk.demo.chance import between, daytime, minutes, weighted
from desk.demo.life import Facts, Life, open_spans
from desk.models.enums import (
    ESCALATION_ORDER,
    CallbackSource,
    ComplaintChannel,
    EscalationLevel,
    Satisfaction,
    Severity,
)
from desk.models.enums import ComplaintState as C
from desk.models.states import COMPLAINT_FLOW, OPEN_COMPLAINT_STATES
from desk.services.core.sla import complaint_due
from desk.services.records import complaints
from desk.services.records.complaints import REQUIRED_LEVEL

if TYPE_CHECKING:
    from desk.demo.world import World

# (subtype, category, description, target, demand)
COMPLAINTS: list[tuple[str, str, str, str, str]] = [
    ("设施故障", "工程质量", "电梯一个月内坏了三次，多次报修仍未根治", "工程部",
     "要求彻底维修并说明原因"),
    ("设施故障", "物业管理", "地下车库照明长期不亮，存在安全隐患", "工程部", "尽快修复"),
    ("设施故障", "物业管理", "单元门禁坏了一周没人修", "工程部", "三天内修好"),
    ("设施故障", "工程质量", "新交房屋卫生间渗水到楼下", "开发商", "要求维修并赔偿楼下损失"),
    ("邻里纠纷", "物业管理", "楼上住户在阳台养鸽子，粪便污染我家窗台", "{room}住户",
     "希望物业出面协调"),
    ("邻里纠纷", "物业管理", "邻居长期占用楼道堆放杂物", "{room}住户", "要求清理楼道"),
    ("邻里纠纷", "物业管理", "邻居装修损坏了我家墙面", "{room}住户", "要求对方赔偿"),
    ("噪音", "物业管理", "楼上每晚十一点后还在拖动家具，影响休息", "{room}住户",
     "希望物业上门劝导"),
    ("噪音", "物业管理", "隔壁装修中午施工，噪音很大", "{room}装修队", "要求按规定时间施工"),
    ("噪音", "物业管理", "广场舞音乐太吵，影响老人孩子休息", "健身广场活动人员",
     "要求限制音量和时间"),
    ("噪音", "物业管理", "楼下商铺空调外机夜间噪音大", "底商", "要求整改"),
    ("环境卫生", "物业管理", "垃圾清运不及时，单元门口有异味", "环境部", "要求每天按时清运"),
    ("环境卫生", "物业管理", "楼道保洁不到位，地面很脏", "环境部", "加强保洁"),
    ("环境卫生", "物业管理", "草坪上宠物粪便无人清理", "环境部", "加强管理，提醒养宠业主"),
    ("环境卫生", "物业管理", "绿化带有积水，蚊虫很多", "环境部", "尽快消杀"),
    ("收费", "物业管理", "物业费收费标准不清楚，要求公示明细", "财务部", "公示收费明细"),
    ("收费", "客户服务", "停车费上涨没有提前公示", "财务部", "要求说明调价依据"),
    ("收费", "物业管理", "水电公摊费用明显偏高", "财务部", "要求核查公摊"),
    ("服务态度", "客户服务", "保安态度生硬，不让快递员进小区", "秩序维护部", "要求道歉并改进"),
    ("服务态度", "客户服务", "客服电话多次无人接听", "客服中心", "改进服务"),
    ("服务态度", "客户服务", "维修师傅上门迟到且态度差", "工程部", "要求书面道歉"),
    ("其他", "其他", "小区内电动车乱停放，堵塞消防通道", "秩序维护部", "加强巡查"),
    ("其他", "其他", "外来车辆占用业主固定车位", "秩序维护部", "要求处理并杜绝"),
    ("其他", "物业管理", "发现高空抛物，险些砸到孩子", "秩序维护部", "要求查找责任人"),
    ("其他", "规划设计", "小区车位规划不足，晚上无处停车", "开发商", "要求增加车位"),
    ("其他", "销售管理", "交房时承诺的会所至今未开放", "开发商", "要求兑现承诺"),
]  # fmt: skip
COMPLAINT_MEASURES = {
    "设施故障": "已通知工程部检修，联系维保单位彻查原因",
    "邻里纠纷": "客服上门与双方沟通协调",
    "噪音": "秩序维护部上门劝导，发放文明公约",
    "环境卫生": "环境部调整清运和保洁频次，安排消杀",
    "收费": "财务部核对账目，准备公示材料",
    "服务态度": "对相关人员进行批评教育和服务培训",
    "其他": "秩序维护部加强巡查，张贴告示",
}
COMPLAINT_RESULTS = {
    "设施故障": "设施已修复，运行正常",
    "邻里纠纷": "双方达成一致，问题已解决",
    "噪音": "对方已承诺整改，近期未再发生",
    "环境卫生": "已整改，现场清洁",
    "收费": "已公示收费明细并向业主解释",
    "服务态度": "相关人员已向业主道歉",
    "其他": "已处理，后续加强管理",
}
COMPLAINT_CHANNELS = [
    (ComplaintChannel.CALL, 45),
    (ComplaintChannel.VISIT, 35),
    (ComplaintChannel.WRITTEN, 8),
    (ComplaintChannel.ONLINE, 10),
    (ComplaintChannel.OTHER, 2),
]
DEPARTMENTS = {
    "工程部": "工程部",
    "开发商": "客服中心",
    "环境部": "环境部",
    "财务部": "财务部",
    "秩序维护部": "秩序维护部",
    "客服中心": "客服中心",
}
COMPLAINT_VOID_REASONS = ["重复登记", "业主撤回投诉", "登记错误"]

_TRACKED = {"state": 0, "level": 1}  # what a handover's carried item reads


def _append(text: str, line: str) -> str:
    """A line added to 处理措施, as 升级 adds its reason."""
    return f"{text}\n{line}".strip()[-2000:]


def new(w: World, rng: random.Random, t: datetime) -> dict[str, Any]:
    subtype, category, text, target, demand = rng.choice(COMPLAINTS)
    categories = w.conf["lists.complaint.categories"]
    subtypes = w.conf["lists.complaint.subtypes"]
    category = category if category in categories else categories[-1]
    subtype = subtype if subtype in subtypes else ""
    party = w.people.resident_party(rng)
    if "{room}" in target:
        other = w.people.random_flat(rng)[1]
        target = target.format(room=other)
    severity = weighted(rng, [(Severity.MINOR, 85), (Severity.IMPORTANT, 12), (Severity.MAJOR, 3)])
    deadline = None
    if severity == Severity.MINOR and rng.random() < 0.2:
        deadline = datetime.combine(t.date() + timedelta(days=rng.randint(1, 3)), time(18))
    channel = weighted(rng, COMPLAINT_CHANNELS)
    dept = DEPARTMENTS.get(
        target, "秩序维护部" if "住户" in target or "队" in target else "客服中心"
    )
    if channel == ComplaintChannel.ONLINE:
        text = "（业主群反映）" + text
    elif channel == ComplaintChannel.WRITTEN:
        text = "（书面投诉信）" + text
    return w.draft(
        "complaint",
        t,
        party,
        channel=channel,
        occurred_at=t - minutes(rng, 10, 48 * 60),
        occurred_place=party["room_text"] if rng.random() < 0.5 else "小区内",
        target=target,
        category=category,
        subtype=subtype,
        severity=severity,
        description=text,
        demand=demand,
        demand_deadline=deadline,
        witnesses=w.people.names.polite(rng) if rng.random() < 0.08 else "",
        due_at=complaint_due(t, severity, w.conf, w.cal, deadline),
        department=dept,
        _subtype=subtype or "其他",
    )


def live(w: World, rng: random.Random, rec: dict[str, Any]) -> None:
    t0: datetime = rec["created_at"]
    severity: Severity = rec["severity"]
    life = Life(rec, w.now, COMPLAINT_FLOW)
    callbacks: list[dict[str, Any]] = []
    kind = rec.pop("_subtype")
    measures = COMPLAINT_MEASURES.get(kind, COMPLAINT_MEASURES["其他"])
    result = COMPLAINT_RESULTS.get(kind, COMPLAINT_RESULTS["其他"])
    if rng.random() < 0.01:
        at = t0 + minutes(rng, 10, 24 * 60)
        life.at(at, "作废", voided_at=at, void_reason=rng.choice(COMPLAINT_VOID_REASONS))
        return _finish(w, rec, callbacks, life)
    if severity != Severity.MINOR:
        started = t0 + minutes(rng, 5, 30)
    else:
        slow = rng.random() < 0.15  # the department takes its time to pick it up
        started = daytime(rng, t0 + minutes(rng, *((240, 1440) if slow else (10, 240))), 8, 21)
    if not life.at(started, "开始处理", measures=measures):
        return _finish(w, rec, callbacks, life)
    at = started
    required = REQUIRED_LEVEL[severity]
    if required != EscalationLevel.DESK:
        # reported up to the level its severity requires, mostly in time, a level a step
        reported = started if rng.random() < 0.9 else rec["due_at"] + minutes(rng, 5, 120)
        for level in ESCALATION_ORDER[1 : ESCALATION_ORDER.index(required) + 1]:
            line = f"升级：{severity}投诉，上报{level}"
            if not life.at(
                reported, "升级", level=level, escalated_at=reported, replied_at=None,
                measures=_append(rec["measures"], line),
            ):  # fmt: skip
                return _finish(w, rec, callbacks, life)
        at = reported
    if rec["level"] == EscalationLevel.DESK and rng.random() < 0.05:
        at = started + minutes(rng, 120, 24 * 60)
        life.at(
            at,
            "升级",
            level=EscalationLevel.SUPERVISOR,
            escalated_at=at,
            replied_at=None,
            measures=_append(rec["measures"], "升级：部门处理进展缓慢，上报项目主管"),
        )
    for attempt in range(2):
        if severity == Severity.MINOR and attempt == 0 and rng.random() < 0.85:
            answered = between(
                rng, at + timedelta(minutes=30), max(rec["due_at"], at + timedelta(hours=1))
            )
        else:
            answered = at + minutes(rng, 6 * 60, 5 * 24 * 60)
        answered = daytime(rng, answered, 8, 20)
        reply = f"已于{answered:%m月%d日}电话答复业主：{result}"
        if not life.at(answered, "答复", reply=reply, result=result, replied_at=answered):
            break
        cb = callback.new(w, CallbackSource.COMPLAINT, rec, answered)
        callbacks.append(cb)
        sat = weighted(rng, SATISFACTION_COMPLAINT) if attempt == 0 else Satisfaction.FAIR
        unhappy = sat == Satisfaction.UNSATISFIED
        comment = "问题反复出现，要求上级领导处理" if unhappy else rng.choice(HAPPY_COMMENTS)
        outcome = "业主对处理结果不满意" if unhappy else "问题已解决"
        cb_done = callback.done_time(rng, cb, answered)
        if not callback.record(w, rng, cb, cb_done, sat, outcome, comment, life.now):
            break
        if not unhappy:
            life.at(cb_done, "回访")
            break
        # as callbacks.record → complaints.escalate(reopen_at_top=True): one level up (at
        # the top it stays there), back to 处理中, the reason added to the measures
        index = ESCALATION_ORDER.index(rec["level"])
        reason = f"回访不满意：{comment or outcome}"[:200]
        life.at(
            cb_done,
            "升级",
            level=ESCALATION_ORDER[min(index + 1, len(ESCALATION_ORDER) - 1)],
            escalated_at=cb_done,
            replied_at=None,
            measures=_append(rec["measures"], f"升级：{reason}"),
        )
        at = cb_done
    _finish(w, rec, callbacks, life)


def _finish(w: World, rec: dict[str, Any], callbacks: list[dict[str, Any]], life: Life) -> None:
    source = rec.pop("_call", None)
    rec["call_id"] = source["id"] if source is not None else None
    source = rec.pop("_visit", None)
    rec["visit_id"] = source["id"] if source is not None else None
    # the deadline running now, stored as the services keep it after every action
    rec["overdue_at"] = complaints.deadline(Facts(rec))
    w.write("complaint", rec)
    # the 投诉处理单 printed at intake, signed back once the resident has the answer
    signed.paper(w, "complaint", rec, rec["created_at"], rec["replied_at"])
    data = (rec["id"], rec["serial"], rec["severity"], rec["description"], rec["room_text"],
            rec["due_at"], rec["demand_deadline"])  # fmt: skip
    initial = [C.ACCEPTED, EscalationLevel.DESK]
    t0 = rec["created_at"]
    for start, end, now in open_spans(t0, initial, life.events, _TRACKED, OPEN_COMPLAINT_STATES):
        w.handovers.carry("complaint", start, end, (*data, now))
    for cb in callbacks:
        callback.write(w, cb, rec)
