"""Generate the labelled development corpus, the hard negatives and the sample files.

    python corpora/generate.py --out corpora/dev --seed 1 --n 64
    python corpora/generate.py --negatives corpora/negatives --samples corpora/samples

The corpus is a directory of .txt documents plus ``labels.jsonl``, one line per document:
``{"file": "000_公示名单.txt", "doc_type": "公示名单", "spans": [{"start", "end",
"entity_type", "text", "variant", ...}]}``; ``text == document[start:end]``. Address
labels add ``detail_start``: the absolute offset where the part below 乡镇/街道 begins
(below the county when the address names no township). Output is a pure function of
the seed (and of the seed documents used as filler).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # runnable as a script: make `corpora` and `tests` importable
    sys.path.insert(0, str(_ROOT))

from corpora.builder import SEEDS_DIR, Doc, Filler, Writer  # noqa: E402
from corpora.doctypes import DOC_TYPES  # noqa: E402
from corpora.hard_negatives import write_negatives  # noqa: E402
from corpora.make_samples import write_samples  # noqa: E402


def generate_documents(seed: int, n: int, seeds_dir: Path = SEEDS_DIR) -> list[tuple[str, Doc]]:
    """`n` documents, cycling through every document type; returns (file name, doc)."""
    rng = random.Random(seed)
    writer = Writer(rng, Filler(seeds_dir))
    types = list(DOC_TYPES.items())
    docs = []
    for i in range(n):
        name, template = types[i % len(types)]
        doc = Doc(doc_type=name)
        template(writer, doc)
        docs.append((f"{i:03d}_{name}.txt", doc))
    return docs


def write_corpus(out: Path, seed: int, n: int, seeds_dir: Path = SEEDS_DIR) -> list[dict[str, Any]]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):  # a smaller --n must not leave stale documents behind
        old.unlink()
    labels = []
    for fname, doc in generate_documents(seed, n, seeds_dir):
        text = doc.text
        for s in doc.spans:
            assert text[s["start"] : s["end"]] == s["text"], (fname, s)
        (out / fname).write_text(text, encoding="utf-8")
        labels.append({"file": fname, "doc_type": doc.doc_type, "spans": doc.spans})
    with (out / "labels.jsonl").open("w", encoding="utf-8") as fh:
        for rec in labels:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    return labels


def load_labels(corpus: Path) -> list[dict[str, Any]]:
    with (corpus / "labels.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="directory of the labelled corpus (e.g. corpora/dev)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=64, help="number of documents")
    ap.add_argument("--negatives", type=Path, help="also write the hard negatives here")
    ap.add_argument("--samples", type=Path, help="also write the README sample files here")
    ap.add_argument("--seeds-dir", type=Path, default=SEEDS_DIR, help="real documents used as filler")
    args = ap.parse_args(argv)
    if not (args.out or args.negatives or args.samples):
        ap.error("nothing to do: give --out, --negatives and/or --samples")
    if args.out:
        labels = write_corpus(args.out, args.seed, args.n, args.seeds_dir)
        n_spans = sum(len(r["spans"]) for r in labels)
        print(f"{args.out}: {len(labels)} documents, {n_spans} labelled spans")
    if args.negatives:
        files = write_negatives(args.negatives, args.seed)
        print(f"{args.negatives}: {len(files)} negative files")
    if args.samples:
        files = write_samples(args.samples, args.seed)
        print(f"{args.samples}: {', '.join(p.name for p in files)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
