"""Where a line of Chinese (mixed with Latin words and numbers) may break: 禁则.

The rules are the usual set for simplified Chinese (W3C "Requirements for Chinese Text
Layout", 3.1.7, and the full-width forms of GB/T 15834):

- no line starts with a closing mark (``NO_START``): the 点号 。．，、；：？！, closing
  quotes and brackets ”’）］｝〕〗〙〉》」』】, the ellipsis …… and dash ——, the 连接号 ～
  and 间隔号 ·, and their ASCII counterparts , . ; : ? ! ) ] } %;
- no line ends with an opening mark (``NO_END``): “‘（［｛〔〖〘〈《「『【 ( [ {, nor with ￥
  (it belongs to the amount after it);
- a Latin word or number (letters, digits, ``WORD_EXTRA``) is never split, nor are ……
  and —— (both halves cannot start a line), nor a character from the combining mark,
  variation selector or joiner that follows it (an emoji sequence, a flag, stays whole).

How (the simplest rule that keeps every line inside its width): the paragraph is cut
into *pieces* between which a break is allowed, and each line takes as many whole pieces
as fit. A closing mark that would start a line therefore brings the character before it
down with it (推出, "pulling down"); nothing hangs into the margin, so a line is at most
one character shorter than it could be. Only a piece wider than a whole line is cut
inside — a word after its last ``-`` ``/`` ``.`` that fits, anything else where it
overflows — and only there can a rule give way.

A paragraph's last line is not left holding a single character (a widow such as "修")
when the line above can give it its last piece and keep two characters.

Spaces: a break may follow a space, never precede one; spaces at a break are dropped
(the joined lines are the paragraph less those spaces), spaces opening a paragraph kept.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Callable

NO_START = frozenset(
    "。．，、；：？！"  # 点号
    "”’）］｝〕〗〙〉》」』】〞〟｠"  # closing quotes and brackets
    "…⋯—～〜·・％‰℃"  # ellipsis, dash, 连接号, 间隔号, units after a number
    ",.;:?!)]}%"
)
NO_END = frozenset("“‘（［｛〔〖〘〈《「『【〝｟([{￥＄")
WORD_EXTRA = frozenset("-_.@/:%+#&'")
SOFT = "-/."  # where a word longer than a line may still be cut: after these
ZWJ = "\u200d"

Advance = Callable[[str], float]


def is_word(ch: str) -> bool:
    """Part of a Latin word, number, serial, address or URL (never split)."""
    return ch.isascii() and (ch.isalnum() or ch in WORD_EXTRA)


def joins(ch: str) -> bool:
    """A character that belongs to the one before it and has no width of its own:
    combining marks, variation selectors, the zero-width joiner, emoji skin tones and
    tags (``😀\ufe0f``, ``👍🏻``, ``👨\u200d👩``)."""
    return bool(_class(ch) & _JOINS)


# what a character is to the rules, as bits (cached: a text has few distinct characters)
_WORD, _NO_START, _NO_END, _JOINS, _SPACE, _ZWJ, _FLAG = (1 << k for k in range(7))


@functools.cache
def _class(ch: str) -> int:
    code = ord(ch)
    joining = (
        (code >= 0x300 and unicodedata.category(ch).startswith("M"))  # variation selectors too
        or ch == ZWJ
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tags (flags of regions)
    )
    return (
        _WORD * is_word(ch)
        | _NO_START * (ch in NO_START)
        | _NO_END * (ch in NO_END)
        | _JOINS * joining
        | _SPACE * (ch == " ")
        | _ZWJ * (ch == ZWJ)
        | _FLAG * (0x1F1E6 <= code <= 0x1F1FF)  # two regional indicators make a flag
    )


def _starts(para: str) -> list[int]:
    """Where each piece of ``para`` starts: the places a line may break (and 0)."""
    classes = list(map(_class, para))
    # an opening mark closing the paragraph (nothing after it) stays with what precedes it
    end = len(para.rstrip(" "))
    tail = end
    while tail > 0 and classes[tail - 1] & _NO_END:
        tail -= 1
    if tail == end:
        tail = -1
    out = [0]
    last = -1  # the class of the last character before ``i`` that is not a space
    never_before = _SPACE | _NO_START | _JOINS
    for i in range(1, len(para)):
        a, b = classes[i - 1], classes[i]
        if not a & _SPACE:
            last = a
        if (
            b & never_before
            or last < 0  # spaces opening a paragraph stay with its first word
            or last & _NO_END
            or a & b & (_WORD | _FLAG)
            or a & _ZWJ
            or i == tail
        ):
            continue
        out.append(i)
    return out


def pieces(para: str) -> list[str]:
    """``para`` cut wherever a line may break; joined, the pieces are ``para`` again."""
    if not para:
        return []
    bounds = [*_starts(para), len(para)]
    return [para[i:j] for i, j in itertools.pairwise(bounds)]


def fill(para: str, limit: float, advance: Advance) -> list[str]:
    """``para`` (one paragraph, no line break) in lines at most ``limit`` wide, each
    character ``advance(ch)`` wide; a line of one character may be wider."""
    if not para:
        return [""]
    x = list(itertools.accumulate(map(advance, para), initial=0.0))  # x[i]: where para[i] starts
    bounds = [*_starts(para), len(para)]
    lines: list[list[tuple[int, int]]] = []  # each line's pieces, as (start, end)
    line: list[tuple[int, int]] = []
    for start, end in itertools.pairwise(bounds):
        body = end  # the piece without the spaces after it, which a break drops
        while body > start and para[body - 1] == " ":
            body -= 1
        if line and x[body] - x[line[0][0]] <= limit:
            line.append((start, end))
            continue
        if line:
            lines.append(line)
        if x[body] - x[start] > limit:  # wider than a line on its own: cut it
            for cut in _cuts(para, start, body, limit, x):
                lines.append([(start, cut)])
                start = cut
        line = [(start, end)]
    lines.append(line)
    _no_widow(para, lines, limit, x)
    return [para[parts[0][0] : parts[-1][1]].rstrip(" ") for parts in lines]


def _cuts(para: str, start: int, end: int, limit: float, x: list[float]) -> list[int]:
    """Where to cut ``para[start:end]``, a piece wider than a line, into parts that fit
    (a part of one character may not); the last part is what is left after the last cut."""
    cuts: list[int] = []
    for i in range(start + 1, end):
        if x[i + 1] - x[start] <= limit or _class(para[i]) & _JOINS:
            continue
        cut = i
        if _class(para[i - 1]) & _class(para[i]) & _WORD:  # inside a word: after - / . if any
            soft = max(para.rfind(mark, start + 1, i) for mark in SOFT)
            if soft > start:
                cut = soft + 1
        cuts.append(cut)
        start = cut
    return cuts


def _no_widow(para: str, lines: list[list[tuple[int, int]]], limit: float, x: list[float]) -> None:
    """Give a last line of one character the last piece of the line above, if it fits
    and leaves that line two characters or more."""
    if len(lines) < 2 or len(lines[-2]) < 2:
        return
    above, last = lines[-2], lines[-1]
    if len(para[last[0][0] : last[-1][1]].strip(" ")) != 1:
        return
    if len(para[above[0][0] : above[-2][1]].strip(" ")) < 2:
        return
    end = len(para[: last[-1][1]].rstrip(" "))
    if x[end] - x[above[-1][0]] <= limit:
        lines[-2], lines[-1] = above[:-1], [above[-1], *last]
