"""The signed-copy scan folder (签字件扫描文件夹): a document scanner or a phone saves signed
papers into a folder the office chooses (the setting ``signed.watch_folder``); each new
file is filed against its record by the QR code on it (``services.records.signed_copies``).

Filed files move into the folder's subfolder ``已归档``; files that cannot be filed by
themselves (no readable code, another record's code, no scan at all) into ``未识别``, with
a status line saying to file them by hand from the record's detail. A file is never
deleted, and moved only after its copy was committed.

The folder is watched (``QFileSystemWatcher``) and also looked at every ``POLL_MS``: network
folders and some scanners send no notification. A file is taken only when looks at least
``SETTLE_MS`` apart find the same size and modification time — a scanner may still be
writing it. One file is read and filed at a time, so an export on the second
lane waits behind one scan at most, never behind a heap of them.

Filing is stamped with the person on duty: while nobody is on duty, files wait.
The log names files only (with any phone number in the name masked): never a record's text.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections import deque
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from desk.models.errors import DeskError, NotFoundError, ValidationError
from desk.models.validation import mask_phones_in
from desk.services.io import scans
from desk.services.records import signed_copies
from desk.ui.ops import Ops

log = logging.getLogger("desk.ui")

POLL_MS = 10_000  # look again this often, notified or not (network folders, some scanners)
SETTLE_MS = 2_000  # unchanged this long between looks: written (and: look again this soon)
MAX_TRIES = 3  # a file that cannot be read (locked, no permission): tried at this many polls
SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"})
FILED_FOLDER = "已归档"
REFUSED_FOLDER = "未识别"

Signature = tuple[int, int]  # size, modification time (ns): unchanged between looks = written


class ScanFolderWatch(QObject):
    status = Signal(str)  # a line for the window's status bar
    filed = Signal(str)  # the serial a scan from the folder was filed against

    def __init__(self, ops: Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.folder: Path | None = None  # watched now; None: the setting is empty
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _path: self._look_soon())
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._polled)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(SETTLE_MS)
        self.soon.timeout.connect(self.look)
        self._reset()
        self._working: Path | None = None  # the one file being read or filed
        # filed or refused, but still in the folder (held open by a viewer): moved at each look
        self._unmoved: dict[Path, tuple[str, int]] = {}  # → subfolder, tries

    def _reset(self) -> None:
        self._seen: dict[str, tuple[Signature, float]] = {}  # at the last look: since when
        self._ready: deque[str] = deque()  # written, to be taken in turn (oldest first)
        self._tries: dict[str, int] = {}  # failed reads or writes (locked file, busy database)
        self._resting: set[str] = set()  # failed since the last poll: wait for the next one
        self._given_up: dict[str, Signature] = {}  # MAX_TRIES failed: again once it changes
        self._unreachable = False  # the folder could not be read at the last look

    # --- the setting -----------------------------------------------------------------------

    def follow_setting(self, folder: str) -> None:
        """The ``signed.watch_folder`` setting as just loaded: watch that folder, another
        one, or none (""). The same folder again changes nothing."""
        text = folder.strip()
        wanted = Path(text) if text else None
        if wanted == self.folder:
            return
        self.stop()
        if wanted is None:
            return
        self.folder = wanted
        self.poll.start()
        self.look()

    def stop(self) -> None:
        """Watch no folder (the setting emptied, the window closing). A file being filed
        now is still filed and moved."""
        self.folder = None
        self.poll.stop()
        self.soon.stop()
        watched = self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)
        self._reset()

    # --- looking -----------------------------------------------------------------------

    def _look_soon(self) -> None:
        if self.folder is not None and not self.soon.isActive():
            self.soon.start()

    def _polled(self) -> None:
        self._resting.clear()  # what failed before gets its next try
        self.look()

    def look(self) -> None:
        """Look at the folder now: note new and changed files, take the written ones."""
        folder = self.folder
        if folder is None:
            return
        try:
            found = _candidates(folder)
        except OSError as exc:
            self._lost(folder, exc)
            return
        self._reached(folder)
        self._move_leftovers()
        now = time.monotonic()
        before, self._seen = self._seen, {}
        written: list[str] = []
        for name, sig in found.items():
            was, since = before.get(name, (None, now))
            if was != sig:
                since = now  # new, or still being written
            self._seen[name] = (sig, since)
            if was != sig or now - since < SETTLE_MS / 1000:
                self._look_soon()  # not only at the next poll
            elif sig[0] > 0:  # an empty file is a scan still to come
                written.append(name)
        for kept in (self._tries, self._given_up):
            for name in [n for n in kept if n not in found]:
                del kept[name]  # gone (moved away by hand): a new file of that name is new
        self._resting &= found.keys()
        for name, was in list(self._given_up.items()):
            if found[name] != was:  # changed since: a new try
                del self._given_up[name]
                self._tries.pop(name, None)
        self._ready = deque(sorted(written, key=lambda n: (found[n][1], n)))
        self._next()

    def _lost(self, folder: Path, exc: OSError) -> None:
        """The folder is missing or unreachable: said once; the poll tries again."""
        self._seen.clear()
        self._ready.clear()
        if self._unreachable:
            return
        self._unreachable = True
        log.warning("scan folder unreachable (%s)", type(exc).__name__)
        self.status.emit(
            self.tr(
                "签字件扫描文件夹打不开：{0}（{1}）。请检查文件夹是否存在、网络盘是否连上，"
                "或在“文件”→“设置…”里改“签字件扫描文件夹”；程序会隔一会儿再试。"
            ).format(folder, self._folder_problem(exc))
        )

    def _reached(self, folder: Path) -> None:
        if str(folder) not in self.watcher.directories():
            self.watcher.addPath(str(folder))  # again after the folder was gone
        if self._unreachable:
            self._unreachable = False
            log.info("scan folder reachable again")
            self.status.emit(self.tr("签字件扫描文件夹又能打开了：{0}").format(folder))

    def _folder_problem(self, exc: OSError) -> str:
        if isinstance(exc, FileNotFoundError):
            return self.tr("文件夹不存在")
        if isinstance(exc, NotADirectoryError):
            return self.tr("这不是文件夹")
        if isinstance(exc, PermissionError):
            return self.tr("没有权限打开")
        return self.tr("无法访问：{0}").format(exc.strerror or type(exc).__name__)

    # --- taking one file at a time -------------------------------------------------------

    def _next(self) -> None:
        folder = self.folder
        if self._working is not None or folder is None:
            return
        if self.ops.desk.duty.staff_id is None:
            return  # filing is stamped with who is on duty: wait for someone
        while self._ready:
            name = self._ready.popleft()
            path = folder / name
            if name in self._resting or name in self._given_up or path in self._unmoved:
                continue
            if not path.exists():
                continue  # filed just now (it was written at the last look too), or taken away
            self._take(path, self._seen[name][0])
            return

    def _take(self, path: Path, seen: Signature) -> None:
        self._working = path
        self.ops.background(
            lambda: _read_file(path),
            lambda got: self._was_read(path, seen, got),
            lambda exc: self._failed(path, seen, exc),
        )

    def _was_read(self, path: Path, seen: Signature, got: signed_copies.Scan | OSError) -> None:
        if isinstance(got, OSError):
            self._failed(path, seen, got)
            return
        if self.ops.desk.duty.staff_id is None:  # went off duty while it was read
            self._working = None
            self._resting.add(path.name)
            return
        self.ops.write(
            lambda ctx: signed_copies.file_scan(ctx, got).serial,
            lambda serial: self._filed(path, serial),
            lambda exc: self._failed(path, seen, exc),
        )

    def _filed(self, path: Path, serial: str) -> None:
        """Committed: now the file may move."""
        self._done_with(path, tried=False)
        log.info("scan filed from the scan folder: %s", _log_name(path))
        self._move(path, FILED_FOLDER)
        self.status.emit(self.tr("已归档签字件 {0} → {1}").format(path.name, serial))
        self.filed.emit(serial)
        self._next()

    def _failed(self, path: Path, seen: Signature, exc: BaseException) -> None:
        transient = not isinstance(exc, (FileNotFoundError, ValidationError, NotFoundError))
        self._done_with(path, tried=transient)
        if isinstance(exc, FileNotFoundError):
            pass  # taken away meanwhile: nothing to file
        elif isinstance(exc, (ValidationError, NotFoundError)):
            # no readable code, another record's code, a duplicate, no scan: by hand
            log.info("scan not filed (%s): %s", type(exc).__name__, _log_name(path))
            self._move(path, REFUSED_FOLDER)
            if isinstance(exc, signed_copies.NoSerialFound):  # its words ask for a serial typed
                reason = self.tr("没有识别到表单的二维码（可能拍得太斜、太暗或二维码被盖住）")
            elif isinstance(exc, ValidationError):
                reason = exc.reason
            else:
                reason = str(exc)
            self.status.emit(
                self.tr("签字件 {0} 未能自动归档：{1}；文件已移到“{2}”，请{3}").format(
                    path.name, reason.rstrip("。；"), REFUSED_FOLDER, self._by_hand()
                )
            )
        else:  # a locked file, a busy database: left where it is, tried at the next poll
            self._retry_later(path, seen, exc)
        self._next()

    def _done_with(self, path: Path, *, tried: bool) -> None:
        """The file is no longer being worked on; ``tried``: it stays for another try."""
        if self._working == path:
            self._working = None
        if not tried and path.parent == self.folder:
            self._tries.pop(path.name, None)

    def _by_hand(self) -> str:
        return self.tr("在该单详情里点“签回 → 归档签字件…”")

    def _retry_later(self, path: Path, seen: Signature, exc: BaseException) -> None:
        if path.parent != self.folder:
            return  # the setting changed meanwhile
        name = path.name
        tries = self._tries[name] = self._tries.get(name, 0) + 1
        self._resting.add(name)
        log.info("scan not read yet (%s), try %d: %s", type(exc).__name__, tries, _log_name(path))
        if tries < MAX_TRIES:
            return
        self._given_up[name] = seen
        log.warning("scan left in the scan folder after %d tries: %s", tries, _log_name(path))
        if isinstance(exc, PermissionError):
            why = self.tr("文件被其他程序占用或没有权限")
        elif isinstance(exc, OSError):
            why = self.tr("读不了：{0}").format(exc.strerror or type(exc).__name__)
        elif isinstance(exc, DeskError):  # the database busy or unwritable: its own words
            why = str(exc).rstrip("。")
        else:
            why = self.tr("程序出错，详情已记在日志里")
        self.status.emit(
            self.tr(
                "签字件 {0} 试了 {1} 次都没能归档（{2}）：文件还在扫描文件夹里。"
                "请关闭占用它的程序，再把它移出、放回文件夹；也可以{3}。"
            ).format(name, tries, why, self._by_hand())
        )

    # --- moving ----------------------------------------------------------------------------

    def _move(self, path: Path, subfolder: str) -> None:
        """Into ``subfolder`` beside it; when the file is held open, again at later looks."""
        try:
            _move_into(path, subfolder)
        except OSError:
            if path.exists():  # held open, or the subfolder could not be made
                self._unmoved[path] = (subfolder, 1)

    def _move_leftovers(self) -> None:
        for path, (subfolder, tries) in list(self._unmoved.items()):
            try:
                _move_into(path, subfolder)
            except OSError as exc:
                if not path.exists():
                    del self._unmoved[path]  # moved away by hand
                    continue
                self._unmoved[path] = (subfolder, tries + 1)
                if tries + 1 == MAX_TRIES:
                    why = type(exc).__name__
                    log.warning("scan could not be moved (%s): %s", why, _log_name(path))
                    self.status.emit(
                        self.tr(
                            "签字件 {0} 没能移到“{1}”文件夹（可能正被其他程序打开）："
                            "请关闭打开它的程序；程序会再试，也可以手动把它移过去。"
                        ).format(path.name, subfolder)
                    )
            else:
                del self._unmoved[path]


def _candidates(folder: Path) -> dict[str, Signature]:
    """The folder's own scan files (not hidden, not in subfolders) → size and time."""
    found: dict[str, Signature] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~")) or Path(name).suffix.lower() not in SUFFIXES:
                continue
            try:
                if not entry.is_file():
                    continue
                info = entry.stat()
            except OSError:  # gone meanwhile
                continue
            if getattr(info, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_HIDDEN:
                continue  # Windows' hidden files
            found[name] = (info.st_size, info.st_mtime_ns)
    return found


def _read_file(path: Path) -> signed_copies.Scan | OSError:
    """On the second lane: the file read and decoded. An OSError is returned, not raised:
    a locked file is an everyday event, not a failure to log with its trace."""
    try:
        with path.open("rb") as file:
            data = file.read(scans.MAX_BYTES + 1)  # more is refused as too big anyway
    except OSError as exc:
        return exc
    return signed_copies.read_scan(data, path.name)


def _move_into(path: Path, subfolder: str) -> Path:
    """``path`` moved into ``subfolder`` of its folder, under a free name: never over
    another file (``IMG_0012 (2).jpg``)."""
    target_dir = path.parent / subfolder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    number = 2
    while target.exists():
        target = target_dir / f"{path.stem} ({number}){path.suffix}"
        number += 1
    path.rename(target)
    return target


def _log_name(path: Path) -> str:
    return mask_phones_in(path.name)
