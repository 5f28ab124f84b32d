"""Frequent words of two or three Han characters, whatever their characters (仓库, 头部, 共计):
where a judgment's text is cut into words after a name (`deident.detection.model.cued`).
Built by scripts/build_frequent_words.py from JioNLP's idf.txt (Apache-2.0)."""

from __future__ import annotations

import functools

from deident.detection.names.gazetteer import word_list


@functools.cache
def frequent_words() -> frozenset[str]:
    return frozenset(word_list("frequent_words.txt.gz"))
