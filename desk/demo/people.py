"""The office's people and places: staff, flats and public areas, residents, and who of
them comes to the desk (a few households far more often than others)."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, datetime, timedelta
from typing import Any

from desk.demo.writer import Writer
from desk.models.enums import ResidentRole, StaffRole, UnitKind
from desk.services.core import passwords
from desk.services.records.residents import name_keys

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
# Every demo staff member logs in with this (documented in the README and desk/demo; the
# window shows it in demo mode). Demo files hold invented people only.
DEMO_PASSWORD = "demo2026"

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

# (unit id, code, [(resident id, name, phone)]) of an occupied flat
Flat = tuple[int, str, list[tuple[int, str, str]]]


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


class Names:
    """Plausible Chinese names: common surnames, 1–2 given characters, a few rare ones."""

    def __init__(self) -> None:
        self.surname_cum: list[float] = []
        acc = 0.0
        for i in range(len(SURNAMES)):
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


class People:
    """Staff, flats, public areas and residents, made once before the first day.

    Like an office that imported its resident list, every unit, resident, staff member
    and loan item has its creation in the audit log, entered by the manager.
    """

    def __init__(self, rows: Writer, setup_at: datetime, start: date) -> None:
        self.rows = rows
        self.setup_at = setup_at
        self.start = start
        self.names = Names()
        self.receptionists: list[int] = []
        self.managers: list[int] = []
        self.staff_names: dict[int, str] = {}
        self.flats: list[Flat] = []
        self.flat_cum: list[float] = []
        self.lift_halls: dict[int, int] = {}  # building → its lift hall's unit
        self.areas: dict[str, int] = {}  # public area → unit
        self.entrances: dict[int, int] = {}  # building → how many entrances

    @property
    def manager(self) -> int:
        return self.managers[-1]

    def make_staff(self, rng: random.Random) -> None:
        at = self.setup_at
        # one hash for all: a real one costs ~150 ms by design, and they share the password
        hashed = passwords.hash_password(DEMO_PASSWORD)
        for name, role in STAFF:
            sid = self.rows.new_id("staff")
            self.staff_names[sid] = name
            (self.receptionists if role == StaffRole.RECEPTIONIST else self.managers).append(sid)
            self.rows.emit(
                "staff",
                {"id": sid, "name": name, "role": role, "phone": mobile(rng), "active": True,
                 "created_at": at, "updated_at": at,
                 "password_hash": hashed, "failed_logins": 0, "locked_until": None,
                 "password_set_at": at},
            )  # fmt: skip
        for sid, name in self.staff_names.items():
            self.rows.audit("staff", sid, at, self.manager, name)

    def make_units(self, rng: random.Random) -> None:
        at = self.setup_at
        acc = 0.0
        all_residents: list[dict[str, Any]] = []
        households: list[tuple[str, list[dict[str, Any]]]] = []
        for b in range(1, BUILDINGS + 1):
            entrances = rng.choice([2, 3, 3])
            self.entrances[b] = entrances
            for e in range(1, entrances + 1):
                per_floor = rng.choice([2, 3, 4, 4])
                for floor in range(1, FLOORS + 1):
                    for n in range(1, per_floor + 1):
                        room = str(floor * 100 + n)
                        code = f"{b}-{e}-{room}"
                        occupied = rng.random() < 0.92
                        uid = self._unit(
                            code, kind=UnitKind.UNIT, building=str(b), entrance=str(e),
                            room=room, area_m2=AREA_BY_ROOM[(n - 1) % 4], occupied=occupied,
                        )  # fmt: skip
                        if occupied:
                            household: list[dict[str, Any]] = []
                            people = self._residents(rng, uid, household)
                            all_residents += household
                            households.append((code, household))
                            self.flats.append((uid, code, people))
                            # a few households call the desk far more often than others
                            acc += rng.lognormvariate(0, 0.9)
                            self.flat_cum.append(acc)
        for b in range(1, BUILDINGS + 1):
            self.lift_halls[b] = self._unit(f"{b}号楼电梯厅", kind=UnitKind.PUBLIC)
        for name in PUBLIC_AREAS:
            self.areas[name] = self._unit(name, kind=UnitKind.PUBLIC)
        # featured names, spread over the registry (never twice in one household)
        step = max(1, len(all_residents) // (len(FEATURED_NAMES) + 1))
        for i, name in enumerate(FEATURED_NAMES):
            if (i + 1) * step < len(all_residents):
                person = all_residents[(i + 1) * step]
                flat = person["unit_id"]
                if all(r["name"] != name for r in all_residents if r["unit_id"] == flat):
                    person["name"] = name
        by_id: dict[int, str] = {}
        for code, household in households:
            for r in household:
                r["name_pinyin"], r["name_initials"] = name_keys(r["name"])
                by_id[r["id"]] = r["name"]
                self.rows.emit("resident", r)
                # as the import logs each new resident (services.importing)
                summary = f"{code} {r['name']}（导入）"
                self.rows.audit("resident", r["id"], at, self.manager, summary)
        # the household lists carry the final names
        self.flats = [
            (uid, code, [(rid, by_id[rid], phone) for rid, _n, phone in people])
            for uid, code, people in self.flats
        ]

    def _unit(self, code: str, **fields: Any) -> int:
        uid = self.rows.new_id("unit")
        at = self.setup_at
        name = code if fields["kind"] == UnitKind.PUBLIC else ""
        self.rows.emit(
            "unit",
            {"id": uid, "code": code, "building": "", "entrance": "", "room": "", "name": name,
             "area_m2": None, "occupied": True, "notes": "", "created_at": at, "updated_at": at,
             **fields},
        )  # fmt: skip
        self.rows.audit("unit", uid, at, self.manager, code)
        return uid

    def _residents(
        self, rng: random.Random, uid: int, out: list[dict[str, Any]]
    ) -> list[tuple[int, str, str]]:
        at = self.setup_at
        people: list[tuple[int, str, str]] = []
        names = self.names
        owner_surname = names.surname(rng)
        moved_in = self.start - timedelta(days=rng.randint(90, 3600))
        members: list[tuple[ResidentRole, str, date, str]] = []
        rented = rng.random() < 0.12
        members.append(
            (
                ResidentRole.OWNER,
                names.full(rng, owner_surname),
                moved_in,
                "房屋出租，业主不在本小区居住" if rented else "",
            )
        )
        if rented:
            tenant_in = self.start - timedelta(days=rng.randint(10, 700))
            members.append((ResidentRole.TENANT, names.full(rng), tenant_in, ""))
            family_surname = None
        else:
            family_surname = owner_surname
        x = rng.random()
        family = 0 if x < 0.55 else 1 if x < 0.9 else 2
        for _ in range(family):
            surname = family_surname if rng.random() < 0.5 else None
            name = names.full(rng, surname)
            while any(name == m[1] for m in members):  # one name once per flat (residents.add)
                name = names.full(rng, surname)
            members.append((ResidentRole.FAMILY, name, moved_in, ""))
        for role, name, since, notes in members:
            rid = self.rows.new_id("resident")
            if role == ResidentRole.FAMILY and rng.random() < 0.2:
                phones = []
            else:
                phones = [mobile(rng)] + ([mobile(rng)] if rng.random() < 0.1 else [])
            out.append(
                {
                    "id": rid,
                    "unit_id": uid,
                    "name": name,
                    "name_pinyin": "",
                    "name_initials": "",
                    "role": role,
                    "phones": ",".join(phones),
                    "moved_in": since,
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
                "phone": mobile(rng),
            }
        rid, name, phone = people[0] if rng.random() < 0.6 else rng.choice(people)
        if not phone:
            phone = next((p for _r, _n, p in people if p), "") or (
                mobile(rng) if need_phone or rng.random() < 0.5 else ""
            )
        return {
            "unit_id": uid,
            "resident_id": rid,
            "room_text": code,
            "person_name": name,
            "phone": phone,
        }

    def outsider(self, rng: random.Random, name: str = "") -> dict[str, Any]:
        """Someone from outside the estate: a name (polite unless given) and a number."""
        return {
            "unit_id": None,
            "resident_id": None,
            "room_text": "",
            "person_name": name or self.names.polite(rng),
            "phone": mobile(rng),
        }

    def random_flat(self, rng: random.Random) -> Flat:
        return self.flats[rng.randrange(len(self.flats))]
