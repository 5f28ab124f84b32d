"""Recognizer specifications, parsed once from ``recognizers/*.yaml`` into frozen objects.

A recognizer is data plus a checksum: patterns, context words, anti-context words and
scores live in YAML; only validators (GB 11643, Luhn, GB 32100 …) and detectors for
grammar-driven entities (names, addresses) are Python.

Three kinds:
- ``number``: each pattern is *fullmatched* against the compact form of a number-like run
  of the text (separators, ``+86`` prefix and full-width forms removed), so one pattern
  covers ``13812345678``, ``138-1234-5678``, ``１３８ １２３４ ５６７８`` and ``+86 138…``.
- ``text``: each pattern is searched in the folded text (full-width letters and digits
  folded to ASCII, same length); the engine adds ``(?<![0-9A-Za-z])…(?![0-9A-Za-z])``
  unless ``boundaries: false``.
- ``detector``: a Python detector named in `deident.detection.detectors` does the work,
  configured by ``options``.
- ``label``: no pattern of its own; only its ``labels`` find it.

Any kind may add ``labels``: words that name the entity (身份证号码, 银行账号 …) and the shapes
its value may take after them. A labelled value is that entity even when no pattern or checksum
fits it (a mistyped ID is still someone's ID); see labels.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from deident.errors import ConfigError

KINDS = ("number", "text", "detector", "label")


@dataclass(frozen=True, slots=True)
class PatternSpec:
    name: str
    regex: str
    score: float  # when the validator says valid, or there is no validator
    validator: str | None = None
    invalid_score: float | None = None  # None: a checksum failure rejects the match
    unknown_score: float | None = None  # validator cannot tell (e.g. unallocated mobile prefix)
    # A validator whose True verdict rejects a match that `validator` does not accept: an
    # all-digit 统一社会信用代码 fails the ID date or check and must never be reported as an ID.
    exclude_validator: str | None = None


@dataclass(frozen=True, slots=True)
class WordsSpec:
    words: tuple[str, ...] = ()
    window: int = 24  # characters before the match that are searched (and `after` after it)
    after: int = 0
    boost: float = 0.0  # context: added to the score
    factor: float = 1.0  # anti-context: score multiplied by this
    suppress: bool = False  # anti-context: drop the match altogether


@dataclass(frozen=True, slots=True)
class LabelSpec:
    words: tuple[str, ...]
    # Regexes over the folded text, one of which the value right after the label (and its
    # colon, 为, 是, quotes …) must match; `length` bounds its letters and digits.
    values: tuple[str, ...]
    length: tuple[int, int] = (1, 64)
    score: float = 0.9
    # A label right after one of these is someone else's (办公电话, 咨询电话: an agency's).
    not_after: tuple[str, ...] = ()
    # Written before the value but not part of it (a +86 country prefix): left out of the finding.
    prefix: str | None = None


@dataclass(frozen=True, slots=True)
class ExampleSpec:
    text: str
    expect: str | None  # the value that must be found, or None for a negative example


@dataclass(frozen=True, slots=True)
class RecognizerSpec:
    id: str
    entity: str
    kind: str
    description: str
    patterns: tuple[PatternSpec, ...] = ()
    context: WordsSpec = field(default_factory=WordsSpec)
    anti_context: WordsSpec = field(default_factory=WordsSpec)
    # Entity names this recognizer may also emit (a detector for addresses emits only CN_ADDRESS).
    detector: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    examples: tuple[ExampleSpec, ...] = ()
    boundaries: bool = True
    # A literal that must occur in the text for a `text` recognizer to run at all ("@" for e-mail).
    requires: str | None = None
    # With `requires`: a character class holding every character of a match (and every one
    # its lookarounds test beyond it). Every match holds `requires`, so only the stretches of
    # these characters around it are searched (see islands.py).
    alphabet: str | None = None
    labels: LabelSpec | None = None
    source: str = ""  # file it came from, for error messages


def recognizers_dir() -> Path:
    """`recognizers/` ships inside the wheel as ``deident/recognizers``; in a source checkout
    it is the top-level folder."""
    packaged = Path(str(resources.files("deident"))) / "recognizers"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "recognizers"
    if checkout.is_dir():
        return checkout
    raise ConfigError("the recognizers folder is missing from the installation; reinstall deident")


def _words(raw: Any, where: str, *, anti: bool) -> WordsSpec:
    if raw is None:
        return WordsSpec()
    if isinstance(raw, list):
        raw = {"words": raw}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a list of words or a mapping")
    words = tuple(str(w) for w in raw.get("words", ()))
    return WordsSpec(
        words=words,
        window=int(raw.get("window", 24)),
        after=int(raw.get("after", 0)),
        boost=float(raw.get("boost", 0.0 if anti else 0.35)),
        factor=float(raw.get("factor", 0.3 if anti else 1.0)),
        suppress=bool(raw.get("suppress", False)),
    )


def _pattern(raw: Any, where: str) -> PatternSpec:
    if not isinstance(raw, dict) or "regex" not in raw or "name" not in raw:
        raise ConfigError(f"{where}: every pattern needs a name and a regex")

    def opt(key: str) -> float | None:
        return None if raw.get(key) is None else float(raw[key])

    return PatternSpec(
        name=str(raw["name"]),
        regex=str(raw["regex"]),
        score=float(raw.get("score", 0.6)),
        validator=raw.get("validator"),
        invalid_score=opt("invalid_score"),
        unknown_score=opt("unknown_score"),
        exclude_validator=raw.get("exclude_validator"),
    )


def parse_spec(data: Mapping[str, Any], source: str) -> RecognizerSpec:
    for key in ("id", "entity", "kind"):
        if key not in data:
            raise ConfigError(f"{source}: missing '{key}'")
    kind = str(data["kind"])
    if kind not in KINDS:
        raise ConfigError(f"{source}: kind must be one of {', '.join(KINDS)}, not '{kind}'")
    patterns = tuple(_pattern(p, source) for p in data.get("patterns", ()))
    if kind in ("number", "text") and not patterns:
        raise ConfigError(f"{source}: a '{kind}' recognizer needs at least one pattern")
    if kind == "detector" and not data.get("detector"):
        raise ConfigError(f"{source}: a detector recognizer must name its 'detector'")
    examples = tuple(
        ExampleSpec(text=str(e["text"]), expect=None if e.get("expect") is None else str(e["expect"]))
        for e in data.get("examples", ())
    )
    return RecognizerSpec(
        id=str(data["id"]),
        entity=str(data["entity"]),
        kind=kind,
        description=str(data.get("description", "")).strip(),
        patterns=patterns,
        context=_words(data.get("context"), source, anti=False),
        anti_context=_words(data.get("anti_context"), source, anti=True),
        detector=data.get("detector"),
        options=dict(data.get("options") or {}),
        examples=examples,
        boundaries=bool(data.get("boundaries", True)),
        requires=data.get("requires"),
        alphabet=_alphabet(data, source),
        labels=_labels(data.get("labels"), source),
        source=source,
    )


def _labels(raw: Any, where: str) -> LabelSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw.get("words") or not raw.get("value"):
        raise ConfigError(f"{where}: 'labels' needs 'words' and 'value' (a regex or a list of them)")
    values = raw["value"] if isinstance(raw["value"], list) else [raw["value"]]
    for v in values:
        try:
            re.compile(str(v))
        except re.error as exc:
            raise ConfigError(f"{where}: label value '{v}' is not a valid regex: {exc}") from exc
    length = raw.get("length", [1, 64])
    return LabelSpec(
        words=tuple(str(w) for w in raw["words"]),
        values=tuple(str(v) for v in values),
        length=(int(length[0]), int(length[1])),
        score=float(raw.get("score", 0.9)),
        not_after=tuple(str(w) for w in raw.get("not_after", ())),
        prefix=None if raw.get("prefix") is None else str(raw["prefix"]),
    )


def regex_width(regex: str) -> tuple[int, int]:
    """The shortest and longest match of `regex`, from the stdlib's regex parser."""
    try:
        from re import _parser as parser  # type: ignore[attr-defined]  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser
    lo, hi = parser.parse(regex).getwidth()
    return int(lo), int(hi)


def _alphabet(data: Mapping[str, Any], source: str) -> str | None:
    alphabet = data.get("alphabet")
    if alphabet is None:
        return None
    requires = data.get("requires")
    if not requires:
        raise ConfigError(f"{source}: 'alphabet' needs 'requires' (the literal every match holds)")
    try:
        run = re.compile(f"(?:{alphabet})*")
        one_character = re.compile(alphabet).groups == 0 and regex_width(str(alphabet)) == (1, 1)
    except re.error as exc:
        raise ConfigError(f"{source}: 'alphabet' is not a valid character class: {exc}") from exc
    if not one_character:
        raise ConfigError(f"{source}: 'alphabet' must be a character class, e.g. '[A-Za-z0-9@.]'")
    if not run.fullmatch(str(requires)):
        raise ConfigError(f"{source}: the characters of 'requires' must be in 'alphabet'")
    return str(alphabet)


def load_specs(directory: Path | None = None) -> tuple[RecognizerSpec, ...]:
    """Every ``*.yaml`` in `directory` (default: the shipped recognizers), sorted by file name."""
    directory = directory or recognizers_dir()
    specs = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path.name}: cannot read recognizer file: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path.name}: expected a mapping at the top level")
        specs.append(parse_spec(data, path.name))
    ids = [s.id for s in specs]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ConfigError(f"duplicate recognizer ids: {', '.join(sorted(dupes))}")
    return tuple(specs)


def structured_entities(specs: tuple[RecognizerSpec, ...] | None = None) -> frozenset[str]:
    """Entity types found by patterns and checksums (IDs, phones, cards, e-mail …), as opposed
    to those found by grammar detectors (names, addresses)."""
    return frozenset(s.entity for s in (specs or load_specs()) if s.kind != "detector")
