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

import jionlp
from idf_words import han_words, write_list

from deident.detection.names.surnames import SINGLE

IDF_MAX = 10.0
IDF_FREQUENT = 8.6  # below: frequent enough that a two-character word starting a clause is that word


def main() -> int:
    words: dict[str, bool] = {}  # word -> frequent (idf < IDF_FREQUENT)
    for w, idf in han_words():
        if idf < IDF_MAX and len(w) in (2, 3, 4) and any(c in SINGLE for c in w):
            words[w] = idf < IDF_FREQUENT
    for w, frequent in list(words.items()):
        words.setdefault(jionlp.sim2tra(w, mode="char"), frequent)
    # One word a line; "*" after the word marks the frequent ones.
    write_list("gate_words.txt.gz", (w + ("*" if frequent else "") for w, frequent in words.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
