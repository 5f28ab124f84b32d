"""A person named once in a document is personal data wherever the document names them again.

The person detector reads names where the text introduces them (当事人：张三); a later
paragraph, cell or page header that says only 张三 has no cue. The pipeline learns the names
reported in earlier segments of a file and reports their later mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from deident.model import Explanation, Finding

_MIN_SCORE = 0.79  # names the rules are sure of, and the model's names the rules accept (0.79)
_SCORE = 0.85


class Mentions:
    """Per document; not shared between threads."""

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._rx: re.Pattern[str] | None = None

    def learn(self, findings: Iterable[Finding]) -> None:
        new = {
            f.text
            for f in findings
            if f.entity_type == "PERSON" and len(f.text) >= 2 and f.score >= _MIN_SCORE and "*" not in f.text
        }
        if new - self._names:
            self._names |= new
            ordered = sorted(self._names, key=len, reverse=True)  # 欧阳小明 before 欧阳小
            self._rx = re.compile("|".join(map(re.escape, ordered)))

    def find(self, text: str, existing: Sequence[Finding]) -> list[Finding]:
        """Mentions of learned names in `text` that no existing finding covers."""
        if self._rx is None:
            return []
        out = []
        for m in self._rx.finditer(text):
            s, e = m.span()
            if any(f.start < e and s < f.end for f in existing):
                continue
            out.append(
                Finding(
                    entity_type="PERSON",
                    start=s,
                    end=e,
                    text=m.group(),
                    score=_SCORE,
                    recognizer="person_mention",
                    explanation=Explanation(
                        "person_mention", "named earlier in the document", _SCORE, notes=("repeat mention",)
                    ),
                )
            )
        return out
