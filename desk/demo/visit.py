"""来访: residents settling something at the desk, visits passed to a department head and
closed when the department has finished, and visitors from outside registered at the gate."""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desk.demo.chance import daytime, minutes
from desk.demo.life import NEVER, Life
from desk.demo.people import mobile
from desk.models.enums import VisitOutcome, VisitState

if TYPE_CHECKING:
    from desk.demo.world import World

# Resident visits settled at the desk: (reason, result)
VISITS_SETTLED = [
    ("咨询物业费缴纳方式", "已告知可在前台、微信或银行代扣缴费"),
    ("缴纳物业费", "已收费并开具收据"),
    ("办理装修登记手续", "已登记装修，发放装修施工证和装修须知"),
    ("补办门禁卡", "已补办门禁卡，收取工本费20元"),
    ("咨询车位租赁", "已告知车位租赁价格及空余车位情况"),
    ("办理车辆出入登记", "已登记车牌，系统已授权"),
    ("开具物业费发票", "已开具发票"),
    ("咨询房屋出租备案", "已告知所需材料，租户需到前台登记"),
    ("领取代收包裹", "已核对身份并交付包裹"),
    ("咨询停水停电安排", "已告知停水时间及恢复时间"),
    ("办理宠物登记", "已登记犬只信息，提醒文明养犬"),
    ("咨询社区活动报名", "已登记报名"),
    ("更新联系电话", "已更新住户联系电话"),
    ("咨询装修押金退还", "已告知验收后七个工作日内退还"),
    ("询问快递柜使用方法", "已现场演示"),
]
# Passed to a department head: (reason, head, result written back)
VISITS_PASSED = [
    ("申请更换单元门禁系统", "工程部 刘经理", "工程部已评估，纳入下月维修计划，已电话告知业主"),
    ("反映物业费账单有误", "财务部 孙会计", "财务已核对账单并更正，已电话告知业主"),
    ("申请在车位安装充电桩", "工程部 刘经理", "已现场勘察，告知业主需报供电部门审批"),
    ("要求调取监控查找丢失的电动车", "秩序维护部 周队长", "已调取监控，协助业主报警处理"),
    ("反映绿化带树木遮挡采光", "环境部 吴主管", "已安排修剪树枝"),
    ("申请装修违规整改复查", "工程部 刘经理", "复查合格，已告知业主"),
    ("要求查看公共收益账目", "客服主管 孙志强", "已预约时间，由主管陪同查阅公示账目"),
    ("申请退还装修押金", "财务部 孙会计", "押金已退还到业主账户"),
]
# Non-residents registered at the gate/desk: (reason, result)
VISITS_OUTSIDER = [
    ("拜访亲友", "已电话联系住户确认，准予进入"),
    ("送货上门", "已联系住户确认，登记后放行"),
    ("装修施工人员进场登记", "已核对装修施工证，办理临时出入证"),
    ("家政服务", "已联系住户确认"),
    ("房产中介带客看房", "已联系业主确认并登记"),
    ("燃气公司上门安检", "已核对工作证件"),
    ("搬家公司进场", "已登记并提醒使用货梯"),
]
VISIT_VOID_REASONS = ["登记错误", "重复登记"]


def new(w: World, rng: random.Random, t: datetime) -> dict[str, Any]:
    people = w.people
    if rng.random() < 0.1:
        uid, code, household = people.random_flat(rng)
        host = household[0][1]
        reason, result = rng.choice(VISITS_OUTSIDER)
        tail = f"{rng.randrange(1000):03d}" + rng.choice("0123456789X")
        party = {
            "unit_id": uid,
            "resident_id": None,
            "room_text": code,
            "person_name": people.names.full(rng),
            "phone": mobile(rng),
        }
        return w.draft(
            "visit", t, party, reason=reason, result=result, is_resident=False, id_tail=tail,
            visiting=f"{code} {host[0]}{'先生' if rng.random() < 0.5 else '女士'}",
            outcome=VisitOutcome.SETTLED, _settled=True,
        )  # fmt: skip
    party = people.resident_party(rng)
    if rng.random() < 0.14:
        reason, head, result = rng.choice(VISITS_PASSED)
        return w.draft(
            "visit", t, party, reason=reason, result=result, outcome=VisitOutcome.PASSED,
            dept_head=head, passed_at=t, _settled=False,
        )  # fmt: skip
    reason, result = rng.choice(VISITS_SETTLED)
    return w.draft(
        "visit", t, party, reason=reason, result=result, outcome=VisitOutcome.SETTLED,
        _settled=True,
    )  # fmt: skip


def live(w: World, rng: random.Random, rec: dict[str, Any]) -> None:
    t0: datetime = rec["created_at"]
    settled = rec.pop("_settled")
    closes = None
    if settled:  # as visits.create: settled on the spot
        rec.update(state=VisitState.CLOSED, closed_at=t0)
    else:  # passed on: open until the department has finished (visits.close)
        final = rec["result"]
        rec.update(state=VisitState.OPEN, result="")
        slow = rng.random() < 0.1
        closes = daytime(rng, t0 + minutes(rng, 120, (5 if slow else 3) * 24 * 60), 8, 18)
    # a few are voided soon after: a passed one is then never closed
    void_at = t0 + minutes(rng, 1, 30) if rng.random() < 0.005 else None
    life = Life(rec, w.now if void_at is None else min(w.now, void_at))
    if closes is not None:
        life.at(closes, state=VisitState.CLOSED, closed_at=closes, result=final)
    if void_at is not None and void_at <= w.now:
        life.end(
            void_at,
            state=VisitState.VOID,
            voided_at=void_at,
            void_reason=rng.choice(VISIT_VOID_REASONS),
        )
    w.write("visit", rec)
    if not settled:
        end = rec["voided_at"] or rec["closed_at"] or NEVER
        data = (rec["id"], rec["serial"], rec["reason"], rec["dept_head"], rec["room_text"], t0)
        w.handovers.carry("visit", t0, end, data)
