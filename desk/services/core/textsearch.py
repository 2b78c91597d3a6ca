"""Text search over the desk's records: any substring of any text field, from one character.

One FTS5 table per record kind (``call_fts``, ``visit_fts``, ``workorder_fts``,
``complaint_fts``, ``loan_fts``; rowid = the record's id) with one column, ``body``: the
record's searchable fields (``Field(..., searchable=True)`` in ``desk.models.kinds``),
segmented here in Python so that every substring query becomes an FTS5 *phrase* query.

What a query matches: its letters and digits (case, full/half width, spaces and punctuation
ignored — ``normalize``) appear consecutively in **one** field of the record, with the same
normalization (``３－２－１２０１`` finds room ``3-2-1201``; ``李师傅`` finds ``水电班 李师傅``).
An empty query (nothing left after normalizing) is no filter.

How a body is segmented (``tokens``):

- every non-ASCII letter or digit (CJK, other scripts) is one token: ``张 伟``. Phrase
  queries on these are exact and fast (1 ms over 100,000 calls, even for one character).
- a run of ASCII letters/digits (phones, rooms, serials, Latin words) becomes overlapping
  **trigrams**, truncated at the end of the run: ``5678`` → ``567 678 78 8``. Single-digit
  tokens would make a phone tail a phrase of ten-way common tokens (30–50 ms measured over
  100,000 calls); trigrams are rare and make the same query take well under 1 ms. A query
  run of 3+ characters becomes the phrase of its trigrams; a run the query ends with and
  that is shorter than 3 becomes a prefix token (``"…12" *``, served by the 2-character
  prefix index; 1 character is spelled out as ``"…5" OR "…50" * OR … "…5z" *``). Runs the
  query continues after must end where the record's run ends, so they use the truncated
  tokens exactly as the record does. Every case is exact (the tests compare with a plain
  Python substring check).
- fields are separated by a private-use token (U+E000) no query can contain, so a phrase
  never runs from one field into the next.

The ``ascii`` tokenizer (non-ASCII characters are token characters, ASCII punctuation and
spaces separate) does no more than split at our spaces, so Python decides every token and
no character unknown to SQLite's Unicode tables (rare name characters of CJK extensions
E–H) can go missing from the index.

The index is kept current from Python in the two write paths. ``records.create`` calls
``index_new``: a new record first waits in a short *tail* above the index's highest rowid
(fewer than ``BATCH``), which searches match in Python (``tail_matches``), and the save that
fills the tail indexes it in one go — an FTS5 write costs ~0.1 ms at every commit, a third
of a whole save. ``audit.change`` calls ``after_change``: an indexed record whose text
changed is re-indexed at once (also when a colleague or a loan item is renamed).
``catch_up`` empties the tail (for an idle moment); ``rebuild`` re-indexes everything
(demo data; migration 0003 has its own frozen copy of these rules).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlmodel import Session, SQLModel

from desk.models import LoanItem, Staff, kinds
from desk.models.db import driver

__all__ = [
    "BATCH",
    "KINDS",
    "TextQuery",
    "after_change",
    "body_for",
    "body_of",
    "catch_up",
    "fts_table",
    "index_new",
    "indexed_up_to",
    "is_search_table",
    "normalize",
    "parse",
    "rebuild",
    "search_ids",
    "tail_matches",
    "tokens",
]

SEP = "\ue000"  # between fields: a token character for FTS5 that ``normalize`` always drops
MAX_QUERY_CHARS = 200  # normalized characters of a query that are used
MAX_LIMIT = 100_000
TOKENIZE = "tokenize = 'ascii', prefix = '2', columnsize = 0"

# Shadow tables FTS5 creates beside each virtual table.
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


@dataclass(frozen=True)
class _Lookup:
    """A field shown from another table: ``model.name`` of the row ``fk`` points at."""

    fk: str
    table: str
    model: type[SQLModel]


Field = str | _Lookup

# the tables whose rows' names records show (kinds.Field.names)
_NAMED: dict[str, type[SQLModel]] = {"staff": Staff, "loanitem": LoanItem}


def _field(f: kinds.Field) -> Field:
    return f.name if f.names is None else _Lookup(f.name, f.names, _NAMED[f.names])


# The searchable fields of each kind that has any, in body order: the registry's fields
# marked searchable (desk.models.kinds), in their declared order. The order changes no
# match — a phrase never runs across SEP — so bodies written in another order (migration
# 0003's) stay valid beside today's.
FIELDS: dict[str, tuple[Field, ...]] = {
    key: tuple(_field(f) for f in k.searchable) for key, k in kinds.KINDS.items() if k.searchable
}
KINDS = tuple(FIELDS)

# Attribute names whose change means the record's body must be rebuilt.
INDEXED: dict[str, frozenset[str]] = {
    kind: frozenset(f.fk if isinstance(f, _Lookup) else f for f in fields)
    for kind, fields in FIELDS.items()
}

# Renaming a colleague or a loan item changes the bodies of the records that show the name.
_RENAMES: dict[str, list[tuple[str, str]]] = {}
for _kind, _fields in FIELDS.items():
    for _f in _fields:
        if isinstance(_f, _Lookup):
            _RENAMES.setdefault(_f.table, []).append((_kind, _f.fk))


def fts_table(kind: str) -> str:
    """``call`` → ``call_fts``; ValueError for anything that is not a record kind."""
    if kind not in FIELDS:
        raise ValueError(f"no text index for {kind!r}; kinds: {', '.join(KINDS)}")
    return f"{kind}_fts"


def is_search_table(name: str) -> bool:
    """True for the FTS tables and their shadow tables (not part of SQLModel's metadata)."""
    return any(name.endswith("_fts" + suffix) for suffix in ("", *FTS_SHADOW_SUFFIXES))


def create_sql(kind: str) -> str:
    return f"CREATE VIRTUAL TABLE {fts_table(kind)} USING fts5(body, {TOKENIZE})"


# --- segmentation ----------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"
_PIECES = re.compile(r"[0-9a-z]+|[^0-9a-z]")  # ASCII runs, single other characters


def normalize(text: str) -> str:
    """Letters and digits only, NFKC (full-width → half-width), lower case."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).lower())


def tokens(text: str) -> list[str]:
    """The tokens of one field (see the module docstring)."""
    out: list[str] = []
    for piece in _PIECES.findall(normalize(text)):
        if piece.isascii():
            out.extend([piece[i : i + 3] for i in range(len(piece))])
        else:
            out.append(piece)
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


# as _NOT_ALNUM but keeps the field joiner; "_" goes by str.replace (one character at a time
# is faster here than runs: 1.4 µs against 2.6 µs for a repair order)
_KEEP_FIELDS = re.compile(r"[^\w\x00]")
_JOINERS = re.compile(r"\x00+")
_RUNS = re.compile(r"([0-9a-z]+)")


@lru_cache(maxsize=65536)
def _trigrams(run: str) -> str:
    """An ASCII run's tokens (phones and rooms repeat: cached)."""
    return " ".join([run[i : i + 3] for i in range(len(run))])


def body_of(values: Sequence[Any]) -> str:
    """The FTS body of a record from its field values in ``FIELDS`` order.

    The same as joining ``tokens(field)`` of every non-empty field with `` SEP ``, done on
    the whole record at once (bulk indexing runs this 260,000 times for five years).
    NFKC and lower-casing act the same across the NUL joiner as at the end of a string.
    """
    texts = [t for t in (v if type(v) is str else _text(v) for v in values) if t]
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:  # a NUL inside a field: not a boundary
        joined = "\x00".join([t.replace("\x00", "") for t in texts])
    if not unicodedata.is_normalized("NFKC", joined):
        joined = unicodedata.normalize("NFKC", joined)
    norm = _KEEP_FIELDS.sub("", joined.lower()).replace("_", "")
    if "\x00\x00" in norm or norm[:1] == "\x00" or norm[-1:] == "\x00":  # fields left empty
        norm = _JOINERS.sub("\x00", norm).strip("\x00")
    out = []
    for i, part in enumerate(_RUNS.split(norm)):
        if part:
            # odd parts are ASCII runs; the rest one token per character (the joiner
            # becomes the separator token)
            out.append(_trigrams(part) if i % 2 else " ".join(part))
    return " ".join(out).replace("\x00", SEP)


def body_for(session: Session, obj: SQLModel) -> str:
    """The body of a record object as it is now (names looked up through the session, so
    objects already loaded cost no query)."""
    values = []
    for f in FIELDS[obj.__tablename__]:  # type: ignore[attr-defined]
        if isinstance(f, _Lookup):
            ref = getattr(obj, f.fk)
            other = session.get(f.model, ref) if ref is not None else None
            values.append(getattr(other, "name", None))
        else:
            values.append(getattr(obj, f))
    return body_of(values)


def source_sql(kind: str) -> str:
    """``SELECT id, <fields> FROM kind`` giving what ``body_of`` needs, for bulk indexing."""
    cols = []
    for f in FIELDS[kind]:
        if isinstance(f, _Lookup):
            cols.append(f"(SELECT x.name FROM {f.table} x WHERE x.id = r.{f.fk})")
        else:
            cols.append(f"r.{f}")
    return f"SELECT r.id, {', '.join(cols)} FROM {kind} r"


# --- queries ----------------------------------------------------------------------------------

_ALNUM_ASCII = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class TextQuery:
    """A parsed search: ``match`` for FTS5 MATCH, ``needle`` for the same test on a stored
    body (``instr(' ' || body || ' ', needle) > 0``) when scanning few rows is cheaper."""

    text: str  # the normalized query
    match: str
    needle: str


def _phrase(toks: Sequence[str]) -> str:
    return '"' + " ".join(toks).replace('"', '""') + '"'


def parse(query: str) -> TextQuery | None:
    """The query as FTS5 expression and needle; None when nothing searchable is left."""
    if not isinstance(query, str):
        return None
    text = normalize(query.encode("utf-8", "ignore").decode("utf-8"))[:MAX_QUERY_CHARS]
    if not text:
        return None
    pieces = _PIECES.findall(text)
    toks: list[str] = []
    prefix = ""
    last = len(pieces) - 1
    for n, piece in enumerate(pieces):
        if not piece.isascii():
            toks.append(piece)
        elif n < last:  # the record's run must end here too: its truncated tokens
            toks.extend(piece[i : i + 3] for i in range(len(piece)))
        elif len(piece) >= 3:  # the record's run may go on: whole trigrams only
            toks.extend(piece[i : i + 3] for i in range(len(piece) - 2))
        else:
            prefix = piece
    if not prefix:
        return TextQuery(text, _phrase(toks), " " + " ".join(toks) + " ")
    needle = " " + " ".join([*toks, prefix])
    if len(prefix) == 2:
        return TextQuery(text, _phrase([*toks, prefix]) + " *", needle)
    # A one-character prefix has no prefix index: spell it out as the token itself or any
    # two-character prefix (a run continues only with ASCII letters and digits).
    alternatives = [_phrase([*toks, prefix])]
    alternatives += [_phrase([*toks, prefix + c]) + " *" for c in _ALNUM_ASCII]
    return TextQuery(text, " OR ".join(alternatives), needle)


def search_ids(session: Session, kind: str, query: str, limit: int = 50) -> list[int]:
    """Ids of the ``kind`` records whose text contains ``query``, newest (highest id) first.

    An empty query is no filter: the newest ids. Never raises on odd input.
    """
    table = fts_table(kind)
    limit = max(0, min(int(limit), MAX_LIMIT))
    if limit == 0:
        return []
    parsed = parse(query)
    con = driver(session)
    if parsed is None:
        rows = con.execute(f"SELECT id FROM {kind} ORDER BY id DESC LIMIT ?", (limit,))
        return [r[0] for r in rows]
    _mark, found = tail_matches(con, kind, parsed)
    if len(found) < limit:
        rows = con.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?",
            (parsed.match, limit - len(found)),
        )
        found += [r[0] for r in rows]
    return found[:limit]


# --- keeping the index current ----------------------------------------------------------------
#
# Writing to an FTS5 table costs ~0.1 ms at every commit (a new segment, merges now and
# then) — a third of a whole save of a call (benchmarks/run.py). So new records wait in a
# short *tail*: every record with an id up to the index's highest rowid (the watermark) is
# indexed, and the few above it (fewer than BATCH) are matched in Python at search time
# (``tail_matches``: ~15 µs a record). The save that makes the tail BATCH long indexes it in
# one go. Changes to records already indexed are re-indexed at once (rarer than saves).

BATCH = 32


def indexed_up_to(con: sqlite3.Connection | sqlite3.Cursor, kind: str) -> int:
    """The watermark: every ``kind`` record with an id up to this is in the index."""
    row = con.execute(f"SELECT rowid FROM {fts_table(kind)} ORDER BY rowid DESC LIMIT 1")
    found = row.fetchone()
    return found[0] if found else 0


def tail_matches(
    con: sqlite3.Connection | sqlite3.Cursor, kind: str, query: TextQuery
) -> tuple[int, list[int]]:
    """(watermark, ids of the records above it that ``query`` finds, newest first)."""
    mark = indexed_up_to(con, kind)
    rows = con.execute(f"{source_sql(kind)} WHERE r.id > ? ORDER BY r.id DESC", (mark,))
    return mark, [r[0] for r in rows if query.needle in f" {body_of(r[1:])} "]


def index_new(session: Session, obj: SQLModel) -> None:
    """A record was just inserted (``records.create``): index the tail if it is long enough."""
    kind = obj.__tablename__  # type: ignore[attr-defined]
    if kind in FIELDS:
        mark = indexed_up_to(driver(session), kind)
        if obj.id - mark >= BATCH:  # type: ignore[attr-defined]
            _index_tail(session, kind, mark)


def catch_up(session: Session, kinds: Iterable[str] = KINDS) -> dict[str, int]:
    """Index every record still in the tail (e.g. when the desk is idle); records indexed."""
    done = {}
    for kind in kinds:
        done[kind] = _index_tail(session, kind, indexed_up_to(driver(session), kind))
    return done


def _index_tail(session: Session, kind: str, mark: int) -> int:
    session.flush()  # the rows are read back by SQL: this transaction's changes first
    con = driver(session)
    rows = con.execute(f"{source_sql(kind)} WHERE r.id > ? ORDER BY r.id", (mark,)).fetchall()
    _write(con, kind, rows, replace=False)
    return len(rows)


def _reindex(session: Session, obj: SQLModel) -> None:
    kind = obj.__tablename__  # type: ignore[attr-defined]
    con = driver(session)
    con.execute(f"DELETE FROM {kind}_fts WHERE rowid = ?", (obj.id,))  # type: ignore[attr-defined]
    con.execute(
        f"INSERT INTO {kind}_fts (rowid, body) VALUES (?, ?)",
        (obj.id, body_for(session, obj)),  # type: ignore[attr-defined]
    )


def after_change(session: Session, obj: SQLModel, changed: Iterable[str]) -> None:
    """Called by ``audit.change`` with the fields that changed: re-index what shows them.

    A record still in the tail needs nothing: it is read as it is when searched or indexed.
    """
    table = obj.__tablename__  # type: ignore[attr-defined]
    changed = set(changed)
    if table in INDEXED:
        if changed & INDEXED[table] and obj.id <= indexed_up_to(driver(session), table):  # type: ignore[attr-defined]
            _reindex(session, obj)
    elif "name" in changed and table in _RENAMES:
        session.flush()  # the bodies are read back by SQL: the new name must be there (rare)
        con = driver(session)
        for kind, fk in _RENAMES[table]:
            where = f" WHERE r.{fk} = ? AND r.id <= ?"
            params = (obj.id, indexed_up_to(con, kind))  # type: ignore[attr-defined]
            _write(
                con, kind, con.execute(source_sql(kind) + where, params).fetchall(), replace=True
            )


def _write(
    con: sqlite3.Connection | sqlite3.Cursor,
    kind: str,
    rows: Sequence[Sequence[Any]],
    *,
    replace: bool,
) -> None:
    table = fts_table(kind)
    if replace:
        con.executemany(f"DELETE FROM {table} WHERE rowid = ?", [(r[0],) for r in rows])
    con.executemany(
        f"INSERT INTO {table} (rowid, body) VALUES (?, ?)",
        [(r[0], body_of(r[1:])) for r in rows],
    )


def rebuild(
    con: sqlite3.Connection | sqlite3.Cursor,
    kinds: Iterable[str] = KINDS,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Re-index every record of ``kinds`` from the tables, on a raw sqlite3 connection, in
    the caller's transaction (bulk: demo data, repairs). Returns the rows indexed per kind."""
    counts = {}
    for kind in kinds:
        table = fts_table(kind)
        con.execute(f"DELETE FROM {table}")
        # FTS5's own 1 MB batches (``hashsize``) and merges leave segments on several levels,
        # as years of saves would. One giant segment (a 64 MB ``hashsize``, 1 s faster here)
        # sits on level 0, and the first small merges that take it in stall a save for
        # ~0.5 s, again and again in the first weeks.
        rows = con.execute(source_sql(kind)).fetchall()
        _write(con, kind, rows, replace=False)
        counts[kind] = len(rows)
        if progress is not None:
            progress(kind, len(rows))
    return counts
