"""Errors the lower layers raise; every message is Chinese and tells the user what to do.

The UI shows ``str(exc)`` as it is, so messages are complete sentences.
"""

from __future__ import annotations

from datetime import datetime


class DeskError(Exception):
    """Base of every error meant for the person at the desk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(DeskError):
    """Bad input in one field. ``field`` is the attribute name, ``label`` its Chinese name."""

    def __init__(self, field: str, label: str, reason: str) -> None:
        super().__init__(f"{label}：{reason}")
        self.field = field
        self.label = label
        self.reason = reason


class UnregisteredRoom(ValidationError):
    """A room that parses but is in no one's record: the desk asks once before keeping it.

    ``room`` is the normalised code (``3-2-1201``); saving again with the room confirmed
    keeps it as typed, linked to no flat.
    """

    def __init__(self, label: str, room: str) -> None:
        super().__init__("room", label, f"{room} 不在住户资料里")  # 房号：99-9-9999 不在…
        self.room = room


class PermissionDenied(DeskError):
    """Something the person on duty may not do: the message says why and who can."""


class LoginRefused(DeskError):
    """A log-in that did not pass: wrong password, a locked or password-less account.

    ``kind`` is "wrong" | "locked" | "no_password" | "inactive"; ``until`` is when a
    locked account opens again (None otherwise).
    """

    def __init__(self, message: str, kind: str, until: datetime | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.until = until


class TransitionError(DeskError):
    """An action that is not allowed from the record's current state."""


class NotFoundError(DeskError):
    """A record that was asked for by id or serial does not exist."""


class StorageError(DeskError):
    """The database file could not be read or written (locked, read-only, full, corrupt)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # "locked" | "readonly" | "full" | "corrupt" | "io"
