"""Precision and recall of deident on the labelled corpus, and findings on real documents.

    python benchmarks/accuracy.py                 # corpora/dev, corpora/negatives, seeds
    python benchmarks/accuracy.py --errors 20     # also list misses and false positives
    python benchmarks/accuracy.py --table-hints   # cells analysed with their column header
    python benchmarks/accuracy.py --files         # through deident.scan_file (format reader + pipeline)
    python benchmarks/accuracy.py --fresh-seed 7  # a held-out corpus: same templates, new values
    python benchmarks/accuracy.py --model         # with the statistical NER model, if installed
    python benchmarks/accuracy.py --check         # exit 1 when a target is missed (for CI)

A finding matches a label when the spans overlap and the entity types agree. For
CN_ADDRESS the benchmark also measures how much of the detail part (below 乡镇/街道,
which the `gov` policy masks) the findings cover. Results go to
benchmarks/results/accuracy.json. The corpus values are synthetic, so printing them is safe.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be downloaded at run time

# The targets of issue 2: recall on checksum-valid values of these types, in every variant.
TARGET_RECALL = 0.99
TARGET_PRECISION = 0.98
TARGET_TYPES = ("CN_RESIDENT_ID", "CN_MOBILE", "CN_BANK_CARD", "EMAIL_ADDRESS")
# Variants outside the target: deliberately invalid values, and prefixes no carrier uses.
OFF_TARGET_VARIANTS = ("checksum_invalid", "luhn_invalid", "unallocated")


def in_target(span: dict[str, Any]) -> bool:
    return span["entity_type"] in TARGET_TYPES and span["variant"] not in OFF_TARGET_VARIANTS


@dataclass
class Tally:
    tp: int = 0  # labels found
    fn: int = 0  # labels missed
    fp: int = 0  # findings that match no label of their type
    matched_findings: int = 0

    @property
    def recall(self) -> float | None:
        n = self.tp + self.fn
        return self.tp / n if n else None

    @property
    def precision(self) -> float | None:
        n = self.matched_findings + self.fp
        return self.matched_findings / n if n else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": self.tp + self.fn,
            "found": self.tp,
            "missed": self.fn,
            "false_positives": self.fp,
            "recall": _r(self.recall),
            "precision": _r(self.precision),
        }


@dataclass
class Results:
    by_entity: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_variant: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    target: Tally = field(default_factory=Tally)
    address_detail: list[float] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return (
        text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]
    ).replace("\n", "⏎")


def score_document(
    res: Results, fname: str, text: str, spans: list[dict[str, Any]], findings: list[Any]
) -> None:
    for s in spans:
        et = s["entity_type"]
        hits = [
            f for f in findings if f.entity_type == et and _overlaps(f.start, f.end, s["start"], s["end"])
        ]
        for t in (
            res.by_entity[et],
            res.by_variant[(et, s["variant"])],
            *([res.target] if in_target(s) else []),
        ):
            if hits:
                t.tp += 1
            else:
                t.fn += 1
        if not hits:
            res.misses.append(
                {
                    "file": fname,
                    "entity_type": et,
                    "variant": s["variant"],
                    "context": _context(text, s["start"], s["end"]),
                }
            )
        if et == "CN_ADDRESS":
            d0, d1 = s["detail_start"], s["end"]
            covered = set()
            for f in hits:
                covered.update(range(max(f.start, d0), min(f.end, d1)))
            res.address_detail.append(len(covered) / (d1 - d0))
    for f in findings:
        labels = [
            s
            for s in spans
            if s["entity_type"] == f.entity_type and _overlaps(f.start, f.end, s["start"], s["end"])
        ]
        et = f.entity_type
        if labels:
            res.by_entity[et].matched_findings += 1
            for s in labels[:1]:
                res.by_variant[(et, s["variant"])].matched_findings += 1
                if in_target(s):
                    res.target.matched_findings += 1
        else:
            res.by_entity[et].fp += 1
            if et in TARGET_TYPES:
                res.target.fp += 1
            other = [s["entity_type"] for s in spans if _overlaps(f.start, f.end, s["start"], s["end"])]
            res.false_positives.append(
                {"file": fname, "entity_type": et, "labelled_as": other[0] if other else None,
                 "recognizer": f.recognizer, "context": _context(text, f.start, f.end)}
            )  # fmt: skip


def scan_with_table_hints(engine: Any, text: str) -> list[Any]:
    """Emulate what the table-aware formats (csv/tsv, xlsx, docx, html) do: every
    tab-separated cell is analysed on its own with the entity its column header declares."""
    from dataclasses import replace

    from deident.detection.tables import header_entity, is_value_cell

    findings: list[Any] = []
    header: list[str | None] | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        cells = body.split("\t")
        if len(cells) < 3:  # prose: the whole line, no hint
            header = None
            findings += [replace(f, start=f.start + pos, end=f.end + pos) for f in engine.analyze(body)]
        elif header is None:
            header = [header_entity(c) for c in cells]
            findings += [replace(f, start=f.start + pos, end=f.end + pos) for f in engine.analyze(body)]
        else:
            off = pos
            for i, cell in enumerate(cells):
                hint = header[i] if i < len(header) and is_value_cell(cell) else None
                reason = "column header" if hint else None
                for f in engine.analyze(cell, hint_entity=hint, hint_reason=reason):
                    findings.append(replace(f, start=f.start + off, end=f.end + off))
                off += len(cell) + 1
        pos += len(line)
    return findings


def scan_via_file(path: Path, config: Any) -> list[Any]:
    """The product path: `deident.scan_file` (format reader, table hints, pipeline). The text
    format locates a segment by its character offset in the file; findings index segments."""
    from dataclasses import replace

    import deident

    report = deident.scan_file(path, config)
    if report.status.value == "blocked":
        raise SystemExit(f"{path.name}: blocked ({report.reason})")
    out = []
    for f in report.findings:
        base = f.location.get("offset")
        if base is None:
            raise SystemExit(
                f"{path.name}: finding without a character offset in its location: {dict(f.location)}"
            )
        out.append(replace(f, start=f.start + base, end=f.end + base))
    return out


def scan_plain_files(scan, paths: list[Path]) -> dict[str, dict[str, Any]]:
    out = {}
    for p in paths:
        text = p.read_text(encoding="utf-8", errors="replace")
        findings = scan(text)
        out[p.name] = {
            "chars": len(text),
            "findings": len(findings),
            "by_entity": dict(Counter(f.entity_type for f in findings)),
            "examples": [
                {
                    "entity_type": f.entity_type,
                    "recognizer": f.recognizer,
                    "context": _context(text, f.start, f.end),
                }
                for f in findings[:10]
            ],
        }
    return out


def _fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def external(split: str, model: bool) -> None:
    """Recall and precision per public annotated corpus (text others wrote and labelled), as
    benchmarks/names.py measures them; its samples are built locally (`--build MIRRORS`)."""
    from benchmarks import names

    print(f"\npublic annotated corpora (corpora/external, split {split}; benchmarks/names.py):")
    if not any(rows for _, rows in names.samples()):
        print(
            "  no samples here: python benchmarks/names.py --build MIRRORS (see corpora/external/SOURCES.md)"
        )
        return
    names.main(["--split", split, *(["--model"] if model else [])])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "dev")
    ap.add_argument(
        "--fresh-seed", type=int, metavar="SEED", help="generate a held-out corpus with this seed instead"
    )
    ap.add_argument("--fresh-n", type=int, default=90, metavar="N", help="documents in the held-out corpus")
    ap.add_argument("--negatives", type=Path, default=ROOT / "corpora" / "negatives")
    ap.add_argument(
        "--seeds",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "seeds",
        help="real documents without private data",
    )
    ap.add_argument("--model", action="store_true", help="use the statistical NER model where installed")
    ap.add_argument(
        "--errors", type=int, default=0, metavar="N", help="list up to N misses and N false positives"
    )
    ap.add_argument(
        "--table-hints",
        action="store_true",
        help="analyse tab-separated table cells with their column header's entity, as the table-aware formats do",
    )
    ap.add_argument(
        "--files", action="store_true", help="scan each document with deident.scan_file (the file pipeline)"
    )
    ap.add_argument(
        "--external",
        nargs="?",
        const="test",
        choices=("dev", "test", "train"),
        metavar="SPLIT",
        help="also PERSON / CN_ADDRESS per public annotated corpus (benchmarks/names.py; default split: test)",
    )
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "accuracy.json")
    args = ap.parse_args(argv)

    from corpora.generate import load_labels

    import deident

    config = deident.ScanConfig(use_model=args.model)

    def scan(text: str) -> list[Any]:
        return deident.scan_text(text, config)

    if args.fresh_seed is not None:  # held-out: same templates, values never seen in tuning
        import tempfile

        from corpora.generate import write_corpus

        args.corpus = Path(tempfile.mkdtemp(prefix="deident-heldout-"))
        write_corpus(args.corpus, args.fresh_seed, args.fresh_n)

    import tempfile

    from benchmarks.mask_leaks import leaked_labels, summarise
    from deident.masking.rewrite import apply

    policy = deident.Policy.load("gov")
    engine = deident.api.engine_for(config)
    work = Path(tempfile.mkdtemp(prefix="deident-acc-"))

    def analyse(text: str, path: Path) -> list[Any]:
        if args.files:
            if not path.exists():
                path.write_text(text, encoding="utf-8")
            return scan_via_file(path, config)
        return scan_with_table_hints(engine, text) if args.table_hints else scan(text)

    res = Results()
    labels = load_labels(args.corpus)
    leaks: list[dict[str, Any]] = []
    residual: Counter[str] = Counter()
    for rec in labels:
        text = (args.corpus / rec["file"]).read_text(encoding="utf-8")
        found = analyse(text, args.corpus / rec["file"])
        score_document(res, rec["file"], text, rec["spans"], found)
        # Mask with exactly these findings, then ask whether any labelled value is still readable
        # (independent oracle) and whether the engine still finds anything (same mode).
        masked = apply(text, found, policy)
        leaks += [dict(s, file=rec["file"]) for s in leaked_labels(text, rec["spans"], masked)]
        residual.update(f.entity_type for f in analyse(masked, work / rec["file"]))

    print(f"corpus {args.corpus.relative_to(ROOT) if args.corpus.is_relative_to(ROOT) else args.corpus}: "
          f"{len(labels)} documents, {sum(len(r['spans']) for r in labels)} labels"
          f"{'  (model on)' if args.model else ''}{'  (table hints)' if args.table_hints else ''}{'  (scan_file)' if args.files else ''}\n")  # fmt: skip
    print(f"{'entity':18} {'labels':>6} {'found':>6} {'FP':>4} {'recall':>7} {'precision':>9}")
    for et in sorted(res.by_entity):
        t = res.by_entity[et]
        print(f"{et:18} {t.tp + t.fn:6d} {t.tp:6d} {t.fp:4d} {_fmt(t.recall):>7} {_fmt(t.precision):>9}")
    print(f"\n{'entity / variant':36} {'labels':>6} {'found':>6} {'recall':>7}")
    for (et, v), t in sorted(res.by_variant.items()):
        mark = "" if (t.recall is None or t.recall >= TARGET_RECALL) else "  <"
        print(f"{et + ' / ' + v:36} {t.tp + t.fn:6d} {t.tp:6d} {_fmt(t.recall):>7}{mark}")
    detail = res.address_detail
    if detail:
        full = sum(1 for c in detail if c >= 0.999) / len(detail)
        print(
            f"\nCN_ADDRESS detail coverage: mean {sum(detail) / len(detail):.3f}, fully covered {full:.3f} of {len(detail)}"
        )

    t = res.target
    ok_r = (t.recall or 0) >= TARGET_RECALL
    ok_p = (t.precision or 0) >= TARGET_PRECISION
    print(f"\ntarget set ({', '.join(TARGET_TYPES)}; checksum-valid, every variant): "
          f"recall {_fmt(t.recall)} [{'ok' if ok_r else 'MISSED'} >= {TARGET_RECALL}], "
          f"precision {_fmt(t.precision)} [{'ok' if ok_p else 'MISSED'} >= {TARGET_PRECISION}]")  # fmt: skip

    target_leaks = [s for s in leaks if in_target(s)]
    print(f"\nafter masking with the gov policy: labels still readable {summarise(leaks) or 'none'}; "
          f"target set {len(target_leaks)}; findings on rescan {dict(residual) or 'none'}")  # fmt: skip

    negatives = (
        scan_plain_files(scan, sorted(args.negatives.glob("*.txt"))) if args.negatives.is_dir() else {}
    )
    seeds = scan_plain_files(scan, sorted(args.seeds.glob("*.txt"))) if args.seeds.is_dir() else {}
    for title, files in (("hard negatives", negatives), ("seed documents (no private data)", seeds)):
        total = sum(f["findings"] for f in files.values())
        print(f"\n{title}: {total} findings in {len(files)} files")
        for name, f in files.items():
            print(f"  {f['findings']:4d}  {name}  {f['by_entity'] or ''}")
            for ex in f["examples"][: args.errors]:
                print(f"          {ex['entity_type']:16} {ex['context']}")
    ok_neg = all(f["findings"] == 0 for f in (*negatives.values(), *seeds.values()))

    if args.errors:
        print(f"\nmisses (first {args.errors}):")
        for m in res.misses[: args.errors]:
            print(f"  {m['entity_type']:16} {m['variant']:16} {m['file']}: {m['context']}")
        print(f"\nfalse positives (first {args.errors}):")
        for m in res.false_positives[: args.errors]:
            print(f"  {m['entity_type']:16} (label {m['labelled_as']}) {m['file']}: {m['context']}")

    summary = {
        "after_masking": {
            "labels_still_readable": summarise(leaks),
            "target_set_still_readable": len(target_leaks),
            "findings_on_rescan": dict(residual),
            "examples": [{k: s[k] for k in ("file", "entity_type", "variant", "text")} for s in leaks[:50]],
        },
        "corpus": str(args.corpus),
        "model": args.model,
        "table_hints": args.table_hints,
        "files": args.files,
        "documents": len(labels),
        "targets": {
            "types": list(TARGET_TYPES),
            "recall": _r(t.recall),
            "precision": _r(t.precision),
            "recall_ok": ok_r,
            "precision_ok": ok_p,
            "no_findings_on_negatives_and_seeds": ok_neg,
            "nothing_readable_after_masking": not target_leaks,
        },
        "by_entity": {et: tl.to_dict() for et, tl in sorted(res.by_entity.items())},
        "by_variant": {f"{et}/{v}": tl.to_dict() for (et, v), tl in sorted(res.by_variant.items())},
        "address_detail_coverage": {
            "mean": _r(sum(detail) / len(detail)) if detail else None,
            "fully_covered": _r(sum(1 for c in detail if c >= 0.999) / len(detail)) if detail else None,
        },
        "negatives": negatives,
        "seeds": seeds,
        "misses": res.misses,
        "false_positives": res.false_positives,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {args.out}")
    if args.external:
        external(args.external, args.model)
    return 1 if args.check and not (ok_r and ok_p and ok_neg and not target_leaks) else 0


if __name__ == "__main__":
    raise SystemExit(main())
