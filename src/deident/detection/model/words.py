"""Frequent words of two or three Han characters, whatever their characters (仓库, 头部, 共计):
where a judgment's text is cut into words after a name (`deident.detection.model.cued`).
Built by scripts/build_frequent_words.py from JioNLP's idf.txt (Apache-2.0)."""

from __future__ import annotations

import functools
import gzip

from deident.detection.names.gazetteer import DATA_DIR


@functools.cache
def frequent_words() -> frozenset[str]:
    raw = gzip.decompress((DATA_DIR / "frequent_words.txt.gz").read_bytes())
    return frozenset(raw.decode("utf-8").split())
