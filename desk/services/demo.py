"""Demo data: a plausible office with years of desk records, for trying the program and benchmarks.

``generate(engine, days)`` fills a freshly opened, empty database: 8 staff, ~2,050 flats and
22 public areas, ~3,100 residents, loan items and keys, one shift per receptionist slot,
and ≈150 records a day (visits, calls, repairs, complaints, loans) with callbacks, materials,
audit rows and serial counters — each record in the state its history has reached by ``now``
(old ones finished, recent ones open, some overdue).

Shifts follow the office's shift table (``lists.shifts``; the default one if the table does
not cover the whole day); every record carries the shift on duty when it was made. Every
ended shift has its handover (交接班), confirmed by the outgoing receptionist a few minutes
after the next came on duty and accepted by the incoming one; today's shift is still on duty.
Each handover's snapshot is the full duty record of ``desk.services.handover`` as it stood
at confirmation — counts per kind and every carried item with its reason — built from the
records' own histories (each record's life is replayed here, so an order shows as 待料 or
overdue exactly when it was), not by querying the database 5,000 times: 1,800 days of
handovers add ~4 s and ~60 MB.

Speed: everything is computed in Python and written with ``executemany`` on the engine's
raw sqlite3 connection in one transaction (1,800 days ≈ 680,000 rows in about 20 s, plus
~8 s for the records' text search index, built in bulk at the end). The
column formats are exactly those SQLAlchemy writes, so the ORM reads the rows back
unchanged: datetimes ``YYYY-MM-DD HH:MM:SS.ffffff``, dates ``YYYY-MM-DD``, money as integer
fen (``Fixed2``), enums as their Chinese value, booleans 0/1.

Determinism: the result depends only on ``seed``, ``days``, ``today`` and ``now``. Each day
draws from its own random stream, so a day's records barely change with ``days``.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from desk.models.enums import (
    AuditAction,
    CallbackSource,
    CallbackState,
    CallbackWay,
    CallType,
    Channel,
    ComplaintChannel,
    EscalationLevel,
    HandoverState,
    LoanKind,
    LoanState,
    MessageState,
    RecordState,
    ResidentRole,
    Satisfaction,
    Severity,
    StaffRole,
    UnitKind,
    Urgency,
    VisitOutcome,
    VisitState,
)
from desk.models.enums import ComplaintState as C
from desk.models.enums import WorkOrderState as W
from desk.models.errors import ValidationError
from desk.models.states import OPEN_COMPLAINT_STATES, OPEN_WORK_ORDER_STATES
from desk.services import handover as handover_service
from desk.services import settings as settings_service
from desk.services import shifts as shifts_service
from desk.services import textsearch
from desk.services.calendar import WorkCalendar
from desk.services.numbering import SerialKind, format_serial
from desk.services.residents import name_keys
from desk.services.sla import callback_due, complaint_due, workorder_deadlines

__all__ = ["GENERATOR_VERSION", "OFFICE_NAME", "generate"]

# Bump when the generated data changes shape, so cached demo databases are rebuilt.
GENERATOR_VERSION = 4

OFFICE_NAME = "阳光花园物业服务中心"

DEFAULT_SHIFTS = next(s.default for s in settings_service.DEFAULTS if s.key == "lists.shifts")

# Mean records a day on an ordinary working day.
PER_DAY = {"visit": 40.0, "call": 60.0, "workorder": 30.0, "complaint": 5.0, "loan": 15.0}
# Fewer people come in on weekends and public holidays; loans hardly change.
OFF_DAY_FACTOR = {"visit": 0.75, "call": 0.85, "workorder": 0.9, "complaint": 0.9, "loan": 1.0}

# Relative frequency by hour of day (0–23): morning and afternoon peaks, quiet nights.
HOURS = {
    "visit": [0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2, 0.8, 3, 6, 7, 5.5,
              2.5, 3, 6, 6.5, 5.5, 4, 2.5, 2, 1.5, 0.6, 0.2, 0.1],
    "call": [0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.6, 2, 5, 7, 7, 5,
             3, 3.5, 5.5, 6, 5, 4, 3.5, 4, 3.5, 2, 1, 0.6],
    "workorder": [0.3, 0.2, 0.15, 0.15, 0.15, 0.2, 0.6, 2, 5, 6.5, 6, 4.5,
                  2.5, 3, 5, 5, 4.5, 3.5, 3, 3.5, 3, 1.8, 0.9, 0.5],
    "complaint": [0.3, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1, 3, 5, 5, 4,
                  2, 2.5, 4, 4, 3.5, 3, 2.5, 3, 3.5, 3, 2, 1],
    "loan": [0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.1, 0.5, 2, 4, 5, 4,
             2, 2.5, 4, 4.5, 4, 4.5, 3.5, 3, 2, 0.8, 0.3, 0.1],
}  # fmt: skip

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

# Common surnames, roughly by frequency (weights fall off along the list).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "慕容"]
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文辉力永健世广义兴良海山"
    "仁波宁贵福生龙元全胜学祥才发成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪"
    "心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克"
    "伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘梓涵子轩宇欣怡佳琪雨萱"
    "诗婷雅晶玉晓悦璐颖露瑶琳嘉慧月莹雪倩洁梅琳素云莲真环昭"
)
RARE_CHARS = "堃喆燚犇淼鑫垚昇玥"
# A few names with characters that test fonts, search and sorting (𠮷 is outside the BMP).
FEATURED_NAMES = ["王堃", "李喆", "张燚", "刘犇", "陈𠮷祥", "欧阳淼淼", "赵垚"]
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "170", "173", "175", "176", "177", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
]  # fmt: skip

STAFF = [
    ("李婷", StaffRole.RECEPTIONIST),
    ("王晓燕", StaffRole.RECEPTIONIST),
    ("张丽", StaffRole.RECEPTIONIST),
    ("陈静", StaffRole.RECEPTIONIST),
    ("刘佳怡", StaffRole.RECEPTIONIST),
    ("赵敏", StaffRole.RECEPTIONIST),
    ("孙志强", StaffRole.SUPERVISOR),
    ("周建国", StaffRole.MANAGER),
]

BUILDINGS = 12
FLOORS = 18
AREA_BY_ROOM = [89.5, 112.3, 128.6, 143.2]
PUBLIC_AREAS = [
    "地下车库",
    "中心花园",
    "南门",
    "北门",
    "健身广场",
    "儿童游乐区",
    "垃圾分类站",
    "地面停车场",
    "配电房",
    "水泵房",
]
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

# (kind, name, stock, deposit yuan, typical hours out (min, max), weight)
LOAN_ITEMS = [
    (LoanKind.ITEM, "梯子", 4, 50, (1, 6), 10),
    (LoanKind.ITEM, "工具箱", 3, 50, (1, 24), 8),
    (LoanKind.ITEM, "推车", 5, 0, (0.3, 2), 14),
    (LoanKind.ITEM, "雨伞", 10, 20, (4, 48), 8),
    (LoanKind.ITEM, "轮椅", 2, 200, (24, 168), 2),
    (LoanKind.ITEM, "电钻", 2, 100, (1, 8), 5),
    (LoanKind.ITEM, "打气筒", 2, 0, (0.2, 1), 5),
    (LoanKind.ITEM, "折叠桌椅", 4, 50, (3, 24), 2),
    (LoanKind.ITEM, "应急充电宝", 3, 50, (2, 12), 3),
    (LoanKind.KEY, "天台钥匙", 2, 0, (0.5, 4), 3),
    (LoanKind.KEY, "设备间钥匙", 1, 0, (0.5, 3), 2),
    (LoanKind.KEY, "地下室储藏间钥匙", 2, 0, (0.5, 3), 3),
    (LoanKind.KEY, "水表井钥匙", 1, 0, (0.3, 2), 2),
]
KEY_REMARKS = ["晒被子", "安装太阳能热水器", "查看水表", "电信宽带施工", "取储藏物品"]
LOAN_DAMAGE = [("伞骨折断", 10), ("表面划痕", 0), ("轮子松动", 0), ("缺少配件", 20)]
LOAN_VOID_REASONS = ["登记错误", "业主未实际借用"]

SATISFACTION_WO = [
    (Satisfaction.VERY, 35),
    (Satisfaction.SATISFIED, 50),
    (Satisfaction.FAIR, 11),
    (Satisfaction.UNSATISFIED, 4),
]
SATISFACTION_COMPLAINT = [
    (Satisfaction.VERY, 20),
    (Satisfaction.SATISFIED, 50),
    (Satisfaction.FAIR, 22),
    (Satisfaction.UNSATISFIED, 8),
]
HAPPY_COMMENTS = [
    "",
    "",
    "师傅很专业",
    "响应及时，满意",
    "维修后现场清理干净",
    "希望以后上门前先电话联系",
    "谢谢物业",
]
WO_UNHAPPY = [("问题仍未解决", "仍然漏水"), ("用了两天又坏了", "要求重新维修"),
              ("维修后现场没有清理", "墙面弄脏了")]  # fmt: skip

# 值班情况 written on handovers; most shifts have nothing special.
HANDOVER_NOTES = [
    "3号楼电梯困人，已通知维保单位，20分钟内解救，无人受伤",
    "夜间巡查无异常",
    "明日上午9点至12点小区停水，通知已张贴到各单元",
    "快递柜故障，已报厂家维修",
    "地下车库入口道闸抬杆故障，已通知工程部",
    "业主群反映南门噪音扰民，已请秩序维护部处理",
    "消防演练通知已发业主群",
    "前台打印机缺纸，已申领",
    "有业主情绪激动，已安抚，需下一班继续跟进回复",
    "暴雨预警，已提醒各岗位检查排水",
]

# ---------------------------------------------------------------------------
# Table columns (the order of every row tuple)
# ---------------------------------------------------------------------------

_RECORD = (
    "id", "serial", "created_at", "updated_at", "staff_id", "shift_id", "voided_at",
    "void_reason", "unit_id", "resident_id", "room_text", "person_name", "phone", "state",
)  # fmt: skip
COLUMNS: dict[str, tuple[str, ...]] = {
    "staff": ("id", "name", "role", "phone", "active", "created_at", "updated_at"),
    "unit": ("id", "kind", "code", "building", "entrance", "room", "name", "area_m2", "occupied",
             "notes", "created_at", "updated_at"),
    "resident": ("id", "unit_id", "name", "name_pinyin", "name_initials", "role", "phones",
                 "moved_in", "moved_out", "notes", "created_at", "updated_at"),
    "loanitem": ("id", "kind", "name", "stock", "deposit", "active", "notes", "created_at",
                 "updated_at"),
    "shift": ("id", "staff_id", "name", "started_at", "planned_end", "ended_at"),
    "call": (*_RECORD, "call_type", "content", "reply", "message_for_id", "message_state",
             "delivered_at"),
    "visit": (*_RECORD, "is_resident", "id_tail", "visiting", "reason", "outcome", "dept_head",
              "passed_at", "result", "closed_at"),
    "workorder": (*_RECORD, "channel", "location", "category", "urgency", "is_paid",
                  "appointment_at", "description", "response_due", "completion_due",
                  "dispatched_at", "dispatcher_id", "assignee", "arrived_at", "paused_since",
                  "paused_seconds", "parts_expected", "completed_at", "cause", "work_done",
                  "labour_fee", "materials_fee", "total_fee", "rework_count", "visit_id",
                  "call_id"),
    "workordermaterial": ("id", "work_order_id", "name", "quantity", "unit_price", "amount"),
    "complaint": (*_RECORD, "channel", "occurred_at", "occurred_place", "target", "category",
                  "subtype", "severity", "description", "demand", "demand_deadline", "witnesses",
                  "level", "due_at", "escalated_at", "department", "measures", "result", "reply",
                  "replied_at", "visit_id", "call_id"),
    "callback": ("id", "source", "work_order_id", "complaint_id", "unit_id", "state",
                 "created_at", "updated_at", "due_at", "done_at", "staff_id", "way",
                 "satisfaction", "outcome", "comment", "voided_at", "void_reason"),
    "loan": (*_RECORD, "item_id", "quantity", "deposit", "expected_return_at", "returned_at",
             "returned_to_id", "condition", "deposit_refunded", "remarks"),
    "handover": ("id", "shift_id", "state", "outgoing_id", "incoming_id", "created_at",
                 "confirmed_at", "accepted_at", "notes", "snapshot"),
    "auditevent": ("id", "at", "staff_id", "entity", "entity_id", "action", "field", "old", "new",
                   "reason"),
    "serialcounter": ("kind", "day", "last"),
}  # fmt: skip
# Parents before children, so foreign keys hold at every insert.
INSERT_ORDER = (
    "staff", "unit", "resident", "loanitem", "shift", "call", "visit", "workorder",
    "workordermaterial", "complaint", "callback", "loan", "handover", "auditevent",
    "serialcounter",
)  # fmt: skip
_ROW = {table: itemgetter(*cols) for table, cols in COLUMNS.items()}

RECORD_DEFAULTS = {
    "staff_id": None,
    "shift_id": None,
    "voided_at": None,
    "void_reason": "",
    "unit_id": None,
    "resident_id": None,
    "room_text": "",
    "person_name": "",
    "phone": "",
}


def _ts(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DateTime text; every time here is whole seconds."""
    if value is None:
        return None
    return value.isoformat(" ") + ".000000"


def _fen(yuan: Decimal | int | None) -> int | None:
    return None if yuan is None else int(Decimal(yuan) * 100)


# ---------------------------------------------------------------------------
# Random helpers
# ---------------------------------------------------------------------------


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; fine for the small means used here."""
    if lam <= 0:
        return 0
    if lam > 200:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, max(0, seconds)))


def _minutes(rng: random.Random, lo: float, hi: float) -> timedelta:
    return timedelta(seconds=rng.randint(int(lo * 60), int(hi * 60)))


def _daytime(rng: random.Random, t: datetime, start: int = 9, end: int = 20) -> datetime:
    """Move ``t`` into office hours (callbacks and follow-ups are made in the day)."""
    if t.hour < start:
        return t.replace(hour=start, minute=rng.randint(0, 59), second=rng.randint(0, 59))
    if t.hour >= end:
        nxt = (t + timedelta(days=1)).replace(hour=start)
        return nxt.replace(minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return t


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


class _Names:
    """Plausible Chinese names: common surnames, 1–2 given characters, a few rare ones."""

    def __init__(self) -> None:
        n = len(SURNAMES)
        self.surname_cum: list[float] = []
        acc = 0.0
        for i in range(n):
            acc += 1.0 / (i + 8)
            self.surname_cum.append(acc)

    def surname(self, rng: random.Random) -> str:
        if rng.random() < 0.004:
            return rng.choice(COMPOUND_SURNAMES)
        x = rng.random() * self.surname_cum[-1]
        return SURNAMES[bisect_right(self.surname_cum, x)]

    def given(self, rng: random.Random) -> str:
        def char() -> str:
            return rng.choice(RARE_CHARS) if rng.random() < 0.006 else rng.choice(GIVEN_CHARS)

        return char() + char() if rng.random() < 0.72 else char()

    def full(self, rng: random.Random, surname: str | None = None) -> str:
        return (surname or self.surname(rng)) + self.given(rng)

    def polite(self, rng: random.Random) -> str:
        return self.surname(rng) + rng.choice(["先生", "女士", "师傅", "阿姨"])


class _Calendar(WorkCalendar):
    """The office calendar with each day's answer remembered (years of deadlines)."""

    def __init__(self, overrides: dict[date, bool]) -> None:
        super().__init__(overrides)
        self._memo: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        known = self._memo.get(day)
        if known is None:
            known = self._memo[day] = super().is_working_day(day)
        return known


class _Life:
    """Apply a record's events in time order until ``now``; later events did not happen yet.

    ``events`` keeps what happened when, so the handovers can tell the record's state at
    any moment of its life.
    """

    __slots__ = ("alive", "events", "now", "row")

    def __init__(self, row: dict[str, Any], now: datetime) -> None:
        self.row = row
        self.now = now
        self.alive = True
        self.events: list[tuple[datetime, dict[str, Any]]] = []

    def at(self, when: datetime, **changes: Any) -> bool:
        if not self.alive or when > self.now:
            self.alive = False
            return False
        self.row.update(changes)
        self.row["updated_at"] = when
        self.events.append((when, changes))
        return True


NEVER = datetime.max  # the end of an open span that has not closed by ``now``
_OPEN_ORDER = frozenset(s.value for s in OPEN_WORK_ORDER_STATES)
_OPEN_COMPLAINT = frozenset(s.value for s in OPEN_COMPLAINT_STATES)
_ORDER_TRACKED = {
    name: i
    for i, name in enumerate(
        ("state", "arrived_at", "paused_since", "paused_seconds", "parts_expected")
    )
}
_COMPLAINT_TRACKED = {"state": 0, "level": 1}


# the kinds a handover counts, in its order, and their index in a shift's tally
_COUNTED = {kind: i for i, (kind, _label) in enumerate(handover_service.COUNTED_KINDS)}


def _spans(
    start: datetime,
    initial: list[Any],
    events: list[tuple[datetime, dict[str, Any]]],
    tracked: dict[str, int],
    open_states: frozenset[str],
) -> list[tuple[datetime, datetime, tuple[Any, ...]]]:
    """The spans of a record's life in which it was open: (from, until, tracked values).

    ``tracked`` maps the fields followed to their place in ``initial``; the state is first.
    """
    out = []
    cur = list(initial)
    t = start
    for when, changes in events:
        hit = False
        for key, value in changes.items():
            i = tracked.get(key)
            if i is None:
                continue
            if not hit:
                hit = True
                if when > t and cur[0] in open_states:
                    out.append((t, when, tuple(cur)))
            cur[i] = value
        if hit and when > t:
            t = when
    if cur[0] in open_states:
        out.append((t, NEVER, tuple(cur)))
    return out


class _Span:
    """A record open from some moment ``until``; its carried item is rebuilt only when the
    handover's moment has crossed another of ``flips`` (the deadlines its reason turns on)."""

    __slots__ = ("bucket", "data", "flips", "item", "kind", "until")

    def __init__(
        self, kind: str, until: datetime, data: tuple[Any, ...], flips: tuple[datetime, ...]
    ) -> None:
        self.kind = kind
        self.until = until
        self.data = data
        self.flips = flips
        self.bucket = -1
        self.item: Any = None

    def item_at(self, at: datetime) -> Any:
        bucket = bisect_left(self.flips, at)  # how many deadlines lie before ``at``
        if bucket != self.bucket:
            self.item, self.bucket = _build_item(self.kind, self.data, at), bucket
        return self.item


def _build_item(kind: str, d: tuple[Any, ...], at: datetime) -> Any:
    """The carried item of a record as ``handover.assemble`` would list it at ``at``."""
    hs = handover_service
    if kind == "workorder":
        state, arrived, paused_since, paused_seconds, parts = d[6]
        return hs.workorder_item(
            record_id=d[0], serial=d[1], state=state, description=d[2], room=d[3],
            response_due=d[4], completion_due=d[5], paused_seconds=paused_seconds,
            paused_since=paused_since, arrived_at=arrived, parts_expected=parts, now=at,
        )  # fmt: skip
    if kind == "complaint":
        state, level = d[7]
        return hs.complaint_item(
            record_id=d[0], serial=d[1], state=state, severity=d[2], level=level,
            description=d[3], room=d[4], due_at=d[5], demand_deadline=d[6], now=at,
        )  # fmt: skip
    if kind == "callback":
        return hs.callback_item(
            record_id=d[0], source=d[1], source_id=d[2], serial=d[3], description=d[4],
            room=d[5], due_at=d[6], now=at,
        )  # fmt: skip
    if kind == "call":
        return hs.message_item(record_id=d[0], serial=d[1], for_name=d[2], content=d[3], room=d[4])
    if kind == "loan":
        return hs.loan_item(
            record_id=d[0], serial=d[1], item_name=d[2], item_kind=d[3], quantity=d[4],
            borrower=d[5], room=d[6], expected_return_at=d[7], now=at,
        )  # fmt: skip
    return hs.visit_item(
        record_id=d[0], serial=d[1], reason=d[2], dept_head=d[3], room=d[4], created_at=d[5],
        now=at,
    )  # fmt: skip


def _flips(kind: str, d: tuple[Any, ...]) -> tuple[datetime, ...]:
    """The moments at which a record's carried item changes (each compared ``now > t``)."""
    if kind == "workorder":
        state, _arrived, _since, paused_seconds, _parts = d[6]
        if state == W.WAITING_PARTS.value:
            return ()  # the clock is stopped: 待料, no deadline
        return tuple(sorted((d[4], d[5] + timedelta(seconds=paused_seconds))))
    if kind == "complaint":
        return tuple(sorted(t for t in (d[5], d[6]) if t is not None))
    if kind == "callback":
        return (d[6],)
    if kind == "loan":
        return (d[7],)
    if kind == "visit":
        return (datetime.combine(d[5].date(), time(23, 59, 59)),)
    return ()


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------


class _Generator:
    def __init__(
        self,
        days: int,
        today: date,
        now: datetime,
        seed: int,
        conf: dict[str, Any],
        calendar: WorkCalendar,
    ) -> None:
        self.days = days
        self.today = today
        self.now = now
        self.seed = seed
        self.conf = conf
        self.cal = calendar
        self.start = today - timedelta(days=days - 1)
        self.setup_at = datetime.combine(self.start - timedelta(days=60), time(9, 0))
        self.names = _Names()
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in INSERT_ORDER}
        self.counts: dict[str, int] = dict.fromkeys(INSERT_ORDER, 0)
        self.next_id: dict[str, int] = dict.fromkeys(INSERT_ORDER, 1)
        self.serial_last: dict[tuple[str, date], int] = {}
        # per loan item: heap of (back at, quantity) still out
        self.loans_out: list[list[tuple[datetime, int]]] = [[] for _ in LOAN_ITEMS]
        # handovers: open spans of records waiting to start / open now (see ``carry``)
        self.waiting: list[tuple[datetime, int, _Span]] = []
        self.open_now: dict[int, _Span] = {}
        self.closing: list[tuple[datetime, int]] = []
        self.span_seq = 0
        self.next_handover = 0
        self._shifts()

    # --- ids and rows -----------------------------------------------------------------

    def new_id(self, table: str) -> int:
        n = self.next_id[table]
        self.next_id[table] = n + 1
        return n

    def emit(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(_ROW[table](row))
        self.counts[table] += 1
        kind = _COUNTED.get(table)
        if kind is not None:  # the shift's handover counts it, unless voided by then
            tally = self.tally[row["shift_id"] - 1]
            voided = row["voided_at"] is not None and row["voided_at"] <= tally[-1]
            tally[2 * kind + voided] += 1

    def audit(
        self,
        entity: str,
        entity_id: int,
        at: datetime,
        staff_id: int | None,
        new: str,
        *,
        action: AuditAction = AuditAction.CREATE,
        field: str = "",
        old: str | None = None,
    ) -> None:
        self.emit(
            "auditevent",
            {
                "id": self.new_id("auditevent"),
                "at": _ts(at),
                "staff_id": staff_id,
                "entity": entity,
                "entity_id": entity_id,
                "action": action.value,
                "field": field,
                "old": old,
                "new": new,
                "reason": "",
            },
        )

    # --- shifts ---------------------------------------------------------------------

    def _shifts(self) -> None:
        """Slots are the occurrences of the shift table in time order; slot 0 is the one on
        duty at midnight of the first day (a night shift began the evening before)."""
        try:
            defs = shifts_service.definitions(self.conf)
        except ValidationError:
            defs = []
        if sum(d.minutes for d in defs) != 24 * 60:  # gaps: the desk is staffed round the clock
            defs = shifts_service.parse_definitions(DEFAULT_SHIFTS)
        self.shift_defs = defs
        self.shift_starts = [d.start_min for d in defs]
        self.shift_names = [d.name for d in defs]
        self.midnight = datetime.combine(self.start, time())
        self.slot0 = 0 if self.shift_starts[0] == 0 else -1

    def slot(self, t: datetime) -> int:
        delta = t - self.midnight
        day, minute = delta.days, delta.seconds // 60
        k = bisect_right(self.shift_starts, minute) - 1
        if k < 0:  # before the first start of the day: the previous evening's shift
            day, k = day - 1, len(self.shift_starts) - 1
        return day * len(self.shift_starts) + k - self.slot0

    def slot_start(self, s: int) -> datetime:
        day, k = divmod(s + self.slot0, len(self.shift_starts))
        return self.midnight + timedelta(days=day, minutes=self.shift_starts[k])

    def on_duty(self, t: datetime) -> tuple[int, int]:
        """(shift_id, staff_id) of the receptionist on duty at ``t``."""
        s = self.slot(t)
        per_day = len(self.shift_starts)
        # one step a slot, plus one a week, so nobody works two shifts back to back
        staff = self.receptionists[(s + (s // per_day) // 7) % len(self.receptionists)]
        return s + 1, staff

    def make_shifts(self) -> None:
        """Every slot until ``now``; each ended one with its handover's times (``handovers``)."""
        last = self.slot(self.now)
        # per slot: started, planned end, staff, confirmed at, accepted at (None: not yet)
        self.handovers: list[tuple[datetime, datetime, int, datetime | None, datetime | None]] = []
        # per slot: made/voided per counted kind, then the confirmation time as stored text
        self.tally: list[list[Any]] = []
        for s in range(last + 1):
            started, planned = self.slot_start(s), self.slot_start(s + 1)
            shift_id, staff_id = self.on_duty(started)
            assert shift_id == s + 1
            confirmed = accepted = None
            if s < last:
                # the next receptionist takes the desk at the planned end (which ends this
                # shift); the outgoing one confirms the record a few minutes later, the
                # incoming one accepts it soon after
                confirmed = planned + timedelta(minutes=(s * 7919) % 17 + 2)
                accepted = confirmed + timedelta(minutes=(s * 104729) % 5 + 1)
                confirmed = confirmed if confirmed <= self.now else None
                accepted = accepted if confirmed and accepted <= self.now else None
            self.handovers.append((started, planned, staff_id, confirmed, accepted))
            self.tally.append([0] * (2 * len(_COUNTED)) + [_ts(confirmed or NEVER)])
            name = self.name_of(s)
            self.emit(
                "shift",
                {
                    "id": self.new_id("shift"),
                    "staff_id": staff_id,
                    "name": name,
                    "started_at": _ts(started),
                    "planned_end": _ts(planned),
                    "ended_at": _ts(planned) if s < last else None,
                },
            )
            who = self.staff_names[staff_id]
            self.audit("shift", shift_id, started, staff_id, f"{who} {name}上班")

    def name_of(self, s: int) -> str:
        return self.shift_names[(s + self.slot0) % len(self.shift_names)]

    # --- handovers ------------------------------------------------------------------
    #
    # Each record, when its life is generated, leaves the spans in which it was open
    # (``carry``). The handovers are then written in time order, right after the day
    # their confirmation falls on: a sweep keeps the spans open at that moment, and each
    # becomes a carried item through the same functions ``handover.assemble`` uses.

    def carry(self, kind: str, start: datetime, end: datetime, data: tuple[Any, ...]) -> None:
        """Remember that a record of ``kind`` was open from ``start`` until ``end``."""
        if end > start:
            self.span_seq += 1
            span = _Span(kind, end, data, _flips(kind, data))
            heapq.heappush(self.waiting, (start, self.span_seq, span))

    def write_handovers(self, until: datetime) -> None:
        """The handovers confirmed before ``until`` (every record made by then is known)."""
        while self.next_handover < len(self.handovers):
            s = self.next_handover
            started, planned, staff_id, confirmed, accepted = self.handovers[s]
            if confirmed is None or confirmed >= until:
                return
            self.next_handover += 1
            self._handover(s, started, planned, staff_id, confirmed, accepted)

    def _carried(self, at: datetime, callbacks_until: datetime) -> list[Any]:
        while self.waiting and self.waiting[0][0] <= at:
            _start, seq, span = heapq.heappop(self.waiting)
            self.open_now[seq] = span
            heapq.heappush(self.closing, (span.until, seq))
        while self.closing and self.closing[0][0] <= at:
            del self.open_now[heapq.heappop(self.closing)[1]]
        return [
            span.item_at(at)
            for span in self.open_now.values()
            if span.kind != "callback" or span.data[6] <= callbacks_until
        ]

    def draft_on_duty(self) -> None:
        """Today's shift is still on duty; its receptionist has saved a draft at ``now``."""
        s = len(self.handovers) - 1
        started, planned, staff_id, _confirmed, _accepted = self.handovers[s]
        self.write_handovers(NEVER)
        self._handover(s, started, planned, staff_id, self.now, None, draft=True)

    def _handover(
        self,
        s: int,
        started: datetime,
        planned: datetime,
        staff_id: int,
        at: datetime,
        accepted: datetime | None,
        *,
        draft: bool = False,
    ) -> None:
        """The handover of slot ``s`` assembled (and confirmed, unless a draft) at ``at``."""
        rng = random.Random(self.seed * 31 + s)
        x = rng.random()
        notes = "无特殊情况" if x < 0.6 else "" if x < 0.75 else rng.choice(HANDOVER_NOTES)
        next_end = self.slot_start(s + 2)  # the end of the next shift
        tally = self.tally[s]
        record = handover_service.HandoverRecord(
            shift_id=s + 1,
            day=started.date(),
            shift_name=self.name_of(s),
            staff_id=staff_id,
            staff_name=self.staff_names[staff_id],
            started_at=started,
            planned_end=planned,
            ended_at=None if draft else planned,
            assembled_at=at,
            next_shift_end=next_end,
            notes="" if draft else notes,
            counts=tuple(
                handover_service.KindCount(kind, label, tally[2 * i], tally[2 * i + 1])
                for i, (kind, label) in enumerate(handover_service.COUNTED_KINDS)
            ),
            carried=handover_service.sort_items(self._carried(at, max(next_end, at))),
        )
        hid = self.new_id("handover")
        incoming = self.on_duty(planned)[1]
        if draft:
            state = HandoverState.DRAFT
        elif accepted is None:
            state = HandoverState.CONFIRMED
        else:
            state = HandoverState.ACCEPTED
        self.emit(
            "handover",
            {
                "id": hid,
                "shift_id": s + 1,
                "state": state.value,
                "outgoing_id": staff_id,
                "incoming_id": incoming if accepted is not None else None,
                "created_at": _ts(at),
                "confirmed_at": None if draft else _ts(at),
                "accepted_at": _ts(accepted),
                "notes": record.notes,
                "snapshot": handover_service.to_json(record),
            },
        )
        first = HandoverState.DRAFT.value if draft else HandoverState.CONFIRMED.value
        self.audit("handover", hid, at, staff_id, f"交接班 {record.shift_name} {first}")
        if accepted is not None:
            self.audit(
                "handover", hid, accepted, incoming, HandoverState.ACCEPTED.value,
                action=AuditAction.TRANSITION, field="state", old=first,
            )  # fmt: skip

    # --- office, people, places ---------------------------------------------------------

    def make_office(self, rng: random.Random) -> None:
        at = _ts(self.setup_at)
        self.receptionists: list[int] = []
        self.managers: list[int] = []
        self.staff_names: dict[int, str] = {}
        for name, role in STAFF:
            sid = self.new_id("staff")
            self.staff_names[sid] = name
            (self.receptionists if role == StaffRole.RECEPTIONIST else self.managers).append(sid)
            self.emit(
                "staff",
                {
                    "id": sid,
                    "name": name,
                    "role": role.value,
                    "phone": _mobile(rng),
                    "active": 1,
                    "created_at": at,
                    "updated_at": at,
                },
            )
        for kind, name, stock, deposit, _hours, _w in LOAN_ITEMS:
            self.emit(
                "loanitem",
                {
                    "id": self.new_id("loanitem"),
                    "kind": kind.value,
                    "name": name,
                    "stock": stock,
                    "deposit": _fen(deposit),
                    "active": 1,
                    "notes": "",
                    "created_at": at,
                    "updated_at": at,
                },
            )

    def make_units(self, rng: random.Random) -> None:
        at = _ts(self.setup_at)
        # (unit id, code, [(resident id, name, phone)]) for occupied flats
        self.flats: list[tuple[int, str, list[tuple[int, str, str]]]] = []
        self.flat_cum: list[float] = []
        self.lift_halls: dict[int, int] = {}
        self.areas: dict[str, int] = {}
        self.entrances: dict[int, int] = {}
        acc = 0.0
        all_residents: list[dict[str, Any]] = []
        for b in range(1, BUILDINGS + 1):
            entrances = rng.choice([2, 3, 3])
            self.entrances[b] = entrances
            for e in range(1, entrances + 1):
                per_floor = rng.choice([2, 3, 4, 4])
                for floor in range(1, FLOORS + 1):
                    for n in range(1, per_floor + 1):
                        uid = self.new_id("unit")
                        room = str(floor * 100 + n)
                        code = f"{b}-{e}-{room}"
                        occupied = rng.random() < 0.92
                        self.emit(
                            "unit",
                            {
                                "id": uid,
                                "kind": UnitKind.UNIT.value,
                                "code": code,
                                "building": str(b),
                                "entrance": str(e),
                                "room": room,
                                "name": "",
                                "area_m2": AREA_BY_ROOM[(n - 1) % 4],
                                "occupied": int(occupied),
                                "notes": "",
                                "created_at": at,
                                "updated_at": at,
                            },
                        )
                        if occupied:
                            people = self._residents(rng, uid, all_residents)
                            self.flats.append((uid, code, people))
                            # a few households call the desk far more often than others
                            acc += rng.lognormvariate(0, 0.9)
                            self.flat_cum.append(acc)
        for name in [f"{b}号楼电梯厅" for b in range(1, BUILDINGS + 1)] + PUBLIC_AREAS:
            uid = self.new_id("unit")
            if name.endswith("号楼电梯厅"):
                self.lift_halls[int(name.split("号")[0])] = uid
            else:
                self.areas[name] = uid
            self.emit(
                "unit",
                {
                    "id": uid,
                    "kind": UnitKind.PUBLIC.value,
                    "code": name,
                    "building": "",
                    "entrance": "",
                    "room": "",
                    "name": name,
                    "area_m2": None,
                    "occupied": 1,
                    "notes": "",
                    "created_at": at,
                    "updated_at": at,
                },
            )
        # featured names, spread over the registry
        step = max(1, len(all_residents) // (len(FEATURED_NAMES) + 1))
        for i, name in enumerate(FEATURED_NAMES):
            if (i + 1) * step < len(all_residents):
                all_residents[(i + 1) * step]["name"] = name
        by_id: dict[int, str] = {}
        for r in all_residents:
            r["name_pinyin"], r["name_initials"] = name_keys(r["name"])
            by_id[r["id"]] = r["name"]
            self.emit("resident", r)
        # the household lists carry the final names
        self.flats = [
            (uid, code, [(rid, by_id[rid], phone) for rid, _n, phone in people])
            for uid, code, people in self.flats
        ]

    def _residents(
        self, rng: random.Random, uid: int, out: list[dict[str, Any]]
    ) -> list[tuple[int, str, str]]:
        at = _ts(self.setup_at)
        people: list[tuple[int, str, str]] = []
        owner_surname = self.names.surname(rng)
        moved_in = self.start - timedelta(days=rng.randint(90, 3600))
        members: list[tuple[ResidentRole, str, date, str]] = []
        rented = rng.random() < 0.12
        members.append(
            (
                ResidentRole.OWNER,
                self.names.full(rng, owner_surname),
                moved_in,
                "房屋出租，业主不在本小区居住" if rented else "",
            )
        )
        if rented:
            tenant_in = self.start - timedelta(days=rng.randint(10, 700))
            members.append((ResidentRole.TENANT, self.names.full(rng), tenant_in, ""))
            family_surname = None
        else:
            family_surname = owner_surname
        x = rng.random()
        family = 0 if x < 0.55 else 1 if x < 0.9 else 2
        for _ in range(family):
            surname = family_surname if rng.random() < 0.5 else None
            members.append((ResidentRole.FAMILY, self.names.full(rng, surname), moved_in, ""))
        for role, name, since, notes in members:
            rid = self.new_id("resident")
            if role == ResidentRole.FAMILY and rng.random() < 0.2:
                phones = []
            else:
                phones = [_mobile(rng)] + ([_mobile(rng)] if rng.random() < 0.1 else [])
            out.append(
                {
                    "id": rid,
                    "unit_id": uid,
                    "name": name,
                    "name_pinyin": "",
                    "name_initials": "",
                    "role": role.value,
                    "phones": ",".join(phones),
                    "moved_in": since.isoformat(),
                    "moved_out": None,
                    "notes": notes,
                    "created_at": at,
                    "updated_at": at,
                },
            )
            # owners who rent out rarely come to the desk
            if not (rented and role == ResidentRole.OWNER):
                people.append((rid, name, phones[0] if phones else ""))
        if not people:  # pragma: no cover - a rented flat always has its tenant
            people.append((out[-1]["id"], out[-1]["name"], ""))
        return people

    # --- who comes to the desk --------------------------------------------------------

    def resident_party(self, rng: random.Random, need_phone: bool = False) -> dict[str, Any]:
        x = rng.random() * self.flat_cum[-1]
        uid, code, people = self.flats[bisect_right(self.flat_cum, x)]
        if rng.random() < 0.07:  # someone of the household who is not in the registry
            return {
                "unit_id": uid,
                "resident_id": None,
                "room_text": code,
                "person_name": self.names.polite(rng),
                "phone": _mobile(rng),
            }
        rid, name, phone = people[0] if rng.random() < 0.6 else rng.choice(people)
        if not phone:
            phone = next((p for _r, _n, p in people if p), "") or (
                _mobile(rng) if need_phone or rng.random() < 0.5 else ""
            )
        return {
            "unit_id": uid,
            "resident_id": rid,
            "room_text": code,
            "person_name": name,
            "phone": phone,
        }

    def random_flat(self, rng: random.Random) -> tuple[int, str, list[tuple[int, str, str]]]:
        return self.flats[rng.randrange(len(self.flats))]

    # --- numbering --------------------------------------------------------------------

    def number(self, kind: SerialKind, records: list[dict[str, Any]], table: str) -> None:
        """Sort a day's records by time, give ids and serials, stamp staff and shift."""
        records.sort(key=itemgetter("created_at"))
        for n, rec in enumerate(records, start=1):
            day = rec["created_at"].date()
            rec["id"] = self.new_id(table)
            rec["serial"] = format_serial(kind, day, n)
            rec["shift_id"], rec["staff_id"] = self.on_duty(rec["created_at"])
            rec["updated_at"] = rec["created_at"]
            self.serial_last[(kind.value, day)] = n

    # --- one day ----------------------------------------------------------------------

    def day(self, day: date) -> None:
        rng = random.Random(self.seed * 100_003 + day.toordinal())
        off = not self.cal.is_working_day(day)
        season = 1.2 if day.month in (6, 7, 8) else 1.05 if day.month in (12, 1, 2) else 1.0
        rainy = rng.random() < (0.3 if day.month in (5, 6, 7, 8) else 0.1)

        def count(kind: str, extra: float = 1.0) -> int:
            lam = PER_DAY[kind] * (OFF_DAY_FACTOR[kind] if off else 1.0) * extra
            return _poisson(rng, lam)

        def times(kind: str, n: int) -> list[datetime]:
            hours = rng.choices(range(24), weights=HOURS[kind], k=n)
            base = datetime.combine(day, time())
            return [base + timedelta(hours=h, seconds=rng.randrange(3600)) for h in hours]

        calls: list[dict[str, Any]] = []
        visits: list[dict[str, Any]] = []
        orders = [self.new_order(rng, t) for t in times("workorder", count("workorder", season))]
        complaints = [self.new_complaint(rng, t) for t in times("complaint", count("complaint"))]
        for rec in orders + complaints:
            self.link_source(rng, rec, calls, visits)
        n_calls = max(0, count("call") - len(calls))
        calls += [self.new_call(rng, t) for t in times("call", n_calls)]
        n_visits = max(0, count("visit") - len(visits))
        visits += [self.new_visit(rng, t) for t in times("visit", n_visits)]
        loans = self.new_loans(rng, times("loan", count("loan")), rainy)

        now = self.now

        def happened(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [r for r in recs if r["created_at"] <= now]

        calls, visits, orders, complaints = map(happened, (calls, visits, orders, complaints))
        self.number(SerialKind.CALL, calls, "call")
        self.number(SerialKind.VISIT, visits, "visit")
        self.number(SerialKind.WORK_ORDER, orders, "workorder")
        self.number(SerialKind.COMPLAINT, complaints, "complaint")
        for rec in calls:
            self.live_call(rng, rec)
        for rec in visits:
            self.live_visit(rng, rec)
        for rec in orders:
            self.live_order(rng, rec)
        for rec in complaints:
            self.live_complaint(rng, rec)
        self.place_loans(rng, loans)

    # --- sources: a call or visit that became a repair or complaint ---------------------

    def link_source(
        self,
        rng: random.Random,
        rec: dict[str, Any],
        calls: list[dict[str, Any]],
        visits: list[dict[str, Any]],
    ) -> None:
        channel = rec["channel"]
        is_order = "urgency" in rec
        t = rec["created_at"]
        midnight = datetime.combine(t.date(), time())
        before = t - min(_minutes(rng, 1, 6), t - midnight)
        # the caller's own flat, also when the repair is for a public place
        party = rec.get("_caller") or {
            k: rec[k] for k in ("unit_id", "resident_id", "room_text", "person_name", "phone")
        }
        text = rec["description"]
        if channel == "来电" and rng.random() < (0.85 if is_order else 0.9):
            reply = (
                "已登记报修，安排维修人员尽快上门"
                if is_order
                else "已登记投诉，会在规定时间内给您答复"
            )
            source = self._record(
                before,
                party,
                call_type=(CallType.REPAIR if is_order else CallType.COMPLAINT).value,
                content=text,
                reply=reply,
            )
            calls.append(source)
            rec["_call"] = source
        elif channel == "来访" and rng.random() < 0.8:
            source = self._record(
                before,
                party,
                reason=("前台报修：" if is_order else "前台投诉：") + text,
                is_resident=True,
                id_tail="",
                visiting="",
                outcome=VisitOutcome.SETTLED,
                dept_head="",
                passed_at=None,
                result="已登记报修单，安排派工" if is_order else "已登记投诉，转责任部门处理",
                _settled=True,
            )
            visits.append(source)
            rec["_visit"] = source

    @staticmethod
    def _record(t: datetime, party: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return {**RECORD_DEFAULTS, **party, "created_at": t, **fields}

    # --- work orders ------------------------------------------------------------------

    def new_order(self, rng: random.Random, t: datetime) -> dict[str, Any]:
        night = t.hour < 7 or t.hour >= 22
        if night and rng.random() < 0.6:
            problem = rng.choice([p for p in PROBLEMS if p[2] == "E"])
        else:
            cat = _weighted(rng, list(CATEGORY_WEIGHTS.items()))
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
        if where is None:
            party = self.resident_party(rng)
            channel = _weighted(rng, [(Channel.CALL, 70), (Channel.VISIT, 24), (Channel.OTHER, 6)])
            description = rng.choice(WO_PREFIX) + text + rng.choice(WO_SUFFIX)
            if appointment is not None:
                description += f"，预约{appointment:%m月%d日%H点}上门"
        else:
            if where == BUILDING:
                b = rng.randint(1, BUILDINGS)
                e = rng.randint(1, self.entrances[b])
                location = f"{b}号楼电梯厅"
                unit_id = self.lift_halls[b]
                description = f"{b}号楼{e}单元{text}"
            else:
                location = rng.choice(where)
                unit_id = self.areas[location]
                description = f"{location}{text}"
            channel = _weighted(
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
                caller = self.resident_party(rng)
                party = {**caller, "unit_id": unit_id, "room_text": ""}
        # as workorders.create: an agreed visit's limits run from the appointment
        start = max(t, appointment) if appointment is not None else t
        response_due, completion_due = workorder_deadlines(start, urgency, self.conf, self.cal)
        return self._record(
            t,
            party,
            state=W.NEW.value,
            channel=channel.value,
            location=location,
            category=category,
            urgency=urgency,
            is_paid=int(where is None and bool(materials) and rng.random() < 0.45),
            appointment_at=appointment,
            description=description,
            response_due=response_due,
            completion_due=completion_due,
            dispatched_at=None,
            dispatcher_id=None,
            assignee="",
            arrived_at=None,
            paused_since=None,
            paused_seconds=0,
            parts_expected=None,
            completed_at=None,
            cause="",
            work_done="",
            labour_fee=None,
            materials_fee=None,
            total_fee=None,
            rework_count=0,
            visit_id=None,
            call_id=None,
            _problem=problem,
            _caller=caller,
        )

    def live_order(self, rng: random.Random, rec: dict[str, Any]) -> None:
        t0: datetime = rec["created_at"]
        urgency: Urgency = rec["urgency"]
        category, _text, _hint, cause, work_done, materials, _where = rec["_problem"]
        callbacks: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        night = t0.hour < 7 or t0.hour >= 22
        resp_due: datetime = rec["response_due"]
        # about 1% are voided (作废) a little after intake: nothing after that happens
        void_at = t0 + _minutes(rng, 5, 240) if rng.random() < 0.01 else None
        life = _Life(rec, self.now if void_at is None else min(self.now, void_at))

        def staff(at: datetime) -> int:
            return self.on_duty(at)[1]

        # dispatch
        if urgency == Urgency.EMERGENCY:
            dispatched = t0 + _minutes(rng, 1, 8)
        elif night:
            morning = datetime.combine(t0.date() + timedelta(days=int(t0.hour >= 22)), time(8))
            dispatched = morning + _minutes(rng, 0, 60)
        elif rng.random() < 0.06:
            dispatched = t0 + _minutes(rng, 120, 30 * 60)  # left in the tray for a while
        else:
            limit = min(120, (resp_due - t0).total_seconds() / 60)
            dispatched = t0 + _minutes(rng, 2, max(3, limit * 0.6))
        life.at(
            dispatched,
            state=W.DISPATCHED.value,
            dispatched_at=dispatched,
            dispatcher_id=staff(dispatched),
            assignee=rng.choice(ASSIGNEES[category]),
        )
        # someone on site
        if rec["appointment_at"] is not None:
            arrived = rec["appointment_at"] + _minutes(rng, -10, 25)
        elif rng.random() < 0.1:
            arrived = max(resp_due, dispatched) + _minutes(rng, 5, 180)
        else:
            room = max(120, (resp_due - dispatched).total_seconds())
            arrived = dispatched + timedelta(seconds=rng.randint(60, int(room * 0.95)))
        arrived = max(arrived, dispatched + timedelta(minutes=1))
        life.at(arrived, state=W.IN_PROGRESS.value, arrived_at=arrived)
        # waiting for parts
        paused = timedelta(0)
        at = arrived
        if urgency != Urgency.EMERGENCY and rng.random() < 0.06:
            pause_start = arrived + _minutes(rng, 15, 60)
            expected = (pause_start + timedelta(days=rng.randint(2, 7))).date()
            part = materials[0][0] if materials else "配件"
            life.at(
                pause_start,
                state=W.WAITING_PARTS.value,
                paused_since=pause_start,
                parts_expected=expected,
                cause=f"等待{part}到货",
            )
            back = datetime.combine(
                expected + timedelta(days=int(rng.random() < 0.25)), time(9)
            ) + _minutes(rng, 0, 150)
            paused = back - pause_start
            life.at(
                back,
                state=W.IN_PROGRESS.value,
                paused_since=None,
                paused_seconds=int(paused.total_seconds()),
            )
            at = back
        # the fix
        due = rec["completion_due"] + paused
        if urgency == Urgency.EMERGENCY:
            work = _minutes(rng, 20, 80)
        elif urgency == Urgency.IMPORTANT:
            work = _minutes(rng, 30, 300)
        elif rng.random() < 0.2:
            work = _minutes(rng, 600, 1800)  # continued the next day
        else:
            work = _minutes(rng, 20, 180)
        done = at + work
        if rng.random() < 0.09:
            done = max(done, due + _minutes(rng, 60, 3 * 24 * 60))  # late
        elif done > due:
            done = max(due - _minutes(rng, 1, 30), at + timedelta(minutes=10))
        completed = life.at(
            done, state=W.COMPLETED.value, completed_at=done, cause=cause, work_done=work_done
        )
        if completed and rec["is_paid"]:
            labour = Decimal(rng.choice([20, 30, 50, 80, 100]))
            total_materials = Decimal(0)
            for name, price in materials:
                qty = Decimal(rng.randint(2, 5) if "(" in name else 1)
                amount = qty * price
                total_materials += amount
                lines.append(
                    {
                        "name": name,
                        "quantity": _fen(qty),
                        "unit_price": _fen(price),
                        "amount": _fen(amount),
                    }
                )
            rec.update(
                labour_fee=_fen(labour),
                materials_fee=_fen(total_materials),
                total_fee=_fen(labour + total_materials),
            )
        if completed:
            # callbacks; an unhappy one reopens the order (返工) once
            for attempt in range(2):
                cb = self._callback(
                    rng, CallbackSource.WORK_ORDER, rec, done, "sla.callback.workorder"
                )
                callbacks.append(cb)
                sat = _weighted(rng, SATISFACTION_WO) if attempt == 0 else Satisfaction.SATISFIED
                cb_done = self._callback_done(rng, cb, done)
                unhappy = sat == Satisfaction.UNSATISFIED
                if unhappy:
                    outcome, comment = rng.choice(WO_UNHAPPY)
                else:
                    outcome, comment = "已修好，使用正常", rng.choice(HAPPY_COMMENTS)
                if not self._callback_record(rng, cb, cb_done, sat, outcome, comment, life.now):
                    break
                if not unhappy:
                    life.at(cb_done, state=W.CALLED_BACK.value)
                    break
                life.at(
                    cb_done,
                    state=W.REWORK.value,
                    rework_count=rec["rework_count"] + 1,
                    completed_at=None,
                )
                again = _daytime(rng, cb_done + _minutes(rng, 120, 48 * 60), 8, 18)
                if not life.at(again, state=W.IN_PROGRESS.value):
                    break
                done = again + _minutes(rng, 30, 180)
                if not life.at(
                    done,
                    state=W.COMPLETED.value,
                    completed_at=done,
                    work_done=work_done + "（返工）",
                ):
                    break
        if void_at is not None:
            self._void_order(rng, rec, callbacks, void_at)
            if rec["state"] == W.VOID.value:
                life.events.append((void_at, {"state": W.VOID.value}))
        self._finish_order(rec, callbacks, lines)
        data = (rec["id"], rec["serial"], rec["description"], rec["room_text"] or rec["location"],
                rec["response_due"], rec["completion_due"])  # fmt: skip
        initial = [W.NEW.value, None, None, 0, None]
        for start, end, now in _spans(t0, initial, life.events, _ORDER_TRACKED, _OPEN_ORDER):
            self.carry("workorder", start, end, (*data, now))

    def _void_order(
        self, rng: random.Random, rec: dict[str, Any], callbacks: list[dict[str, Any]], at: datetime
    ) -> None:
        """作废 at ``at`` (if that has happened): the order and its pending callbacks."""
        if at > self.now:
            return
        rec.update(
            state=W.VOID.value,
            voided_at=at,
            void_reason=rng.choice(WO_VOID_REASONS),
            updated_at=at,
        )
        for cb in callbacks:
            if cb["state"] == CallbackState.DUE.value:
                cb.update(
                    state=CallbackState.VOID.value,
                    voided_at=at,
                    void_reason="派工单作废",
                    updated_at=at,
                )

    def _finish_order(
        self, rec: dict[str, Any], callbacks: list[dict[str, Any]], lines: list[dict[str, Any]]
    ) -> None:
        source = rec.pop("_call", None)
        rec["call_id"] = source["id"] if source is not None else None
        source = rec.pop("_visit", None)
        rec["visit_id"] = source["id"] if source is not None else None
        if rec["completed_at"] is None and rec["state"] != W.REWORK.value:
            # not completed yet (or voided): fees are set only at completion
            rec.update(labour_fee=None, materials_fee=None, total_fee=None)
            lines = []
        rec["urgency"] = rec["urgency"].value
        row = self._record_row(rec)
        for key in (
            "response_due",
            "completion_due",
            "appointment_at",
            "dispatched_at",
            "arrived_at",
            "paused_since",
            "completed_at",
        ):
            row[key] = _ts(row[key])
        if row["parts_expected"] is not None:
            row["parts_expected"] = row["parts_expected"].isoformat()
        self.emit("workorder", row)
        self.audit("workorder", rec["id"], rec["created_at"], rec["staff_id"], rec["serial"])
        for line in lines:
            self.emit(
                "workordermaterial",
                {**line, "id": self.new_id("workordermaterial"), "work_order_id": rec["id"]},
            )
        for cb in callbacks:
            self._emit_callback(cb, rec)

    # --- callbacks --------------------------------------------------------------------

    def _callback(
        self,
        rng: random.Random,
        source: CallbackSource,
        rec: dict[str, Any],
        at: datetime,
        key: str,
    ) -> dict[str, Any]:
        is_order = source == CallbackSource.WORK_ORDER
        return {
            "id": None,
            "source": source.value,
            "work_order_id": rec["id"] if is_order else None,
            "complaint_id": None if is_order else rec["id"],
            "unit_id": rec["unit_id"],
            "state": CallbackState.DUE.value,
            "created_at": at,
            "updated_at": at,
            "due_at": callback_due(at, key, self.conf, self.cal),
            "done_at": None,
            "staff_id": None,
            "way": None,
            "satisfaction": None,
            "outcome": "",
            "comment": "",
            "voided_at": None,
            "void_reason": "",
            "_by": self.on_duty(at)[1],
        }

    def _callback_done(self, rng: random.Random, cb: dict[str, Any], start: datetime) -> datetime:
        if rng.random() < 0.06:
            return _daytime(rng, cb["due_at"] + _minutes(rng, 60, 2 * 24 * 60))  # late
        t = _daytime(rng, start + _minutes(rng, 120, 40 * 60))
        if t > cb["due_at"]:
            t = max(start + timedelta(minutes=30), cb["due_at"] - _minutes(rng, 5, 120))
        return t

    def _callback_record(
        self,
        rng: random.Random,
        cb: dict[str, Any],
        at: datetime,
        sat: Satisfaction,
        outcome: str,
        comment: str,
        limit: datetime,
    ) -> bool:
        """Record the callback as made at ``at`` unless that is after ``limit``."""
        if at > limit:
            return False
        way = CallbackWay.VISIT if rng.random() < 0.1 else CallbackWay.PHONE
        cb.update(
            state=CallbackState.DONE.value,
            done_at=at,
            updated_at=at,
            staff_id=self.on_duty(at)[1],
            way=way.value,
            satisfaction=sat.value,
            outcome=outcome,
            comment=comment,
        )
        return True

    def _emit_callback(self, cb: dict[str, Any], source: dict[str, Any]) -> None:
        cb["id"] = self.new_id("callback")
        by = cb.pop("_by")
        row = dict(cb)
        for key in ("created_at", "updated_at", "due_at", "done_at", "voided_at"):
            row[key] = _ts(row[key])
        self.emit("callback", row)
        serial = source["serial"]
        self.audit("callback", cb["id"], cb["created_at"], by, f"回访 {serial}")
        end = cb["done_at"] or cb["voided_at"] or NEVER
        room = source["room_text"] or source.get("location") or ""
        self.carry("callback", cb["created_at"], end, (
            cb["id"], cb["source"], source["id"], serial, source["description"], room, cb["due_at"],
        ))  # fmt: skip

    # --- complaints -------------------------------------------------------------------

    def new_complaint(self, rng: random.Random, t: datetime) -> dict[str, Any]:
        subtype, category, text, target, demand = rng.choice(COMPLAINTS)
        categories = self.conf["lists.complaint.categories"]
        subtypes = self.conf["lists.complaint.subtypes"]
        category = category if category in categories else categories[-1]
        subtype = subtype if subtype in subtypes else ""
        party = self.resident_party(rng)
        if "{room}" in target:
            other = self.random_flat(rng)[1]
            target = target.format(room=other)
        severity = _weighted(
            rng, [(Severity.MINOR, 85), (Severity.IMPORTANT, 12), (Severity.MAJOR, 3)]
        )
        deadline = None
        if severity == Severity.MINOR and rng.random() < 0.2:
            deadline = datetime.combine(t.date() + timedelta(days=rng.randint(1, 3)), time(18))
        channel = _weighted(rng, COMPLAINT_CHANNELS)
        dept = DEPARTMENTS.get(
            target, "秩序维护部" if "住户" in target or "队" in target else "客服中心"
        )
        if channel == ComplaintChannel.ONLINE:
            text = "（业主群反映）" + text
        elif channel == ComplaintChannel.WRITTEN:
            text = "（书面投诉信）" + text
        return self._record(
            t,
            party,
            state=C.ACCEPTED.value,
            channel=channel.value,
            occurred_at=t - _minutes(rng, 10, 48 * 60),
            occurred_place=party["room_text"] if rng.random() < 0.5 else "小区内",
            target=target,
            category=category,
            subtype=subtype,
            severity=severity,
            description=text,
            demand=demand,
            demand_deadline=deadline,
            witnesses=self.names.polite(rng) if rng.random() < 0.08 else "",
            level=EscalationLevel.DESK.value,
            due_at=complaint_due(t, severity, self.conf, self.cal, deadline),
            escalated_at=None,
            department=dept,
            measures="",
            result="",
            reply="",
            replied_at=None,
            visit_id=None,
            call_id=None,
            _subtype=subtype or "其他",
        )

    def live_complaint(self, rng: random.Random, rec: dict[str, Any]) -> None:
        t0: datetime = rec["created_at"]
        severity: Severity = rec["severity"]
        life = _Life(rec, self.now)
        callbacks: list[dict[str, Any]] = []
        kind = rec.pop("_subtype")
        measures = COMPLAINT_MEASURES.get(kind, COMPLAINT_MEASURES["其他"])
        result = COMPLAINT_RESULTS.get(kind, COMPLAINT_RESULTS["其他"])
        if rng.random() < 0.01:
            at = t0 + _minutes(rng, 10, 24 * 60)
            life.at(
                at, state=C.VOID.value, voided_at=at, void_reason=rng.choice(COMPLAINT_VOID_REASONS)
            )
            self._finish_complaint(rec, callbacks, life.events)
            return
        if severity != Severity.MINOR:
            started = t0 + _minutes(rng, 5, 30)
        else:
            slow = rng.random() < 0.15  # the department takes its time to pick it up
            started = _daytime(
                rng, t0 + _minutes(rng, *((240, 1440) if slow else (10, 240))), 8, 21
            )
        if not life.at(started, state=C.IN_PROGRESS.value, measures=measures):
            return self._finish_complaint(rec, callbacks, life.events)
        at = started
        required = _REQUIRED_LEVEL[severity]
        if required != EscalationLevel.DESK.value:
            # reported up to the level its severity requires, mostly in time
            reported = started if rng.random() < 0.9 else rec["due_at"] + _minutes(rng, 5, 120)
            if not life.at(reported, level=required, escalated_at=reported):
                return self._finish_complaint(rec, callbacks, life.events)
        if rec["level"] == EscalationLevel.DESK.value and rng.random() < 0.05:
            at = started + _minutes(rng, 120, 24 * 60)
            life.at(
                at,
                level=EscalationLevel.SUPERVISOR.value,
                escalated_at=at,
                measures=measures + "\n升级：部门处理进展缓慢，上报项目主管",
            )
        for attempt in range(2):
            if severity == Severity.MINOR and attempt == 0 and rng.random() < 0.85:
                answered = _between(
                    rng, at + timedelta(minutes=30), max(rec["due_at"], at + timedelta(hours=1))
                )
            else:
                answered = at + _minutes(rng, 6 * 60, 5 * 24 * 60)
            answered = _daytime(rng, answered, 8, 20)
            reply = f"已于{answered:%m月%d日}电话答复业主：{result}"
            if not life.at(
                answered, state=C.ANSWERED.value, reply=reply, result=result, replied_at=answered
            ):
                break
            cb = self._callback(
                rng, CallbackSource.COMPLAINT, rec, answered, "sla.callback.complaint"
            )
            callbacks.append(cb)
            sat = _weighted(rng, SATISFACTION_COMPLAINT) if attempt == 0 else Satisfaction.FAIR
            unhappy = sat == Satisfaction.UNSATISFIED
            comment = "问题反复出现，要求上级领导处理" if unhappy else rng.choice(HAPPY_COMMENTS)
            outcome = "业主对处理结果不满意" if unhappy else "问题已解决"
            cb_done = self._callback_done(rng, cb, answered)
            if not self._callback_record(rng, cb, cb_done, sat, outcome, comment, life.now):
                break
            if not unhappy:
                life.at(cb_done, state=C.CALLED_BACK.value)
                break
            index = _LEVELS.index(rec["level"])
            life.at(
                cb_done,
                state=C.IN_PROGRESS.value,
                level=_LEVELS[min(index + 1, len(_LEVELS) - 1)],
                escalated_at=cb_done,
                replied_at=None,
                measures=f"{rec['measures']}\n升级：回访不满意：{comment}",
            )
            at = cb_done
        self._finish_complaint(rec, callbacks, life.events)

    def _finish_complaint(
        self,
        rec: dict[str, Any],
        callbacks: list[dict[str, Any]],
        events: list[tuple[datetime, dict[str, Any]]],
    ) -> None:
        source = rec.pop("_call", None)
        rec["call_id"] = source["id"] if source is not None else None
        source = rec.pop("_visit", None)
        rec["visit_id"] = source["id"] if source is not None else None
        rec["severity"] = rec["severity"].value
        rec.pop("_subtype", None)
        row = self._record_row(rec)
        for key in ("occurred_at", "demand_deadline", "due_at", "escalated_at", "replied_at"):
            row[key] = _ts(row[key])
        self.emit("complaint", row)
        self.audit("complaint", rec["id"], rec["created_at"], rec["staff_id"], rec["serial"])
        data = (rec["id"], rec["serial"], rec["severity"], rec["description"], rec["room_text"],
                rec["due_at"], rec["demand_deadline"])  # fmt: skip
        initial = [C.ACCEPTED.value, EscalationLevel.DESK.value]
        t0 = rec["created_at"]
        for start, end, now in _spans(t0, initial, events, _COMPLAINT_TRACKED, _OPEN_COMPLAINT):
            self.carry("complaint", start, end, (*data, now))
        for cb in callbacks:
            self._emit_callback(cb, rec)

    # --- calls ------------------------------------------------------------------------

    def new_call(self, rng: random.Random, t: datetime) -> dict[str, Any]:
        call_type = _weighted(rng, CALL_TYPES)
        x = rng.random()
        if x < 0.8:
            party = self.resident_party(rng)
        elif x < 0.9:  # an outside caller who gave only a name and number
            party = {
                "unit_id": None,
                "resident_id": None,
                "room_text": "",
                "person_name": self.names.polite(rng),
                "phone": _mobile(rng),
            }
        else:
            party = {
                "unit_id": None,
                "resident_id": None,
                "room_text": "",
                "person_name": "",
                "phone": _mobile(rng) if rng.random() < 0.5 else "",
            }
        message_for = None
        if call_type == CallType.MESSAGE:
            colleague = (
                rng.choice(self.managers)
                if rng.random() < 0.6
                else (rng.choice(self.receptionists))
            )
            message_for = colleague
            caller = party["person_name"] or self.names.polite(rng)
            phone = party["phone"] or _mobile(rng)
            party.update(person_name=caller, phone=phone)
            who = self.staff_names[colleague]
            content = f"{caller}来电找{who}，{rng.choice(MESSAGE_MATTERS)}，请回电{phone}"
            reply = f"{who}不在，已记录，会尽快转告"
        else:
            content, reply = rng.choice(CALLS[call_type])
        return self._record(
            t,
            party,
            call_type=call_type.value,
            content=content,
            reply=reply,
            message_for_id=message_for,
        )

    def live_call(self, rng: random.Random, rec: dict[str, Any]) -> None:
        t0: datetime = rec["created_at"]
        rec.update(state=RecordState.ACTIVE.value, message_state=None, delivered_at=None)
        rec.setdefault("message_for_id", None)
        life = _Life(rec, self.now)
        if rec["message_for_id"] is not None:
            rec["message_state"] = MessageState.PENDING.value
            # passed on when the colleague is at work; a few are forgotten for a day or two
            slow = rng.random() < 0.03
            at = t0 + (_minutes(rng, 24 * 60, 48 * 60) if slow else _minutes(rng, 10, 4 * 60))
            at = _daytime(rng, at, 8, 18)
            life.at(at, message_state=MessageState.DELIVERED.value, delivered_at=at)
        elif rng.random() < 0.005:
            at = t0 + _minutes(rng, 1, 60)
            life.at(
                at,
                state=RecordState.VOID.value,
                voided_at=at,
                void_reason=rng.choice(CALL_VOID_REASONS),
            )
        row = self._record_row(rec)
        row["delivered_at"] = _ts(row["delivered_at"])
        self.emit("call", row)
        self.audit("call", rec["id"], t0, rec["staff_id"], rec["serial"])
        if rec["message_for_id"] is not None:
            who = self.staff_names[rec["message_for_id"]]
            end = rec["delivered_at"] or NEVER
            data = (rec["id"], rec["serial"], who, rec["content"], rec["room_text"])
            self.carry("call", t0, end, data)

    # --- visits -----------------------------------------------------------------------

    def new_visit(self, rng: random.Random, t: datetime) -> dict[str, Any]:
        if rng.random() < 0.1:
            uid, code, people = self.random_flat(rng)
            host = people[0][1]
            reason, result = rng.choice(VISITS_OUTSIDER)
            tail = f"{rng.randrange(1000):03d}" + rng.choice("0123456789X")
            party = {
                "unit_id": uid,
                "resident_id": None,
                "room_text": code,
                "person_name": self.names.full(rng),
                "phone": _mobile(rng),
            }
            return self._record(
                t,
                party,
                reason=reason,
                result=result,
                is_resident=False,
                id_tail=tail,
                visiting=f"{code} {host[0]}{'先生' if rng.random() < 0.5 else '女士'}",
                outcome=VisitOutcome.SETTLED,
                dept_head="",
                passed_at=None,
                _settled=True,
            )
        party = self.resident_party(rng)
        if rng.random() < 0.14:
            reason, head, result = rng.choice(VISITS_PASSED)
            return self._record(
                t,
                party,
                reason=reason,
                result=result,
                is_resident=True,
                id_tail="",
                visiting="",
                outcome=VisitOutcome.PASSED,
                dept_head=head,
                passed_at=t,
                _settled=False,
            )
        reason, result = rng.choice(VISITS_SETTLED)
        return self._record(
            t,
            party,
            reason=reason,
            result=result,
            is_resident=True,
            id_tail="",
            visiting="",
            outcome=VisitOutcome.SETTLED,
            dept_head="",
            passed_at=None,
            _settled=True,
        )

    def live_visit(self, rng: random.Random, rec: dict[str, Any]) -> None:
        t0: datetime = rec["created_at"]
        settled = rec.pop("_settled")
        life = _Life(rec, self.now)
        if settled:
            rec.update(state=VisitState.CLOSED.value, closed_at=t0)
        else:
            final = rec["result"]
            rec.update(state=VisitState.OPEN.value, closed_at=None, result="")
            slow = rng.random() < 0.1
            at = _daytime(rng, t0 + _minutes(rng, 120, (5 if slow else 3) * 24 * 60), 8, 18)
            life.at(at, state=VisitState.CLOSED.value, closed_at=at, result=final)
        if rng.random() < 0.005 and life.alive:
            at = t0 + _minutes(rng, 1, 30)
            if at <= self.now:
                rec.update(
                    state=VisitState.VOID.value,
                    voided_at=at,
                    updated_at=at,
                    void_reason=rng.choice(VISIT_VOID_REASONS),
                )
        rec["outcome"] = rec["outcome"].value
        rec["is_resident"] = int(rec["is_resident"])
        row = self._record_row(rec)
        for key in ("passed_at", "closed_at"):
            row[key] = _ts(row[key])
        self.emit("visit", row)
        self.audit("visit", rec["id"], t0, rec["staff_id"], rec["serial"])
        if not settled:
            end = rec["voided_at"] or rec["closed_at"] or NEVER
            data = (rec["id"], rec["serial"], rec["reason"], rec["dept_head"], rec["room_text"], t0)
            self.carry("visit", t0, end, data)

    # --- loans ------------------------------------------------------------------------

    def new_loans(self, rng: random.Random, when: list[datetime], rainy: bool) -> list[Any]:
        weights = [item[5] * (5 if rainy and item[1] == "雨伞" else 1) for item in LOAN_ITEMS]
        out = []
        for t in sorted(when):
            if t > self.now:
                continue
            choices = rng.choices(range(len(LOAN_ITEMS)), weights=weights, k=3)
            out.append((t, choices))
        return out

    def place_loans(self, rng: random.Random, loans: list[tuple[datetime, list[int]]]) -> None:
        """Lend in time order; never more of an item than the office owns at that moment."""
        day_loans: list[dict[str, Any]] = []
        for t, choices in loans:
            for index in choices:  # first choice, or a second item if it is all out
                kind, name, stock, deposit, hours, _w = LOAN_ITEMS[index]
                out = self.loans_out[index]
                while out and out[0][0] <= t:
                    heapq.heappop(out)
                taken = sum(q for _, q in out)
                qty = 2 if name == "雨伞" and rng.random() < 0.2 else 1
                if name == "折叠桌椅":
                    qty = rng.randint(1, 3)
                if taken + qty > stock:
                    continue
                party = self.resident_party(rng, need_phone=True)
                if kind == LoanKind.KEY and rng.random() < 0.3:
                    party = {
                        "unit_id": None,
                        "resident_id": None,
                        "room_text": "",
                        "person_name": rng.choice(["电信", "移动", "燃气公司", "装修队"])
                        + self.names.polite(rng),
                        "phone": _mobile(rng),
                    }
                planned = timedelta(minutes=rng.randint(int(hours[0] * 60), int(hours[1] * 60)))
                expected = t + planned
                if planned >= timedelta(hours=12):
                    expected = datetime.combine(expected.date(), time(rng.choice([12, 18, 20])))
                    expected = max(expected, t + timedelta(hours=2))
                x = rng.random()
                if x < 0.01:
                    back = t + _minutes(rng, 1, 30)  # voided right away
                elif x < 0.03:
                    back = expected + _minutes(rng, 3 * 24 * 60, 20 * 24 * 60)  # long overdue
                elif x < 0.17:
                    back = expected + _minutes(rng, 30, 2 * 24 * 60)  # late
                else:
                    span = (expected - t).total_seconds()
                    back = t + timedelta(seconds=int(span * rng.uniform(0.3, 1.0)) + 60)
                heapq.heappush(out, (back, qty))
                rec = self._record(
                    t,
                    party,
                    item_id=index + 1,
                    quantity=qty,
                    deposit=_fen(Decimal(deposit) * qty),
                    expected_return_at=expected,
                    returned_at=None,
                    returned_to_id=None,
                    condition="",
                    deposit_refunded=None,
                    remarks=rng.choice(KEY_REMARKS) if kind == LoanKind.KEY else "",
                    state=LoanState.OUT.value,
                    _back=back,
                    _void=x < 0.01,
                )
                day_loans.append(rec)
                break
        self.number(SerialKind.LOAN, day_loans, "loan")
        for rec in day_loans:
            back = rec.pop("_back")
            voided = rec.pop("_void")
            life = _Life(rec, self.now)
            if voided:
                life.at(
                    back,
                    state=LoanState.VOID.value,
                    voided_at=back,
                    void_reason=rng.choice(LOAN_VOID_REASONS),
                )
            else:
                condition, refund = "完好", rec["deposit"]
                if rng.random() < 0.04:
                    condition, keep = rng.choice(LOAN_DAMAGE)
                    refund = max(0, refund - keep * 100)
                life.at(
                    back,
                    state=LoanState.RETURNED.value,
                    returned_at=back,
                    returned_to_id=self.on_duty(back)[1] if back <= self.now else None,
                    condition=condition,
                    deposit_refunded=refund,
                )
            row = self._record_row(rec)
            for key in ("expected_return_at", "returned_at"):
                row[key] = _ts(row[key])
            self.emit("loan", row)
            self.audit("loan", rec["id"], rec["created_at"], rec["staff_id"], rec["serial"])
            item_kind, item_name = LOAN_ITEMS[rec["item_id"] - 1][:2]
            end = rec["returned_at"] or rec["voided_at"] or NEVER
            self.carry("loan", rec["created_at"], end, (
                rec["id"], rec["serial"], item_name, item_kind.value, rec["quantity"],
                rec["person_name"], rec["room_text"], rec["expected_return_at"],
            ))  # fmt: skip

    # --- shared -----------------------------------------------------------------------

    @staticmethod
    def _record_row(rec: dict[str, Any]) -> dict[str, Any]:
        row = dict(rec)
        for key in ("created_at", "updated_at", "voided_at"):
            row[key] = _ts(row[key])
        return row

    def serial_rows(self) -> None:
        for (kind, day), last in sorted(self.serial_last.items()):
            self.emit("serialcounter", {"kind": kind, "day": day.isoformat(), "last": last})


_LEVELS = [
    level.value
    for level in (EscalationLevel.DESK, EscalationLevel.SUPERVISOR, EscalationLevel.LEADERSHIP)
]
_REQUIRED_LEVEL = {
    Severity.MAJOR: EscalationLevel.LEADERSHIP.value,
    Severity.IMPORTANT: EscalationLevel.SUPERVISOR.value,
    Severity.MINOR: EscalationLevel.DESK.value,
}


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

FLUSH_ROWS = 100_000


def _insert_sql(table: str) -> str:
    cols = COLUMNS[table]
    return f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'


def _flush(cur: Any, rows: dict[str, list[tuple[Any, ...]]], tables: Iterable[str]) -> None:
    for table in tables:
        if rows[table]:
            cur.executemany(_insert_sql(table), rows[table])
            rows[table].clear()


def _check_schema(cur: Any) -> None:
    """Fail clearly if the tables no longer have the columns this generator writes."""
    for table, cols in COLUMNS.items():
        info = cur.execute(f'PRAGMA table_info("{table}")').fetchall()
        have = {row[1] for row in info}
        required = {row[1] for row in info if row[3] and row[4] is None and not row[5]}
        missing = set(cols) - have
        unfilled = required - set(cols)
        if missing or unfilled:
            raise RuntimeError(
                f"demo generator out of date for table {table}: "
                f"unknown columns {sorted(missing)}, unfilled required columns {sorted(unfilled)}"
            )


def _check_empty(cur: Any) -> None:
    for table in (
        "staff",
        "unit",
        "resident",
        "call",
        "visit",
        "workorder",
        "complaint",
        "loan",
        "shift",
        "handover",
        "serialcounter",
    ):
        if cur.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
            raise ValueError(f"演示数据只能写进新的空数据库（{table} 表里已经有数据）")


def generate(
    engine: Engine,
    days: int,
    *,
    today: date | None = None,
    seed: int = 20261122,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Fill an empty, freshly opened database with ``days`` days of desk work up to ``today``.

    ``now`` is the moment the data ends (records later than it have not happened yet).
    Defaults: without ``today``, the real clock; with ``today`` alone, 15:30 that day, so
    the result is the same on every run. Returns the number of rows written per table.
    Raises ValueError if ``days`` < 1 or the database already holds desk data.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if now is None:
        if today is None:
            now = datetime.now().replace(microsecond=0)
        else:
            now = datetime.combine(today, time(15, 30))
    now = now.replace(microsecond=0)
    today = today or now.date()
    if now.date() != today:
        raise ValueError("now must fall on today")

    with Session(engine) as session:
        conf = settings_service.all_values(session)
        calendar = _Calendar(WorkCalendar.load(session).overrides)

    gen = _Generator(days, today, now, seed, conf, calendar)
    office_rng = random.Random(seed)
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        assert dbapi is not None
        cur = dbapi.cursor()
        cur.execute("PRAGMA cache_size = -262144")  # 256 MB for the bulk index inserts
        cur.execute("BEGIN IMMEDIATE")
        try:
            _check_schema(cur)
            _check_empty(cur)
            cur.execute(
                "UPDATE setting SET value = ? WHERE key = 'office.name'",
                (json.dumps(OFFICE_NAME, ensure_ascii=False),),
            )
            gen.make_office(office_rng)
            gen.make_units(office_rng)
            gen.make_shifts()
            _flush(cur, gen.rows, INSERT_ORDER)
            for i in range(days):
                day = gen.start + timedelta(days=i)
                gen.day(day)
                gen.write_handovers(datetime.combine(day + timedelta(days=1), time()))
                if sum(len(r) for r in gen.rows.values()) >= FLUSH_ROWS:
                    _flush(cur, gen.rows, INSERT_ORDER)
                if progress is not None:
                    progress(i + 1, days)
            gen.draft_on_duty()
            gen.serial_rows()
            _flush(cur, gen.rows, INSERT_ORDER)
            textsearch.rebuild(cur)  # the records' text search index, in bulk
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.execute("PRAGMA cache_size = -2000")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.close()
    finally:
        raw.close()
    return {table: n for table, n in gen.counts.items()}
