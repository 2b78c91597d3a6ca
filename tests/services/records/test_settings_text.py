"""设置 as text: what a supervisor types is checked, stored all or none, and read back the
same way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.models.errors import PermissionDenied, ValidationError
from desk.services.core import settings
from desk.services.records import settings_text, staff
from desk.services.records.settings_text import from_text, to_text


def test_shifts_read_and_write_as_a_person_writes_them():
    value = from_text("lists.shifts", "白班 8:00-20:00；夜班 20:00 - 08:00")
    assert value == [
        {"name": "白班", "start": "08:00", "end": "20:00"},
        {"name": "夜班", "start": "20:00", "end": "08:00"},
    ]
    assert to_text("lists.shifts", value) == "白班 08:00-20:00；夜班 20:00-08:00"


@pytest.mark.parametrize(
    ("key", "text", "says"),
    [
        ("lists.shifts", "白班 8点到20点", "看不懂"),
        ("lists.shifts", "白班 08:00-20:00；夜班 19:00-08:00", "重叠"),
        ("lists.workorder.categories", " 、 ", "至少要有一项"),
        ("sla.near_fraction", "2", "0 到 1"),
        ("office.greeting", "您好，{中心}", "{office}"),
        ("office.name", "  ", "不能为空"),
    ],
)
def test_bad_values_say_why(key, text, says):
    with pytest.raises(ValidationError, match=says) as caught:
        from_text(key, text)
    assert caught.value.field == key


@given(st.lists(st.text(alphabet="水电土建门窗电梯其他甲乙", min_size=1, max_size=6), min_size=1))
def test_a_list_comes_back_as_typed(items):
    text = to_text("lists.workorder.categories", items)
    assert from_text("lists.workorder.categories", text) == items


def test_a_manager_saves_all_or_none(write, read):
    with write() as ctx:  # the conftest's staff member is the manager
        changed = settings_text.change_many(
            ctx, {"lists.workorder.categories": "水电、土建、绿化", "office.name": "幸福里"}
        )
    assert set(changed) == {"lists.workorder.categories", "office.name"}
    with pytest.raises(ValidationError), write() as ctx:
        settings_text.change_many(ctx, {"office.name": "别的名字", "sla.near_fraction": "5"})
    with read() as ctx:
        assert settings.get(ctx.session, "office.name") == "幸福里"  # the bad save stored nothing
        assert settings.get(ctx.session, "lists.workorder.categories")[-1] == "绿化"


def test_a_receptionist_cannot_change_settings(write):
    with write() as ctx:
        receptionist = staff.add(ctx, "李娜")
    with pytest.raises(PermissionDenied, match="主管或经理"), write(who=receptionist.id) as ctx:
        settings_text.change_many(ctx, {"office.name": "随便"})


def test_an_unknown_key_is_named(write):
    with pytest.raises(ValidationError, match="没有“nope”"), write() as ctx:
        settings_text.change_many(ctx, {"nope": "x"})


_PART = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\\/:"),
    min_size=1,
    max_size=12,
).filter(lambda t: t.strip() == t)


@given(st.sampled_from(["C", "D", "E", "Z"]), st.lists(_PART, min_size=1, max_size=4))
def test_a_whole_backup_folder_path_is_kept_as_typed(drive, parts):
    windows = f"{drive}:\\" + "\\".join(parts)
    assert from_text("backup.folder", windows) == windows
    posix = "/" + "/".join(parts)
    assert from_text("backup.folder", posix) == posix


@given(st.lists(_PART, min_size=1, max_size=4))
def test_a_relative_backup_folder_is_refused(parts):
    with pytest.raises(ValidationError, match="完整的文件夹路径"):
        from_text("backup.folder", "\\".join(parts))


def test_no_backup_folder_is_fine():
    assert from_text("backup.folder", "  ") == ""


@given(st.sampled_from(settings.REGISTER_PHONES), st.text(alphabet=" \t\n　", max_size=3))
def test_register_phones_is_one_of_two_words(word, space):
    assert from_text("forms.register_phones", f"{space}{word}{space}") == word
    assert to_text("forms.register_phones", word) == word


@given(st.text(max_size=8).filter(lambda t: t.strip() not in settings.REGISTER_PHONES))
def test_register_phones_refuses_anything_else(text):
    with pytest.raises(ValidationError, match="“隐藏”或“完整”") as caught:
        from_text("forms.register_phones", text)
    assert caught.value.field == "forms.register_phones"


def test_register_phones_default_is_masked(write, read):
    with read() as ctx:
        assert settings.get(ctx.session, "forms.register_phones") == "隐藏"
    with write() as ctx:
        assert settings_text.change_many(ctx, {"forms.register_phones": "完整"}) == [
            "forms.register_phones"
        ]
    with read() as ctx:
        assert settings.get(ctx.session, "forms.register_phones") == "完整"
