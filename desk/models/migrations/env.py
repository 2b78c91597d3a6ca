"""Alembic environment: migrations run on a connection handed in by desk.models.migrate."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import desk.models  # noqa: F401  (registers every table on SQLModel.metadata)
from desk.models.base import Fixed2

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write revisions with plain SQLAlchemy types, so old revisions never import app code."""
    if type_ == "type":
        if isinstance(obj, Fixed2):
            return "sa.Integer()"
        if isinstance(obj, sa.Enum | AutoString | sa.String):
            length = getattr(obj, "length", None)
            return f"sa.String(length={length})" if length else "sa.String()"
    return False


# Text search (revision 0003): FTS5 virtual tables and the shadow tables SQLite keeps for
# them. They are made with raw SQL and are not SQLModel tables, so comparisons skip them.
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


def is_search_table(name: str | None) -> bool:
    return bool(name) and any(
        name.endswith("_fts" + suffix)  # type: ignore[union-attr]
        for suffix in ("", *FTS_SHADOW_SUFFIXES)
    )


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave the text-search tables out of autogenerate and compare_metadata."""
    return not (type_ == "table" and is_search_table(name))


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # e.g. `alembic revision --autogenerate` during development
        engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _configure_and_run(connection)
    else:
        _configure_and_run(connection)


def _configure_and_run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        render_item=render_item,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
