"""Every finding of a source tree's engine over the test material, written one per line, so that
two trees (or the compiled and the pure-Python engine) can be compared byte for byte.

    python scripts/same_findings.py /tmp/base base.txt                        # e.g. main, checked out
    python scripts/same_findings.py . new.txt && cmp base.txt new.txt
    DEIDENT_PURE_PYTHON=1 python scripts/same_findings.py . new-py.txt

The material: every corpora/**/*.txt of this repository and ../shared/seeds (or --seeds), read
by the 4-entity engine of benchmarks/speed.py and by the engine with every recognizer. A line
is the engine, the file and the finding's repr (offsets, score, explanation and all).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tree", type=Path, help="the source tree whose engine reads (its src/ is imported)")
    ap.add_argument("out", type=Path)
    ap.add_argument("--seeds", type=Path, default=HERE.parent / "shared" / "seeds")
    args = ap.parse_args(argv)
    tree = args.tree.resolve()
    sys.path[:0] = [str(tree / "src"), str(tree)]
    from benchmarks.presidio_zh import ENTITIES

    from deident.config import ScanConfig
    from deident.detection.engine import Engine

    files = sorted((HERE / "corpora").rglob("*.txt")) + sorted(args.seeds.rglob("*.txt"))
    engines = {
        "four": Engine.create(ScanConfig(entities=frozenset(ENTITIES))),
        "all": Engine.create(ScanConfig()),
    }
    lines = [
        f"{name}\t{p.relative_to(p.parents[1])}\t{f!r}"
        for name, engine in engines.items()
        for p in files
        for f in engine.analyze(p.read_text(encoding="utf-8"))
    ]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"{len(files)} files, {len(lines)} findings, sha1 {hashlib.sha1(text.encode()).hexdigest()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
