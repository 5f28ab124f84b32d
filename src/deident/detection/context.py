"""Context words near a match raise its score; anti-context words lower or suppress it."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
