"""The command line's tests: nobody at a terminal unless a test says so.

``sys.stdin`` is an empty pipe (pytest run with ``-s`` must not wait at a password prompt)
and the developer's own ``DESK_USER``/``DESK_PASSWORD`` never leak into a test.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator, Sequence

import pytest
from helpers.office import MANAGER_NAME, MANAGER_PASSWORD

from desk.services.core import accounts


class Terminal(io.StringIO):
    """stdin as a person's terminal: ``input()`` reads the lines given."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    monkeypatch.delenv("DESK_USER", raising=False)
    monkeypatch.delenv("DESK_PASSWORD", raising=False)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., list[str]]]:
    """``terminal(lines=[...], secrets=[...])``: a person types ``lines`` at ``input()`` and
    ``secrets`` at the password prompts; returns the password prompts shown so far."""
    prompts: list[str] = []

    def typing(lines: Sequence[str] = (), secrets: Sequence[str] = ()) -> list[str]:
        monkeypatch.setattr(sys, "stdin", Terminal("".join(f"{line}\n" for line in lines)))
        answers = iter(secrets)

        def getpass(prompt: str = "") -> str:
            prompts.append(prompt)
            try:
                return next(answers)
            except StopIteration:
                raise EOFError from None  # Ctrl+D: more prompts than the test typed

        monkeypatch.setattr("getpass.getpass", getpass)
        return prompts

    yield typing


@pytest.fixture
def log_in_as(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``log_in_as(name, password)``: what a script sets for an admin subcommand."""

    def set_env(name: str = MANAGER_NAME, password: str = MANAGER_PASSWORD) -> None:
        monkeypatch.setenv("DESK_USER", name)
        monkeypatch.setenv("DESK_PASSWORD", password)

    return set_env


@pytest.fixture
def manager_logs_in(write, staff_id: int, log_in_as) -> int:
    """The fixtures' office (conftest ``staff_id``) with the manager's password set, and the
    environment logging the command line in as the manager; the manager's id."""
    with write() as ctx:
        accounts.set_password(ctx, staff_id, MANAGER_PASSWORD)
    log_in_as()
    return staff_id
