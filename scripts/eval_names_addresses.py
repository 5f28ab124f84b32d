"""Precision and recall of PERSON and CN_ADDRESS on a labelled corpus, through the engine.

    python scripts/eval_names_addresses.py corpora/dev [--model] [--misses]

Each line of a document is analysed as the text format sees it: a tab-separated row is a
table row whose cells carry the entity their column header declares (`hint_entity`).
A label counts as found when a finding of its type covers it (for addresses: the detail part,
from ``detail_start`` to the end); a finding is correct when it overlaps a label of its type.
`benchmarks/accuracy.py` measures every entity through the file pipeline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.tables import header_entity
from deident.model import Finding

ENTITIES = ("PERSON", "CN_ADDRESS")


def analyze_document(engine: Engine, text: str) -> list[Finding]:
    """Findings with offsets into the whole document."""
    out: list[Finding] = []
    pos = 0
    header: list[str] | None = None
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if "\t" in body:
            cells = body.split("\t")
            if header is None:
                header = cells
            else:
                off = pos
                for i, cell in enumerate(cells):
                    hint = header_entity(header[i]) if i < len(header) else None
                    for f in engine.analyze(cell, hint_entity=hint, hint_reason="column header"):
                        out.append(_shift(f, off))
                    off += len(cell) + 1
        else:
            header = None
            for f in engine.analyze(body):
                out.append(_shift(f, pos))
        pos += len(line)
    return out


def _shift(f: Finding, off: int) -> Finding:
    from dataclasses import replace

    return replace(f, start=f.start + off, end=f.end + off)


def evaluate(corpus: Path, use_model: bool, show: bool = False) -> dict:
    engine = Engine.create(ScanConfig(use_model=use_model))
    stats = {e: {"tp": 0, "fn": 0, "fp": 0, "correct": 0} for e in ENTITIES}
    chars = 0
    elapsed = 0.0
    for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        text = (corpus / rec["file"]).read_text(encoding="utf-8")
        chars += len(text)
        t0 = time.perf_counter()
        found = [f for f in analyze_document(engine, text) if f.entity_type in ENTITIES]
        elapsed += time.perf_counter() - t0
        labels = [s for s in rec["spans"] if s["entity_type"] in ENTITIES]
        for s in labels:
            lo = s.get("detail_start", s["start"]) if s["entity_type"] == "CN_ADDRESS" else s["start"]
            hit = any(
                f.entity_type == s["entity_type"] and f.start <= lo and f.end >= s["end"] for f in found
            )
            stats[s["entity_type"]]["tp" if hit else "fn"] += 1
            if not hit and show:
                ctx = text[max(0, s["start"] - 15) : s["end"] + 8].replace("\n", "⏎")
                near = [f.text for f in found if f.start < s["end"] and f.end > s["start"]]
                print(f"MISS {s['entity_type']} {s['text']!r} ({s.get('variant')}) in …{ctx}… got {near}")
        for f in found:
            ok = any(
                s["entity_type"] == f.entity_type and f.start < s["end"] and f.end > s["start"]
                for s in labels
            )
            stats[f.entity_type]["correct" if ok else "fp"] += 1
            if not ok and show:
                ctx = text[max(0, f.start - 15) : f.end + 8].replace("\n", "⏎")
                print(f"FP   {f.entity_type} {f.text!r} ({f.explanation.pattern}) in …{ctx}…")
    out: dict = {}
    for e, s in stats.items():
        out[e] = {
            "recall": round(s["tp"] / max(1, s["tp"] + s["fn"]), 4),
            "precision": round(s["correct"] / max(1, s["correct"] + s["fp"]), 4),
            **s,
        }
    out["engine_chars_per_s"] = round(chars / elapsed) if elapsed else None
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--model", action="store_true", help="also run the statistical NER model")
    ap.add_argument("--misses", action="store_true", help="print every miss and false positive")
    args = ap.parse_args()
    print(json.dumps(evaluate(args.corpus, args.model, show=args.misses), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
