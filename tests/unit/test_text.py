"""The characters no input may hold: one rule (ocop.text.forbidden_character) for every reader."""

from __future__ import annotations

import pytest

from ocop.text import forbidden_character


@pytest.mark.parametrize("value", ["Mật ong rừng", "tab\tand\nline\r\nbreaks", "{{ x }} <w:p> ]]> & @=+-", "🐝 ★",
                                   "\u00a0non-breaking space", "Na dai Huyền Sơn"])
def test_text_a_clerk_may_type_is_allowed(value: str) -> None:
    assert forbidden_character(value) is None


@pytest.mark.parametrize(("value", "bad"), [
    ("a\x00b", "\x00"), ("\x07", "\x07"), ("x\x08", "\x08"), ("\x0b", "\x0b"), ("\x0c", "\x0c"), ("\x1b[0m", "\x1b"),
    ("\x1f", "\x1f"), ("\x7f", "\x7f"), ("\x80", "\x80"), ("\x9b", "\x9b"), ("\ud800", "\ud800"), ("\udfff", "\udfff"),
    ("\ufdd0", "\ufdd0"), ("\ufdef", "\ufdef"), ("\ufffe", "\ufffe"), ("\uffff", "\uffff"),
    ("\U0001fffe", "\U0001fffe"), ("\U0010ffff", "\U0010ffff"), ("ok \x07 then \x00", "\x07"),
])
def test_control_characters_surrogates_and_noncharacters_are_not(value: str, bad: str) -> None:
    assert forbidden_character(value) == bad
