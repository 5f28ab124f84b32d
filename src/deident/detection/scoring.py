"""Scoring one match: the checksum verdict, context and anti-context, and the shared
explanation a finding carries."""

from __future__ import annotations

from deident.detection.compiled import Judged, Pattern, Recognizer, Verdict
from deident.detection.numbers.validators import Validator
from deident.model import Explanation, Finding, new_finding


def score(pat: Pattern, value: str, verdicts: dict[Validator, bool | None] | None = None) -> Verdict | None:
    """(base score, checksum verdict) of `value` read by `pat`, or None when it is rejected.
    `verdicts` caches validator answers for one value across patterns."""
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
        unknown = pat.spec.unknown_score
        return (unknown if unknown is not None else pat.spec.score), "unknown"
    if pat.spec.invalid_score is None:
        return None
    return pat.spec.invalid_score, "invalid"


def judge(
    rec: Recognizer, base: float, folded: str, start: int, end: int, prune: bool, min_score: float
) -> Judged | None:
    """The final score of a match with base score `base`, and the context and anti-context
    words that set it; None when anti-context suppresses it (or, with `prune`, when it
    cannot reach `min_score` even with context, so the context search is skipped)."""
    spec = rec.spec
    if prune and base + spec.context.boost < min_score:
        return None
    ctx, anti = rec.words.find(folded, start, end)
    value = base
    if ctx is not None:
        value = min(1.0, value + spec.context.boost)
    if anti is not None:
        if spec.anti_context.suppress:
            return None
        value *= spec.anti_context.factor
    return round(value, 4), ctx, anti


class Explainer:
    """Shared, immutable explanations by what they say. Explanations are few (recognizer x
    pattern x verdict x context word), so findings share them: building one costs more than
    the rest of a finding. Filling the cache from many threads is safe: a lost race only
    builds an equal object twice."""

    __slots__ = ("cache",)

    def __init__(self) -> None:
        self.cache: dict[tuple[object, ...], Explanation] = {}

    def __call__(
        self, recognizer: str, pattern: str, base: float, checksum: str, ctx: str | None, anti: str | None
    ) -> Explanation:
        key = (recognizer, pattern, checksum, ctx, anti)  # the base follows from these
        explanation = self.cache.get(key)
        if explanation is None:
            explanation = self.cache.setdefault(
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

    def make(
        self,
        rec: Recognizer,
        pat: Pattern,
        verdict: Verdict,
        judged: Judged,
        start: int,
        end: int,
        text: str,
    ) -> Finding:
        base, checksum = verdict
        final, ctx, anti = judged
        explanation = self(rec.spec.id, pat.spec.name, base, checksum, ctx, anti)
        return new_finding(rec.spec.entity, start, end, text[start:end], final, rec.spec.id, explanation)
