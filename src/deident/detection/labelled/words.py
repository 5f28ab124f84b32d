"""Finding a list of words in a text fast: a trie walked only where a word can start.

Label words (身份证号码, 联系电话 …) are searched in every text; `re` tries an alternation at
every character that starts any word (电, 公, 家 … are common), which cost a quarter of the
engine's time on a roster. The compiled twin (`_native.word_hits`) passes over a character
with one table read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from deident.detection.native import native

Trie = dict[str, Any]
_ALNUM = re.compile("[0-9A-Za-z]")
_GOES_ON = re.compile("[ \\-.\u200b]{0,3}[0-9A-Za-z]")


def build_trie(words: Iterable[str]) -> tuple[Trie, bytes]:
    """Nested dicts, "" marking a word's end, and a table of BMP characters: bit 1 where a word
    starts with the character, bit 2 where it is a word's second character."""
    trie: Trie = {}
    first = bytearray(0x10000)
    for w in words:
        if len(w) < 2 or max(ord(w[0]), ord(w[1])) >= 0x10000:
            raise ValueError(f"a word has two characters at least, the first two in the BMP: {w!r}")
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}
        first[ord(w[0])] |= 1
        first[ord(w[1])] |= 2
    return trie, bytes(first)


def word_hits_python(
    text: str, first: bytes, trie: Trie, reach: int = 0, read: dict[int, int] | None = None
) -> list[tuple[int, int]]:
    """The leftmost-longest, non-overlapping occurrences of the words of `trie`, as `re.finditer`
    of their alternation (longest first) would give them. With `reach`, a word counts only when
    an ASCII letter or digit follows within `reach` characters of its end on the same line, and
    not when that
    character starts a value already `read` ({start: end}) that does not go on after its end."""
    out: list[tuple[int, int]] = []
    n, i = len(text), 0
    while i < n:
        c = ord(text[i])
        if c >= len(first) or not first[c] & 1:
            i += 1
            continue
        if i + 1 >= n:
            break
        c = ord(text[i + 1])
        if c >= len(first) or not first[c] & 2:
            i += 1
            continue
        node: Trie | None = trie
        end, j = -1, i
        while j < n and node is not None:
            node = node.get(text[j])
            if node is None:
                break
            j += 1
            if "" in node:
                end = j
        if end < 0:
            i += 1
            continue
        if reach:
            m = _ALNUM.search(text, end, min(n, end + reach))
            if m is not None and "\n" in text[end : m.start()]:
                m = None  # a value is on its label's line
            if m is None:
                i = end
                continue
            done = read.get(m.start()) if read is not None else None
            if done is not None and not _GOES_ON.match(text, done):
                i = end
                continue
        out.append((i, end))
        i = end
    return out


word_hits = native.word_hits if native is not None and hasattr(native, "word_hits") else word_hits_python


_RUN = re.compile("[0-9A-Za-z]+")


def unread_runs_python(
    text: str, lo: int, hi: int, starts: list[int], ends: list[int], min_len: int
) -> list[tuple[int, int]]:
    """The runs of ASCII letters and digits (at least `min_len`) of text[lo:hi] that no span
    (starts[i], ends[i]) touches: the values in a table that no pattern read. `starts` sorted,
    no span inside another."""
    out: list[tuple[int, int]] = []
    k, m = 0, len(starts)
    for r in _RUN.finditer(text, max(lo, 0), min(hi, len(text))):
        i, j = r.span()
        while k < m and ends[k] <= i:
            k += 1
        if j - i >= min_len and not (k < m and starts[k] < j):
            out.append((i, j))
    return out


unread_runs = (
    native.unread_runs if native is not None and hasattr(native, "unread_runs") else unread_runs_python
)
