"""Build ``src/deident/data/surname_words.txt.gz``: frequent words that begin with a surname
character (高度, 周末, 黄金, 应当, 全体 …), which the name detector refuses where the context is
weak. Source: JioNLP 1.5.31 ``dictionary/idf.txt`` (Apache-2.0): words with an inverse
document frequency below the threshold are frequent in general text; personal names sit above
it (王伟 9.6, 张伟 10.6).

Run from the repository (jionlp installed):  python scripts/build_common_words.py
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import jionlp

from deident.detection.names.surnames import COMPOUND, SINGLE

IDF_MAX = 8.6


def main() -> int:
    src = Path(os.path.dirname(jionlp.__file__)) / "dictionary" / "idf.txt"
    out = Path(__file__).resolve().parents[1] / "src" / "deident" / "data" / "surname_words.txt.gz"
    words = set()
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        w, idf = parts[0], float(parts[1])
        is_han = all("\u4e00" <= c <= "\u9fff" for c in w)
        if idf < IDF_MAX and len(w) in (2, 3, 4) and (w[0] in SINGLE or w[:2] in COMPOUND) and is_han:
            words.add(w)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write("\n".join(sorted(words)).encode("utf-8") + b"\n")
    print(f"{len(words)} words -> {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
