"""Where a text pattern can match: the stretches of its alphabet around a required literal.

An e-mail address is made of ``[A-Za-z0-9._%+@-]`` only and always holds an ``@``, so it can only
lie inside a maximal stretch of those characters that contains one. Searching those stretches
instead of the whole text gives the same matches (nothing outside them can be part of one) and
keeps `re` from entering the pattern at every digit of a roster: in text full of ID and phone
numbers that entry was most of the e-mail pattern's cost.
"""

from __future__ import annotations

import re

_WINDOW = 256  # characters walked back at a time to find a stretch's start


def run_pattern(alphabet: str) -> re.Pattern[str]:
    """The pattern `islands` takes: any number of characters of `alphabet` (a character class)."""
    return re.compile(f"(?:{alphabet})*")


def islands(text: str, literal: str, run: re.Pattern[str]) -> list[tuple[int, int]]:
    """The maximal stretches of `run`'s characters in `text` that contain `literal` (whose own
    characters are in the alphabet), as (start, end), in order and disjoint."""
    out: list[tuple[int, int]] = []
    p = text.find(literal)
    while p >= 0:
        start = p
        while start > 0:  # walk back: `run` matched against the reversed window before `start`
            lo = max(0, start - _WINDOW)
            back = run.match(text[lo:start][::-1])
            taken = back.end() if back else 0
            start -= taken
            if start != lo or taken == 0:
                break
        m = run.match(text, p)
        end = m.end() if m else p + len(literal)
        out.append((start, end))
        p = text.find(literal, end)
    return out
