"""Recognizer specs compiled for the engine: regexes, validators, match lengths and the best
score a pattern can ever give (the bound that lets the number pass stop early)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from deident.detection.context import ContextMatcher
from deident.detection.numbers.islands import run_pattern
from deident.detection.numbers.validators import VALIDATORS, Validator
from deident.detection.spec import PatternSpec, RecognizerSpec, load_specs, regex_width
from deident.errors import ConfigError

MAX_NUMBER_LEN = 19  # the longest number any recognizer matches (bank cards)
ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True, slots=True)
class Pattern:
    spec: PatternSpec
    rx: re.Pattern[str]
    validator: Validator | None
    exclude: Validator | None
    min_len: int = 0  # the lengths a match can have: number patterns are skipped by length
    max_len: int = 1 << 30


@dataclass(frozen=True, slots=True)
class Recognizer:
    spec: RecognizerSpec
    patterns: tuple[Pattern, ...]
    words: ContextMatcher  # context and anti-context words
    # The most context can add to a base score (anti-context factors above 1 included), so
    # that a reading's best possible final score is known before its context is searched.
    upper_gain: float = 0.0
    alphabet: re.Pattern[str] | None = None  # `islands.run_pattern` of the spec's alphabet


# A pattern's reading of a value before context: (score, checksum verdict).
Verdict = tuple[float, str]
# Its final score after context, with the context and anti-context words that set it.
Judged = tuple[float, str | None, str | None]
# One way to read a span: everything a Finding is made of, kept as a tuple until it wins.
Reading = tuple[Recognizer, Pattern, Verdict, Judged, int, int]
# A step of the number pass's plan: (best possible final score, try index, -pattern order, …).
Planned = tuple[float, int, int, Recognizer, Pattern]

PLAN_ORDER = itemgetter(0, 1, 2)  # bound, then the later try, then the earlier pattern


def bound(rec: Recognizer, pat: Pattern) -> float:
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


def compile_recognizer(spec: RecognizerSpec) -> Recognizer:
    patterns = []
    for p in spec.patterns:
        regex = p.regex
        if spec.kind == "text" and spec.boundaries:
            # The left boundary is checked by the text pass: a pattern that starts with a
            # character class lets `re` scan for that class quickly; a leading lookbehind does not.
            regex = rf"(?:{regex})(?![0-9A-Za-z])"
        try:
            rx = re.compile(regex)
        except re.error as exc:
            raise ConfigError(f"{spec.source}: pattern '{p.name}' is not a valid regex: {exc}") from exc
        where = f"{spec.source}: pattern '{p.name}'"
        lo, hi = _widths(regex)
        validator, exclude = _validator(p.validator, where), _validator(p.exclude_validator, where)
        patterns.append(Pattern(p, rx, validator, exclude, lo, hi))
    gain = spec.context.boost + (1.0 if spec.anti_context.factor > 1.0 else 0.0)
    alphabet = run_pattern(spec.alphabet) if spec.alphabet else None
    words = ContextMatcher.compile(spec.context, spec.anti_context)
    return Recognizer(spec, tuple(patterns), words, gain, alphabet)


def _widths(regex: str) -> tuple[int, int]:
    """The shortest and longest match of `regex` (at most 2**30)."""
    try:
        lo, hi = regex_width(regex)
    except Exception:  # an exotic pattern: no length filter
        return 0, 1 << 30
    return lo, min(hi, 1 << 30)


def plan_by_length(numbers: tuple[Recognizer, ...]) -> dict[int, tuple[Planned, ...]]:
    """Number patterns by the length of value they can match (most runs are tried against one
    or two patterns only), each length's patterns ranked by the best final score they could
    ever give: the plan the number pass follows for a single value, (bound, try 0, -order, rec, pat)."""
    by_len: dict[int, list[tuple[Recognizer, Pattern]]] = {}
    for rec in numbers:
        for pat in rec.patterns:
            for n in range(pat.min_len, min(pat.max_len, MAX_NUMBER_LEN) + 1):
                by_len.setdefault(n, []).append((rec, pat))
    return {
        n: tuple(
            sorted(
                ((bound(rec, pat), 0, -order, rec, pat) for order, (rec, pat) in enumerate(v)),
                key=PLAN_ORDER,
                reverse=True,
            )
        )
        for n, v in by_len.items()
    }


@functools.lru_cache(maxsize=8)
def cached_specs(directory: str | None) -> tuple[RecognizerSpec, ...]:
    # Specs are frozen, so sharing them between engines is safe.
    return load_specs(Path(directory) if directory else None)
