"""Context words near a match raise its score; anti-context words lower or suppress it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deident.detection.spec import WordsSpec


@dataclass(frozen=True, slots=True)
class WordMatcher:
    spec: WordsSpec
    rx: re.Pattern[str] | None

    @classmethod
    def compile(cls, spec: WordsSpec) -> WordMatcher:
        if not spec.words:
            return cls(spec, None)
        # Longest first, so that 家庭电话 wins over 电话 in the explanation.
        words = sorted(set(spec.words), key=len, reverse=True)
        return cls(spec, re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE))

    def find(self, folded: str, start: int, end: int) -> str | None:
        """The context word nearest to folded[start:end] within the window, if any."""
        if self.rx is None:
            return None
        lo = max(0, start - self.spec.window)
        best = None
        for m in self.rx.finditer(folded, lo, start):
            best = m.group()  # the last one is the nearest before the match
        if best is None and self.spec.after:
            m = self.rx.search(folded, end, min(len(folded), end + self.spec.after))
            best = m.group() if m else None
        return best


def option_words(options: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A word list from a recognizer's `options:`."""
    return tuple(str(w) for w in options.get(key, ()))


def alternation(words: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for a word list, longest words first so that 家庭住址 wins over 住址."""
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
