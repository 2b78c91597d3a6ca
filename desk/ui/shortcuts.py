"""The keys of the desk, in one place: the letter of each record action (Alt+letter, shown
underlined on its button) and the general shortcuts. The 快捷键 list under 帮助 and the
manual are made from these tables, so what the buttons say and what the list says agree.

The letters are the action's pinyin initial where it is free (派工 P, 完成 W, 作废 Z …);
F and H belong to the menus (文件, 帮助) and L to 查单, so no action takes them.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

# each detail action's Alt+letter; one letter for one action on every tab
ACTION_KEYS: dict[str, str] = {
    "转报修": "B",
    "转投诉": "T",
    "已转告": "Y",
    "办结": "J",
    "派工": "P",
    "开始处理": "K",
    "待料": "D",
    "到料继续": "C",
    "完成": "W",
    "回访": "V",
    "返工": "R",
    "升级": "S",
    "答复": "A",
    "归还": "G",
    "修改": "X",
    "作废": "Z",
}
MENU_KEYS = frozenset("FHL")  # 文件(&F), 帮助(&H), 查单(&L)
# 锁屏, as Win+L locks Windows: L for lock, Shift because Ctrl+L is 查单's
LOCK_KEY = "Ctrl+Shift+L"

# (keys, what they do), in the order the 快捷键 list shows them
GENERAL: list[tuple[str, str]] = [
    ("Ctrl+1 … Ctrl+9", "切换到第 1 … 9 个标签页"),
    ("Ctrl+N", "新登记：清空表单（有内容时先问），光标到第一格"),
    ("Ctrl+Enter", "保存表单（多行文字框里也可以）"),
    ("Enter", "在单行输入框里：保存表单；对话框里：确定"),
    ("Esc", "清空表单 / 取消对话框（有内容时先问）"),
    ("Ctrl+F", "到列表的“查找”框；输入后按 Enter 到列表"),
    ("↑ ↓", "在列表里选记录"),
    ("Enter（列表中）", "打开选中记录：光标到它的主要操作按钮"),
    ("Tab / Shift+Tab", "到下一个 / 上一个输入框或按钮（离开列表也用 Tab）"),
    ("Ctrl+P", "打印选中的记录（预览里再按 Enter 打印）"),
    ("Ctrl+L / Alt+L", "查单：扫码或输入单号"),
    (LOCK_KEY, "锁屏：离开座位时按，回来输入密码解锁（没写完的内容都会保留）"),
]


def _tr(text: str) -> str:
    return QCoreApplication.translate("shortcuts", text)


def action_text(action: str) -> str:
    """An action button's text with its mnemonic: 派工 → 派工(&P)."""
    key = ACTION_KEYS.get(action)
    return f"{_tr(action)}(&{key})" if key else _tr(action)


def action_rows() -> list[tuple[str, str]]:
    """(Alt+letter, action) for the 快捷键 list."""
    return [(f"Alt+{key}", _tr(action)) for action, key in ACTION_KEYS.items()]
