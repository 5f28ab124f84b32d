"""Numbers written so that the number pass does not see them as one run: digits joined by dots
(138.1234.5678), spaced dashes (138 - 1234 - 5678), soft hyphens (U+00AD), invisible separators
(U+2061-U+2064) or runs of zero-width characters, and numbers written in Chinese numerals
(一三八…, 幺 for 1, 两 for 2).

Such a number is rewritten into a plain form (numerals as digits, visible separators as one
space, invisible ones dropped), read by the number pass with the words before it as context,
and its findings are mapped back to the characters of the original. Only the places an odd
rendering starts are looked at: a text without one costs a single regex scan.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from deident.detection.native import native
from deident.model import Finding

_NUMERALS = "〇零一二三四五六七八九幺两"
_DIGIT_OF = {**{c: str(i) for i, c in enumerate("〇一二三四五六七八九")}, "零": "0", "幺": "1", "两": "2"}
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
_VISIBLE = " .\\-·\u3000\u2010-\u2014"
_DIGITS = "0-9\uff10-\uff19" + _NUMERALS
# Where an odd rendering shows: an invisible character other than one zero-width space, groups
# of digits joined by dots (not an amount, not a date), a spaced dash, seven numerals in a row.
_ODD = re.compile(
    "[\u00ad\u2061-\u2064\u200e\u200f]|\u200b[\u200b\u200c\u200d]|[.·](?<=[0-9]{3}[.·])(?=[0-9]{3,4}[.·][0-9])"
    "|-(?<=[0-9] -)(?= [0-9])|[" + _NUMERALS + "]{7}"
)
_RUN = re.compile(f"[{_DIGITS}](?:[{_VISIBLE}{_INVISIBLE}]{{0,4}}[{_DIGITS}xX])+")
_CONTEXT = 24  # characters before a number kept as its context
_NOTE = "unusual rendering"

Reader = Callable[[str], list[Finding]]


def odd_starts_python(text: str) -> list[int]:
    """Where an odd rendering starts (the starts of `_ODD`'s matches): the reference for the
    compiled `_native.odd_starts`, which passes over other characters on one table read."""
    return [m.start() for m in _ODD.finditer(text)]


odd_starts = native.odd_starts if native is not None and hasattr(native, "odd_starts") else odd_starts_python


def odd_numbers(text: str, read: Reader) -> list[Finding]:
    """Findings for the oddly rendered numbers of `text`; `read` is the number pass over a text."""
    out: list[Finding] = []
    done = -1
    for at in odd_starts(text):
        if at < done:
            continue
        run = _run_at(text, at)
        if run is None:
            continue
        a, b = run
        done = b
        ctx = max(0, a - _CONTEXT)
        plain, where = _plain(text, a, b)
        head = text[ctx:a]
        for f in read(head + plain):
            if f.start < len(head):
                continue
            s, e = where[f.start - len(head)], where[f.end - 1 - len(head)] + 1
            notes = (*f.explanation.notes, _NOTE)
            out.append(
                dataclasses.replace(
                    f,
                    start=s,
                    end=e,
                    text=text[s:e],
                    explanation=dataclasses.replace(f.explanation, notes=notes),
                )
            )
    return out


def _run_at(text: str, at: int) -> tuple[int, int] | None:
    lo = max(0, at - 40)
    for m in _RUN.finditer(text, lo, min(len(text), at + 60)):
        if m.start() <= at < m.end() or (m.start() <= at + 1 and at < m.end()):
            return m.span()
    return None


def _plain(text: str, a: int, b: int) -> tuple[str, list[int]]:
    """text[a:b] with numerals as digits, visible separators as one space and invisible ones
    dropped, and the index in `text` of each character kept."""
    chars: list[str] = []
    where: list[int] = []
    for i in range(a, b):
        c = text[i]
        if c in _INVISIBLE:
            continue
        if c in _DIGIT_OF:
            c = _DIGIT_OF[c]
        elif "\uff10" <= c <= "\uff19":
            c = chr(ord(c) - 0xFEE0)
        elif not (c.isdigit() or c in "xX"):
            if chars and chars[-1] == " ":
                continue
            c = " "
        chars.append(c)
        where.append(i)
    return "".join(chars), where


# Markdown emphasis around a whole number (**440881199001011233**, *13812345678*): the stars
# surround its characters instead of replacing them, so the number is not already masked.
_EMPHASIS = re.compile(
    r"(\*\*?|__)([0-9\uff10-\uff19][0-9\uff10-\uff19Xx \-]{5,40}[0-9\uff10-\uff19Xx])\1(?![*_])"
)


def emphasis_at_python(text: str, pos: int) -> int:
    """The first index from `pos` on that holds a "*" or starts a "__", or -1: where a match of
    `_EMPHASIS` can start. The reference for the compiled `_native.emphasis_at`."""
    star, under = text.find("*", pos), text.find("__", pos)
    return min(star, under) if star >= 0 and under >= 0 else max(star, under)


emphasis_at = (
    native.emphasis_at if native is not None and hasattr(native, "emphasis_at") else emphasis_at_python
)


def emphasised_numbers(text: str, read: Reader) -> list[Finding]:
    """Findings for the numbers of `text` set in Markdown bold or italics."""
    out: list[Finding] = []
    # A match starts with its stars or underscores: `re` is tried only where one is (what
    # finditer does, without its scan of every other character).
    at = emphasis_at(text, 0)
    while at >= 0:
        m = _EMPHASIS.match(text, at)
        if m is None:
            at = emphasis_at(text, at + 1)
            continue
        at = emphasis_at(text, m.end())
        if m.start() > 0 and text[m.start() - 1] in "*_":
            continue
        a, b = m.span(2)
        ctx = max(0, a - _CONTEXT)
        head = text[ctx : m.start()] + " " * len(m.group(1))  # the stars are no mask here
        for f in read(head + text[a:b]):
            if f.start >= len(head):
                s, e = f.start - len(head) + a, f.end - len(head) + a
                out.append(dataclasses.replace(f, start=s, end=e, text=text[s:e]))
    return out


_DIGIT_RUN_BEFORE = re.compile(r"[0-9][0-9Xx]{6,18}$")
_DIGIT_RUN_AFTER = re.compile(r"[0-9][0-9Xx]{6,18}")


def starred_numbers(text: str, read: Reader) -> list[Finding]:
    """A footnote star right after (or before) a complete, checksum-valid number (*注*,
    440881199001011233*): the star replaces none of its characters, so it is not masked. A
    truncated run next to stars (4408811990****) never passes a checksum and stays out."""
    out: list[Finding] = []
    at = text.find("*")
    while at >= 0:
        for m in (_DIGIT_RUN_BEFORE.search(text, max(0, at - 19), at), _DIGIT_RUN_AFTER.match(text, at + 1)):
            if m is None or (m.start() > 0 and text[m.start() - 1].isalnum()):
                continue
            if m.end() < len(text) and m.end() != at and text[m.end()].isalnum():
                continue
            a, b = m.span()
            ctx = max(0, a - _CONTEXT)
            head = text[ctx:a].replace("*", " ")
            for f in read(head + text[a:b]):
                if f.start == len(head) and f.end == len(head) + b - a and f.explanation.checksum == "valid":
                    out.append(dataclasses.replace(f, start=a, end=b, text=text[a:b]))
        at = text.find("*", at + 1)
    return out
