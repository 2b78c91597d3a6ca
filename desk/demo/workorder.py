"""报修: the repairs reported at the desk and their life — dispatch, someone on site, a few
waiting for parts, the fix, the 回访, and (when the resident is unhappy) 返工 once.

Every move is a ``WORK_ORDER_FLOW`` action; deadlines come from ``services.sla`` with the
office's settings and calendar, as ``workorders.create``/``rework`` compute them.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desk.demo import callback, signed
from desk.demo.callback import HAPPY_COMMENTS, SATISFACTION_WO
from desk.demo.chance import daytime, minutes, weighted
from desk.demo.life import Facts, Life, open_spans
from desk.models.enums import CallbackSource, Channel, Satisfaction, Urgency
from desk.models.enums import WorkOrderState as W
from desk.models.states import OPEN_WORK_ORDER_STATES, WORK_ORDER_FLOW
from desk.services.core.sla import paused_for, workorder_deadlines
from desk.services.records import workorders

if TYPE_CHECKING:
    from desk.demo.world import World

# "B" means "in a building": the building's lift hall is the unit, the text names the entrance.
BUILDING = "B"

# (category, problem, urgency E/I/O, cause, work done, materials [(name, price)], where)
# where: None = in the flat; BUILDING; or a list of public areas.
PROBLEMS: list[tuple[str, str, str, str, str, list[tuple[str, int]], Any]] = [
    ("水电", "厨房水龙头漏水", "O", "阀芯老化", "更换水龙头阀芯，试水正常",
     [("水龙头阀芯", 25)], None),
    ("水电", "卫生间下水道堵塞，排水很慢", "O", "毛发异物堵塞", "疏通下水管道，排水正常",
     [], None),
    ("水电", "马桶水箱一直流水", "O", "进水阀密封圈老化", "更换马桶进水阀，试用正常",
     [("马桶进水阀", 35)], None),
    ("水电", "家里突然停电，空开跳闸合不上", "E", "厨房插座进水短路",
     "排查短路点，更换损坏插座，恢复供电", [("五孔插座", 15)], None),
    ("水电", "卫生间水管爆裂，水漫到客厅", "E", "冷水管接头老化破裂",
     "关闭总阀，更换破裂管件，试压无渗漏", [("PPR管件", 12), ("PPR水管(米)", 8)], None),
    ("水电", "热水器不出热水", "O", "热水器点火器故障", "检查线路及点火器，已建议联系厂家售后",
     [], None),
    ("水电", "客厅插座没电", "O", "插座内接线松脱", "重新接线紧固，测试通电正常", [], None),
    ("水电", "阳台地漏反水有异味", "O", "地漏存水弯干涸", "更换防臭地漏芯",
     [("防臭地漏芯", 20)], None),
    ("水电", "卧室吸顶灯不亮", "O", "灯盘老化", "更换LED灯盘，通电正常", [("LED灯盘", 45)], None),
    ("水电", "楼上漏水，天花板往下滴水", "E", "楼上卫生间防水层破损",
     "关闭楼上进水阀，协调楼上业主维修防水", [], None),
    ("水电", "卫生间排风扇不转", "O", "电机损坏", "更换排风扇", [("排风扇", 80)], None),
    ("水电", "厨房下水管漏水", "O", "下水管接口松脱", "重新安装下水管并打胶密封",
     [("下水软管", 18), ("玻璃胶", 10)], None),
    ("水电", "水压太小，出水像细线", "O", "入户过滤网堵塞", "清洗入户过滤网，水压恢复", [], None),
    ("水电", "楼道灯不亮", "O", "声控开关损坏", "更换声控灯座及灯泡", [], BUILDING),
    ("水电", "小区路灯不亮", "O", "灯具镇流器损坏", "更换灯具镇流器", [],
     ["中心花园", "地面停车场", "南门", "北门"]),
    ("水电", "车库照明大面积不亮", "I", "照明回路空开跳闸", "排查回路，恢复照明", [],
     ["地下车库"]),
    ("水电", "喷灌管道漏水", "O", "喷头破损", "更换喷头", [], ["中心花园"]),
    ("水电", "配电房总开关跳闸，单元停电", "E", "负荷过大", "排查负荷，恢复供电", [],
     ["配电房"]),
    ("水电", "水泵运行有异响", "I", "轴承磨损", "更换水泵轴承", [], ["水泵房"]),
    ("土建", "墙面渗水发霉", "O", "外墙裂缝渗水", "外墙裂缝修补并重新刷漆",
     [("防水涂料(公斤)", 30)], None),
    ("土建", "天花板墙皮脱落", "O", "潮湿导致腻子起皮", "铲除起皮部分重新批腻子",
     [("腻子粉(袋)", 25)], None),
    ("土建", "卫生间墙砖空鼓脱落", "O", "瓷砖粘结层老化", "重新铺贴瓷砖",
     [("瓷砖胶(袋)", 40)], None),
    ("土建", "顶楼屋面漏雨", "I", "屋面防水层老化", "屋面防水局部修补", [], None),
    ("土建", "地面瓷砖开裂", "O", "地面沉降", "更换开裂瓷砖", [], None),
    ("土建", "楼道墙面开裂", "O", "温度变化引起的结构缝", "裂缝修补", [], BUILDING),
    ("土建", "道路地砖松动", "O", "地基下沉", "重新铺设地砖", [],
     ["中心花园", "健身广场", "南门"]),
    ("土建", "井盖松动有响声", "I", "井座破损", "更换井盖井座", [],
     ["地面停车场", "中心花园", "北门"]),
    ("门窗", "入户门锁打不开", "I", "锁芯损坏", "更换锁芯并配钥匙", [("防盗锁芯", 120)], None),
    ("门窗", "窗户关不严，漏风", "O", "窗户合页变形", "调整合页并更换密封条",
     [("密封条(米)", 6)], None),
    ("门窗", "纱窗破损", "O", "纱网老化", "更换纱网", [("纱网", 30)], None),
    ("门窗", "推拉门轨道卡住", "O", "滑轮磨损", "更换滑轮并清理轨道",
     [("推拉门滑轮", 20)], None),
    ("门窗", "防盗门把手松动", "O", "螺丝松脱", "紧固把手螺丝", [], None),
    ("门窗", "单元门闭门器漏油关不上", "O", "闭门器老化", "更换闭门器", [], BUILDING),
    ("门窗", "楼道窗户玻璃破裂", "I", "外力撞击", "更换玻璃", [], BUILDING),
    ("电梯", "电梯按钮失灵", "I", "按钮触点老化", "维保单位更换呼梯按钮", [], BUILDING),
    ("电梯", "电梯运行有异响", "I", "导靴磨损", "维保单位调整导靴并润滑", [], BUILDING),
    ("电梯", "电梯困人", "E", "门锁回路故障", "维保单位到场解困并修复门锁回路", [], BUILDING),
    ("电梯", "电梯门关不上", "I", "门刀偏移", "调整门刀及光幕", [], BUILDING),
    ("电梯", "电梯轿厢照明不亮", "O", "照明灯管损坏", "更换轿厢照明", [], BUILDING),
    ("门禁", "单元门禁刷卡无反应", "I", "读卡模块故障", "更换读卡模块", [], BUILDING),
    ("门禁", "家中可视对讲没有声音", "O", "分机线路接触不良", "重新接线，通话正常", [], None),
    ("门禁", "门禁主机黑屏", "I", "电源适配器损坏", "更换电源适配器", [], BUILDING),
    ("门禁", "道闸不抬杆", "I", "地感线圈故障", "检修地感线圈", [], ["地下车库", "地面停车场"]),
    ("门禁", "门禁卡失效", "O", "卡片消磁", "重新授权门禁卡", [], None),
    ("公共设施", "健身器材螺丝松动", "O", "长期使用松动", "紧固并加防松垫片", [], ["健身广场"]),
    ("公共设施", "儿童滑梯边缘破损", "I", "塑料老化开裂", "更换破损部件", [], ["儿童游乐区"]),
    ("公共设施", "垃圾桶破损", "O", "使用损耗", "更换垃圾桶", [], ["垃圾分类站"]),
    ("公共设施", "消防栓箱门关不上", "O", "门铰链变形", "修复箱门铰链", [], BUILDING),
    ("公共设施", "楼道扶手松动", "I", "固定件松脱", "重新固定扶手", [], BUILDING),
    ("公共设施", "电动门不能关闭", "I", "限位开关故障", "更换限位开关", [], ["南门", "北门"]),
    ("其他", "信报箱锁坏了", "O", "锁芯损坏", "更换信报箱锁", [("信报箱锁", 15)], None),
    ("其他", "空调冷凝水滴到楼下阳台", "O", "冷凝管脱落", "重新固定冷凝水管",
     [("冷凝水管(米)", 5)], None),
    ("其他", "晾衣架摇不动", "O", "钢丝绳断裂", "更换晾衣架钢丝绳",
     [("晾衣架钢丝绳", 30)], None),
    ("其他", "烟道串味", "O", "止逆阀失效", "更换烟道止逆阀", [("止逆阀", 60)], None),
]  # fmt: skip
CATEGORY_WEIGHTS = {"水电": 35, "土建": 10, "门窗": 14, "电梯": 8, "门禁": 10, "公共设施": 13,
                    "其他": 8}  # fmt: skip
ASSIGNEES = {
    "水电": ["水电班 王师傅", "水电班 李师傅", "水电班 何师傅"],
    "土建": ["土建班 刘师傅", "土建班 郑师傅"],
    "门窗": ["综合维修 陈师傅", "综合维修 吴师傅"],
    "电梯": ["电梯维保 通力维保组", "电梯维保 日立维保组"],
    "门禁": ["弱电班 赵工", "弱电班 钱工"],
    "公共设施": ["综合维修 陈师傅", "综合维修 吴师傅", "土建班 郑师傅"],
    "其他": ["综合维修 陈师傅", "水电班 何师傅"],
}
WO_PREFIX = ["", "", "业主反映", "住户称", "业主来电称", "家里"]
WO_SUFFIX = [
    "",
    "",
    "，请尽快安排师傅上门",
    "，业主下午在家",
    "，已持续两天",
    "，影响正常使用",
    "，业主希望上门前先电话联系",
]
PATROLLERS = ["秩序维护部 巡逻岗", "工程部 日常巡检", "环境部 保洁主管", "客服部 巡查"]
WO_VOID_REASONS = [
    "业主已自行修好",
    "重复报修",
    "业主取消报修",
    "登记错误，已重新开单",
    "非物业维修范围，已告知业主",
]
WO_UNHAPPY = [("问题仍未解决", "仍然漏水"), ("用了两天又坏了", "要求重新维修"),
              ("维修后现场没有清理", "墙面弄脏了")]  # fmt: skip

# the fields a handover's carried item reads, in their place in the span's tuple
_TRACKED = {
    name: i
    for i, name in enumerate(
        ("state", "arrived_at", "paused_since", "paused_seconds", "parts_expected",
         "completion_due")
    )
}  # fmt: skip


def new(w: World, rng: random.Random, t: datetime) -> dict[str, Any]:
    night = t.hour < 7 or t.hour >= 22
    if night and rng.random() < 0.6:
        problem = rng.choice([p for p in PROBLEMS if p[2] == "E"])
    else:
        cat = weighted(rng, list(CATEGORY_WEIGHTS.items()))
        problem = rng.choice([p for p in PROBLEMS if p[0] == cat])
    category, text, hint, _cause, _done, materials, where = problem
    urgency = {"E": Urgency.EMERGENCY, "I": Urgency.IMPORTANT}.get(hint, Urgency.ORDINARY)
    appointment = None
    if where is None and urgency == Urgency.ORDINARY and not night and rng.random() < 0.2:
        urgency = Urgency.APPOINTMENT
        day = t.date() + timedelta(days=rng.randint(1, 3))
        appointment = datetime.combine(day, time(rng.choice([9, 10, 14, 15, 16])))
    location = ""
    caller = None
    people = w.people
    if where is None:
        party = people.resident_party(rng)
        channel = weighted(rng, [(Channel.CALL, 70), (Channel.VISIT, 24), (Channel.OTHER, 6)])
        description = rng.choice(WO_PREFIX) + text + rng.choice(WO_SUFFIX)
        if appointment is not None:
            description += f"，预约{appointment:%m月%d日%H点}上门"
    else:
        if where == BUILDING:
            b = rng.randint(1, len(people.lift_halls))
            e = rng.randint(1, people.entrances[b])
            location = f"{b}号楼电梯厅"
            unit_id = people.lift_halls[b]
            description = f"{b}号楼{e}单元{text}"
        else:
            location = rng.choice(where)
            unit_id = people.areas[location]
            description = f"{location}{text}"
        channel = weighted(
            rng,
            [(Channel.PATROL, 45), (Channel.CALL, 40), (Channel.VISIT, 10), (Channel.OTHER, 5)],
        )
        if channel == Channel.PATROL:
            party = {
                "unit_id": unit_id,
                "resident_id": None,
                "room_text": "",
                "person_name": rng.choice(PATROLLERS),
                "phone": "",
            }
        else:
            # reported by a resident about a public place: the order belongs to the place
            caller = people.resident_party(rng)
            party = {**caller, "unit_id": unit_id, "room_text": ""}
    # as workorders.create: an agreed visit's limits run from the appointment
    start = max(t, appointment) if appointment is not None else t
    response_due, completion_due = workorder_deadlines(start, urgency, w.conf, w.cal)
    return w.draft(
        "workorder",
        t,
        party,
        channel=channel,
        location=location,
        category=category,
        urgency=urgency,
        is_paid=where is None and bool(materials) and rng.random() < 0.45,
        appointment_at=appointment,
        description=description,
        response_due=response_due,
        completion_due=completion_due,
        completion_from=start,
        _problem=problem,
        _caller=caller,
    )


def live(w: World, rng: random.Random, rec: dict[str, Any]) -> None:
    t0: datetime = rec["created_at"]
    urgency: Urgency = rec["urgency"]
    category, _text, _hint, cause, work_done, materials, _where = rec.pop("_problem")
    rec.pop("_caller")
    callbacks: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    night = t0.hour < 7 or t0.hour >= 22
    resp_due: datetime = rec["response_due"]
    first_due: datetime = rec["completion_due"]
    # about 1% are voided (作废) a little after intake: nothing after that happens
    void_at = t0 + minutes(rng, 5, 240) if rng.random() < 0.01 else None
    life = Life(rec, w.now if void_at is None else min(w.now, void_at), WORK_ORDER_FLOW)

    # dispatch
    if urgency == Urgency.EMERGENCY:
        dispatched = t0 + minutes(rng, 1, 8)
    elif night:
        morning = datetime.combine(t0.date() + timedelta(days=int(t0.hour >= 22)), time(8))
        dispatched = morning + minutes(rng, 0, 60)
    elif rng.random() < 0.06:
        dispatched = t0 + minutes(rng, 120, 30 * 60)  # left in the tray for a while
    else:
        limit = min(120, (resp_due - t0).total_seconds() / 60)
        dispatched = t0 + minutes(rng, 2, max(3, limit * 0.6))
    life.at(
        dispatched,
        "派工",
        dispatched_at=dispatched,
        dispatcher_id=w.on_duty(dispatched),
        assignee=rng.choice(ASSIGNEES[category]),
    )
    # someone on site
    if rec["appointment_at"] is not None:
        arrived = rec["appointment_at"] + minutes(rng, -10, 25)
    elif rng.random() < 0.1:
        arrived = max(resp_due, dispatched) + minutes(rng, 5, 180)
    else:
        room = max(120, (resp_due - dispatched).total_seconds())
        arrived = dispatched + timedelta(seconds=rng.randint(60, int(room * 0.95)))
    arrived = max(arrived, dispatched + timedelta(minutes=1))
    life.at(arrived, "开始处理", arrived_at=arrived)
    # waiting for parts
    paused = timedelta(0)
    at = arrived
    if urgency != Urgency.EMERGENCY and rng.random() < 0.06:
        pause_start = arrived + minutes(rng, 15, 60)
        expected = (pause_start + timedelta(days=rng.randint(2, 7))).date()
        part = materials[0][0] if materials else "配件"
        life.at(
            pause_start,
            "待料",
            paused_since=pause_start,
            parts_expected=expected,
            cause=f"等待{part}到货",
        )
        back = datetime.combine(
            expected + timedelta(days=int(rng.random() < 0.25)), time(9)
        ) + minutes(rng, 0, 150)
        paused = back - pause_start
        life.at(back, "到料继续", paused_since=None, paused_seconds=int(paused.total_seconds()))
        at = back
    # the fix
    due = first_due + paused
    if urgency == Urgency.EMERGENCY:
        work = minutes(rng, 20, 80)
    elif urgency == Urgency.IMPORTANT:
        work = minutes(rng, 30, 300)
    elif rng.random() < 0.2:
        work = minutes(rng, 600, 1800)  # continued the next day
    else:
        work = minutes(rng, 20, 180)
    done = at + work
    if rng.random() < 0.09:
        done = max(done, due + minutes(rng, 60, 3 * 24 * 60))  # late
    elif done > due:
        done = max(due - minutes(rng, 1, 30), at + timedelta(minutes=10))
    completed = life.at(done, "完成", completed_at=done, cause=cause, work_done=work_done)
    if completed and rec["is_paid"]:
        # fees are set at the (first) completion and stay through 返工 (workorders.complete)
        labour = Decimal(rng.choice([20, 30, 50, 80, 100]))
        total_materials = Decimal(0)
        for name, price in materials:
            qty = Decimal(rng.randint(2, 5) if "(" in name else 1)
            amount = qty * price
            total_materials += amount
            lines.append({"name": name, "quantity": qty, "unit_price": Decimal(price),
                          "amount": amount})  # fmt: skip
        rec.update(
            labour_fee=labour,
            materials_fee=total_materials,
            total_fee=labour + total_materials,
        )
    if completed:
        # callbacks; an unhappy one reopens the order (返工) once
        for attempt in range(2):
            cb = callback.new(w, CallbackSource.WORK_ORDER, rec, done)
            callbacks.append(cb)
            sat = weighted(rng, SATISFACTION_WO) if attempt == 0 else Satisfaction.SATISFIED
            cb_done = callback.done_time(rng, cb, done)
            unhappy = sat == Satisfaction.UNSATISFIED
            if unhappy:
                outcome, comment = rng.choice(WO_UNHAPPY)
            else:
                outcome, comment = "已修好，使用正常", rng.choice(HAPPY_COMMENTS)
            if not callback.record(w, rng, cb, cb_done, sat, outcome, comment, life.now):
                break
            if not unhappy:
                life.at(cb_done, "回访")
                break
            # as workorders.rework: a fresh completion deadline from the reopening, the
            # first arrival kept (it is the order's response time)
            life.at(
                cb_done,
                "返工",
                rework_count=rec["rework_count"] + 1,
                completed_at=None,
                completion_due=workorder_deadlines(cb_done, urgency, w.conf, w.cal)[1],
                completion_from=cb_done,
                paused_seconds=0,
                paused_since=None,
            )
            again = daytime(rng, cb_done + minutes(rng, 120, 48 * 60), 8, 18)
            if not life.at(again, "开始处理"):
                break
            done = again + minutes(rng, 30, 180)
            if not life.at(done, "完成", completed_at=done, work_done=work_done + "（返工）"):
                break
    if void_at is not None and void_at <= w.now:
        changes: dict[str, Any] = {}
        if rec["paused_since"] is not None:  # as workorders.void: the pause ends with it
            spent = paused_for(rec["paused_seconds"], rec["paused_since"], void_at)
            changes = {"paused_since": None, "paused_seconds": int(spent.total_seconds())}
        life.end(
            void_at, "作废", voided_at=void_at, void_reason=rng.choice(WO_VOID_REASONS), **changes
        )
        callback.void_pending(callbacks, void_at, "派工单作废")
    _finish(w, rec, callbacks, lines, life, first_due)


def _finish(
    w: World,
    rec: dict[str, Any],
    callbacks: list[dict[str, Any]],
    lines: list[dict[str, Any]],
    life: Life,
    first_due: datetime,
) -> None:
    source = rec.pop("_call", None)
    rec["call_id"] = source["id"] if source is not None else None
    source = rec.pop("_visit", None)
    rec["visit_id"] = source["id"] if source is not None else None
    # the deadline running now, stored as the services keep it after every action
    running = workorders.clock(Facts(rec))
    rec["clock_from"] = running.start if running is not None else None
    rec["overdue_at"] = running.due if running is not None else None
    w.write("workorder", rec)
    # the 派工单 printed at dispatch, signed back after the repair
    signed.paper(w, "workorder", rec, rec["dispatched_at"], rec["completed_at"])
    for line in lines:
        line.update(id=w.rows.new_id("workordermaterial"), work_order_id=rec["id"])
        w.rows.emit("workordermaterial", line)
    for cb in callbacks:
        callback.write(w, cb, rec)
    data = (rec["id"], rec["serial"], rec["description"], rec["room_text"] or rec["location"],
            rec["response_due"])  # fmt: skip
    initial = [W.NEW, None, None, 0, None, first_due]
    t0 = rec["created_at"]
    for start, end, now in open_spans(t0, initial, life.events, _TRACKED, OPEN_WORK_ORDER_STATES):
        w.handovers.carry("workorder", start, end, (*data, now))
