"""Chinese line breaking (禁则): no closing mark starts a line, no opening mark ends one,
words, ……, —— and emoji sequences stay whole, no one-character last line — and every
line fits, and the lines give the text back."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.reports import pdf_fonts
from desk.reports.line_breaking import NO_END, NO_START, fill, is_word, joins, pieces
from desk.reports.pdf_layout import wrap


def em(ch: str) -> float:
    """A simple advance: a Chinese character 1, a Latin one ½, a joiner 0."""
    return 0.0 if joins(ch) else 0.5 if ch.isascii() else 1.0


def lines_of(text: str, limit: float) -> list[str]:
    return fill(text, limit, em)


# --- the cases of issue 16 and the rules one by one -----------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "want"),
    [
        # a last line of one character takes the piece before it along
        ("请尽快修", 3, ["请尽", "快修"]),
        ("空调不制冷，请尽快修", 3, ["空调不", "制冷，", "请尽", "快修"]),
        # a closing mark that would start a line brings the character before it down
        ("维修完毕。", 4, ["维修完", "毕。"]),
        ("已完成（返工）", 4, ["已完成", "（返工）"]),
        ("维修（急）", 3, ["维修", "（急）"]),
        # an opening mark that would end a line goes down to the character it opens
        ("请联系（张师傅）", 4, ["请联系", "（张师", "傅）"]),
        ("他说：“好的”", 4, ["他说：", "“好的”"]),
        # …… and —— are never split, and never start a line
        ("等一等……好", 3, ["等一", "等……", "好"]),
        ("水管——漏了", 3, ["水", "管——", "漏了"]),
        # a number, serial or address stays whole; a space is where Latin text breaks
        ("电话13812345678", 6, ["电话", "13812345678"]),
        ("call me now", 2.5, ["call", "me", "now"]),
        # an opening mark closing the paragraph stays with what precedes it
        ("备注（", 2, ["备", "注（"]),
    ],
)
def test_rules_by_example(text: str, limit: float, want: list[str]) -> None:
    assert lines_of(text, limit) == want


def test_the_issues_lines_of_only_xiu_or_an_opening_bracket_are_gone() -> None:
    """Issue 16: a line held only "修" or only "（" (measured with the real fonts)."""
    cases = [
        "请尽快修",
        "空调不制冷，请尽快修",
        "设备维修（二次）",
        "电梯困人（紧急）",
        "门禁卡坏了（第二次）：请尽快修（已催）。",
        "已完成（返工 1 次）",
        "——二楼卫生间阳台修",
    ]
    for text in cases:
        for width in range(30, 200):  # from 3 characters a line
            lines = wrap(text, width)
            assert "修" not in lines and "（" not in lines, (text, width, lines)
            assert all(line[:1] not in NO_START for line in lines[1:]), (text, width, lines)
            assert all(line[-1:] not in NO_END for line in lines[:-1]), (text, width, lines)


def test_a_word_longer_than_the_line_breaks_after_a_hyphen_slash_or_dot() -> None:
    assert lines_of("JY-20261123-001", 6) == ["JY-20261123-", "001"]
    assert lines_of("见https://example.com/a/b", 8) == ["见", "https://example.", "com/a/b"]
    assert lines_of("a" * 9, 2) == ["aaaa", "aaaa", "a"]
    # a character wider than the line has a line of its own
    assert lines_of("中", 0.5) == ["中"] and lines_of("中文。", 0.5) == ["中", "文", "。"]


def test_emoji_sequences_and_flags_stay_whole() -> None:
    family = "👨\u200d👩\u200d👧"
    assert lines_of(f"家{family}家", 3) == ["家", family, "家"]
    assert lines_of("旗🇨🇳旗", 3) == ["旗🇨🇳", "旗"]
    assert lines_of("心❤\ufe0f心", 1) == ["心", "❤\ufe0f", "心"]
    assert lines_of("赞👍🏻", 1) == ["赞", "👍🏻"]


def test_spaces_at_a_break_are_dropped_and_an_indent_kept() -> None:
    assert lines_of("  甲乙 丙", 3) == ["  甲乙", "丙"]
    assert lines_of("甲" + " " * 20 + "乙", 3) == ["甲", "乙"]
    assert lines_of("", 3) == [""] and lines_of("   ", 3) == [""]


# --- properties ------------------------------------------------------------------------------

CJK = st.text(
    st.sampled_from("维修水管漏业主请尽快处理厨房卫生间楼下渗𠮷䶮😀"), min_size=1, max_size=8
)
NUMBER = st.from_regex(r"[0-9]{1,11}号", fullmatch=True)
WORD = st.sampled_from(["PG-20261123-003单", "DN15阀", "repair@example.com邮箱", "60cm长"])
BRACKETS = st.sampled_from(
    ["", "", "（）", "“”", "《》", "「」", "『』", "【】", "‘’", "〈〉", "〔〕"]
)
MARKS = st.sampled_from(["", "", "，", "。", "、", "；", "：", "？", "！", "……", "——", "？！",
                         "。”", "．", "～", "·", "）。", "」，"])  # fmt: skip
CLAUSE = st.builds(lambda w, b, m: b[:1] + w + b[1:] + m, CJK | NUMBER | WORD, BRACKETS, MARKS)
SENTENCES = st.lists(CLAUSE, min_size=1, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(SENTENCES, st.integers(min_value=160, max_value=450))
def test_sentences_keep_every_rule_and_fit(text: str, width: int) -> None:
    """Ordinary text (punctuation after and around words, never a piece wider than the
    line): no exception to the rules, the lines are the text again, and each fits."""
    lines = wrap(text, width)
    assert "".join(lines) == text
    for k, line in enumerate(lines):
        assert line and pdf_fonts.width(line, 10) <= width + 0.01, line
        assert k == 0 or line[0] not in NO_START, lines
        assert k == len(lines) - 1 or line[-1] not in NO_END, lines
    for before, after in itertools.pairwise(lines):
        assert not (is_word(before[-1]) and is_word(after[0])), (before, after)
        assert before[-1] + after[0] not in ("……", "——")
    if len(lines) > 1 and len(lines[-1]) == 1:  # a widow only where it cannot be helped
        *keep, give = pieces(lines[-2])
        too_wide = pdf_fonts.width(give + lines[-1], 10) > width + 0.01
        assert len("".join(keep)) < 2 or too_wide, lines


ANY = st.text(
    st.sampled_from([*"中文字修（）《》“”「」【】，。、！？…—", *"abc09-./@", "😀", "𠮷"]),
    max_size=200,
)


def legal(text: str, i: int) -> bool:
    """May a line break before ``text[i]``? (The rules, written out again for the test.)"""
    a, b = text[i - 1], text[i]
    ends_in_openings = text[i:].strip("".join(NO_END)) == ""
    return not (b in NO_START or a in NO_END or (is_word(a) and is_word(b)) or ends_in_openings)


@settings(max_examples=300, deadline=None)
@given(ANY, st.floats(min_value=0.3, max_value=30))
def test_any_text_breaks_against_a_rule_only_inside_a_piece_wider_than_the_line(
    text: str, limit: float
) -> None:
    lines = lines_of(text, limit)
    assert "".join(lines) == text
    start = 0
    for k, line in enumerate(lines):
        assert len(line) <= 1 or sum(map(em, line)) <= limit, line
        end = start + len(line)
        if k < len(lines) - 1 and not legal(text, end):
            # a forced cut: the line is one unbreakable piece, and so is what follows
            assert not any(legal(text, i) for i in range(start + 1, end)), (lines, k)
            piece_end = next((i for i in range(end + 1, len(text)) if legal(text, i)), len(text))
            assert sum(map(em, text[start:piece_end])) > limit, (lines, k)
        start = end
