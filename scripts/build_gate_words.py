"""Build ``src/deident/data/gate_words.txt.gz``: frequent words that hold a surname character
(国家, 大家, 已经, 公开, 银行 …). The model's pre-filter (`deident.detection.model.ner`) reads a
surname character inside or at the start of such a word as that word, not as a name, and keeps
the clause from the model. Source: JioNLP 1.5.31 ``dictionary/idf.txt`` (Apache-2.0), words of
two to four Han characters with an inverse document frequency below 10 (names sit near or above
it: 王伟 9.6, 张伟 10.6; a name among them is still read by the rules' cues), each also in
traditional characters (JioNLP's ``sim2tra``, character by character: 公開, 銀行), since
government sites in Hong Kong style publish both.

Run from the repository (jionlp installed):  python scripts/build_gate_words.py
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import jionlp

from deident.detection.names.surnames import SINGLE

IDF_MAX = 10.0
IDF_FREQUENT = 8.6  # below: frequent enough that a two-character word starting a clause is that word


def main() -> int:
    src = Path(os.path.dirname(jionlp.__file__)) / "dictionary" / "idf.txt"
    out = Path(__file__).resolve().parents[1] / "src" / "deident" / "data" / "gate_words.txt.gz"
    words: dict[str, bool] = {}  # word -> frequent (idf < IDF_FREQUENT)
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        w, idf = parts[0], float(parts[1])
        is_han = all("\u4e00" <= c <= "\u9fff" for c in w)
        if idf < IDF_MAX and len(w) in (2, 3, 4) and is_han and any(c in SINGLE for c in w):
            words[w] = idf < IDF_FREQUENT
    for w, frequent in list(words.items()):
        words.setdefault(jionlp.sim2tra(w, mode="char"), frequent)
    # One word a line; "*" after the word marks the frequent ones.
    lines = sorted(w + ("*" if frequent else "") for w, frequent in words.items())
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write("\n".join(lines).encode("utf-8") + b"\n")
    print(f"{len(words)} words -> {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
