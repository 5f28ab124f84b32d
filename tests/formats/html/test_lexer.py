"""The offset-keeping HTML tokenizer (formats/html_lexer.py): a table of the constructs that
decide where text is, each checked against what a browser's tokenizer does."""

from __future__ import annotations

import pytest

from deident.formats.html.lexer import tokenize


def _kinds(src: str) -> list[tuple[str, str, str]]:
    """(kind, name, the token's source text) for each token."""
    return [(t.kind, t.name, src[t.start : t.end]) for t in tokenize(src)]


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("a<b>c</b>", [("text", "", "a"), ("start", "b", "<b>"), ("text", "", "c"), ("end", "b", "</b>")]),
        # "<" not followed by a letter, "/", "!" or "?" is text
        ("1 < 2", [("text", "", "1 "), ("text", "", "<"), ("text", "", " 2")]),
        # raw text: markup inside <script> is not markup
        (
            "<script>if(a<b)'</p>'</script>",
            [
                ("start", "script", "<script>"),
                ("raw", "script", "if(a<b)'</p>'"),
                ("end", "script", "</script>"),
            ],
        ),
        # the end tag must be followed by a space, "/" or ">": </scripts> does not end it
        (
            "<script>x</scripts>y</SCRIPT >",
            [
                ("start", "script", "<script>"),
                ("raw", "script", "x</scripts>y"),
                ("end", "script", "</SCRIPT >"),
            ],
        ),
        ("<!--a-->", [("comment", "", "<!--a-->")]),
        ("<!-->x", [("comment", "", "<!-->"), ("text", "", "x")]),  # an empty comment
        ("<!--a--!>b", [("comment", "", "<!--a--!>"), ("text", "", "b")]),
        ("<!--open", [("comment", "", "<!--open")]),  # unterminated: to the end
        ("<!DOCTYPE html>x", [("doctype", "", "<!DOCTYPE html>"), ("text", "", "x")]),
        ("<?xml v?>x", [("doctype", "", "<?xml v?>"), ("text", "", "x")]),
        ("</ x>y", [("comment", "", "</ x>"), ("text", "", "y")]),  # a bogus comment
        ("<![CDATA[a]]>", [("comment", "", "<![CDATA[a]]>")]),
        # an attribute value may contain ">" when quoted
        ('<a title="x>y">t', [("start", "a", '<a title="x>y">'), ("text", "", "t")]),
        # an unterminated quote runs to the end of the file
        ('<a title="x>y', [("start", "a", '<a title="x>y')]),
        (
            "<textarea><b>x</b></textarea>",
            [
                ("start", "textarea", "<textarea>"),
                ("raw", "textarea", "<b>x</b>"),
                ("end", "textarea", "</textarea>"),
            ],
        ),
    ],
)
def test_tokens(src: str, expected: list[tuple[str, str, str]]) -> None:
    assert _kinds(src) == expected


def test_attributes_keep_value_offsets_and_quotes() -> None:
    src = "<IMG ALT='证件' data-x=\"1\" title=plain checked src = a.png>"
    (tok,) = list(tokenize(src))
    got = [
        (a.name, src[a.value_start : a.value_end] if a.value_start >= 0 else None, a.quote) for a in tok.attrs
    ]
    assert got == [
        ("alt", "证件", "'"),
        ("data-x", "1", '"'),
        ("title", "plain", ""),
        ("checked", None, ""),
        ("src", "a.png", ""),
    ]
    assert tok.name == "img"
