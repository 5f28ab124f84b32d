"""A person named once in a document is personal data wherever the document names them again.

The person detector reads names where the text introduces them (当事人：张三); a later
paragraph, cell or page header that says only 张三 has no cue. The pipeline learns the names
reported in earlier segments of a file and reports their later mentions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from deident.model import Explanation, Finding

_MIN_SCORE = 0.79  # names the rules are sure of, and the model's names the rules accept (0.79)
_SCORE = 0.85


class Mentions:
    """Per document; not shared between threads."""

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._lengths: list[int] = []  # lengths of the learned names, longest first

    def __len__(self) -> int:
        """How many names are known."""
        return len(self._names)

    def learn(self, findings: Iterable[Finding]) -> None:
        new = {
            f.text
            for f in findings
            if f.entity_type == "PERSON" and len(f.text) >= 2 and f.score >= _MIN_SCORE and "*" not in f.text
        }
        if new - self._names:
            # A set and the lengths, not one regex of all names: a roster (or an archive of
            # rosters) learns a name per row, and recompiling the alternation every time made
            # a document with n names cost O(n^2).
            self._names |= new
            lengths = set(self._lengths) | {len(n) for n in new}
            self._lengths = sorted(lengths, reverse=True)  # 欧阳小明 before 欧阳小

    def extend(self, text: str, found: list[Finding]) -> list[Finding]:
        """`found` with the mentions of learned names added, in order. A mention takes the place
        of shorter names read inside it (the model reads 强磊 of 易强磊 when 易 starts no name
        there): masking the short reading would leave the rest of a known name readable."""
        more = self.find(text, found)
        if not more:
            return found
        inside = {
            id(f)
            for m in more
            for f in found
            if f.entity_type == "PERSON" and m.start <= f.start and f.end <= m.end
        }
        return sorted([*(f for f in found if id(f) not in inside), *more], key=lambda f: f.start)

    def find(self, text: str, existing: Sequence[Finding]) -> list[Finding]:
        """Mentions of learned names in `text` that no existing finding covers, other than a
        shorter name inside the mention (see `extend`)."""
        if not self._names:
            return []
        out = []
        for s, e in self._matches(text):
            over = [f for f in existing if f.start < e and s < f.end]
            if any(
                f.entity_type != "PERSON" or f.start < s or f.end > e or (f.start, f.end) == (s, e)
                for f in over
            ):
                continue
            out.append(
                Finding(
                    entity_type="PERSON",
                    start=s,
                    end=e,
                    text=text[s:e],
                    score=_SCORE,
                    recognizer="person_mention",
                    explanation=Explanation(
                        "person_mention", "named earlier in the document", _SCORE, notes=("repeat mention",)
                    ),
                )
            )
        return out

    def _matches(self, text: str) -> list[tuple[int, int]]:
        """Leftmost, longest-first, non-overlapping occurrences of learned names (what the
        alternation regex of the names, longest first, finds)."""
        names, lengths, shortest = self._names, self._lengths, self._lengths[-1]
        found: list[tuple[int, int]] = []
        size = len(text)
        i, end = 0, size - shortest
        while i <= end:
            for n in lengths:
                if i + n <= size and text[i : i + n] in names:
                    found.append((i, i + n))
                    i += n
                    break
            else:
                i += 1
        return found
