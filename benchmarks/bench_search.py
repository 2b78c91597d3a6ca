"""Resident lookup speed: p50/p95 per kind of query on 20,000 residents.

    python -m benchmarks.bench_search [--residents 20000] [--per-kind 300] [--seed 7]

Builds a fresh database (through ``open_database``, so the real schema and indexes) with
``--residents`` residents in ~10,000 flats, then times ``search_residents`` for a mix of
what receptionists type: one Chinese character, 2–3-character names and parts of names,
initials, full pinyin and pinyin prefixes, rooms in several written forms (full, Chinese,
full-width, partial ``3-2``, bare ``1201``) and phone tails. Each call opens its own read
session, as the GUI's worker does.

The baseline, measured in the same run on the same queries, is the naive lookup: a plain
``SELECT … FROM resident WHERE name LIKE '%q%' OR phones LIKE '%q%'`` scan. Ratios are
``search / baseline`` (below 1 means faster than the naive scan, which finds far less).
Target (issue 3): p95 ≤ 20 ms for every kind. Always exits 0: benchmarks inform.
Timing: ``benchmarks.common.timed`` (nearest-rank percentiles after a warm-up).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks.common import Timing, timed
from desk.services.core.transactions import reading
from desk.services.io.database import open_database
from desk.services.records.residents import name_keys
from desk.services.views.resident_search import search_residents

TARGET_P95_MS = 20.0

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
)
COMPOUND = ["欧阳", "司马", "诸葛", "上官"]
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文辉力永健世广义兴良海山"
    "仁波宁贵福生龙元全胜学祥才发成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪"
    "子轩宇欣怡佳琪雨萱诗婷雅晶玉晓悦璐颖露瑶琳嘉慧月莹雪倩洁梅素云莲真环昭"
)
MOBILE = ["130", "135", "136", "137", "138", "139", "150", "151", "158", "177", "186", "189"]


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    if rng.random() < 0.01:
        surname = rng.choice(COMPOUND)
    else:
        # Zipf-like: the first surnames are far more common, as in life.
        surname = SURNAMES[min(int(rng.paretovariate(1.0)) - 1, len(SURNAMES) - 1)]
        if rng.random() < 0.6:
            surname = SURNAMES[min(int(rng.expovariate(1 / 12)), len(SURNAMES) - 1)]
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2))
    return surname + given


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE) + f"{rng.randrange(10**8):08d}"


def build(path: Path, residents: int, seed: int) -> dict[str, list]:
    """A database with ``residents`` residents; returns samples to draw queries from."""
    rng = random.Random(seed)
    engine = open_database(path)
    now = datetime(2026, 11, 23, 10, 0).isoformat(sep=" ")
    units: list[tuple] = []
    people: list[tuple] = []
    uid = 0
    buildings = max(1, residents // 830)
    for b in range(1, buildings + 1):
        for e in range(1, 5):
            for floor in range(1, 27):
                for r in range(1, 5):
                    uid += 1
                    room = f"{floor}{r:02d}"
                    code = f"{b}-{e}-{room}"
                    units.append(
                        (uid, "住户", code, str(b), str(e), room, "", 89.5, 1, "", now, now)
                    )
    rid = 0
    while rid < residents:
        unit = rng.choice(units)
        surname = None
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            if rid >= residents:
                break
            rid += 1
            name = _name(rng)
            if surname and rng.random() < 0.5:
                name = surname + name[1:]
            surname = name[0]
            pinyin, initials = name_keys(name)
            phones = [_mobile(rng)] if rng.random() < 0.9 else []
            if rng.random() < 0.15:
                phones.append(
                    _mobile(rng) if rng.random() < 0.6 else f"021-{rng.randrange(10**7, 10**8)}"
                )
            moved_out = None
            if rng.random() < 0.05:
                moved_out = (date(2026, 1, 1) + timedelta(days=rng.randrange(300))).isoformat()
            role = rng.choice(("业主", "业主", "租户", "家属"))
            people.append(
                (rid, unit[0], name, pinyin, initials, role, ",".join(phones), None, moved_out,
                 "", now, now)
            )  # fmt: skip
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        raw.executemany(
            "INSERT INTO unit (id, kind, code, building, entrance, room, name, area_m2, occupied,"
            " notes, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            units,
        )
        raw.executemany(
            "INSERT INTO resident (id, unit_id, name, name_pinyin, name_initials, role, phones,"
            " moved_in, moved_out, notes, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            people,
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    engine.dispose()
    codes = {u[0]: u[2] for u in units}
    return {
        "people": [(p[2], p[3], p[4], p[6], codes[p[1]]) for p in people],
    }


def queries(samples: dict[str, list], per_kind: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed + 1)
    people = samples["people"]

    def pick() -> tuple:
        return rng.choice(people)

    def fullwidth(text: str) -> str:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)

    def room_form(code: str) -> str:
        b, e, r = code.split("-")
        return rng.choice(
            [
                code,
                f"{b}栋{e}单元{r}室",
                fullwidth(code),
                f"{b}-{e}",
                f"{b}栋{e}单元",
                r,
                f"{b}号楼{e}单元{r}",
            ]
        )

    def name_part() -> str:
        name = pick()[0]
        if len(name) == 3 and rng.random() < 0.5:
            return name[1:] if rng.random() < 0.5 else name[:2]
        return name

    phones = [p[3] for p in people if p[3]]
    kinds: dict[str, Callable[[], str]] = {
        "1字中文": lambda: rng.choice([pick()[0][0], pick()[0][-1]]),
        "2-3字姓名": name_part,
        "拼音首字母": lambda: pick()[2],
        "全拼": lambda: pick()[1],
        "拼音前缀": lambda: pick()[1][: rng.randint(2, 5)],
        "房号(各种写法)": lambda: room_form(pick()[4]),
        "电话尾号": lambda: rng.choice(phones).split(",")[0].replace("-", "")[-4:],
    }
    return {kind: [make() for _ in range(per_kind)] for kind, make in kinds.items()}


# ---------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--residents", type=int, default=20_000)
    ap.add_argument("--per-kind", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_search.sqlite3"
        started = time.perf_counter()
        samples = build(path, args.residents, args.seed)
        print(f"built {args.residents} residents in {time.perf_counter() - started:.1f} s")
        engine = open_database(path)
        try:
            per_kind = queries(samples, args.per_kind, args.seed)

            def search(q: str) -> object:
                with reading(engine) as ctx:
                    return search_residents(ctx.session, q)

            def baseline(q: str) -> object:
                with reading(engine) as ctx:
                    like = f"%{q}%"
                    return (
                        ctx.session.connection()
                        .exec_driver_sql(
                            "SELECT id, unit_id, name, role, phones FROM resident"
                            " WHERE name LIKE ? OR phones LIKE ?",
                            (like, like),
                        )
                        .all()
                    )

            def run(fn: Callable[[str], object], qs: list[str]) -> Timing:
                return timed(lambda i: fn(qs[i]), len(qs), warmup=20)

            header = (
                f"{'kind':<14}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'base p50':>10}"
                f"{'base p95':>10}{'p50 ×':>8}{'p95 ×':>8}{'hits':>7}  target"
            )
            print(header)
            print("-" * len(header))
            worst = 0.0
            for kind, qs in per_kind.items():
                s, b = run(search, qs), run(baseline, qs)
                hits = statistics.mean(len(search(q)) for q in qs[:50])  # type: ignore[arg-type]
                worst = max(worst, s.p95_ms)
                verdict = "PASS" if s.p95_ms <= TARGET_P95_MS else "FAIL"
                pad = 14 - sum(2 if ord(c) > 0x2E80 else 1 for c in kind)
                print(
                    f"{kind}{' ' * max(pad, 1)}{len(qs):>5}{s.p50_ms:>9.2f}{s.p95_ms:>9.2f}"
                    f"{b.p50_ms:>10.2f}{b.p95_ms:>10.2f}{s.p50_ms / b.p50_ms:>8.2f}"
                    f"{s.p95_ms / b.p95_ms:>8.2f}{hits:>7.1f}  {verdict}"
                )
            mixed = [q for qs in per_kind.values() for q in qs]
            random.Random(args.seed).shuffle(mixed)
            s, b = run(search, mixed), run(baseline, mixed)
            print("-" * len(header))
            print(
                f"{'mixed':<14}{len(mixed):>5}{s.p50_ms:>9.2f}{s.p95_ms:>9.2f}{b.p50_ms:>10.2f}"
                f"{b.p95_ms:>10.2f}{s.p50_ms / b.p50_ms:>8.2f}{s.p95_ms / b.p95_ms:>8.2f}"
            )
            worst = max(worst, s.p95_ms)
            verdict = "PASS" if worst <= TARGET_P95_MS else "FAIL"
            print(f"worst p95 {worst:.2f} ms (target ≤ {TARGET_P95_MS:.0f} ms): {verdict}")
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
