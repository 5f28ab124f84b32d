"""Instructions of one pass of deident's engine over a corpus, counted by valgrind (callgrind):
unlike a timing, the count does not move with the load of a shared machine.

    python benchmarks/instructions.py                  # the 4-entity engine over corpora/dev
    python benchmarks/instructions.py --all            # every recognizer
    python benchmarks/instructions.py --corpus ../shared/seeds

Each document is analysed once to warm up (compiled regexes, caches), then once more inside
`functools.reduce`, the one C function the count is collected in (`--toggle-collect`). The hash
seed is fixed, so two runs of the same tree agree to well under 1%.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pass(corpus: Path, everything: bool) -> None:
    """Runs under valgrind: warm up, then the counted pass."""
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from benchmarks.presidio_zh import ENTITIES
    from deident.config import ScanConfig
    from deident.detection.engine import Engine

    docs = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    engine = Engine.create(ScanConfig() if everything else ScanConfig(entities=frozenset(ENTITIES)))
    for d in docs:
        engine.analyze(d)
    functools.reduce(lambda _, d: engine.analyze(d), docs, None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "dev")
    ap.add_argument("--all", action="store_true", help="every recognizer, not the 4 entities of speed.py")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.inner:
        _pass(args.corpus, args.all)
        return 0
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--toggle-collect=functools_reduce",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--inner",
        "--corpus",
        str(args.corpus),
        *(["--all"] if args.all else []),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    m = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or m is None:
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    chars = sum(len(p.read_text(encoding="utf-8")) for p in args.corpus.glob("*.txt"))
    count = int(m.group(1))
    print(f"{count / 1e6:.2f} M instructions for one pass over {args.corpus.name} "
          f"({chars:,} characters, {count / chars:.0f} per character)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
