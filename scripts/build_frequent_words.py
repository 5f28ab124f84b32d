"""Build ``src/deident/data/frequent_words.txt.gz``: frequent words of two or three Han characters,
whatever their characters (仓库, 头部, 共计, 到案 is not among them). A name after a case cue
ends where such a word starts and none runs across the cut (被害人戴坚仓库内: 戴坚 | 仓库,
`deident.detection.model.cued`). Source: JioNLP 1.5.31 ``dictionary/idf.txt`` (Apache-2.0),
words with an inverse document frequency below 9 (names sit near or above it: 王伟 9.6, 张伟
10.6, 李明 10.2).

Run from the repository (jionlp installed):  python scripts/build_frequent_words.py
"""

from __future__ import annotations

from idf_words import han_words, write_list

IDF_MAX = 9.0


def main() -> int:
    write_list("frequent_words.txt.gz", {w for w, idf in han_words() if idf < IDF_MAX and len(w) in (2, 3)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
