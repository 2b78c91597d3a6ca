"""Settings as a person reads and writes them: "水电、土建、门窗", "早班 08:00-16:00；中班 …",
"2h" — for the 设置 dialog and ``desk settings``. Each value is checked before it is
stored, so a typo can never break every later intake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from desk.models.errors import ValidationError
from desk.models.validation import check_encodable, to_halfwidth
from desk.services.core import permissions, settings
from desk.services.core.context import Ctx
from desk.services.duty import shifts
from desk.services.records import signed_copies, staff

LIST_SEP = re.compile(r"[、,，;；\n]+")
# the idle lock: a minute at the least, two hours at the most (privacy over convenience)
IDLE_MINUTES = (1, 120)
# settings naming a folder: an absolute path the office's PC can reach
FOLDER_SETTINGS = frozenset({"backup.folder", "signed.watch_folder"})
SHIFT_ITEM = re.compile(r"^\s*(\S+)\s+(\d{1,2}:\d{2})\s*[-–~至]\s*(\d{1,2}:\d{2})\s*$")


@dataclass(frozen=True)
class SettingRow:
    key: str
    label: str
    text: str  # the value as the dialog shows it
    hint: str  # how to write it


def to_text(key: str, value: Any) -> str:
    if key == "lists.shifts":
        return "；".join(f"{s['name']} {s['start']}-{s['end']}" for s in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def hint(key: str) -> str:
    if key == "lists.shifts":
        return "班次名 开始-结束，用“；”分开，如：白班 08:00-20:00；夜班 20:00-08:00"
    if key.startswith("sla."):
        return "30m=30分钟，2h=2小时，2d=2天，5wd=5个工作日，eod=当天下班前"
    if key == "sla.near_fraction":
        return "0 到 1 之间的小数"
    if key.startswith("lists."):
        return "用“、”分开"
    if key == "office.greeting":
        return "{office} 会换成物业服务中心名称"
    if key == "lock.idle_minutes":
        return f"{IDLE_MINUTES[0]} 到 {IDLE_MINUTES[1]} 之间的整数；离开时也可按 Ctrl+Shift+L 锁屏"
    if key == "forms.register_phones":
        return "隐藏=只印部分号码（如 138****5678）；完整=印出全部号码（员工留存的登记表）"
    if key == "backup.folder":
        return "U盘或另一块硬盘上的文件夹，如 E:\\物业前台备份；不填则只备份在数据目录里"
    if key == "forms.signed_back":
        forms = "、".join(
            f"{form}（{signed_copies.STAGE_WORDS[kind]}）"
            for kind, form in signed_copies.FORMS.items()
        )
        return f"{forms}中的几项，用“、”分开；不填=都不用签回"
    if key == "signed.watch_folder":
        return (
            "扫描仪或手机保存签字件的文件夹，如 D:\\扫描；程序按二维码自动归档，"
            "不填则只能在单据上手动归档"
        )
    return ""


def from_text(key: str, text: str) -> Any:
    """The stored value for ``text``; ValidationError (field = the key) when it is wrong."""
    label = settings.label(key)
    text = check_encodable(text.strip(), key, label)
    if key == "lists.shifts":
        raw = []
        for item in (i for i in re.split(r"[;；\n]+", text) if i.strip()):
            found = SHIFT_ITEM.match(item)
            if found is None:
                example = "请写成：早班 08:00-16:00"
                raise ValidationError(key, label, f"“{item.strip()}”看不懂，{example}")
            name, start, end = found.groups()
            raw.append({"name": name, "start": start.zfill(5), "end": end.zfill(5)})
        shifts.parse_definitions(raw)  # overlaps, bad times: its own Chinese message
        return raw
    default = settings.default(key)
    if key == "forms.signed_back":
        items = [i.strip() for i in LIST_SEP.split(text) if i.strip()]
        unknown = [i for i in items if i not in settings.SIGNED_FORMS]
        if unknown:
            known = "、".join(settings.SIGNED_FORMS)
            raise ValidationError(key, label, f"没有“{unknown[0]}”这种表单；可选：{known}")
        return list(dict.fromkeys(items))
    if isinstance(default, list):
        items = [i.strip() for i in LIST_SEP.split(text) if i.strip()]
        if not items:
            raise ValidationError(key, label, "至少要有一项")
        return items
    if key == "lock.idle_minutes":
        low, high = IDLE_MINUTES
        digits = to_halfwidth(text)  # ５ typed with a Chinese input method
        if not re.fullmatch(r"[0-9]{1,3}", digits) or not low <= int(digits) <= high:
            raise ValidationError(key, label, f"请填写 {low} 到 {high} 之间的整数（分钟）")
        return int(digits)
    if isinstance(default, float):
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(key, label, "请填写一个小数，如 0.2") from None
        if not 0 < value < 1:
            raise ValidationError(key, label, "请填写 0 到 1 之间的小数")
        return value
    if key == "forms.register_phones" and text not in settings.REGISTER_PHONES:
        raise ValidationError(key, label, "请填写“隐藏”或“完整”")
    if key == "office.name" and not text:
        raise ValidationError(key, label, "不能为空")
    if key in FOLDER_SETTINGS and text:
        if len(text) > 260:
            raise ValidationError(key, label, "路径太长（最多 260 个字符）")
        if not (Path(text).is_absolute() or PureWindowsPath(text).is_absolute()):
            example = "E:\\物业前台备份" if key == "backup.folder" else "D:\\扫描"
            raise ValidationError(key, label, f"请填写完整的文件夹路径，如 {example}")
    if key == "office.greeting":
        try:
            text.format(office="")
        except (KeyError, IndexError, ValueError):
            raise ValidationError(key, label, "只能用 {office} 代表中心名称") from None
    return text


def rows(ctx: Ctx) -> list[SettingRow]:
    values = settings.all_values(ctx.session)
    return [
        SettingRow(spec.key, spec.label, to_text(spec.key, values[spec.key]), hint(spec.key))
        for spec in settings.DEFAULTS
    ]


def change(ctx: Ctx, key: str, text: str) -> None:
    """Check ``text`` and store it (audited) — one setting, in the caller's transaction."""
    staff.set_setting(ctx, key, from_text(key, text))


def change_many(ctx: Ctx, texts: dict[str, str]) -> list[str]:
    """Store every changed setting in one transaction (all or none); only a supervisor or
    manager may. Returns the keys that changed."""
    permissions.require(ctx, "settings")
    current = {row.key: row.text for row in rows(ctx)}
    unknown = [key for key in texts if key not in current]
    if unknown:
        raise ValidationError(
            unknown[0], "设置项", f"没有“{unknown[0]}”这一项；可用的有：{'、'.join(current)}"
        )
    changed = [key for key, text in texts.items() if text.strip() != current.get(key)]
    for key in changed:
        change(ctx, key, texts[key])
    return changed
