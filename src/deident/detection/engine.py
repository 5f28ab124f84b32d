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
from operator import itemgetter
from pathlib import Path
from typing import Any

from deident.config import ScanConfig
from deident.detection.context import ContextMatcher
from deident.detection.detectors import Detector, build_detector
from deident.detection.islands import islands, run_pattern
from deident.detection.native import reading
from deident.detection.normalise import fold, is_masked_value, touches_mask
from deident.detection.resolve import resolve_overlaps
from deident.detection.runs import Try, number_steps
from deident.detection.spec import PatternSpec, RecognizerSpec, load_specs, regex_width
from deident.detection.tables import is_value_cell
from deident.detection.validators import VALIDATORS, Validator
from deident.errors import ConfigError
from deident.model import FINDING_FIELDS, Explanation, Finding, new_finding

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
    words: ContextMatcher  # context and anti-context words
    # The most context can add to a base score (anti-context factors above 1 included), so
    # that a reading's best possible final score is known before its context is searched.
    upper_gain: float = 0.0
    alphabet: re.Pattern[str] | None = None  # `islands.run_pattern` of the spec's alphabet


# A pattern's reading of a value before context: (score, checksum verdict).
_Verdict = tuple[float, str]
# Its final score after context, with the context and anti-context words that set it.
_Judged = tuple[float, str | None, str | None]
# One way to read a span: everything a Finding is made of, kept as a tuple until it wins.
_Reading = tuple[_Recognizer, _Pattern, _Verdict, _Judged, int, int]


# A step of `_best_reading`'s plan: (best possible final score, try index, -pattern order, …).
_Planned = tuple[float, int, int, _Recognizer, _Pattern]


_PLAN_ORDER = itemgetter(0, 1, 2)  # bound, then the later try, then the earlier pattern


def _bound(rec: _Recognizer, pat: _Pattern) -> float:
    """The highest final score `pat` can give, whatever the checksum and the context."""
    spec = pat.spec
    base = max(x for x in (spec.score, spec.unknown_score, spec.invalid_score) if x is not None)
    return min(1.0, base + rec.upper_gain)


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
    gain = spec.context.boost + (1.0 if spec.anti_context.factor > 1.0 else 0.0)
    alphabet = run_pattern(spec.alphabet) if spec.alphabet else None
    words = ContextMatcher.compile(spec.context, spec.anti_context)
    return _Recognizer(spec, tuple(patterns), words, gain, alphabet)


def _widths(regex: str) -> tuple[int, int]:
    """The shortest and longest match of `regex` (at most 2**30)."""
    try:
        lo, hi = regex_width(regex)
    except Exception:  # an exotic pattern: no length filter
        return 0, 1 << 30
    return lo, min(hi, 1 << 30)


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
        # Each length's patterns ranked by the best final score they could ever give, as the
        # plan `_best_reading` follows for a single value: (bound, try 0, -order, rec, pat).
        self._by_len: dict[int, tuple[_Planned, ...]] = {
            n: tuple(
                sorted(
                    ((_bound(rec, pat), 0, -order, rec, pat) for order, (rec, pat) in enumerate(v)),
                    key=_PLAN_ORDER,
                    reverse=True,
                )
            )
            for n, v in by_len.items()
        }
        # The same lengths as flags for `runs.number_steps`: lengths[n] is 1 when a pattern can
        # match a value of n characters.
        self._lengths = bytes(1 if n in by_len else 0 for n in range(_MAX_NUMBER_LEN + 1))
        self._texts = tuple(_compile(s) for s in wanted if s.kind == "text")
        detectors: list[tuple[RecognizerSpec, Detector]] = []
        for s in wanted:
            if s.kind == "detector" and (s.detector != "ner_model" or self.config.use_model):
                d = build_detector(s, self.config)
                if d is not None:
                    detectors.append((s, d))
        self._detectors = tuple(detectors)
        # Shared, immutable explanations by what they say (see `_make`). Filling it from many
        # threads is safe: a lost race only builds an equal object twice.
        self._explanations: dict[tuple[object, ...], Explanation] = {}
        # The number pass compiled (detection/_reading.pyx), when installed: same findings.
        self._reader: Any = (
            reading.NumberReader(
                self._by_len,
                self._lengths,
                _MAX_NUMBER_LEN + 4,
                self.config.min_score,
                self._explanations,
                self._explain,
                Finding,
                FINDING_FIELDS,
            )
            if reading is not None and self._numbers
            else None
        )
        self._text_readers: tuple[Any, ...] = tuple(
            reading.TextReader(
                rec, self.config.min_score, self._explanations, self._explain, Finding, FINDING_FIELDS
            )
            if reading is not None
            else None
            for rec in self._texts
        )

    @classmethod
    def create(cls, config: ScanConfig | None = None, recognizers: Path | None = None) -> Engine:
        return cls(_cached_specs(str(recognizers) if recognizers else None), config)

    # --- scoring -------------------------------------------------------------------------

    def _score(
        self,
        pat: _Pattern,
        value: str,
        verdicts: dict[Validator, bool | None] | None = None,
    ) -> _Verdict | None:
        if pat.validator is None:
            if pat.exclude is not None and pat.exclude(value):
                return None
            return pat.spec.score, "n/a"
        if verdicts is None:
            verdict = pat.validator(value)
        elif pat.validator in verdicts:
            verdict = verdicts[pat.validator]
        else:
            verdict = verdicts[pat.validator] = pat.validator(value)
        if verdict is True:
            return pat.spec.score, "valid"
        # Checked only when the own check fails: 1 in 31 valid ID numbers also passes GB 32100.
        if pat.exclude is not None and pat.exclude(value):
            return None
        if verdict is None:
            score = pat.spec.unknown_score if pat.spec.unknown_score is not None else pat.spec.score
            return score, "unknown"
        if pat.spec.invalid_score is None:
            return None
        return pat.spec.invalid_score, "invalid"

    def _judge(
        self, rec: _Recognizer, base: float, folded: str, start: int, end: int, prune: bool
    ) -> _Judged | None:
        """The final score of a match with base score `base`, and the context and anti-context
        words that set it; None when anti-context suppresses it (or, with `prune`, when it
        cannot reach `min_score` even with context, so the context search is skipped)."""
        spec = rec.spec
        if prune and base + spec.context.boost < self.config.min_score:
            return None
        ctx, anti = rec.words.find(folded, start, end)
        score = base
        if ctx is not None:
            score = min(1.0, score + spec.context.boost)
        if anti is not None:
            if spec.anti_context.suppress:
                return None
            score *= spec.anti_context.factor
        return round(score, 4), ctx, anti

    def _explain(
        self, recognizer: str, pattern: str, base: float, checksum: str, ctx: str | None, anti: str | None
    ) -> Explanation:
        """The shared explanation of a reading. Explanations are immutable and few (recognizer x
        pattern x verdict x context word), so findings share them: building one costs more than
        the rest of a finding."""
        key = (recognizer, pattern, checksum, ctx, anti)  # the base follows from these
        explanation = self._explanations.get(key)
        if explanation is None:
            explanation = self._explanations.setdefault(
                key,
                Explanation(
                    recognizer=recognizer,
                    pattern=pattern,
                    base_score=base,
                    checksum=checksum,
                    context_word=ctx,
                    anti_context_word=anti,
                    notes=("checksum invalid",) if checksum == "invalid" else (),
                ),
            )
        return explanation

    def _make(
        self,
        rec: _Recognizer,
        pat: _Pattern,
        verdict: _Verdict,
        judged: _Judged,
        start: int,
        end: int,
        text: str,
    ) -> Finding:
        base, checksum = verdict
        score, ctx, anti = judged
        explanation = self._explain(rec.spec.id, pat.spec.name, base, checksum, ctx, anti)
        return new_finding(rec.spec.entity, start, end, text[start:end], score, rec.spec.id, explanation)

    # --- passes --------------------------------------------------------------------------

    def _best_reading(self, tries: Sequence[Try], folded: str, prune: bool) -> tuple[_Reading, int] | None:
        """The best way to read a span, and the index of the try it reads. `tries` are values
        in compact form with their spans (`runs.Try`: ``value`` is folded[start:end] without
        separators); each is read by every pattern of its length. The best reading has the highest *final*
        score (a mistyped ID next to 身份证号 beats the bank-card reading of the same 18 digits);
        a tie goes to the later try (the longer number), then to the earlier pattern.

        Checksums and the context search are the costly steps, so readings are taken best
        bound first (the highest score a pattern can give, then the one its checksum allows)
        and the search stops once no bound can beat the best reading found: on a roster that
        is one checksum and one context search per value. Readings stay tuples; only the
        winner becomes a Finding (`_make`)."""
        by_len = self._by_len
        if len(tries) == 1:
            plan: Sequence[_Planned] = by_len.get(len(tries[0][0]), ())
        else:
            plan = sorted(
                (
                    (bound, k, neg_order, rec, pat)
                    for k, (value, *_) in enumerate(tries)
                    for bound, _, neg_order, rec, pat in by_len.get(len(value), ())
                ),
                key=_PLAN_ORDER,
                reverse=True,
            )
        best: tuple[_Reading, int] | None = None
        best_key = (-1.0, 0, 0)
        verdicts: dict[int, dict[Validator, bool | None]] = {}
        for bound, k, neg_order, rec, pat in plan:
            if (bound, k, neg_order) < best_key:
                break  # neither this reading nor any after it can win
            value, start, end, _ = tries[k]
            if pat.rx.fullmatch(value) is None:
                continue
            verdict = self._score(pat, value, verdicts.setdefault(k, {}))
            if verdict is None or (min(1.0, verdict[0] + rec.upper_gain), k, neg_order) < best_key:
                continue
            judged = self._judge(rec, verdict[0], folded, start, end, prune)
            if judged is not None and (judged[0], k, neg_order) > best_key:
                best_key = (judged[0], k, neg_order)
                best = (rec, pat, verdict, judged, start, end), k
        return best

    def _numbers_in(self, text: str, folded: str, prune: bool) -> list[Finding]:
        if self._reader is not None:
            return self._reader.read(text, folded, prune)  # a fresh list
        return self._numbers_in_python(text, folded, prune)

    def _numbers_in_python(self, text: str, folded: str, prune: bool) -> list[Finding]:
        """The number pass: the reference for (and fallback of) the compiled `_reading`."""
        out: list[Finding] = []
        if not self._numbers:
            return out
        best_reading = self._best_reading
        for steps in number_steps(folded, self._lengths, _MAX_NUMBER_LEN + 4):
            # Of all the ways to read groups[i..j] as one number, keep the best scored one, then
            # carry on after its last group: "0755-12345678 13812345678" is a landline and a
            # mobile, not one 23-digit run.
            i, ng = 0, len(steps)
            while i < ng:
                tries = steps[i]
                r = best_reading(tries, folded, prune) if tries else None
                if r is None:
                    i += 1
                    continue
                out.append(self._make(*r[0], text))
                i = tries[r[1]][3] + 1
        return out

    def _texts_in(self, text: str, folded: str, prune: bool) -> list[Finding]:
        out: list[Finding] = []
        everywhere = ((0, len(folded)),)
        for rec, reader in zip(self._texts, self._text_readers, strict=True):
            required = rec.spec.requires
            if required and required not in folded:
                continue
            # Only the stretches a match can lie in (e-mail: [A-Za-z0-9._%+@-] around an "@").
            spans = everywhere if rec.alphabet is None else islands(folded, required or "", rec.alphabet)
            if reader is not None:
                out.extend(reader.read(text, folded, prune, spans))
            else:
                out.extend(self._texts_in_python(rec, text, folded, prune, spans))
        return out

    def _texts_in_python(
        self, rec: _Recognizer, text: str, folded: str, prune: bool, spans: Iterable[tuple[int, int]]
    ) -> Iterable[Finding]:
        """One text recognizer's pass: the reference for (and fallback of) `_reading.TextReader`."""
        for pat in rec.patterns:
            for lo, hi in spans:
                for m in pat.rx.finditer(folded, lo, hi):
                    if touches_mask(folded, m.start(), m.end()):
                        continue
                    if rec.spec.boundaries and m.start() > 0 and folded[m.start() - 1] in _ASCII_ALNUM:
                        continue
                    verdict = self._score(pat, m.group())
                    if verdict is None:
                        continue
                    judged = self._judge(rec, verdict[0], folded, m.start(), m.end(), prune)
                    if judged is not None:
                        yield self._make(rec, pat, verdict, judged, m.start(), m.end(), text)

    # --- public --------------------------------------------------------------------------

    def candidates(self, text: str, *, prune: bool = False) -> list[Finding]:
        """Every finding before `min_score` and overlap resolution: what `analyze` chooses from.
        With `prune`, matches that cannot reach `min_score` even with context are left out."""
        folded = fold(text)
        found = self._numbers_in(text, folded, prune)
        found.extend(self._texts_in(text, folded, prune))
        later = []
        for _, det in self._detectors:
            if getattr(det, "reads_findings", False):
                later.append(det)  # the model: the rules' findings say where it need not look
                continue
            found.extend(det.detect(text, folded))
        for det in later:
            found.extend(det.detect(text, folded, found))
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
        min_score, wanted = self.config.min_score, self.config.entities
        kept = [f for f in found if f.score >= min_score and (wanted is None or f.entity_type in wanted)]
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
