"""Context words near a match raise its score; anti-context words lower or suppress it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deident.detection.spec import WordsSpec

_CONTEXT, _ANTI = 1, 2


@dataclass(frozen=True, slots=True)
class ContextMatcher:
    """A recognizer's context and anti-context words, found with one scan of the window.

    Reading both lists in one alternation halves the regex calls per match (the engine's
    cost on a roster is per match: a value every few dozen characters), and a word of one
    list that contains a word of the other is read as the longer word: 准考证号 is anti-context,
    not the context word 证号 inside it."""

    context: WordsSpec
    anti: WordsSpec
    rx: re.Pattern[str] | None
    kinds: Mapping[str, int]  # each spelling of a word -> _CONTEXT | _ANTI bits
    before: int
    after: int

    @classmethod
    def compile(cls, context: WordsSpec, anti: WordsSpec) -> ContextMatcher:
        kinds: dict[str, int] = {}
        for words, bit in ((context.words, _CONTEXT), (anti.words, _ANTI)):
            for w in words:
                for variant in spellings(w):
                    kinds[variant] = kinds.get(variant, 0) | bit
        rx = alternation(list(kinds))
        before = max(context.window if context.words else 0, anti.window if anti.words else 0)
        after = max(context.after if context.words else 0, anti.after if anti.words else 0)
        return cls(context, anti, rx, kinds, before, after)

    def find(self, folded: str, start: int, end: int) -> tuple[str | None, str | None]:
        """(context word, anti-context word) nearest to folded[start:end] within their windows:
        the nearest before the match, else (where the list has an `after` window) the first
        after it."""
        rx = self.rx
        if rx is None:
            return None, None
        ctx = anti = None
        # search() first: most windows hold no word at all, and then one call is the whole cost.
        m = rx.search(folded, max(0, start - self.before), start)
        if m is not None:
            ctx_from = start - self.context.window
            anti_from = start - self.anti.window
            kinds = self.kinds
            while m is not None:
                word = m.group()
                kind = kinds[word]
                if kind & _CONTEXT and m.start() >= ctx_from:
                    ctx = word
                if kind & _ANTI and m.start() >= anti_from:
                    anti = word
                m = rx.search(folded, m.end(), start)
        if self.after and (ctx is None or anti is None):
            kinds = self.kinds
            for m in rx.finditer(folded, end, min(len(folded), end + self.after)):
                word = m.group()
                kind = kinds[word]
                if ctx is None and kind & _CONTEXT and m.end() <= end + self.context.after:
                    ctx = word
                if anti is None and kind & _ANTI and m.end() <= end + self.anti.after:
                    anti = word
        return ctx, anti


def spellings(word: str) -> set[str]:
    """The ways a context word is written: as given, and for Latin words also lower-case,
    upper-case and capitalised (ID/id/Id, Tel/TEL/tel). Listed out rather than matched with
    re.IGNORECASE, which makes `re` try every word at every position of the window instead of
    jumping to the characters a word can start with (3x slower on Chinese text)."""
    if not any("a" <= c.lower() <= "z" for c in word):
        return {word}
    return {word, word.lower(), word.upper(), word.capitalize(), word.title()}


def option_words(options: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A word list from a recognizer's `options:`."""
    return tuple(str(w) for w in options.get(key, ()))


def alternation(words: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for a word list, longest words first so that 家庭住址 wins over 住址."""
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
