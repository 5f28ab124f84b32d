"""Why the default scan misses each gold PERSON of a sample (the samples of benchmarks/names.py).

    python benchmarks/names_why.py --split dev --only peoples_daily
    python benchmarks/names_why.py --split train --only cluener --examples 5

Each miss is put in the first class that explains it:
- ``model never reads it``: no PER span of LAC's covers it even with the whole sentence (the
  ceiling, ``names.py --no-judge``);
- ``pre-filter: …``: its clause never went to the model: a public figure in the frequent-word
  list (邓小平, 鲁迅), no surname (a transliteration, a nickname), an official (the judge's own
  rule, asked early), or the judge's rule named;
- ``official: office title`` / ``official: notice word``: public by design (DESIGN.md), not a miss
  to recover;
- ``doubt: …``: the model may read it as a place or an organisation, or a rare surname with doubt;
- ``judge: …``: the rule that refused it, named by the comment on the line that returned None;
- ``partial``: a finding covers part of it.
"""

from __future__ import annotations

import argparse
import collections
import inspect
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import names as bench  # benchmarks/names.py puts src/ on the path


def _judge_rule(ner: Any, t: str, s: int, e: int) -> str | None:
    """The comment of the judge's line that refused t[s:e] (None: accepted)."""
    code = type(ner).judge.__code__
    lines, first = inspect.getsourcelines(type(ner).judge)
    last = [0]

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code is not code:
            return None
        if event == "line":
            last[0] = frame.f_lineno
        return tracer

    sys.settrace(tracer)
    try:
        accepted = ner.judge(t, s, e) is not None
    finally:
        sys.settrace(None)
    if accepted:
        return None
    i = last[0] - first
    line = lines[i]
    while i > 0 and not line.lstrip().startswith(("if ", "or ", "and ")):
        i -= 1  # the condition of a bare `return None`, and the comments on its lines
        line = lines[i] + line
    if "_official" in line:
        office = ner.office is not None and any(
            m.end() == s for m in ner.office.finditer(t, max(0, s - 8), s)
        )
        return "official: " + ("office title" if office else "notice word")
    notes = [x.split("#", 1)[1].strip() for x in line.splitlines() if "#" in x]
    comment = notes[-1] if notes else line.strip().splitlines()[0]
    return "judge: " + comment[:70]


def classify(engine: Any, ner: Any, text: str, s: int, e: int, found: list[Any]) -> str:
    from deident.detection.names.surnames import COMPOUND, SINGLE
    from deident.detection.numbers.normalise import fold

    folded = fold(text)
    per = [
        (off + a, off + b)
        for off, sentence in ner._sentences(folded)
        for a, b, label, *_ in ner.model.spans([sentence])[0]
        if label == "PER" and off + a < e and s < off + b
    ]
    if not per:
        return "model never reads it"
    if any(f.start < e and s < f.end for f in found):
        return "partial"
    others = [f for f in engine.analyze(text) if f.recognizer != "ner_model"]
    pieces = ner._pieces(folded, ner._known(folded, others))
    inside = [p for p in pieces if p[0] <= s and e <= p[0] + len(p[2])]
    if not inside:
        if folded[s] not in SINGLE and folded[s : s + 2] not in COMPOUND:
            return "pre-filter: no surname"
        if any(folded[s : s + n] in ner._starts for n in (2, 3, 4)):
            return "pre-filter: a frequent word (public figures)"
        rule = _judge_rule(ner, folded, s, e)
        return "pre-filter: " + (rule or "other")
    off, _, piece = inside[0]
    spans = [x for x in ner.model.spans([piece])[0] if x[2] == "PER" and off + x[0] < e and s < off + x[1]]
    if not spans:
        return "model reads the clause otherwise"
    a, b, _, belief, rival = spans[0]
    if rival >= ner.max_rival:
        return "doubt: a place or an organisation"
    rule = _judge_rule(ner, folded, off + a, off + b)
    if rule is None:
        return "doubt: a rare surname" if belief < ner.rare_min_belief else "other"
    return rule


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "test", "train"), required=True)
    ap.add_argument("--only", required=True, help="the corpus (cluener, peoples_daily, weibo, resume)")
    ap.add_argument("--examples", type=int, default=0, help="list this many misses of each class")
    args = ap.parse_args(argv)
    import deident
    from deident.detection.engine import Engine, cached_specs

    engine = Engine(list(cached_specs(None)), deident.ScanConfig())
    ner = next(d for s, d in engine._detectors if s.id == "ner_model")
    counts: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for name, rows in bench.samples():
        if name != args.only:
            continue
        for row in rows:
            if row["split"] != args.split:
                continue
            text = row["text"]
            found = [f for f in engine.analyze(text) if f.entity_type == "PERSON"]
            for s, e, kind in row["spans"]:
                if kind != "PERSON" or bench._covered([(f.start, f.end) for f in found], s, e):
                    continue
                why = classify(engine, ner, text, s, e, found)
                counts[why] += 1
                examples[why].append(f"{text[s:e]} | {text[max(0, s - 12) : e + 10]}")
    print(f"{args.only} {args.split}: {sum(counts.values())} misses")
    for why, n in counts.most_common():
        print(f"{n:5d}  {why}")
        for x in examples[why][: args.examples]:
            print("         ", x)
    return 0


if __name__ == "__main__":
    sys.exit(main())
