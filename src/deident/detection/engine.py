"""The detection engine: one pass for number-like runs, one per text pattern, then detectors,
then context scoring, table hints and overlap resolution.

An `Engine` is immutable once built and holds no per-call state, so one instance can serve
many threads. Build it once (`Engine.create`) and reuse it: compiling the recognizers is
the expensive part.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from deident.config import ScanConfig
from deident.detection.context import WordMatcher
from deident.detection.detectors import Detector, build_detector
from deident.detection.normalise import NUMBER_RUN, fold, is_masked_value, number_groups, touches_mask
from deident.detection.resolve import resolve_overlaps
from deident.detection.spec import PatternSpec, RecognizerSpec, load_specs
from deident.detection.tables import is_value_cell
from deident.detection.validators import VALIDATORS, Validator
from deident.errors import ConfigError
from deident.model import Explanation, Finding

HINT_SCORE = 0.9
_SERIAL = re.compile(r"\s*[0-9]{1,4}[\s.、．)）]*(?=\D)")
# Entities a header may name interchangeably: a landline in a 联系电话 column stays a landline.
# A 证件号码 column holds ID numbers, passports and permits alike.
_FAMILIES = {
    "CN_MOBILE": "phone",
    "CN_LANDLINE": "phone",
    "CN_RESIDENT_ID": "document",
    "CN_PASSPORT": "document",
    "CN_TRAVEL_PERMIT": "document",
}


def _family(entity: str) -> str:
    return _FAMILIES.get(entity, entity)


_MAX_NUMBER_LEN = 19  # the longest number any recognizer matches (bank cards)
_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True, slots=True)
class _Pattern:
    spec: PatternSpec
    rx: re.Pattern[str]
    validator: Validator | None
    exclude: Validator | None
    min_len: int = 0  # the lengths a match can have: number patterns are skipped by length
    max_len: int = 1 << 30


@dataclass(frozen=True, slots=True)
class _Recognizer:
    spec: RecognizerSpec
    patterns: tuple[_Pattern, ...]
    context: WordMatcher
    anti: WordMatcher


@dataclass(frozen=True, slots=True)
class _Candidate:
    recognizer: _Recognizer
    pattern: _Pattern
    score: float
    checksum: str


def _validator(name: str | None, where: str) -> Validator | None:
    if name is None:
        return None
    try:
        return VALIDATORS[name]
    except KeyError:
        raise ConfigError(
            f"{where}: unknown validator '{name}' (known: {', '.join(sorted(VALIDATORS))})"
        ) from None


def _compile(spec: RecognizerSpec) -> _Recognizer:
    patterns = []
    for p in spec.patterns:
        regex = p.regex
        if spec.kind == "text" and spec.boundaries:
            # The left boundary is checked in `_texts_in`: a pattern that starts with a
            # character class lets `re` scan for that class quickly; a leading lookbehind does not.
            regex = rf"(?:{regex})(?![0-9A-Za-z])"
        try:
            rx = re.compile(regex)
        except re.error as exc:
            raise ConfigError(f"{spec.source}: pattern '{p.name}' is not a valid regex: {exc}") from exc
        where = f"{spec.source}: pattern '{p.name}'"
        lo, hi = _widths(regex)
        validator, exclude = _validator(p.validator, where), _validator(p.exclude_validator, where)
        patterns.append(_Pattern(p, rx, validator, exclude, lo, hi))
    return _Recognizer(
        spec, tuple(patterns), WordMatcher.compile(spec.context), WordMatcher.compile(spec.anti_context)
    )


def _widths(regex: str) -> tuple[int, int]:
    """The shortest and longest match of `regex`, from the stdlib's own regex parser."""
    try:
        try:
            from re import _parser as parser  # type: ignore[attr-defined]  # Python >= 3.11
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_parse as parser
        lo, hi = parser.parse(regex).getwidth()
    except Exception:  # an exotic pattern: no length filter
        return 0, 1 << 30
    return int(lo), int(min(hi, 1 << 30))


@functools.lru_cache(maxsize=8)
def _cached_specs(directory: str | None) -> tuple[RecognizerSpec, ...]:
    # Specs are frozen, so sharing them between engines is safe.
    return load_specs(Path(directory) if directory else None)


class Engine:
    def __init__(self, specs: Sequence[RecognizerSpec], config: ScanConfig | None = None) -> None:
        self.config = config or ScanConfig()
        wanted = [s for s in specs if self.config.wants(s.entity)]
        self.specs: tuple[RecognizerSpec, ...] = tuple(specs)
        self._numbers = tuple(_compile(s) for s in wanted if s.kind == "number")
        # Number patterns by the length of value they can match: most runs are tried against
        # one or two patterns only.
        by_len: dict[int, list[tuple[_Recognizer, _Pattern]]] = {}
        for rec in self._numbers:
            for pat in rec.patterns:
                for n in range(pat.min_len, min(pat.max_len, _MAX_NUMBER_LEN) + 1):
                    by_len.setdefault(n, []).append((rec, pat))
        self._by_len = {n: tuple(v) for n, v in by_len.items()}
        self._texts = tuple(_compile(s) for s in wanted if s.kind == "text")
        detectors: list[tuple[RecognizerSpec, Detector]] = []
        for s in wanted:
            if s.kind == "detector" and (s.detector != "ner_model" or self.config.use_model):
                d = build_detector(s, self.config)
                if d is not None:
                    detectors.append((s, d))
        self._detectors = tuple(detectors)

    @classmethod
    def create(cls, config: ScanConfig | None = None, recognizers: Path | None = None) -> Engine:
        return cls(_cached_specs(str(recognizers) if recognizers else None), config)

    # --- scoring -------------------------------------------------------------------------

    def _score(
        self,
        rec: _Recognizer,
        pat: _Pattern,
        value: str,
        verdicts: dict[Validator, bool | None] | None = None,
    ) -> _Candidate | None:
        if pat.validator is None:
            if pat.exclude is not None and pat.exclude(value):
                return None
            return _Candidate(rec, pat, pat.spec.score, "n/a")
        if verdicts is None:
            verdict = pat.validator(value)
        elif pat.validator in verdicts:
            verdict = verdicts[pat.validator]
        else:
            verdict = verdicts[pat.validator] = pat.validator(value)
        if verdict is True:
            return _Candidate(rec, pat, pat.spec.score, "valid")
        # Checked only when the own check fails: 1 in 31 valid ID numbers also passes GB 32100.
        if pat.exclude is not None and pat.exclude(value):
            return None
        if verdict is None:
            score = pat.spec.unknown_score if pat.spec.unknown_score is not None else pat.spec.score
            return _Candidate(rec, pat, score, "unknown")
        if pat.spec.invalid_score is None:
            return None
        return _Candidate(rec, pat, pat.spec.invalid_score, "invalid")

    def _finding(
        self, cand: _Candidate, text: str, folded: str, start: int, end: int, prune: bool = False
    ) -> Finding | None:
        rec = cand.recognizer
        score = cand.score
        if prune and score + rec.spec.context.boost < self.config.min_score:
            return None  # cannot reach the threshold even with context: skip the context search
        notes: list[str] = []
        ctx = rec.context.find(folded, start, end)
        if ctx is not None:
            score = min(1.0, score + rec.spec.context.boost)
        anti = rec.anti.find(folded, start, end)
        if anti is not None:
            if rec.spec.anti_context.suppress:
                return None
            score *= rec.spec.anti_context.factor
        if cand.checksum == "invalid":
            notes.append("checksum invalid")
        return Finding(
            entity_type=rec.spec.entity,
            start=start,
            end=end,
            text=text[start:end],
            score=round(score, 4),
            recognizer=rec.spec.id,
            explanation=Explanation(
                recognizer=rec.spec.id,
                pattern=cand.pattern.spec.name,
                base_score=cand.score,
                checksum=cand.checksum,
                context_word=ctx,
                anti_context_word=anti,
                notes=tuple(notes),
            ),
        )

    # --- passes --------------------------------------------------------------------------

    def _read_number(
        self, value: str, text: str, folded: str, start: int, end: int, prune: bool
    ) -> Finding | None:
        """The best reading of `value` (text[start:end] in compact form) by its *final* score:
        a mistyped ID next to 身份证号 beats the bank-card reading of the same 18 digits."""
        best: Finding | None = None
        verdicts: dict[Validator, bool | None] = {}
        for rec, pat in self._by_len.get(len(value), ()):
            if pat.rx.fullmatch(value):
                cand = self._score(rec, pat, value, verdicts)
                if cand is None:
                    continue
                f = self._finding(cand, text, folded, start, end, prune)
                if f is not None and (best is None or f.score > best.score):
                    best = f
        return best

    def _numbers_in(self, text: str, folded: str, prune: bool) -> Iterable[Finding]:
        if not self._numbers:
            return
        by_len = self._by_len
        for m in NUMBER_RUN.finditer(folded):
            if touches_mask(folded, m.start(), m.end()):
                continue
            run = m.group()
            if run.isdigit():  # fast path: no separators, the common case
                if len(run) in by_len:
                    f = self._read_number(run, text, folded, m.start(), m.end(), prune)
                    if f is not None:
                        yield f
                        continue
                if not (len(run) in (13, 15) and run.startswith(("86", "0086"))):
                    continue
            groups = number_groups(folded, m.start(), m.end())
            i = 0
            while i < len(groups):
                # Of all the ways to read groups[i..j] as one number, keep the best scored one:
                # "0755-12345678 13812345678" is a landline and a mobile, not one 23-digit run.
                best: tuple[Finding, int] | None = None
                value = ""
                for j in range(i, len(groups)):
                    value += groups[j].digits
                    if len(value) > _MAX_NUMBER_LEN + 4:
                        break
                    start = groups[i].start
                    tries = [(value, start)] if len(value) in by_len else []
                    # "8613812345678" / "008613812345678": a country prefix written without a gap.
                    for prefix in ("0086", "86"):
                        if j == i and value.startswith(prefix) and len(value) == len(prefix) + 11:
                            tries.append((value[len(prefix) :], start + len(prefix)))
                    for v, s in tries:
                        f = self._read_number(v, text, folded, s, groups[j].end, prune)
                        # ties go to the longer reading (a 19-digit card over its first 16 digits)
                        if f is not None and (best is None or f.score >= best[0].score):
                            best = (f, j)
                if best is None:
                    i += 1
                    continue
                yield best[0]
                i = best[1] + 1

    def _texts_in(self, text: str, folded: str, prune: bool) -> Iterable[Finding]:
        for rec in self._texts:
            if rec.spec.requires and rec.spec.requires not in folded:
                continue
            for pat in rec.patterns:
                for m in pat.rx.finditer(folded):
                    if touches_mask(folded, m.start(), m.end()):
                        continue
                    if rec.spec.boundaries and m.start() > 0 and folded[m.start() - 1] in _ASCII_ALNUM:
                        continue
                    cand = self._score(rec, pat, m.group())
                    if cand is not None:
                        f = self._finding(cand, text, folded, m.start(), m.end(), prune)
                        if f is not None:
                            yield f

    # --- public --------------------------------------------------------------------------

    def candidates(self, text: str, *, prune: bool = False) -> list[Finding]:
        """Every finding before `min_score` and overlap resolution: what `analyze` chooses from.
        With `prune`, matches that cannot reach `min_score` even with context are left out."""
        folded = fold(text)
        found = list(self._numbers_in(text, folded, prune))
        found.extend(self._texts_in(text, folded, prune))
        for _, det in self._detectors:
            found.extend(det.detect(text, folded))
        return found

    def analyze(
        self, text: str, *, hint_entity: str | None = None, hint_reason: str | None = None
    ) -> list[Finding]:
        """Personal data in `text`, sorted by offset, overlaps resolved, `min_score` applied.

        `hint_entity` says the container declares this text to be that entity (a table cell
        under 身份证号码): the cell is reported even when no pattern or checksum matches.
        """
        # A table hint promotes weak matches in its cell, so then nothing is pruned.
        found = self.candidates(text, prune=hint_entity is None)
        if hint_entity is not None and self.config.wants(hint_entity):
            found = self._apply_hint(text, found, hint_entity, hint_reason)
        kept = [f for f in found if f.score >= self.config.min_score and self.config.wants(f.entity_type)]
        return resolve_overlaps(kept)

    def _name_in_cell(self, text: str, start: int, end: int) -> tuple[int, int]:
        """A name column's cell trimmed to the name: a serial number printed in front of it
        (``1 龚洋`` in a PDF whose columns have no rulings) is not part of the name."""
        lead = _SERIAL.match(text, start, end)
        s = lead.end() if lead else start
        for _, det in self._detectors:
            name_span = getattr(det, "name_span", None)
            if name_span is not None:
                span = name_span(text[s:end])
                if span is not None:
                    return s + span[0], s + span[1]
        return (s, end) if s < end else (start, end)

    def _apply_hint(self, text: str, found: list[Finding], entity: str, reason: str | None) -> list[Finding]:
        if not is_value_cell(text) or is_masked_value(text):
            return found
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        note = reason or "column header"
        out: list[Finding] = []
        covered = False
        for f in found:
            if f.start < end and f.end > start:
                covered = True
                if (
                    f.entity_type != entity
                    and _family(f.entity_type) != _family(entity)
                    and (f.end - f.start >= (end - start) * 0.8)
                ):
                    # The cell is what its header says: 17 digits under 身份证号码 are a mistyped ID,
                    # not a bank card, and must be masked as an ID.
                    f = dataclasses.replace(f, entity_type=entity)
                if f.score < HINT_SCORE:
                    notes = (*f.explanation.notes, note)
                    f = dataclasses.replace(
                        f, score=HINT_SCORE, explanation=dataclasses.replace(f.explanation, notes=notes)
                    )
            out.append(f)
        if not covered:
            if entity == "PERSON":
                start, end = self._name_in_cell(text, start, end)
            out.append(
                Finding(
                    entity_type=entity,
                    start=start,
                    end=end,
                    text=text[start:end],
                    score=HINT_SCORE,
                    recognizer="table_header",
                    explanation=Explanation(
                        "table_header", "column header", HINT_SCORE, "n/a", notes=(note,)
                    ),
                )
            )
        return out
