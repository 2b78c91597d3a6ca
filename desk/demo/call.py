"""来电: the calls the desk logs — questions, help, suggestions, and 转告 messages for a
colleague, passed on when they are at work (a few forgotten for a day or two)."""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desk.demo.chance import daytime, minutes, weighted
from desk.demo.life import NEVER, Life
from desk.demo.people import mobile
from desk.models.enums import CallType, MessageState, RecordState

if TYPE_CHECKING:
    from desk.demo.world import World

CALLS: dict[CallType, list[tuple[str, str]]] = {
    CallType.ENQUIRY: [
        ("咨询本周停水通知的具体时间", "已告知周三上午9点至12点停水"),
        ("咨询物业费缴纳截止日期", "已告知本季度物业费月底前缴纳"),
        ("咨询快递柜位置", "已告知快递柜在各单元门口"),
        ("询问小区能否办理电动车充电", "已告知充电桩在地面停车场东侧，扫码使用"),
        ("咨询装修需要办理哪些手续", "已告知携带房产证和施工方案到前台办理"),
        ("询问游泳池开放时间", "已告知夏季每天9点至21点开放"),
        ("咨询车位月卡办理", "已告知到前台办理，需行驶证"),
        ("咨询垃圾分类投放时间", "已告知早7-9点、晚6-8点定时投放"),
        ("咨询房屋出租需要办理的手续", "已告知需到前台登记租户信息"),
        ("询问天然气开通流程", "已告知燃气公司客服电话"),
    ],
    CallType.REPAIR: [
        ("催问昨天报修的维修进度", "已联系维修班组，今天下午上门"),
        ("询问维修收费标准", "已告知有偿服务价目表在前台公示"),
        ("询问家里漏水是否物业负责维修", "已告知户内管道属业主自用部分，可有偿维修"),
    ],
    CallType.COMPLAINT: [
        ("反映楼下烧烤油烟很大", "已记录，安排秩序维护部上门劝导"),
        ("反映晚上有人在楼道吸烟", "已记录，将张贴禁烟提示"),
    ],
    CallType.SUGGESTION: [
        ("建议小区增加电动车充电桩", "已记录，会反馈给项目经理"),
        ("建议延长游泳池开放时间", "已记录，会反馈给项目经理"),
        ("建议在儿童游乐区加装遮阳棚", "已记录，会提交工程部评估"),
        ("建议增加垃圾分类宣传", "已记录，谢谢您的建议"),
        ("建议在北门增设快递存放点", "已记录，会反馈给项目经理"),
    ],
    CallType.HELP: [
        ("家中老人摔倒，需要帮忙扶起", "已安排秩序维护部值班人员立即上门协助"),
        ("钥匙锁在屋里了", "已提供开锁公司电话，并安排保安协助核实身份"),
        ("车辆被堵，需要联系车主挪车", "已通过车牌查询联系车主挪车"),
        ("家里宠物狗走失", "已通知各岗亭留意，并在业主群发布寻狗启事"),
        ("孩子被困在电梯里", "已立即通知电梯维保单位和值班电工"),
        ("快递被别人拿错了", "已调取快递柜记录，联系相关住户"),
    ],
    CallType.OTHER: [
        ("打错电话", "已告知"),
        ("询问附近公交线路", "已告知北门外有公交站"),
        ("推销电话", "已礼貌拒绝"),
        ("询问附近的菜市场", "已告知"),
    ],
}
MESSAGE_MATTERS = [
    "询问装修押金退还进度",
    "商量车位续租事宜",
    "反馈上次投诉的处理情况",
    "要求约时间面谈",
    "咨询发票开具问题",
    "确认维修费用",
    "询问合同续签事宜",
]
CALL_TYPES = [
    (CallType.ENQUIRY, 42),
    (CallType.REPAIR, 6),
    (CallType.COMPLAINT, 2),
    (CallType.SUGGESTION, 6),
    (CallType.HELP, 12),
    (CallType.MESSAGE, 14),
    (CallType.OTHER, 8),
]
CALL_VOID_REASONS = ["误登记", "重复登记"]


def new(w: World, rng: random.Random, t: datetime) -> dict[str, Any]:
    people = w.people
    call_type = weighted(rng, CALL_TYPES)
    x = rng.random()
    if x < 0.8:
        party = people.resident_party(rng)
    elif x < 0.9:  # an outside caller who gave only a name and number
        party = people.outsider(rng)
    else:
        party = {
            "unit_id": None,
            "resident_id": None,
            "room_text": "",
            "person_name": "",
            "phone": mobile(rng) if rng.random() < 0.5 else "",
        }
    message_for = None
    if call_type == CallType.MESSAGE:
        colleague = (
            rng.choice(people.managers) if rng.random() < 0.6 else rng.choice(people.receptionists)
        )
        message_for = colleague
        caller = party["person_name"] or people.names.polite(rng)
        phone = party["phone"] or mobile(rng)
        party.update(person_name=caller, phone=phone)
        who = people.staff_names[colleague]
        content = f"{caller}来电找{who}，{rng.choice(MESSAGE_MATTERS)}，请回电{phone}"
        reply = f"{who}不在，已记录，会尽快转告"
    else:
        content, reply = rng.choice(CALLS[call_type])
    return w.draft(
        "call", t, party, call_type=call_type, content=content, reply=reply,
        message_for_id=message_for,
    )  # fmt: skip


def live(w: World, rng: random.Random, rec: dict[str, Any]) -> None:
    t0: datetime = rec["created_at"]
    life = Life(rec, w.now)
    if rec["message_for_id"] is not None:
        # as calls.create_call: a 转告 waits until it is passed on (calls.mark_delivered)
        rec["message_state"] = MessageState.PENDING
        slow = rng.random() < 0.03
        at = t0 + (minutes(rng, 24 * 60, 48 * 60) if slow else minutes(rng, 10, 4 * 60))
        at = daytime(rng, at, 8, 18)
        life.at(at, message_state=MessageState.DELIVERED, delivered_at=at)
    elif rng.random() < 0.005:
        at = t0 + minutes(rng, 1, 60)
        life.at(at, state=RecordState.VOID, voided_at=at, void_reason=rng.choice(CALL_VOID_REASONS))
    w.write("call", rec)
    if rec["message_for_id"] is not None:
        who = w.people.staff_names[rec["message_for_id"]]
        end = rec["delivered_at"] or NEVER
        data = (rec["id"], rec["serial"], who, rec["content"], rec["room_text"])
        w.handovers.carry("call", t0, end, data)
