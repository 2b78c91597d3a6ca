"""The ``desk`` command: no subcommand starts the GUI; subcommands run admin jobs.

    desk [--db PATH]                     start the program
    desk --db PATH init --office 名称 --staff 姓名
    desk --db PATH demo --days 30        fill a new database with demo data
    desk --db PATH check                 integrity and schema check
    desk --db PATH import-residents FILE [--dry-run] [--rejects OUT.xlsx]
    desk --db PATH export-residents OUT.xlsx [--full-phones]
    desk --db PATH form workorder|complaint|loans|handover
                        [--serial S | --latest | --date YYYY-MM-DD] -o OUT.pdf|OUT.xlsx

``form handover --date D`` writes every duty record (客服值班记录表) of that day in one
file, in the order of the shifts — each from a new page in a PDF, on its own sheet in an
xlsx — and names on stderr the shifts of that day not handed over yet.

Exit codes: 0 done, 1 failed unexpectedly, 2 the input or the file was not usable
(the message says why, in Chinese).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from desk import __version__, paths
from desk.logging_setup import configure
from desk.models.errors import DeskError

log = logging.getLogger("desk.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="desk", description="物业前台 — 物业服务中心前台登记程序")
    parser.add_argument("--db", type=Path, help="数据库文件（默认：用户数据目录或 DESK_DB）")
    parser.add_argument("--version", action="version", version=f"desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    sub.add_parser("gui", help="启动程序窗口（不写子命令时也是这样）")

    p = sub.add_parser("init", help="新建办公室数据库：名称和第一位员工")
    p.add_argument("--office", required=True, help="物业服务中心名称")
    p.add_argument("--staff", required=True, help="第一位员工（经理）的姓名")

    p = sub.add_parser("demo", help="在一个新数据库里生成演示数据")
    p.add_argument("--days", type=int, default=30, help="生成截至今天的多少天（默认 30）")
    p.add_argument("--seed", type=int, default=20261122, help="随机种子（种子相同，数据相同）")

    p = sub.add_parser("check", help="检查数据库文件是否完好、结构是否最新（不写任何文件）")
    p.add_argument("--full", action="store_true", help="完整检查（含索引，较慢）")
    p.add_argument("--reindex", action="store_true", help="只有索引损坏时，重建索引（会写入）")

    p = sub.add_parser("backup", help="备份数据库（程序每天也会自动备份），或列出已有的备份")
    p.add_argument(
        "--to", type=Path, metavar="文件夹", help="备份到这个文件夹（默认：数据目录的 backups）"
    )
    p.add_argument("--list", action="store_true", help="只列出已有的备份")

    p = sub.add_parser("restore", help="用一份备份恢复数据库（当前的数据库会先留一份副本）")
    p.add_argument("file", type=Path, help="备份文件，如 backups/desk-20261129-080000.sqlite3")

    p = sub.add_parser("settings", help="设置：列出全部设置，或修改一项（如班次、时限、类别）")
    p.add_argument("key", nargs="?", help="设置项，如 lists.shifts")
    p.add_argument("value", nargs="?", help="新的值，写法同程序里的“设置”窗口")

    p = sub.add_parser("staff", help="人员：列出在职同事，或添加一位（接班需要第二位同事）")
    p.add_argument("--add", metavar="姓名", help="添加一位同事")
    p.add_argument("--role", default="前台", choices=["前台", "主管", "经理"], help="岗位")

    p = sub.add_parser("import-residents", help="导入业主信息一览表（.xlsx / .xls / .csv）")
    p.add_argument("file", type=Path, help="要导入的文件")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    p.add_argument("--rejects", type=Path, metavar="OUT.xlsx", help="把未导入的行及原因存为 xlsx")
    p.add_argument(
        "--phones",
        choices=("replace", "merge"),
        default="replace",
        help="已登记住户的电话：replace 以文件为准（默认），merge 只增加新号码",
    )

    p = sub.add_parser("export-residents", help="导出业主信息一览表 QR-036SD（.xlsx）")
    p.add_argument("out", type=Path, metavar="OUT.xlsx", help="导出的文件")
    p.add_argument("--full-phones", action="store_true", help="导出完整电话（默认隐藏中间几位）")
    p.add_argument("--include-moved-out", action="store_true", help="也导出已迁出的住户")

    p = sub.add_parser(
        "form",
        help="打印表单：派工单 QR-025SD、客户投诉处理单 QR-026SD、物品借用登记表 QR-030SD、"
        "客服值班记录表 QR-032SD",
    )
    p.add_argument(
        "kind",
        choices=("workorder", "complaint", "loans", "handover"),
        help="workorder 派工单，complaint 投诉处理单，loans 物品借用（登记表或借用单），"
        "handover 客服值班记录表",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--serial",
        help="单号，如 PG-20261122-003（loans：这一笔的借用单；handover：如 JB-20261122-01）",
    )
    which.add_argument("--latest", action="store_true", help="最新的一张")
    which.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="loans：这一天的物品借用登记表；handover：这一天各班的值班记录（一个文件）",
    )
    p.add_argument("--to", metavar="YYYY-MM-DD", help="loans：与 --date 一起，登记表打印到这一天")
    p.add_argument(
        "-o", "--out", type=Path, required=True, metavar="OUT.pdf|OUT.xlsx", help="按扩展名输出"
    )
    return parser


def chinese_capable_output() -> None:
    """Make stdout and stderr able to print Chinese, or ``--help`` and every message crash.

    A console shows Unicode whatever its code page, and Chinese Windows writes GBK (cp936)
    into pipes and files. But a pipe or file on a Windows set to another language gets
    cp1252 and UnicodeEncodeError; there the streams switch to UTF-8. (Found by running
    the Windows build's desk-admin with its output captured.)
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if encoding is None or not hasattr(stream, "reconfigure"):
            continue  # no stream (a windowed exe) or a replaced one (tests)
        try:
            "物业前台".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    paths.keep_private()  # before the log, the database or a backup is created
    chinese_capable_output()
    args = build_parser().parse_args(argv)
    db_path: Path = args.db or paths.default_db()
    # check only reads the file it is given (a backup on a stick): its log goes to the
    # profile, never beside that file
    read_only = args.command == "check"
    configure(paths.data_dir() / paths.LOG_FILENAME if read_only else paths.log_file(db_path))
    command = args.command or "gui"
    log.info("desk %s: %s on %s", __version__, command, db_path)
    if command == "gui":
        from desk import qt_libraries  # system libraries Qt needs: a message, not a core dump

        problem = qt_libraries.preflight()
        if problem:
            log.error("Qt cannot start: %s", problem)
            print(problem, file=sys.stderr)
            return qt_libraries.EXIT_CODE
        from desk.ui.app import run  # Qt is imported only when a window is wanted

        return run(db_path)
    try:
        return COMMANDS[command](args, db_path)
    except DeskError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


def cmd_init(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.transactions import reading, writing
    from desk.services.io.database import open_database
    from desk.services.records import staff

    engine = open_database(db_path)
    try:
        with reading(engine) as ctx:
            if staff.is_set_up(ctx):
                print(f"错误：{db_path} 已经设置过办公室，不会覆盖。", file=sys.stderr)
                return 2
        with writing(engine) as ctx:
            staff.set_up_office(ctx, args.office, args.staff)
    finally:
        engine.dispose()  # the file is free again (a restore in the same process)
    print(db_path)
    return 0


def cmd_staff(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.transactions import reading, writing
    from desk.services.io.database import open_database
    from desk.services.records import staff

    if not db_path.exists():
        print(f"错误：找不到数据库 {db_path}，请先运行 init。", file=sys.stderr)
        return 2
    engine = open_database(db_path, create=False)
    try:
        if args.add is not None:
            with writing(engine) as ctx:
                staff.add(ctx, args.add, args.role)
        with reading(engine) as ctx:
            for person in staff.active(ctx):
                print(f"{person.name}\t{person.role.value}")
    finally:
        engine.dispose()
    return 0


def cmd_settings(args: argparse.Namespace, db_path: Path) -> int:
    from sqlmodel import select

    from desk.models import Staff
    from desk.models.enums import StaffRole
    from desk.services.core.transactions import reading, writing
    from desk.services.io.database import open_database
    from desk.services.records import settings_text

    if not db_path.exists():
        print(f"错误：找不到数据库 {db_path}，请先运行 init。", file=sys.stderr)
        return 2
    engine = open_database(db_path, create=False)
    try:
        if args.key is not None:
            if args.value is None:
                print("错误：请同时写出设置项和新的值。", file=sys.stderr)
                return 2
            with writing(engine) as ctx:
                # the command line is the maintainer's: it acts as the office's manager
                manager = ctx.session.exec(
                    select(Staff).where(Staff.role == StaffRole.MANAGER, Staff.active)
                ).first()
                ctx.staff_id = manager.id if manager else None
                settings_text.change_many(ctx, {args.key: args.value})
        with reading(engine) as ctx:
            for row in settings_text.rows(ctx):
                print(f"{row.key}\t{row.label}\t{row.text}")
    finally:
        engine.dispose()
    return 0


def cmd_demo(args: argparse.Namespace, db_path: Path) -> int:
    from desk import demo
    from desk.services.io.database import is_empty, open_database

    if args.days < 1 or args.days > 3700:
        print("错误：--days 应在 1 到 3700 之间。", file=sys.stderr)
        return 2
    engine = open_database(db_path)
    try:
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
    finally:
        engine.dispose()
    print(f"{db_path}：{sum(counts.values())} 条记录，用时 {took:.1f} 秒")
    return 0


def cmd_check(args: argparse.Namespace, db_path: Path) -> int:
    """Say what the file is, writing nothing (unless --reindex is asked): a backup on a
    stick, a locked file, a file of a newer version, one of another program."""
    from desk.models import dbfile, migrate
    from desk.services.io.database import inspect

    info = inspect(db_path, full=args.full or args.reindex)
    if info.kind is dbfile.Kind.INDEX and args.reindex:
        dbfile.reindex(db_path)
        print(f"{db_path}：已重建索引，完整检查通过。")
        info = inspect(db_path)
    if info.kind is dbfile.Kind.MISSING:
        print(f"错误：找不到数据库文件 {db_path}", file=sys.stderr)
        return 2
    if info.foreign_wal:
        print(
            f"注意：{db_path.name}-wal 不属于这个数据库（另一个数据库的文件）。"
            "下次打开时程序会把它移到一边，不会写进这个文件。",
            file=sys.stderr,
        )
    refused = dbfile.refusal(info)
    if refused is not None and refused.kind != "readonly":
        print(f"错误：{refused}", file=sys.stderr)
        return 2
    if info.kind is dbfile.Kind.BLANK:
        print(f"{db_path}：空的 SQLite 文件，还没有物业前台的数据（打开时会新建办公室）。")
        return 0
    head = migrate.head_revision()
    state = (
        "最新"
        if info.revision == head
        else f"需要升级（{info.revision} → {head}，下次打开时自动升级）"
    )
    depth = "完整检查" if args.full else "快速检查；加 --full 连索引一起检查"
    where = "；位置只读，程序在这里只能读、不能保存" if not info.writable else ""
    print(f"{db_path}：完好；结构版本 {info.revision}，{state}{where}（{depth}）")
    return 0


def cmd_backup(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.io import backup

    folder = args.to or backup.auto_folder(db_path)
    if args.list:
        for found in backup.backups(folder, db_path.stem):
            print(f"{found.path}\t{found.made_at:%Y-%m-%d %H:%M:%S}\t{found.size / 2**20:.1f} MB")
        return 0
    if not db_path.exists():
        print(f"错误：找不到数据库文件 {db_path}", file=sys.stderr)
        return 2
    made = backup.make(db_path, folder, datetime.now())
    if args.to is None:
        backup.prune(folder, db_path)
    print(f"{made.path}（{made.size / 2**20:.1f} MB）")
    return 0


def cmd_restore(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.io import backup

    aside = backup.restore(args.file, db_path, datetime.now())
    print(f"已用 {args.file} 恢复 {db_path}")
    if aside.exists():
        print(f"原来的数据库留在 {aside}")
    return 0


def cmd_import_residents(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.transactions import reading, writing
    from desk.services.io import resident_import
    from desk.services.io.database import open_database

    raw = resident_import.read_table(args.file)  # ImportFileError → exit 2 with the reason
    mapping = resident_import.guess_mapping(raw)
    columns = "，".join(
        f"{resident_import.FIELDS[f]}=第{col + 1}列“{raw.header[col]}”"
        for f, col in mapping.items()
    )
    where = f"工作表“{raw.sheet}”，" if raw.sheet else ""
    print(f"{args.file.name}：{where}表头在第{raw.header_row}行；{columns}")
    engine = open_database(db_path, create=False)
    try:
        with reading(engine) as ctx:
            plan = resident_import.plan_import(ctx.session, raw, mapping, phones_mode=args.phones)
        for row in plan.rejects:
            print(f"  第{row.row}行：{row.reason}")
        if args.rejects and plan.rejects:
            resident_import.save_rejects_xlsx(plan, args.rejects)
            print(f"未导入的行已存为 {args.rejects}")
        if args.dry_run:
            print(f"预览（未写入）：{plan.summary()}；跳过空行/重复表头 {plan.skipped}")
            return 0
        with writing(engine) as ctx:
            result = resident_import.apply_import(ctx, plan)
    finally:
        engine.dispose()
    print(f"已导入：{result.summary()}；新建房屋 {result.units_created}")
    return 0


def cmd_export_residents(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.transactions import reading
    from desk.services.io import resident_import
    from desk.services.io.database import open_database

    engine = open_database(db_path, create=False)
    try:
        with reading(engine) as ctx:
            n = resident_import.export_residents_xlsx(
                ctx.session,
                args.out,
                full_phones=args.full_phones,
                include_moved_out=args.include_moved_out,
            )
    except OSError as exc:
        print(f"错误：无法写入 {args.out}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"{args.out}：{n} 位住户" + ("（含完整电话，请妥善保管）" if args.full_phones else ""))
    return 0


def cmd_form(args: argparse.Namespace, db_path: Path) -> int:
    from datetime import date

    from desk.reports.form_data import SUFFIXES

    if args.out.suffix.lower() not in SUFFIXES:
        print(
            f"错误：输出文件应以 .pdf 或 .xlsx 结尾（现在是“{args.out.name}”）。", file=sys.stderr
        )
        return 2
    if args.kind not in ("loans", "handover") and args.date:
        print(
            "错误：--date 只用于 loans（物品借用登记表）和 handover（客服值班记录表）；"
            "派工单和投诉处理单请用 --serial 或 --latest。",
            file=sys.stderr,
        )
        return 2
    if args.kind == "handover" and args.to:
        print(
            "错误：--to 只用于 loans；handover 用 --date 打印一天各班的值班记录。", file=sys.stderr
        )
        return 2
    if args.to and not args.date:
        print("错误：--to 要和 --date 一起用：--date 开始日期 --to 结束日期。", file=sys.stderr)
        return 2
    days: list[date] = []
    for text in (args.date, args.to):
        if text:
            try:
                days.append(date.fromisoformat(text.strip()))
            except ValueError:
                print(
                    f"错误：日期“{text}”不对，请写成 YYYY-MM-DD，例如 2026-11-22。", file=sys.stderr
                )
                return 2
    if not db_path.exists():
        print(f"错误：找不到数据库文件 {db_path}", file=sys.stderr)
        return 2

    from desk.reports.form_data import Form, render, render_many
    from desk.services.core.transactions import reading
    from desk.services.duty import handover
    from desk.services.io import paper_forms
    from desk.services.io.database import open_database

    kind = "loan" if args.kind == "loans" else args.kind
    engine = open_database(db_path, create=False)
    form: Form
    several: list[Form] = []  # a day's duty records, written into one file
    try:
        with reading(engine) as ctx:
            if days and kind == "handover":
                several = list(paper_forms.handover_forms(ctx, days[0]))
                for entry in handover.for_date(ctx, days[0]):
                    if entry.handover_id is None:
                        print(
                            f"提示：{days[0]} {entry.shift_name}（{entry.staff_name}）"
                            "还没有交接班记录，未打印。",
                            file=sys.stderr,
                        )
                form = several[0]
            elif days:
                form = paper_forms.loan_register(ctx, days[0], days[-1])
            elif args.latest:
                form = paper_forms.latest_form(ctx, kind)
            elif kind == "workorder":
                form = paper_forms.workorder_form(ctx, args.serial)
            elif kind == "complaint":
                form = paper_forms.complaint_form(ctx, args.serial)
            elif kind == "handover":
                form = paper_forms.handover_form_by_serial(ctx, args.serial)
            else:
                form = paper_forms.loan_slip(ctx, args.serial)
    finally:
        engine.dispose()
    try:
        if len(several) > 1:
            render_many(several, args.out, f"客服值班记录表 {days[0]}")
        else:
            render(form, args.out)
    except OSError as exc:
        print(f"错误：无法写入 {args.out}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    print(args.out)
    return 0


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "staff": cmd_staff,
    "settings": cmd_settings,
    "import-residents": cmd_import_residents,
    "export-residents": cmd_export_residents,
    "form": cmd_form,
}
