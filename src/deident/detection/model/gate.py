"""Which text goes to the model (`deident.detection.model.ner`): text is cut into sentences and
clauses, and only the clauses where a name the judge would accept may start go to the model: a
surname character that no frequent word starts or holds (高度, 国家 are words), a name dot, a
run of transliteration characters (克林顿, 布莱希特), a user named on social media (//@李开复:).
Government prose, where officials and agencies are named by the same characters, stays cheap:
about 1% of corpora/dev goes to the model."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from re import Pattern
from typing import TYPE_CHECKING

from deident.config import ScanConfig
from deident.detection.names.gazetteer import word_list
from deident.detection.names.person import NAME_DOTS, PersonDetector
from deident.detection.names.surnames import COMPOUND, SINGLE, surname_length
from deident.model import Finding

if TYPE_CHECKING:
    from collections.abc import Callable

_SENTENCE = re.compile(r"[^。！？!?；;\n\r]+[。！？!?；;]?")
_MAX_SENTENCE = 160  # longer sentences are cut at a comma (the model's cost grows with length)
_COMMA = re.compile(r"[，,、：:]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2}")
# A surname character (or the first of a compound surname) followed by a Han character: where a
# name the judge can accept may start.
_SURNAME_AT = re.compile(
    "(?:[" + "".join(sorted(SINGLE | {c[0] for c in COMPOUND})) + "])(?=[\u4e00-\u9fff])"
)
_DOT_NAME = re.compile(f"[\u4e00-\u9fff][{re.escape(NAME_DOTS)}][\u4e00-\u9fff]")
_CLAUSE = re.compile(r"[^，,、：:（）()“”\"《》〈〉〔〕\[\]【】\s]+")
_MENTION = re.compile(r"@[\u4e00-\u9fff]")
# A given name does not hold these (the pre-filter's guess; the judge itself checks `not_after`).
_PLACE_CHARS = frozenset("省市区县镇乡村路街道巷号楼室")


@functools.cache
def gate_words() -> tuple[frozenset[str], frozenset[str]]:
    """Words holding a surname character (国家, 已经, 公開; scripts/build_gate_words.py): all of
    them, and the most frequent ones."""
    raw = word_list("gate_words.txt.gz")
    return frozenset(w.rstrip("*") for w in raw), frozenset(w[:-1] for w in raw if w.endswith("*"))


class ModelGate:
    """The pre-filter's half of `NerDetector` (its options are read there)."""

    config: ScanConfig
    person: PersonDetector
    words: frozenset[str]
    _starts: frozenset[str]
    foreign: Pattern[str] | None
    foreign_first: frozenset[str]
    foreign_runs: tuple[int, int, int]
    clause_start_surnames: frozenset[str]
    extend_short: bool
    prefilter: str
    prefilter_bound: str
    clause_context: int
    skip_known: bool
    gate_all: bool
    triggers: Pattern[str] | None
    roles: tuple[str, ...]
    window: int
    judge: Callable[..., float | None]
    _bounded: Callable[..., bool]

    def _sentences(self, folded: str) -> Iterable[tuple[int, str]]:
        for m in _SENTENCE.finditer(folded):
            s, e = m.span()
            while e - s > _MAX_SENTENCE:
                cut = None
                for c in _COMMA.finditer(folded, s + _MAX_SENTENCE // 2, s + _MAX_SENTENCE):
                    cut = c.end()
                cut = cut or s + _MAX_SENTENCE
                yield s, folded[s:cut]
                s = cut
            if s < e:
                yield s, folded[s:e]

    def _inside_word(self, t: str, i: int, lo: int = 0) -> bool:
        """t[i] lies inside a frequent word that starts before it (国家, 巴黎, 公开)."""
        words = self.words
        return bool(words) and any(
            t[j : j + n] in words for j in range(max(lo, i - 3), i) for n in range(i - j + 1, 5)
        )

    def _foreign_run(self, t: str, a: int, b: int, lo: int) -> bool:
        """t[a:b], a run of transliteration characters, holds a stretch that no frequent word
        starts or holds (克林顿, not 特别 or 发布) of `foreign_more_run` characters, or of
        `foreign_run` of `foreign_chars`, or of `foreign_apart_run` that stands apart on one side
        at least (男友亨特，, 像琼斯的)."""
        more, old, apart = self.foreign_runs
        # the cheap tests first: most runs in government prose are two characters of two words
        short = b - a < more and not (b - a >= old and all(c in self.foreign_first for c in t[a:b]))
        if short and not (apart and b - a >= apart and self._bounded(t, a, b, "either")):
            return False
        start = a
        for i in range(a, b + 1):
            if i < b and not (
                t[i : i + 2] in self._starts or t[i : i + 3] in self._starts or self._inside_word(t, i, lo)
            ):
                continue
            n = i - start
            if (
                n >= more
                or (n >= old and all(c in self.foreign_first for c in t[start:i]))
                or (apart and n >= apart and self._bounded(t, start, i, "either"))
            ):
                return True
            start = i + 1
        return False

    def _after_role(self, t: str, i: int) -> bool:
        """A role word (`role_words`: 记者, 总监, 分析师) ends right before t[i]: what follows is a
        person's name even where it starts a frequent word (记者马力, 总监张大伟)."""
        return t.endswith(self.roles, max(0, i - 6), i)  # () when none: False

    def _may_name(
        self, folded: str, s: int, e: int, known: bytes = b"", followers: tuple[str, ...] = ()
    ) -> bool:
        """Some surname in folded[s:e] may start a name the judge accepts, or a name dot is there.

        A surname character that starts a frequent word (高度, 周末) or lies inside one (国家,
        公开, 银行) is read as that word; a weak surname (和, 于, 有) counts only at the start
        of the clause (于恩军先生，)."""
        for d in _DOT_NAME.finditer(folded, s, e):
            if not (known and known[d.start() + 1]):
                return True  # a minority name the rules have not read
        if _MENTION.search(folded, s, e) is not None:
            return True  # a user named on social media (//@李开复:), whatever the name's shape
        if self.foreign is not None:
            for f in self.foreign.finditer(folded, s, e):
                if not (known and known[f.start()]) and self._foreign_run(folded, *f.span(), s):
                    return True  # a transliterated name (基里延科, 布莱希特) has no surname
        inner, weak = self.words, self.person.weak_surnames
        starts = self._starts
        for m in _SURNAME_AT.finditer(folded, s, e):
            i = m.start()
            if known and known[i]:
                continue  # the rules read this character already (a name after a cue, an address)
            if folded[i] in weak and not (i == s and folded[i] in self.clause_start_surnames):
                continue
            if folded[i : i + 3] in starts or folded[i : i + 4] in starts:
                continue
            if folded[i : i + 2] in starts and not self._after_role(folded, i):
                continue  # 高度, 周末; but 记者马力, 总监张大伟, 创始人李岩: a role names a person
            if inner and self._inside_word(folded, i, s):
                continue
            sl = surname_length(folded, i) or 1
            for n in (1, 2):
                if i + sl + n > e or folded[i + sl + n - 1] in _PLACE_CHARS:
                    break  # 金水区, 城南街: a place, not a given name
                if (
                    self.judge(folded, i, i + sl + n, bound=self.prefilter_bound, followers=followers)
                    is not None
                ):
                    return True
        return False

    def _filtered(
        self,
        folded: str,
        pieces: list[tuple[int, int, str]],
        known: bytes = b"",
        followers: tuple[str, ...] = (),
    ) -> list[tuple[int, int, str]]:
        """With ``prefilter: clause`` only the clauses that may hold a name go to the model,
        each with the `clause_context` characters after it (the model reads a name better with what
        follows it: `，男，`, `先生`)."""
        if self.prefilter == "judge":
            return [p for p in pieces if self._may_name(folded, p[0], p[0] + len(p[2]), known, followers)]
        if self.prefilter != "clause":
            return pieces
        out: list[tuple[int, int, str]] = []
        for off, stop, piece in pieces:
            clauses = [(off + m.start(), off + m.end()) for m in _CLAUSE.finditer(piece)]
            lo = hi = -1
            for a, b in clauses:
                if not self._may_name(folded, a, b, known, followers):
                    continue
                b = min(b + self.clause_context, off + len(piece))
                if a <= hi:
                    hi = max(hi, b)
                    continue
                if hi > lo:
                    out.append((lo, stop if hi == off + len(piece) else hi, folded[lo:hi]))
                lo, hi = a, b
            if hi > lo:
                out.append((lo, stop if hi == off + len(piece) else hi, folded[lo:hi]))
        return out

    def _pieces(
        self, folded: str, known: bytes = b"", followers: tuple[str, ...] = ()
    ) -> list[tuple[int, int, str]]:
        return self._filtered(folded, self._gated(folded), known, followers)

    def _known(self, folded: str, findings: Sequence[Finding]) -> bytes:
        """1 for each character inside another recognizer's finding that will be reported."""
        if not findings or not self.skip_known:
            return b""
        mask = bytearray(len(folded))
        for f in findings:
            if f.score >= self.config.min_score:
                mask[f.start : f.end] = b"\x01" * (f.end - f.start)
        return bytes(mask)

    def _gated(self, folded: str) -> list[tuple[int, int, str]]:
        """(offset, sentence end, text) of what goes to the model: whole sentences with
        ``gate: all`` or ``window: 0`` (the sentences that hold a trigger); otherwise a window
        of `window` characters on each side of every trigger, windows of one sentence merged
        (faster, and it loses a third of the names a whole sentence gives: measured)."""
        out: list[tuple[int, int, str]] = []
        for off, sentence in self._sentences(folded):
            if _HAN_RUN.search(sentence) is None:
                continue
            end = off + len(sentence)
            if self.gate_all:
                out.append((off, end, sentence))
                continue
            if self.triggers is None:
                continue
            if self.window <= 0:
                if self.triggers.search(sentence) is not None:
                    out.append((off, end, sentence))
                continue
            lo = hi = -1
            for m in self.triggers.finditer(sentence):
                a, b = max(0, m.start() - self.window), min(len(sentence), m.end() + self.window)
                if a <= hi:
                    hi = max(hi, b)
                    continue
                if hi > lo:
                    out.append((off + lo, end, sentence[lo:hi]))
                lo, hi = a, b
            if hi > lo:
                out.append((off + lo, end, sentence[lo:hi]))
        return out
