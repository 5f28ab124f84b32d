"""Train the small Chinese NER pipeline shipped at ``src/deident/models/zh_ner`` (PERSON and
CN_ADDRESS), reproducibly, from the project's own corpus generator.

    python scripts/train_ner.py                      # the defaults: a few minutes on 2 cores
    python scripts/train_ner.py --seed 2024 --n 150 --epochs 6 --out src/deident/models/zh_ner

Training documents come from ``corpora/generate.py`` with a seed different from the
development corpus (``corpora/dev`` is seed 1), so the benchmark measures unseen documents.
The pipeline is ``spacy.blank("zh")`` (character segmenter: nothing to download, no jieba)
plus an NER component over a small hash-embedding CNN; every random source is seeded.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from corpora.generate import generate_documents  # noqa: E402
from spacy.training import Example  # noqa: E402
from spacy.util import compounding, fix_random_seed, minibatch  # noqa: E402

LABELS = ("PERSON", "CN_ADDRESS")
NER_CONFIG = {
    "model": {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 64,
        "maxout_pieces": 2,
        "use_upper": True,
        "nO": None,
        "tok2vec": {
            "@architectures": "spacy.HashEmbedCNN.v2",
            "pretrained_vectors": None,
            "width": 64,
            "depth": 4,
            "embed_size": 3000,
            # Two characters either side per layer: four layers see a cue word eight characters back.
            "window_size": 2,
            "maxout_pieces": 3,
            # Prefixes and suffixes of a single character are the character itself.
            "subword_features": False,
        },
    }
}


def examples(nlp: spacy.Language, seed: int, n: int, keep_empty: float = 1.0) -> list[Example]:
    """One example per line of each generated document (the unit the formats hand over);
    `keep_empty` of the lines without any name or address (filler prose) are kept."""
    rng = random.Random(seed)
    out = []
    for _, doc in generate_documents(seed, n):
        text = doc.text
        pos = 0
        for line in text.split("\n"):
            lo, hi = pos, pos + len(line)
            pos = hi + 1
            if not line.strip():
                continue
            ents = [
                (s["start"] - lo, s["end"] - lo, s["entity_type"])
                for s in doc.spans
                if s["entity_type"] in LABELS and lo <= s["start"] and s["end"] <= hi
            ]
            if ents or rng.random() < keep_empty:
                out.append(Example.from_dict(nlp.make_doc(line), {"entities": ents}))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--n", type=int, default=150, help="generated training documents")
    ap.add_argument(
        "--dev-seed", type=int, default=99, help="seed of the held-out documents scored per epoch"
    )
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "deident" / "models" / "zh_ner")
    args = ap.parse_args()

    fix_random_seed(args.seed)
    rng = random.Random(args.seed)
    nlp = spacy.blank("zh")
    ner = nlp.add_pipe("ner", config=NER_CONFIG)
    for label in LABELS:
        ner.add_label(label)
    train = examples(nlp, args.seed, args.n, keep_empty=0.3)
    dev = examples(nlp, args.dev_seed, 20)
    print(f"{len(train)} training lines, {len(dev)} held-out lines")
    optimizer = nlp.initialize(lambda: train)
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        rng.shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=compounding(8.0, 64.0, 1.01)):
            nlp.update(batch, drop=0.15, sgd=optimizer, losses=losses)
        scores = nlp.evaluate(dev)
        per = scores.get("ents_per_type") or {}
        detail = "  ".join(f"{k} p={v['p']:.3f} r={v['r']:.3f}" for k, v in sorted(per.items()))
        print(
            f"epoch {epoch + 1}: loss {losses.get('ner', 0):.1f}  {detail}  ({time.perf_counter() - t0:.0f}s)"
        )
    nlp.meta.update(
        {
            "name": "deident_zh_ner",
            "version": "0.1.0",
            "description": "deident: PERSON and CN_ADDRESS in Chinese government documents (trained on the "
            f"synthetic corpus, seed {args.seed}, {args.n} documents, {args.epochs} epochs)",
            "license": "Apache-2.0",
        }
    )
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"saved {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
