"""Build ``src/deident/data/surname_words.txt.gz``: frequent words that begin with a surname
character (高度, 周末, 黄金, 应当, 全体 …), which the name detector refuses where the context is
weak. Source: JioNLP 1.5.31 ``dictionary/idf.txt`` (Apache-2.0): words with an inverse
document frequency below the threshold are frequent in general text; personal names sit above
it (王伟 9.6, 张伟 10.6).

Run from the repository (jionlp installed):  python scripts/build_common_words.py
"""

from __future__ import annotations

import sys

from idf_words import han_words, write_list

from deident.detection.names.surnames import COMPOUND, SINGLE

IDF_MAX = 8.6


def main() -> int:
    write_list(
        "surname_words.txt.gz",
        {
            w
            for w, idf in han_words()
            if idf < IDF_MAX and len(w) in (2, 3, 4) and (w[0] in SINGLE or w[:2] in COMPOUND)
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
