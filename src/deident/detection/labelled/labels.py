"""The label decides: a value right after a word that names a personal identifier (身份证号码,
银行账号, 护照号码, 联系电话 …) is that identifier even when no pattern or checksum fits it.

A mistyped ID (17 digits, a wrong check digit, a birth year before 1900) is still someone's ID,
an account of 25 digits is still an account, and a passport of a foreign format is still a
passport. The label words and the shapes a value may take live in ``recognizers/*.yaml``
(``labels:``); this module finds them in prose (``label：value``, ``label value``, ``label为value``,
``label是value``), in form fields and in JSON or HTML attribute keys (``"身份证号": "…"``), which
is also how `scan_text` reads a table it cannot see as one.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter, le, sub
from typing import Any

from deident.detection.compiled import Recognizer
from deident.detection.context import spellings
from deident.detection.labelled.words import build_trie, word_hits
from deident.detection.native import reading
from deident.detection.numbers.normalise import MASK_CHARS
from deident.model import FINDING_FIELDS, Explanation, Finding, changed, new_finding

# Between a label and its value: a 号码/号 the word list left out, a closing bracket or quote,
# a colon, 为 or 是, an opening quote, Markdown bold (emphasis, not masking), spaces.
_GLUE = re.compile(
    r"(?:号码|号)?[ \t\u3000\u200b]*(?:[(（][^()（）0-9\n]{1,8}[)）])?[\"'”’]?[ \t\u3000\u200b]*"
    r"(?:[:：=]|为|是|:|\|)?[ \t\u3000\u200b]*[\"'“‘]?(?:\*\*|__)?[ \t\u3000\u200b]*"
)
# The glue, then the start of something a value can be: a letter or digit, a bracket or +, or a
# few Han characters before one (粤A·7102领, 深房地字第300…号).
_GLUE_VALUE = re.compile(_GLUE.pattern + r"(?=[0-9A-Za-z(（+]|[\u3400-\u9fff]{1,14}[0-9A-Za-z])")
_AFTER = re.compile(r"[0-9A-Za-z_]")  # a value ends where no letter or digit follows
_SIGNIFICANT = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_START = attrgetter("start")
_END = attrgetter("end")
_REACH = 24  # a value's first letter or digit comes within this many characters of its label
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


@dataclass(frozen=True, slots=True)
class _Owner:
    rec: Recognizer
    values: tuple[re.Pattern[str], ...]
    lo: int
    hi: int
    score: float
    not_after: re.Pattern[str] | None
    prefix: re.Pattern[str] | None


class LabelReader:
    """Every labelled value of a text, one finding each (score from the recognizer's
    ``labels.score``, explanation naming the label)."""

    def __init__(self, recognizers: Sequence[Recognizer]) -> None:
        owners: dict[str, list[_Owner]] = {}
        for rec in recognizers:
            labels = rec.spec.labels
            if labels is None:
                continue
            values = tuple(re.compile(v) for v in labels.values)
            prefix = re.compile(labels.prefix) if labels.prefix else None
            owner = _Owner(rec, values, *labels.length, labels.score, _tail(labels.not_after), prefix)
            for word in labels.words:
                for variant in spellings(word):
                    owners.setdefault(variant, []).append(owner)
        self._owners = {w: tuple(o) for w, o in owners.items()}
        self._trie, self._first = build_trie(owners)
        self._strong = max((o.score for os in owners.values() for o in os), default=1.0)
        self._explanations: dict[tuple[str, str], Explanation] = {}
        self._compiled: Any = (
            reading.LabelScan(
                self._owners,
                self._first,
                self._strong,
                _REACH,
                _GLUE_VALUE.match,
                self._finding,
                _blocked,
            )
            if reading is not None and hasattr(reading, "LabelScan")
            else None
        )

    def __bool__(self) -> bool:
        return bool(self._owners)

    def read(self, text: str, folded: str, found: Sequence[Finding] = ()) -> list[Finding]:
        """The labelled values of `text`. A value the patterns already read whole (a finding of
        one of the label's entities in `found` spans it) is not read again. Compiled
        (`_reading.LabelScan`) where installed; `read_python` is the reference."""
        if self._compiled is not None:
            return self._compiled.read(text, folded, found)  # type: ignore[no-any-return]
        return self.read_python(text, folded, found)

    def read_python(self, text: str, folded: str, found: Sequence[Finding] = ()) -> list[Finding]:
        """`read` in Python."""
        out: list[Finding] = []
        if not self._owners:
            return out
        # Values the patterns read as strongly as a label would: their labels need no reading.
        read = {f.start: f.end for f in found if f.score >= self._strong} if found else None
        by_start: dict[int, Finding] | None = None
        pos = 0
        for start, stop in word_hits(folded, self._first, self._trie, _REACH, read):
            if start < pos:
                continue  # inside the value just read
            word = folded[start:stop]
            if word[0] in _LATIN and start > 0 and folded[start - 1] in _LATIN:
                continue  # "tel" inside "hotel"
            m = _GLUE_VALUE.match(folded, stop)
            if m is None:
                continue
            at = m.end()
            owners = self._owners[word]
            if found:
                if by_start is None:
                    by_start = {f.start: f for f in found}
                f = by_start.get(at)
                if f is not None and _read_whole(f, owners, folded):
                    pos = f.end
                    continue
            best: tuple[int, _Owner] | None = None
            for owner in owners:
                end = _value_end(owner, folded, at)
                if (
                    end is not None
                    and (best is None or end > best[0])
                    and not _blocked(owner, folded, start, at)
                ):
                    best = (end, owner)
            if best is None:
                continue
            end, owner = best
            if owner.prefix is not None:
                p = owner.prefix.match(folded, at, end)
                at = p.end() if p is not None and p.end() < end else at
            out.append(self._finding(owner, word, text, at, end))
            pos = end
        return out

    def _finding(self, owner: _Owner, word: str, text: str, start: int, end: int) -> Finding:
        spec = owner.rec.spec
        key = (spec.id, word)
        explanation = self._explanations.get(key)
        if explanation is None:
            explanation = self._explanations.setdefault(
                key,
                Explanation(
                    spec.id, "label", owner.score, "n/a", context_word=word, notes=(f"label {word}",)
                ),
            )
        return new_finding(spec.entity, start, end, text[start:end], owner.score, spec.id, explanation)


_CONTINUES = re.compile(r"[ \-.\u200b]{0,3}[0-9A-Za-z]")


def _read_whole(f: Finding, owners: Sequence[_Owner], folded: str) -> bool:
    """`f` is one of the owners' entities, as strong as the label would make it, and the value
    does not go on after it."""
    return any(
        o.rec.spec.entity == f.entity_type and f.score >= o.score for o in owners
    ) and not _CONTINUES.match(folded, f.end)


def _tail(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")$")


def _value_end(owner: _Owner, folded: str, at: int) -> int | None:
    """Where the longest value shape of `owner` that fits at `at` ends, or None."""
    best = None
    for rx in owner.values:
        v = rx.match(folded, at)
        if v is None or v.end() == at:
            continue
        end = v.end()
        if end < len(folded) and _AFTER.match(folded, end):
            continue
        if end < len(folded) and folded[end] in MASK_CHARS and folded[end : end + 2] != "**":
            continue  # an already masked value: 4408811990****1233
        value = folded[at:end]
        # Letters and digits only (most values): every character counts, no regex needed.
        n = len(value) if value.isascii() and value.isalnum() else len(_SIGNIFICANT.findall(value))
        if owner.lo <= n <= owner.hi and (best is None or end > best):
            best = end
    return best


def _blocked(owner: _Owner, folded: str, start: int, at: int) -> bool:
    """The label is someone else's (办公电话, 咨询电话), or the recognizer's anti-context
    suppresses what follows it."""
    if owner.not_after is not None and owner.not_after.search(folded, max(0, start - 8), start):
        return True
    spec = owner.rec.spec
    if spec.anti_context.suppress and spec.anti_context.words:
        _, anti = owner.rec.words.find(folded, at, at)
        return anti is not None
    return False


def merge_python(found: list[Finding], labelled: list[Finding]) -> list[Finding]:
    """Labelled values joined with the pattern findings. A pattern finding of the same span keeps
    its explanation (raised to the label's score); one inside a labelled value gives way to the
    whole value (a 25-digit account is masked whole, never as a 19-digit window). The reference
    for the compiled `_reading.Merger` (`merge`)."""
    if not labelled:
        return found
    starts = list(map(_START, found))
    if all(map(le, starts, starts[1:])):
        ordered = found
    else:
        ordered = sorted(found, key=_START)
        starts = list(map(_START, ordered))
    longest = max(map(sub, map(_END, ordered), starts), default=0)
    out: list[Finding] = []
    taken: set[int] = set()
    for lab in labelled:
        replaced = None
        for i in range(bisect_left(starts, lab.start - longest), bisect_left(starts, lab.end)):
            f = ordered[i]
            if i in taken or f.end <= lab.start:
                continue
            if f.start <= lab.start and f.end >= lab.end and f.entity_type == lab.entity_type:
                replaced = f  # the pattern reads the same value: its explanation says more
                taken.add(i)
            elif f.start >= lab.start and f.end <= lab.end:
                taken.add(i)  # inside the labelled value
        if replaced is not None:
            if replaced.score < lab.score:
                replaced = _raised(replaced, lab)
            out.append(replaced)
        else:
            out.append(lab)
    prev = 0
    for i in sorted(taken):  # the slices between the few findings taken, not a loop over all
        out.extend(ordered[prev:i])
        prev = i + 1
    out.extend(ordered[prev:])
    return out


def _raised(f: Finding, lab: Finding) -> Finding:
    """`f` with the score of the labelled value `lab` it reads, and the label's notes."""
    return _with(f, lab.score, (*f.explanation.notes, *lab.explanation.notes))


def _merger() -> Callable[[list[Finding], list[Finding]], list[Finding]]:
    if reading is not None and hasattr(reading, "Merger"):
        compiled: Any = reading.Merger(merge_python, _raised, Finding, FINDING_FIELDS)
        return compiled  # type: ignore[no-any-return]
    return merge_python


# (id of an explanation, notes) -> (that explanation, the one with the notes): keyed by identity,
# as hashing a dataclass hashes all its fields; the entry keeps its key's object alive.
_NOTED: dict[tuple[int, tuple[str, ...]], tuple[Explanation, Explanation]] = {}


def _with(f: Finding, score: float, notes: tuple[str, ...]) -> Finding:
    key = (id(f.explanation), notes)
    entry = _NOTED.get(key)
    if entry is None or entry[0] is not f.explanation:
        if len(_NOTED) > 4096:
            _NOTED.clear()
        entry = _NOTED[key] = (f.explanation, dataclasses.replace(f.explanation, notes=notes))
    return changed(f, score=score, explanation=entry[1])


# `merge_python`, in C where compiled (lists of findings with int offsets).
merge = _merger()
