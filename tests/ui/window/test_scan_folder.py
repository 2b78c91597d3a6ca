"""The signed-copy scan folder: a scanner saves signed papers into a folder; each is filed
against its record by its QR code and moved into 已归档, or into 未识别 with a status
line saying to file it by hand. Files being written, hidden files, other files and
subfolders are left alone; a missing folder is said once; nothing is filed with nobody
on duty; a file is never lost or filed twice."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from helpers.office import finish_order
from helpers.scans import scan_of
from helpers.ui import WAIT
from sqlmodel import select

from desk.models import SignedCopy
from desk.models.enums import SignedWay
from desk.services.io import form_prints, paper_forms
from desk.services.records import workorders
from desk.services.records.workorders import WorkOrderDraft
from desk.ui.window import scan_folder
from desk.ui.window.scan_folder import ScanFolderWatch

NEVER = 3_600_000  # ms: a timer that does not fire during a test


def new_order(write) -> str:
    """A completed work order whose 派工单 was printed: its signed copy is due back."""
    with write() as ctx:
        order = workorders.create(
            ctx, WorkOrderDraft(description="厨房水管漏水", category="水电", room="3-2-1201")
        )
        finish_order(ctx, order.id)
        form_prints.record(ctx, [paper_forms.workorder_form(ctx, order.serial)], "前台打印机")
    return order.serial


def live_copies(fetch) -> list[SignedCopy]:
    return [c for c in fetch(select(SignedCopy)) if c.voided_at is None]


@pytest.fixture
def fast(monkeypatch):
    """Polls and second looks within milliseconds."""
    monkeypatch.setattr(scan_folder, "POLL_MS", 50)
    monkeypatch.setattr(scan_folder, "SETTLE_MS", 20)


@pytest.fixture
def watch(ops):
    """The watch as the window makes it; its statuses in ``watch.said``, its serials filed
    in ``watch.serials``. Stopped after the test."""
    made = ScanFolderWatch(ops)
    made.said = []
    made.serials = []
    made.status.connect(made.said.append)
    made.filed.connect(made.serials.append)
    yield made
    made.stop()


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "签字件扫描"
    path.mkdir()
    return path


def test_a_scan_is_filed_and_moved_into_filed(
    qtbot, fast, watch, folder, on_duty, write, fetch
) -> None:
    serial = new_order(write)
    (folder / "已归档").mkdir()
    (folder / "已归档" / "IMG_0012.png").write_bytes(b"an earlier scan of that name")
    (folder / "IMG_0012.png").write_bytes(scan_of(serial))

    watch.follow_setting(str(folder))
    moved = folder / "已归档" / "IMG_0012 (2).png"
    qtbot.waitUntil(moved.exists, timeout=WAIT)

    assert not (folder / "IMG_0012.png").exists()
    assert (folder / "已归档" / "IMG_0012.png").read_bytes() == b"an earlier scan of that name"
    qtbot.waitUntil(lambda: watch.serials == [serial], timeout=WAIT)
    [copy] = live_copies(fetch)
    assert (copy.serial, copy.way, copy.filename, copy.staff_id) == (
        serial,
        SignedWay.SCAN,
        "IMG_0012.png",
        on_duty,
    )
    assert f"已归档签字件 IMG_0012.png → {serial}" in watch.said


def test_what_cannot_be_filed_moves_into_unrecognised_and_the_rest_is_left(
    qtbot, fast, watch, folder, on_duty, write, fetch, caplog
) -> None:
    new_order(write)
    # not scans of the folder: a hidden file, another kind of file, a file in a subfolder
    (folder / ".IMG_0001.png").write_bytes(scan_of())
    (folder / "说明.txt").write_text("扫描仪设置")
    (folder / "旧的").mkdir()
    (folder / "旧的" / "IMG_0002.png").write_bytes(scan_of())
    # a photo without a readable code (named like a phone number), another desk's serial
    (folder / "13812345678.png").write_bytes(scan_of())
    (folder / "IMG_0013.png").write_bytes(scan_of("PG-20261123-099"))
    (folder / "坏的.pdf").write_bytes(b"not a pdf at all")

    with caplog.at_level(logging.INFO, logger="desk.ui"):
        watch.follow_setting(str(folder))
        refused = folder / "未识别"
        qtbot.waitUntil(
            lambda: (
                sorted(p.name for p in refused.glob("*"))
                == ["13812345678.png", "IMG_0013.png", "坏的.pdf"]
            ),
            timeout=WAIT,
        )

    assert live_copies(fetch) == []
    assert sorted(p.name for p in folder.iterdir()) == [
        ".IMG_0001.png",
        "旧的",
        "未识别",
        "说明.txt",
    ]
    assert (folder / "旧的" / "IMG_0002.png").exists()
    [no_code] = [s for s in watch.said if "13812345678.png" in s]
    assert no_code.startswith("签字件 13812345678.png 未能自动归档：没有识别到表单的二维码")
    assert "文件已移到“未识别”" in no_code
    assert no_code.endswith("请在该单详情里点“签回 → 归档签字件…”")
    [not_found] = [s for s in watch.said if "IMG_0013.png" in s]
    assert "未能自动归档：找不到单号为 PG-20261123-099 的派工单；" in not_found
    [broken] = [s for s in watch.said if "坏的.pdf" in s]
    assert "未能自动归档：“坏的.pdf”不是图片或 PDF 文件" in broken
    # the log names the files, with the phone number masked, and nothing of a record
    logged = [r.getMessage() for r in caplog.records if r.name == "desk.ui"]
    assert any("138****5678.png" in line for line in logged)
    assert not any("13812345678" in line for line in logged)


def test_a_file_still_being_written_waits(
    qtbot, monkeypatch, ops, watch, folder, on_duty, write, fetch
) -> None:
    monkeypatch.setattr(scan_folder, "POLL_MS", NEVER)  # the test does the looking
    monkeypatch.setattr(scan_folder, "SETTLE_MS", 0)  # two looks alike are enough
    serial = new_order(write)
    data = scan_of(serial)
    path = folder / "scan0001.png"
    path.write_bytes(data[: len(data) // 3])

    watch.follow_setting(str(folder))  # the first look: a new file
    assert ops.idle and path.exists()
    with path.open("ab") as file:
        file.write(data[len(data) // 3 : 2 * len(data) // 3])
    watch.look()  # it grew: still being written
    assert ops.idle and path.exists()
    with path.open("ab") as file:
        file.write(data[2 * len(data) // 3 :])
    watch.look()  # grew again
    assert ops.idle and path.exists()

    watch.look()  # unchanged since the last look: written
    qtbot.waitUntil(lambda: (folder / "已归档" / "scan0001.png").exists(), timeout=WAIT)
    assert [c.serial for c in live_copies(fetch)] == [serial]


def test_a_missing_folder_is_said_once_and_used_once_it_is_there(
    qtbot, fast, watch, tmp_path, on_duty, write, fetch, caplog
) -> None:
    serial = new_order(write)
    folder = tmp_path / "网络盘" / "签字件"
    with caplog.at_level(logging.WARNING, logger="desk.ui"):
        watch.follow_setting(str(folder))
        for _ in range(2):  # polls come and find it missing again
            with qtbot.waitSignal(watch.poll.timeout, timeout=WAIT):
                pass
    [missing] = watch.said
    assert missing.startswith(f"签字件扫描文件夹打不开：{folder}（文件夹不存在）")
    assert "“文件”→“设置…”" in missing
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "scan folder unreachable (FileNotFoundError)"
    ]

    folder.mkdir(parents=True)
    (folder / "IMG_0020.png").write_bytes(scan_of(serial))
    qtbot.waitUntil(lambda: (folder / "已归档" / "IMG_0020.png").exists(), timeout=WAIT)
    assert watch.said[:2] == [missing, f"签字件扫描文件夹又能打开了：{folder}"]
    assert [c.serial for c in live_copies(fetch)] == [serial]


def test_an_empty_setting_stops_watching(
    qtbot, fast, ops, watch, folder, on_duty, write, fetch
) -> None:
    serial = new_order(write)
    watch.follow_setting(str(folder))
    assert watch.poll.isActive() and watch.watcher.directories() == [str(folder)]

    watch.follow_setting("")
    assert not watch.poll.isActive() and not watch.soon.isActive()
    assert watch.watcher.directories() == []
    path = folder / "IMG_0030.png"
    path.write_bytes(scan_of(serial))
    watch.look()
    assert ops.idle and path.exists()  # nothing looks at the folder any more
    assert not watch.soon.isActive()

    watch.follow_setting(f"  {folder}  ")  # watched again: the file is taken
    qtbot.waitUntil(lambda: (folder / "已归档" / "IMG_0030.png").exists(), timeout=WAIT)
    assert [c.serial for c in live_copies(fetch)] == [serial]


def test_the_same_setting_again_changes_nothing(fast, watch, tmp_path, caplog) -> None:
    folder = tmp_path / "没有这个文件夹"
    with caplog.at_level(logging.WARNING, logger="desk.ui"):
        watch.follow_setting(str(folder))
        watch.follow_setting(str(folder))  # the window's next reload: not said again
    assert len(watch.said) == 1


def test_nothing_is_filed_while_nobody_is_on_duty(
    qtbot, fast, ops, watch, folder, staff_id, write, fetch
) -> None:
    serial = new_order(write)
    path = folder / "IMG_0040.png"
    path.write_bytes(scan_of(serial))
    watch.follow_setting(str(folder))
    for _ in range(3):  # written, and looked at again
        with qtbot.waitSignal(watch.poll.timeout, timeout=WAIT):
            pass
    assert ops.idle and path.exists()

    ops.desk.on_duty(staff_id)
    qtbot.waitUntil(lambda: (folder / "已归档" / "IMG_0040.png").exists(), timeout=WAIT)
    [copy] = live_copies(fetch)
    assert copy.staff_id == staff_id


def test_a_locked_file_is_tried_at_a_few_polls_then_said_once(
    qtbot, fast, monkeypatch, watch, folder, on_duty, write, fetch, caplog
) -> None:
    serial = new_order(write)
    path = folder / "IMG_0050.png"
    path.write_bytes(scan_of(serial))
    tries: list[str] = []
    real_read = scan_folder._read_file

    def locked(p: Path):
        tries.append(p.name)
        return PermissionError(13, "locked by another program")

    monkeypatch.setattr(scan_folder, "_read_file", locked)
    with caplog.at_level(logging.WARNING, logger="desk.ui"):
        watch.follow_setting(str(folder))
        qtbot.waitUntil(lambda: any("试了 3 次" in s for s in watch.said), timeout=WAIT)
        for _ in range(3):  # more polls: given up, not tried again
            with qtbot.waitSignal(watch.poll.timeout, timeout=WAIT):
                pass
    assert tries == ["IMG_0050.png"] * scan_folder.MAX_TRIES
    [said] = watch.said
    assert said.startswith(
        "签字件 IMG_0050.png 试了 3 次都没能归档（文件被其他程序占用或没有权限）"
    )
    assert path.exists() and live_copies(fetch) == []

    monkeypatch.setattr(scan_folder, "_read_file", real_read)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    qtbot.waitUntil(lambda: (folder / "已归档" / "IMG_0050.png").exists(), timeout=WAIT)
    assert [c.serial for c in live_copies(fetch)] == [serial]


def test_a_filed_file_held_open_is_moved_later_never_filed_twice(
    qtbot, fast, monkeypatch, ops, watch, folder, on_duty, write, fetch, caplog
) -> None:
    serial = new_order(write)
    path = folder / "IMG_0060.png"
    path.write_bytes(scan_of(serial))
    real_move = scan_folder._move_into
    refusals: list[str] = []

    def held_open(p: Path, subfolder: str) -> Path:
        if len(refusals) < scan_folder.MAX_TRIES:
            refusals.append(p.name)
            raise PermissionError(13, "in use")
        return real_move(p, subfolder)

    monkeypatch.setattr(scan_folder, "_move_into", held_open)
    with caplog.at_level(logging.WARNING, logger="desk.ui"):
        watch.follow_setting(str(folder))
        qtbot.waitUntil(lambda: (folder / "已归档" / "IMG_0060.png").exists(), timeout=WAIT)
    assert not path.exists()
    assert [c.serial for c in live_copies(fetch)] == [serial]  # filed once
    assert watch.serials == [serial]
    assert watch.said[0] == f"已归档签字件 IMG_0060.png → {serial}"
    assert watch.said[1].startswith("签字件 IMG_0060.png 没能移到“已归档”文件夹")
    assert len(watch.said) == 2
