"""The number pass and the text pass in Python: the reference for (and fallback of) the
compiled `_reading.NumberReader` and `_reading.TextReader` (same steps, same order;
tests/detection/test_reading.py checks that both give the same findings)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from deident.detection.compiled import ASCII_ALNUM, PLAN_ORDER, Planned, Reading, Recognizer
from deident.detection.numbers.normalise import touches_mask
from deident.detection.numbers.runs import Try, number_steps
from deident.detection.numbers.validators import Validator
from deident.detection.scoring import Explainer, judge, score
from deident.model import Finding


def best_reading(
    by_len: Mapping[int, Sequence[Planned]],
    tries: Sequence[Try],
    folded: str,
    prune: bool,
    min_score: float,
) -> tuple[Reading, int] | None:
    """The best way to read a span, and the index of the try it reads. `tries` are values
    in compact form with their spans (`runs.Try`: ``value`` is folded[start:end] without
    separators); each is read by every pattern of its length. The best reading has the highest *final*
    score (a mistyped ID next to 身份证号 beats the bank-card reading of the same 18 digits);
    a tie goes to the later try (the longer number), then to the earlier pattern.

    Checksums and the context search are the costly steps, so readings are taken best
    bound first (the highest score a pattern can give, then the one its checksum allows)
    and the search stops once no bound can beat the best reading found: on a roster that
    is one checksum and one context search per value. Readings stay tuples; only the
    winner becomes a Finding (`Explainer.make`)."""
    if len(tries) == 1:
        plan: Sequence[Planned] = by_len.get(len(tries[0][0]), ())
    else:
        plan = sorted(
            (
                (bound, k, neg_order, rec, pat)
                for k, (value, *_) in enumerate(tries)
                for bound, _, neg_order, rec, pat in by_len.get(len(value), ())
            ),
            key=PLAN_ORDER,
            reverse=True,
        )
    best: tuple[Reading, int] | None = None
    best_key = (-1.0, 0, 0)
    verdicts: dict[int, dict[Validator, bool | None]] = {}
    for bound, k, neg_order, rec, pat in plan:
        if (bound, k, neg_order) < best_key:
            break  # neither this reading nor any after it can win
        value, start, end, _ = tries[k]
        if pat.rx.fullmatch(value) is None:
            continue
        verdict = score(pat, value, verdicts.setdefault(k, {}))
        if verdict is None or (min(1.0, verdict[0] + rec.upper_gain), k, neg_order) < best_key:
            continue
        judged = judge(rec, verdict[0], folded, start, end, prune, min_score)
        if judged is not None and (judged[0], k, neg_order) > best_key:
            best_key = (judged[0], k, neg_order)
            best = (rec, pat, verdict, judged, start, end), k
    return best


def numbers_in(
    by_len: Mapping[int, Sequence[Planned]],
    lengths: bytes,
    max_len: int,
    explain: Explainer,
    text: str,
    folded: str,
    prune: bool,
    min_score: float,
) -> list[Finding]:
    """The number pass."""
    out: list[Finding] = []
    for steps in number_steps(folded, lengths, max_len):
        # Of all the ways to read groups[i..j] as one number, keep the best scored one, then
        # carry on after its last group: "0755-12345678 13812345678" is a landline and a
        # mobile, not one 23-digit run.
        i, ng = 0, len(steps)
        while i < ng:
            tries = steps[i]
            r = best_reading(by_len, tries, folded, prune, min_score) if tries else None
            if r is None:
                i += 1
                continue
            out.append(explain.make(*r[0], text))
            i = tries[r[1]][3] + 1
    return out


def texts_in(
    rec: Recognizer,
    explain: Explainer,
    text: str,
    folded: str,
    prune: bool,
    spans: Iterable[tuple[int, int]],
    min_score: float,
) -> Iterable[Finding]:
    """One text recognizer's pass."""
    for pat in rec.patterns:
        for lo, hi in spans:
            for m in pat.rx.finditer(folded, lo, hi):
                if touches_mask(folded, m.start(), m.end()):
                    continue
                if rec.spec.boundaries and m.start() > 0 and folded[m.start() - 1] in ASCII_ALNUM:
                    continue
                verdict = score(pat, m.group())
                if verdict is None:
                    continue
                judged = judge(rec, verdict[0], folded, m.start(), m.end(), prune, min_score)
                if judged is not None:
                    yield explain.make(rec, pat, verdict, judged, m.start(), m.end(), text)
