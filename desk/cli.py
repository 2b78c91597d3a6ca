"""The ``desk`` command: no subcommand starts the GUI; subcommands run admin jobs.

    desk [--db PATH]                     start the program
    desk --db PATH init --office 名称 --staff 姓名
    desk --db PATH demo --days 30        fill a new database with demo data
    desk --db PATH check                 integrity and schema check

Exit codes: 0 done, 1 failed unexpectedly, 2 the input or the file was not usable
(the message says why, in Chinese).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from desk import __version__, paths
from desk.logging_setup import configure
from desk.models.errors import DeskError

log = logging.getLogger("desk.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="desk", description="物业前台 — 物业服务中心前台登记程序")
    parser.add_argument(
        "--db", type=Path, help="数据库文件（默认：用户数据目录或 DESK_DB）"
    )
    parser.add_argument("--version", action="version", version=f"desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    sub.add_parser("gui", help="启动程序窗口（不写子命令时也是这样）")

    p = sub.add_parser("init", help="新建办公室数据库：名称和第一位员工")
    p.add_argument("--office", required=True, help="物业服务中心名称")
    p.add_argument("--staff", required=True, help="第一位员工（经理）的姓名")

    p = sub.add_parser("demo", help="在一个新数据库里生成演示数据")
    p.add_argument("--days", type=int, default=30, help="生成截至今天的多少天（默认 30）")
    p.add_argument(
        "--seed", type=int, default=20261122, help="随机种子（种子相同，数据相同）"
    )

    sub.add_parser("check", help="检查数据库文件是否完好、结构是否最新")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    db_path: Path = args.db or paths.default_db()
    configure(paths.log_file(db_path))
    command = args.command or "gui"
    if command == "gui":
        from desk.ui.app import run  # Qt is imported only when a window is wanted

        return run(db_path)
    try:
        return COMMANDS[command](args, db_path)
    except DeskError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


def cmd_init(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services import staff
    from desk.services.context import reading, writing
    from desk.services.database import open_database

    engine = open_database(db_path)
    with reading(engine) as ctx:
        if staff.is_set_up(ctx):
            print(f"错误：{db_path} 已经设置过办公室，不会覆盖。", file=sys.stderr)
            return 2
    with writing(engine) as ctx:
        staff.set_up_office(ctx, args.office, args.staff)
    print(db_path)
    return 0


def cmd_demo(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services import demo
    from desk.services.database import is_empty, open_database

    if args.days < 1 or args.days > 3700:
        print("错误：--days 应在 1 到 3700 之间。", file=sys.stderr)
        return 2
    engine = open_database(db_path)
    if not is_empty(engine):
        print(
            f"错误：{db_path} 里已经有数据。演示数据只写进新的空数据库，"
            "以免和真实数据混在一起；请用 --db 指定一个新文件。",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    counts = demo.generate(engine, args.days, seed=args.seed)
    took = time.perf_counter() - started
    print(f"{db_path}：{sum(counts.values())} 条记录，用时 {took:.1f} 秒")
    return 0


def cmd_check(args: argparse.Namespace, db_path: Path) -> int:
    from desk.models import db, migrate

    if not db_path.exists():
        print(f"错误：找不到数据库文件 {db_path}", file=sys.stderr)
        return 2
    problems = db.integrity_problems(db_path)
    if problems:
        print(f"错误：数据库检查未通过：{problems[0]}", file=sys.stderr)
        return 2
    engine = db.make_engine(db_path, readonly=True)
    try:
        current = migrate.current_revision(engine)
    finally:
        engine.dispose()
    head = migrate.head_revision()
    state = "最新" if current == head else f"需要升级（{current} → {head}，下次打开时自动升级）"
    print(f"{db_path}：完好；结构版本 {current}，{state}")
    return 0


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "check": cmd_check}
