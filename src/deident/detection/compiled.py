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
    # 128 bytes per leading position every match has (`leading_table`): the compiled number
    # pass skips the regex call for a value whose first characters no match can start with.
    lead: bytes = b""
    # {length: 128 bytes per position per shape}: every way a match of that length can be
    # spelled, position by position (`shapes_by_length`); the compiled number pass answers
    # fullmatch for an ASCII value from these tables instead of calling the regex.
    shapes: dict[int, bytes] | None = None


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
        shapes = shapes_by_length(rx, lo, min(hi, MAX_NUMBER_LEN)) if spec.kind == "number" else None
        patterns.append(Pattern(p, rx, validator, exclude, lo, hi, leading_table(rx), shapes))
    gain = spec.context.boost + (1.0 if spec.anti_context.factor > 1.0 else 0.0)
    alphabet = run_pattern(spec.alphabet) if spec.alphabet else None
    words = ContextMatcher.compile(spec.context, spec.anti_context)
    return Recognizer(spec, tuple(patterns), words, gain, alphabet)


_MAX_LEAD = 4


def leading_table(rx: re.Pattern[str]) -> bytes:
    """For each of the first positions that every match of `rx` has (at most four), 128 bytes:
    1 where an ASCII character may stand there. A value whose i-th character is ASCII and 0 in
    the i-th table cannot match (the characters beyond ASCII are left to `re`). Empty when the
    pattern is beyond this reading (flags, lookarounds, negated classes …): then nothing is skipped."""
    if rx.flags & (re.IGNORECASE | re.VERBOSE):
        return b""
    try:
        try:
            from re import _parser as parser  # type: ignore[attr-defined]  # Python >= 3.11
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_parse as parser
        sets, _ = _lead_seq(parser.parse(rx.pattern), parser)
    except Exception:  # a construct this reading does not know: no table
        return b""
    return b"".join(bytes(1 if chr(c) in s else 0 for c in range(128)) for s in sets[:_MAX_LEAD])


def _lead_seq(items: object, parser: object) -> tuple[list[frozenset[str]], bool]:
    """The character sets of the leading positions of `items` (a parsed sequence), and whether
    they are the whole sequence (a fixed width, every position known)."""
    out: list[frozenset[str]] = []
    for op, av in items:  # type: ignore[attr-defined]
        sets, complete = _lead_item(op, av, parser)
        out.extend(sets)
        if not complete or len(out) >= _MAX_LEAD:
            return out, False
    return out, True


def _lead_item(op: object, av: object, parser: object) -> tuple[list[frozenset[str]], bool]:
    c = parser._constants if hasattr(parser, "_constants") else parser  # type: ignore[attr-defined]
    if op is c.LITERAL:
        return [frozenset(chr(av))], True  # type: ignore[arg-type]
    if op is c.IN:
        chars: set[str] = set()
        for kind, arg in av:  # type: ignore[attr-defined]
            if kind is c.LITERAL:
                chars.add(chr(arg))
            elif kind is c.RANGE:
                chars.update(chr(x) for x in range(arg[0], min(arg[1], 127) + 1))
            elif kind is c.CATEGORY and arg is c.CATEGORY_DIGIT:
                chars.update("0123456789")
            else:  # negation, other categories: unknown
                return [], False
        return [frozenset(chars)], True
    if op is c.MAX_REPEAT or op is c.MIN_REPEAT:
        lo, hi, sub = av  # type: ignore[misc]
        sets, complete = _lead_seq(sub, parser)
        if not complete or len(sets) != 1:
            return [], False
        return sets * min(lo, _MAX_LEAD), lo == hi
    if op is c.SUBPATTERN:
        _, add_flags, del_flags, sub = av  # type: ignore[misc]
        return ([], False) if add_flags or del_flags else _lead_seq(sub, parser)
    if op is c.BRANCH:
        results = [_lead_seq(b, parser) for b in av[1]]  # type: ignore[index]
        n = min(len(sets) for sets, _ in results)
        union = [frozenset().union(*(sets[i] for sets, _ in results)) for i in range(n)]
        return union, all(done and len(sets) == n for sets, done in results)
    return [], False


_MAX_SHAPES = 64  # per pattern: more (many alternatives, wide repeats) and the regex decides


def shapes_by_length(rx: re.Pattern[str], lo: int, hi: int) -> dict[int, bytes] | None:
    """Every spelling of a match of `rx` of each length from `lo` to `hi`, as character sets per
    position (128 bytes each: 1 where an ASCII character may stand), joined per length. An
    ASCII value of length n fullmatches `rx` exactly when one shape of length n admits every
    character. None when the pattern is beyond this reading (flags, anchors, lookarounds,
    negated or Unicode classes, unbounded or too many alternatives)."""
    if rx.flags & (re.IGNORECASE | re.VERBOSE | re.MULTILINE | re.DOTALL) or hi > 64:
        return None
    try:
        try:
            from re import _parser as parser  # type: ignore[attr-defined]  # Python >= 3.11
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_parse as parser
        seqs = _spell(parser.parse(rx.pattern), parser, hi)
    except Exception:  # a construct this reading does not know
        return None
    if seqs is None:
        return None
    out: dict[int, bytes] = {}
    for n in range(lo, hi + 1):
        tables = sorted({tuple(seq) for seq in seqs if len(seq) == n}, key=repr)
        out[n] = b"".join(bytes(1 if chr(c) in s else 0 for c in range(128)) for seq in tables for s in seq)
    return out


def _spell(items: object, parser: object, hi: int) -> list[list[frozenset[str]]] | None:
    """The spellings of a parsed sequence (lists of character sets) up to `hi` characters."""
    seqs: list[list[frozenset[str]]] = [[]]
    for op, av in items:  # type: ignore[attr-defined]
        alts = _spell_item(op, av, parser, hi)
        if alts is None:
            return None
        seqs = [s + a for s in seqs for a in alts if len(s) + len(a) <= hi]
        if len(seqs) > _MAX_SHAPES:
            return None
    return seqs


def _spell_item(op: object, av: object, parser: object, hi: int) -> list[list[frozenset[str]]] | None:
    c = parser._constants if hasattr(parser, "_constants") else parser  # type: ignore[attr-defined]
    if op is c.LITERAL or op is c.IN:
        sets, complete = _lead_item(op, av, parser)
        return [sets] if complete and len(sets) == 1 and all(ord(x) < 128 for x in sets[0]) else None
    if op is c.MAX_REPEAT or op is c.MIN_REPEAT:
        lo, top, sub = av  # type: ignore[misc]
        one = _spell(sub, parser, hi)
        if one is None or top > hi:
            return None
        alts: list[list[frozenset[str]]] = []
        current: list[list[frozenset[str]]] = [[]]
        for k in range(top + 1):
            if k >= lo:
                alts.extend(current)
            if k < top:
                current = [s + a for s in current for a in one if len(s) + len(a) <= hi]
            if len(alts) + len(current) > _MAX_SHAPES:
                return None
        return alts
    if op is c.SUBPATTERN:
        _, add_flags, del_flags, sub = av  # type: ignore[misc]
        return None if add_flags or del_flags else _spell(sub, parser, hi)
    if op is c.BRANCH:
        alts = []
        for b in av[1]:  # type: ignore[index]
            spelled = _spell(b, parser, hi)
            if spelled is None:
                return None
            alts.extend(spelled)
        return alts if len(alts) <= _MAX_SHAPES else None
    return None


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
