"""Number runs and the ways to read them, in Python: the reference for (and fallback of) the
compiled `_native.number_steps` (and `_runs.pxi`, which the compiled number pass reads with).

A run is a stretch of digits with separators (normalise.NUMBER_RUN). It can hold several
values ("0755-12345678 13812345678" is a landline and a mobile) or one value written in groups
("138 1234 5678"), so the engine reads it group by group: *steps*, one per group, each the
*tries* that start at that group (every run of whole groups whose digit count some pattern
can match, plus the number without a ``86``/``0086`` country prefix). A try is
``(value, start, end, last)``: the digits (upper-case X), their span in the text, and the
index of the try's last group, where the engine carries on after a value is found.
"""

from __future__ import annotations

import re
from itertools import accumulate

from deident.detection.native import native
from deident.detection.numbers.normalise import MASK_CHARS, NUMBER_RUN

Try = tuple[str, int, int, int]
_GROUP_SPLIT = re.compile(r"([0-9X]+)")  # a run's digit groups, upper-cased first
_PREFIXES = (("0086", 15), ("86", 13))  # a country prefix and the length it makes with a mobile
MAX_TRY_LEN = 48  # the longest `max_len` accepted (the compiled twin keeps tries in fixed arrays)


def number_steps_python(folded: str, lengths: bytes, max_len: int) -> list[list[list[Try]]]:
    """The steps of every run of `folded` that has at least one try. `lengths[n]` is non-zero
    when some pattern can match n characters; a try longer than `max_len` is not considered.
    A run touching a mask character is part of an already masked value and is left out."""
    if max_len > MAX_TRY_LEN:
        raise ValueError(f"max_len: at most {MAX_TRY_LEN}")
    out: list[list[list[Try]]] = []
    n = len(folded)
    for m in NUMBER_RUN.finditer(folded):
        start, end = m.span()
        if (start and folded[start - 1] in MASK_CHARS) or (end < n and folded[end] in MASK_CHARS):
            continue
        # Parts alternate separators and groups ("", "138", " ", "1234", " ", "5678", "");
        # `offs` are the parts' end offsets.
        parts = _GROUP_SPLIT.split(m.group().upper())
        offs = list(accumulate(map(len, parts), initial=start))
        groups = parts[1::2]
        g_start, g_end = offs[1::2], offs[2::2]
        ends = list(accumulate(map(len, groups)))  # digits up to each group's end
        steps: list[list[Try]] = []
        for i in range(len(groups)):
            tries: list[Try] = []
            before = ends[i - 1] if i else 0
            for j in range(i, len(groups)):
                length = ends[j] - before
                if length > max_len:
                    break
                if length < len(lengths) and lengths[length]:
                    tries.append(("".join(groups[i : j + 1]), g_start[i], g_end[j], j))
                # "8613812345678" / "008613812345678": a country prefix written without a gap.
                if j == i:
                    for prefix, total in _PREFIXES:
                        if length == total and groups[i].startswith(prefix):
                            k = len(prefix)
                            tries.append((groups[i][k:], g_start[i] + k, g_end[j], j))
            steps.append(tries)
        if any(steps):
            out.append(steps)
    return out


number_steps = native.number_steps if native is not None else number_steps_python
