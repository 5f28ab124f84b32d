"""Build ``src/deident/data/frequent_words.txt.gz``: frequent words of two or three Han characters,
whatever their characters (仓库, 头部, 共计, 到案 is not among them). A name after a case cue
ends where such a word starts and none runs across the cut (被害人戴坚仓库内: 戴坚 | 仓库,
`deident.detection.model.cued`). Source: JioNLP 1.5.31 ``dictionary/idf.txt`` (Apache-2.0),
words with an inverse document frequency below 9 (names sit near or above it: 王伟 9.6, 张伟
10.6, 李明 10.2).

Run from the repository (jionlp installed):  python scripts/build_frequent_words.py
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import jionlp

IDF_MAX = 9.0


def main() -> int:
    src = Path(os.path.dirname(jionlp.__file__)) / "dictionary" / "idf.txt"
    out = Path(__file__).resolve().parents[1] / "src" / "deident" / "data" / "frequent_words.txt.gz"
    words: set[str] = set()
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        w, idf = parts[0], float(parts[1])
        if idf < IDF_MAX and len(w) in (2, 3) and all("\u4e00" <= c <= "\u9fff" for c in w):
            words.add(w)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write("\n".join(sorted(words)).encode("utf-8") + b"\n")
    print(f"{len(words)} words -> {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
