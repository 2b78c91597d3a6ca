"""text search over records: one FTS5 table per record kind, filled from the rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:00:00

The tables are not in SQLModel's metadata (env.py leaves them out of comparisons). The
segmentation below is a frozen copy of ``desk.services.core.textsearch`` as of this revision —
a revision never imports today's code; a later change to the rules needs a revision that
rebuilds the bodies (a test checks that this copy and the service agree while they should).
"""

import re
import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("visit", "call", "workorder", "complaint", "loan")
TOKENIZE = "tokenize = 'ascii', prefix = '2', columnsize = 0"
SEP = "\ue000"

# field columns in body order; "table.fk" entries are the name of the row fk points at
FIELDS = {
    "visit": ("serial", "person_name", "phone", "room_text", "id_tail", "visiting", "reason",
              "dept_head", "result", "void_reason"),
    "call": ("serial", "person_name", "phone", "room_text", "call_type", "content", "reply",
             "void_reason", "staff.message_for_id"),
    "workorder": ("serial", "person_name", "phone", "room_text", "location", "category",
                  "description", "assignee", "cause", "work_done", "void_reason"),
    "complaint": ("serial", "person_name", "phone", "room_text", "occurred_place", "target",
                  "category", "subtype", "description", "demand", "witnesses", "department",
                  "measures", "result", "reply", "void_reason"),
    "loan": ("serial", "person_name", "phone", "room_text", "loanitem.item_id", "condition",
             "remarks", "void_reason"),
}  # fmt: skip

_NOT_ALNUM = re.compile(r"[\W_]+")
_PIECES = re.compile(r"[0-9a-z]+|[^0-9a-z]")


def _tokens(text):
    out = []
    norm = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).lower())
    for piece in _PIECES.findall(norm):
        if piece.isascii():
            out.extend([piece[i : i + 3] for i in range(len(piece))])
        else:
            out.append(piece)
    return out


def _body(values):
    parts = []
    for value in values:
        toks = _tokens("" if value is None else str(value))
        if toks:
            parts.append(" ".join(toks))
    return f" {SEP} ".join(parts)


def _source(kind):
    cols = []
    for field in FIELDS[kind]:
        if "." in field:
            table, fk = field.split(".")
            cols.append(f"(SELECT x.name FROM {table} x WHERE x.id = r.{fk})")
        else:
            cols.append(f"r.{field}")
    return f"SELECT r.id, {', '.join(cols)} FROM {kind} r"


def upgrade() -> None:
    con = op.get_bind()
    for kind in KINDS:
        op.execute(f"CREATE VIRTUAL TABLE {kind}_fts USING fts5(body, {TOKENIZE})")
        rows = con.exec_driver_sql(_source(kind)).fetchall()
        if rows:
            con.exec_driver_sql(
                f"INSERT INTO {kind}_fts (rowid, body) VALUES (?, ?)",
                [(row[0], _body(row[1:])) for row in rows],
            )


def downgrade() -> None:
    for kind in KINDS:
        op.execute(f"DROP TABLE IF EXISTS {kind}_fts")
