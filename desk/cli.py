"""The ``desk`` command: no subcommand starts the GUI; subcommands run admin jobs.

    desk [--db PATH]                     start the program
    desk --db PATH init --office 名称 --staff 姓名     the first 经理's password: asked twice
    desk --db PATH demo --days 30        fill a new database with demo data
    desk --db PATH check                 integrity and schema check
    desk --db PATH backup [--to DIR] [--list]
    desk --db PATH restore FILE          *
    desk --db PATH staff [--add 姓名 --role 前台]       *
    desk --db PATH settings [KEY VALUE]  *
    desk --db PATH calendar [--workday D | --holiday D | --clear D] [--note 说明]   *
    desk --db PATH import-residents FILE [--dry-run] [--rejects OUT.xlsx]   *
    desk --db PATH export-residents OUT.xlsx [--full-phones]   *
    desk --db PATH form workorder|complaint|loans|handover
                        [--serial S | --latest | --date YYYY-MM-DD] -o OUT.pdf|OUT.xlsx
    desk --db PATH form loans --keys --date YYYY-MM-DD [--to YYYY-MM-DD] -o OUT.pdf
    desk --db PATH signed SERIAL FILE    file a signed paper's scan against its record

``form loans --date D`` writes the 物品借用登记表 (QR-030SD) of that day (to ``--to``);
with ``--keys`` the 钥匙借用登记表 (QR-008SD). A single loan's slip (``--serial``) is the
kind of its item: 物品借用单 or 钥匙借用单.
``form handover --date D`` writes every duty record (客服值班记录表) of that day in one
file, in the order of the shifts — each from a new page in a PDF, on its own sheet in an
xlsx — and names on stderr the shifts of that day not handed over yet.

``signed SERIAL FILE`` files the scan or photo of a signed form (PDF, JPG, PNG …) against
the record of SERIAL (签回), as 签回 → 归档签字件… in the window does. It reads the QR code
printed on the form: a scan whose code names another record is refused with exit code 2,
the message naming the serial found; a scan with no readable code is filed under SERIAL.

Passwords (issue 15). ``init`` asks for the first 经理's new password twice on the
terminal, or takes it from ``DESK_PASSWORD``. The subcommands marked * change the office's
data or export residents' personal data: every use of them — listing included, to keep
the rule simple — needs a 主管 or 经理, who gives name and password at the prompt or in
``DESK_USER`` and ``DESK_PASSWORD`` (scripts). The password is checked as at 上班 in the
window (``accounts.check_login``): wrong ones count towards the lock-out and are audited,
and the action then runs in that person's name, checked against the role table
(``permissions``). ``restore`` over a missing, empty or damaged file asks nobody: there
is no account to check, and the window offers the same restore at start. ``check``,
``backup``, ``demo``, ``form`` and ``signed`` need no log-in.

Exit codes: 0 done, 1 failed unexpectedly, 2 the input or the file was not usable, or the
log-in was refused (the message says why, in Chinese).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desk import __version__, paths
from desk.logging_setup import configure
from desk.models.errors import DeskError

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.engine import Engine

log = logging.getLogger("desk.cli")

USER_ENV, PASSWORD_ENV = "DESK_USER", "DESK_PASSWORD"
LOG_IN_HELP = "要主管或经理登录：在终端里输入姓名和密码，或用环境变量 DESK_USER、DESK_PASSWORD"


class Refused(DeskError):
    """The command line will not go on (no log-in possible, passwords not matching …)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desk",
        description="物业前台 — 物业服务中心前台登记程序",
        epilog="restore、staff、settings、calendar、import-residents、export-residents "
        f"{LOG_IN_HELP}（输错密码和在窗口里一样计次、锁定）。init 的第一位经理的密码在终端里"
        "输入两次，或用 DESK_PASSWORD。check、backup、demo、form 不用登录。",
    )
    parser.add_argument("--db", type=Path, help="数据库文件（默认：用户数据目录或 DESK_DB）")
    parser.add_argument("--version", action="version", version=f"desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    sub.add_parser("gui", help="启动程序窗口（不写子命令时也是这样）")

    p = sub.add_parser(
        "init",
        help="新建办公室数据库：名称和第一位员工（经理）及其密码",
        description="新建办公室数据库。第一位经理的密码在终端里输入两次；"
        "脚本里用环境变量 DESK_PASSWORD 给出（这时不询问）。",
    )
    p.add_argument("--office", required=True, help="物业服务中心名称")
    p.add_argument("--staff", required=True, help="第一位员工（经理）的姓名")

    p = sub.add_parser("demo", help="在一个新数据库里生成演示数据（演示账号的密码见输出）")
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

    p = sub.add_parser(
        "restore",
        help="用一份备份恢复数据库（当前的数据库会先留一份副本）",
        description=f"用一份备份恢复数据库。{LOG_IN_HELP}；"
        "当前的数据库文件不存在、是空的或已损坏时不用登录（没有可核对的账号）。",
    )
    p.add_argument("file", type=Path, help="备份文件，如 backups/desk-20261129-080000.sqlite3")

    p = sub.add_parser(
        "settings",
        help="设置：列出全部设置，或修改一项（如班次、时限、类别）",
        description=f"列出全部设置，或修改一项。列出和修改都{LOG_IN_HELP}。",
    )
    p.add_argument("key", nargs="?", help="设置项，如 lists.shifts")
    p.add_argument("value", nargs="?", help="新的值，写法同程序里的“设置”窗口")

    p = sub.add_parser(
        "staff",
        help="人员：列出在职同事，或添加一位（接班需要第二位同事）",
        description=f"列出在职同事，或添加一位（添加经理要经理登录）。列出和添加都{LOG_IN_HELP}。"
        "新同事第一次在窗口里上班时设置自己的密码。",
    )
    p.add_argument("--add", metavar="姓名", help="添加一位同事")
    p.add_argument("--role", default="前台", choices=["前台", "主管", "经理"], help="岗位")

    p = sub.add_parser(
        "calendar",
        help="节假日调整：列出本中心的调休、放假安排，或设定、取消某一天",
        description="公共节假日和调休上班日已经内置；这里只记本中心自己的安排，"
        "它优先于公共日历，从下一次登记起用于计算“工作日”时限（已算好的时限不变）。"
        f"列出和修改都{LOG_IN_HELP}。",
    )
    which_day = p.add_mutually_exclusive_group()
    which_day.add_argument("--workday", metavar="日期", help="这一天上班，如 2026-10-10")
    which_day.add_argument("--holiday", metavar="日期", help="这一天放假，如 2026-12-31")
    which_day.add_argument("--clear", metavar="日期", help="取消这一天的调整，按公共日历")
    p.add_argument("--note", default="", metavar="说明", help="与 --workday/--holiday 一起：原因")

    p = sub.add_parser(
        "import-residents",
        help="导入业主信息一览表（.xlsx / .xls / .csv）",
        description=f"导入业主信息一览表（预览 --dry-run 也一样）。{LOG_IN_HELP}。",
    )
    p.add_argument("file", type=Path, help="要导入的文件")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    p.add_argument("--rejects", type=Path, metavar="OUT.xlsx", help="把未导入的行及原因存为 xlsx")
    p.add_argument(
        "--phones",
        choices=("replace", "merge"),
        default="replace",
        help="已登记住户的电话：replace 以文件为准（默认），merge 只增加新号码",
    )

    p = sub.add_parser(
        "export-residents",
        help="导出业主信息一览表 QR-036SD（.xlsx）",
        description=f"导出业主信息一览表（住户的个人信息，请妥善保管）。{LOG_IN_HELP}。",
    )
    p.add_argument("out", type=Path, metavar="OUT.xlsx", help="导出的文件")
    p.add_argument("--full-phones", action="store_true", help="导出完整电话（默认隐藏中间几位）")
    p.add_argument("--include-moved-out", action="store_true", help="也导出已迁出的住户")

    p = sub.add_parser(
        "form",
        help="打印表单：派工单 QR-025SD、客户投诉处理单 QR-026SD、物品借用登记表 QR-030SD、"
        "钥匙借用登记表 QR-008SD、客服值班记录表 QR-032SD",
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
        "--keys",
        action="store_true",
        help="loans --date：打印钥匙借用登记表 QR-008SD（不加：物品借用登记表 QR-030SD）",
    )
    p.add_argument(
        "-o", "--out", type=Path, required=True, metavar="OUT.pdf|OUT.xlsx", help="按扩展名输出"
    )

    p = sub.add_parser(
        "signed",
        help="归档签字件：签好字的表单扫描件或照片（PDF、JPG、PNG…）归到它的单据下",
        description="按表单上的二维码核对：二维码是另一张单的，拒绝归档"
        "（退出码 2，并说出扫到的单号）；认不出二维码的，按给出的单号归档。",
    )
    p.add_argument("serial", metavar="SERIAL", help="单号，如 PG-20261206-003")
    p.add_argument("file", type=Path, metavar="FILE", help="扫描件或照片")
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


def _has_terminal() -> bool:
    """Whether a person can be asked (a script's stdin is a pipe or nothing)."""
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(prompt: str, *, secret: bool = False) -> str:
    try:
        return getpass.getpass(prompt) if secret else input(prompt)
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        raise Refused("没有输入，已取消，什么也没有改动。") from None


def _new_password(name: str) -> str:
    """The first 经理's password for ``init``: ``DESK_PASSWORD``, or typed twice."""
    from desk.services.core import passwords

    given = os.environ.get(PASSWORD_ENV, "")
    if given:
        return passwords.check_new(given)
    if not _has_terminal():
        raise Refused(
            f"init 要给第一位经理（{name}）设置密码：请在终端里运行（会询问两次），"
            f"或用环境变量 {PASSWORD_ENV} 给出密码。什么也没有写入。"
        )
    first = _ask(f"{name} 的新密码（至少 {passwords.MIN_LENGTH} 个字符）：", secret=True)
    passwords.check_new(first)
    if _ask("再输入一次新密码：", secret=True) != first:
        raise Refused("两次输入的密码不一样，什么也没有写入；请重新运行 init。")
    return first


def _credentials(command: str) -> tuple[str, str]:
    """Name and password of the 主管/经理 running ``command``: the environment's, or asked."""
    name = os.environ.get(USER_ENV, "").strip()
    password = os.environ.get(PASSWORD_ENV, "")
    if not (name and password) and not _has_terminal():
        raise Refused(
            f"{command} 要主管或经理登录：请在终端里运行（会询问姓名和密码），"
            f"或用环境变量 {USER_ENV} 和 {PASSWORD_ENV} 给出姓名和密码。"
        )
    if not name:
        name = _ask("姓名（主管或经理）：").strip()
        if not name:
            raise Refused("没有输入姓名，已取消。")
    if not password:
        password = _ask(f"{name} 的密码：", secret=True)
    return name, password


def _log_in(engine: Engine, command: str, action: str | None = None) -> int:
    """The staff id of the 主管/经理 who proved who they are for ``command`` and may do
    ``action`` (a row of the role table); ``Refused``, ``LoginRefused`` or
    ``PermissionDenied`` otherwise. A wrong password is counted and audited like one typed
    at 上班 in the window: the log-in's own transaction commits before any refusal."""
    from sqlmodel import select

    from desk.models import Staff
    from desk.models.errors import LoginRefused, PermissionDenied
    from desk.services.core import accounts, permissions
    from desk.services.core.transactions import writing

    name, password = _credentials(command)
    refusal: DeskError | None = None
    with writing(engine) as ctx:
        person = ctx.session.exec(select(Staff).where(Staff.name == name)).first()
        if person is None or person.id is None:
            raise Refused(f"人员名单里没有“{name}”，请写在职主管或经理的姓名。")
        staff_id = person.id
        refusal = accounts.check_login(ctx, staff_id, password)
        if isinstance(refusal, LoginRefused) and refusal.kind == "no_password":
            refusal = Refused(
                f"{person.name} 还没有设置密码：请先在程序窗口里上班一次，设置自己的密码，"
                "再用命令行。"
            )
        if refusal is None:
            ctx.staff_id = staff_id
            if person.role not in permissions.LEADS:
                refusal = PermissionDenied(
                    f"{command} 只有主管或经理可以使用，{person.name}是{person.role.value}。"
                )
            elif action is not None:
                try:
                    permissions.require(ctx, action)
                except PermissionDenied as exc:
                    refusal = exc  # raised after the commit: the log-in itself counted
    if refusal is not None:
        raise refusal
    log.info("%s: logged in as staff %s", command, staff_id)
    return staff_id


def _office(db_path: Path) -> Engine:
    """The office's engine for a subcommand that needs an existing file (never makes one)."""
    from desk.services.io.database import open_database

    if not db_path.exists():
        raise Refused(f"找不到数据库 {db_path}，请先运行 init。")
    return open_database(db_path, create=False)


def cmd_init(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.transactions import reading, writing
    from desk.services.io.database import open_database
    from desk.services.records import staff

    def set_up(engine: Engine) -> bool:
        with reading(engine) as ctx:
            if staff.is_set_up(ctx):
                print(f"错误：{db_path} 已经设置过办公室，不会覆盖。", file=sys.stderr)
                return True
        return False

    if db_path.exists():  # refused before a password is asked for
        engine = open_database(db_path)
        try:
            if set_up(engine):
                return 2
        finally:
            engine.dispose()
    password = _new_password(args.staff)  # asked before a new file is made
    engine = open_database(db_path)
    try:
        if set_up(engine):  # meanwhile, by the window's first start
            return 2
        with writing(engine) as ctx:
            staff.set_up_office(ctx, args.office, args.staff, password=password)
    finally:
        engine.dispose()  # the file is free again (a restore in the same process)
    print(db_path)
    return 0


def cmd_staff(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.transactions import reading, writing
    from desk.services.records import staff

    engine = _office(db_path)
    try:
        who = _log_in(engine, "staff", "staff")
        if args.add is not None:
            with writing(engine, staff_id=who) as ctx:
                staff.add(ctx, args.add, args.role)  # a 经理 needs a 经理 (appoint_manager)
        with reading(engine) as ctx:
            for person in staff.active(ctx):
                print(f"{person.name}\t{person.role.value}")
    finally:
        engine.dispose()
    return 0


def cmd_settings(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.transactions import reading, writing
    from desk.services.records import settings_text

    if args.key is not None and args.value is None:
        print("错误：请同时写出设置项和新的值。", file=sys.stderr)
        return 2
    engine = _office(db_path)
    try:
        who = _log_in(engine, "settings", "settings")
        if args.key is not None:
            with writing(engine, staff_id=who) as ctx:
                settings_text.change_many(ctx, {args.key: args.value})
        with reading(engine) as ctx:
            for row in settings_text.rows(ctx):
                print(f"{row.key}\t{row.label}\t{row.text}")
    finally:
        engine.dispose()
    return 0


def _day(text: str) -> date:
    """A day typed on the command line, read as the date filters read it."""
    from desk.models.typed_dates import parse_day

    typed = parse_day(text, datetime.now().date())
    if typed.day is None:
        raise Refused(typed.error or "请写出日期，如 2026-10-10。")
    return typed.day


def cmd_calendar(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.calendar import WorkCalendar
    from desk.services.core.transactions import reading, writing
    from desk.services.records import calendar_overrides

    given = next((t for t in (args.workday, args.holiday, args.clear) if t is not None), None)
    if args.note and (given is None or args.clear is not None):
        print("错误：--note 只和 --workday 或 --holiday 一起用。", file=sys.stderr)
        return 2
    day = _day(given) if given is not None else None
    engine = _office(db_path)
    try:
        who = _log_in(engine, "calendar", "calendar")
        if day is not None:
            with writing(engine, staff_id=who) as ctx:
                if args.clear is None:
                    workday = args.workday is not None
                    done = calendar_overrides.set_day(ctx, day, workday, args.note)
                    said = f"{day}：{done.words}（公共日历：{done.public}）"
                elif calendar_overrides.clear_day(ctx, day):
                    said = f"{day}：已取消调整，按公共日历（{WorkCalendar().public_words(day)}）"
                else:
                    said = f"{day} 本来就没有调整，按公共日历（{WorkCalendar().public_words(day)}）"
            print(said)
            return 0
        with reading(engine) as ctx:
            listed = calendar_overrides.overrides(ctx)
    finally:
        engine.dispose()
    if not listed:
        print("没有节假日调整：全部按公共日历（法定节假日和调休）。")
    for row in listed:
        print(f"{row.day}\t{row.words}\t公共日历：{row.public}\t{row.note}".rstrip())
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
    print(f"演示数据里每位员工的密码都是 {demo.DEMO_PASSWORD}")
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


def _nobody_to_ask(db_path: Path) -> bool:
    """Whether the file ``restore`` replaces has no account to check: missing, empty,
    damaged, or with no staff yet. The window offers the same restore at start."""
    from desk.models import dbfile
    from desk.services.io.database import inspect, is_empty, open_database

    kind = inspect(db_path).kind
    if kind in (dbfile.Kind.MISSING, dbfile.Kind.EMPTY, dbfile.Kind.BLANK, dbfile.Kind.CORRUPT):
        return True
    if kind is not dbfile.Kind.DESK:
        return False  # locked, read-only, newer, foreign …: opening says why below
    engine = open_database(db_path, create=False)
    try:
        return is_empty(engine)
    finally:
        engine.dispose()


def cmd_restore(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.io import backup
    from desk.services.io.database import open_database

    if not args.file.is_file():  # before asking for a password
        print(f"错误：找不到备份文件：{args.file}", file=sys.stderr)
        return 2
    if _nobody_to_ask(db_path):
        log.info("restore over %s: no account to check (missing, empty or damaged)", db_path)
    else:
        engine = open_database(db_path, create=False)
        try:
            _log_in(engine, "restore", "restore")
        finally:
            engine.dispose()  # restoring needs the file closed
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
        # the register is residents' personal data: only a 主管/经理 changes it
        who = _log_in(engine, "import-residents")
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
        with writing(engine, staff_id=who) as ctx:
            result = resident_import.apply_import(ctx, plan)
    finally:
        engine.dispose()
    print(f"已导入：{result.summary()}；新建房屋 {result.units_created}")
    return 0


def cmd_export_residents(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core import audit
    from desk.services.core.transactions import reading, writing
    from desk.services.io import resident_import
    from desk.services.io.database import open_database

    engine = open_database(db_path, create=False)
    try:
        who = _log_in(engine, "export-residents", "export_personal")
        with reading(engine) as ctx:
            n = resident_import.export_residents_xlsx(
                ctx.session,
                args.out,
                staff_id=who,
                full_phones=args.full_phones,
                include_moved_out=args.include_moved_out,
            )
        with writing(engine, staff_id=who) as ctx:  # personal data left the program
            audit.exported(ctx, resident_import.export_title(args.full_phones), n, args.out)
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
    if args.keys and (args.kind != "loans" or not args.date):
        print(
            "错误：--keys 只用于 loans --date（钥匙借用登记表）；"
            "一笔钥匙借用的借用单请用 loans --serial 单号。",
            file=sys.stderr,
        )
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

    from desk.models.enums import LoanKind
    from desk.reports.form_data import Form, render, render_many
    from desk.services.core.transactions import reading, writing
    from desk.services.duty import handover
    from desk.services.io import form_prints, paper_forms
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
                kind_of = LoanKind.KEY if args.keys else LoanKind.ITEM
                form = paper_forms.loan_register(ctx, days[0], days[-1], kind=kind_of)
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
    title = f"客服值班记录表 {days[0]}" if len(several) > 1 else ""
    try:
        if title:
            render_many(several, args.out, title)
        else:
            render(form, args.out)
    except OSError as exc:
        print(f"错误：无法写入 {args.out}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    # the form holds residents' data: its export is audited as the window's are (by nobody
    # on duty: the command needs no log-in); a record's own form on it, with the PDF's pages
    engine = open_database(db_path, create=False)
    try:
        with writing(engine) as ctx:
            form_prints.record(ctx, several if title else [form], args.out, title=title)
    finally:
        engine.dispose()
    print(args.out)
    return 0


def cmd_signed(args: argparse.Namespace, db_path: Path) -> int:
    from desk.services.core.transactions import writing
    from desk.services.io.database import open_database
    from desk.services.records import signed_copies

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"错误：读不了 {args.file}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    scan = signed_copies.read_scan(data, args.file.name)  # not a scan: exit 2 with why
    engine = open_database(db_path, create=False)
    try:
        # by nobody on duty, as ``form`` (a scanner's script runs it): the history says 签回
        with writing(engine) as ctx:
            row = signed_copies.file_scan(ctx, scan, args.serial)
    finally:
        engine.dispose()
    how = "二维码相符" if scan.serials else "没有识别到二维码，按给出的单号归档"
    print(f"{args.file.name} 已归档到 {row.serial}（{how}）")
    return 0


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "staff": cmd_staff,
    "settings": cmd_settings,
    "calendar": cmd_calendar,
    "import-residents": cmd_import_residents,
    "export-residents": cmd_export_residents,
    "form": cmd_form,
    "signed": cmd_signed,
}
