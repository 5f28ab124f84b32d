"""What the word-list builders share: JioNLP's ``dictionary/idf.txt`` (Apache-2.0) read as
(word, inverse document frequency) for words of Han characters only, and a sorted, gzipped
list written reproducibly into ``src/deident/data``."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import jionlp

DATA = Path(__file__).resolve().parents[1] / "src" / "deident" / "data"


def han_words() -> Iterator[tuple[str, float]]:
    """(word, idf) of every entry of idf.txt written in Han characters alone."""
    src = Path(os.path.dirname(jionlp.__file__)) / "dictionary" / "idf.txt"
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and all("\u4e00" <= c <= "\u9fff" for c in parts[0]):
            yield parts[0], float(parts[1])


def write_list(name: str, lines: Iterable[str]) -> None:
    """One entry a line, sorted, gzipped with no time stamp (the same input builds the same bytes)."""
    out = DATA / name
    rows = sorted(lines)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write("\n".join(rows).encode("utf-8") + b"\n")
    print(f"{len(rows)} words -> {out} ({out.stat().st_size} bytes)")
