"""The temporary copies handed to other programs (print previews, opened attachments) are
swept once a day old; what is newer, or still open elsewhere, stays."""

from __future__ import annotations

import os
import time

from desk.ui import temp_files

DAY = 24 * 3600


def _aged(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_files_a_day_old_go_with_their_emptied_folders(tmp_path):
    old = tmp_path / "a1b2" / "门禁照片.jpg"
    fresh = tmp_path / "c3d4" / "合同.pdf"
    loose = tmp_path / "old.pdf"
    for path in (old, fresh, loose):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x")
    _aged(old, DAY + 60)
    _aged(loose, 3 * DAY)
    _aged(fresh, DAY - 600)
    assert temp_files.sweep(tmp_path) == 2
    assert not old.parent.exists() and not loose.exists()
    assert fresh.is_file()
    assert tmp_path.is_dir()  # the folder itself stays for the next copy


def test_a_file_that_cannot_go_is_left_for_the_next_sweep(tmp_path, monkeypatch):
    stuck = tmp_path / "f" / "open.pdf"
    stuck.parent.mkdir()
    stuck.write_bytes(b"x")
    _aged(stuck, 2 * DAY)
    real_unlink = type(stuck).unlink

    def refuse(self, *args, **kwargs):  # Windows: still open in the PDF viewer
        if self.name == "open.pdf":
            raise PermissionError(13, "in use")
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(type(stuck), "unlink", refuse)
    assert temp_files.sweep(tmp_path) == 0
    assert stuck.is_file()
    monkeypatch.undo()
    assert temp_files.sweep(tmp_path) == 1 and not stuck.parent.exists()


def test_the_temp_folder_is_made_once(tmp_path, monkeypatch):
    monkeypatch.setattr(temp_files.tempfile, "gettempdir", lambda: str(tmp_path))
    folder = temp_files.temp_folder("desk-print")
    assert folder == tmp_path / "desk-print" and folder.is_dir()
    assert temp_files.temp_folder("desk-print") == folder
