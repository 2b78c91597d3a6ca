"""The workflows of work orders and complaints: which action leads from which state where.

Actions are the Chinese button words the UI shows; the tables are the single
source the services and the UI both read.
"""

from __future__ import annotations

from enum import StrEnum

from desk.models.enums import ComplaintState as C
from desk.models.enums import WorkOrderState as W
from desk.models.errors import TransitionError

Flow = dict[str, tuple[frozenset[StrEnum], StrEnum]]

WORK_ORDER_FLOW: Flow = {
    "派工": (frozenset({W.NEW, W.REWORK}), W.DISPATCHED),
    "开始处理": (frozenset({W.DISPATCHED, W.REWORK}), W.IN_PROGRESS),
    "待料": (frozenset({W.IN_PROGRESS}), W.WAITING_PARTS),
    "到料继续": (frozenset({W.WAITING_PARTS}), W.IN_PROGRESS),
    "完成": (frozenset({W.IN_PROGRESS}), W.COMPLETED),
    "回访": (frozenset({W.COMPLETED}), W.CALLED_BACK),
    "返工": (frozenset({W.COMPLETED, W.CALLED_BACK}), W.REWORK),
    "作废": (frozenset(set(W) - {W.VOID}), W.VOID),
}

COMPLAINT_FLOW: Flow = {
    "开始处理": (frozenset({C.ACCEPTED}), C.IN_PROGRESS),
    # escalating puts the complaint (back) into 处理中 at the next level
    "升级": (frozenset({C.ACCEPTED, C.IN_PROGRESS, C.ANSWERED, C.CALLED_BACK}), C.IN_PROGRESS),
    "答复": (frozenset({C.ACCEPTED, C.IN_PROGRESS}), C.ANSWERED),
    "回访": (frozenset({C.ANSWERED}), C.CALLED_BACK),
    "作废": (frozenset(set(C) - {C.VOID}), C.VOID),
}

# States in which a record still needs the desk's attention.
OPEN_WORK_ORDER_STATES = frozenset({W.NEW, W.DISPATCHED, W.IN_PROGRESS, W.WAITING_PARTS, W.REWORK})
OPEN_COMPLAINT_STATES = frozenset({C.ACCEPTED, C.IN_PROGRESS})


def allowed_actions(flow: Flow, state: StrEnum) -> list[str]:
    """The actions possible from ``state``, in the flow's order (for the detail view)."""
    return [action for action, (sources, _) in flow.items() if state in sources]


def next_state(flow: Flow, state: StrEnum, action: str) -> StrEnum:
    """The state after ``action``; TransitionError with a Chinese message if not allowed."""
    if action not in flow:
        raise TransitionError(f"没有“{action}”这个操作。")
    sources, target = flow[action]
    if state not in sources:
        possible = "、".join(allowed_actions(flow, state)) or "无"
        raise TransitionError(f"当前状态是“{state}”，不能“{action}”。现在可以：{possible}。")
    return target
