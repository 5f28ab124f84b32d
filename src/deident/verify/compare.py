"""Scan the second reading with the shared detection engine and compare it with the first.

A value is compared by its key: NFKC, letters and digits only, upper case (so 138 1234 5678
in one reading and 13812345678 in the other are one value). A second-reading finding whose
key no first-reading finding has is a value the structured reader missed.

The name model reads a text once. Given what the first reading analysed (`Seen`), a line of a
PDF page's text that the first reading has (a line of a paragraph the structured reader joined,
a table row whose cells it read) is read by the rules only: the model read that text already,
in its paragraph or cell. Every other line is read by the rules and the model. Every line is
read by the rules.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.model import Finding
from deident.verify.piece import Piece
from deident.verify.reading import second_reading

_KEEP = re.compile(r"[^0-9A-Za-z\u3400-\u9fff@.]")
# The engine reads each piece in slices of this many characters (overlapping by _OVERLAP), so a
# megabyte of attribute values never becomes one quadratic regex search.
_SLICE = 200_000
# Found by grammar and the name model rather than by a value's shape: not looked for in binary runs.
_GRAMMAR = frozenset({"PERSON", "CN_ADDRESS"})
_OVERLAP = 200
_SPACE = re.compile(r"\s+")


def key(text: str) -> str:
    return _KEEP.sub("", unicodedata.normalize("NFKC", text)).upper()


class Seen:
    """The texts the first reading analysed, by page: whitespace removed, one per line of a
    haystack, and their whitespace-separated words (a table's cells). A line is looked for among
    its own page's texts only, so the cost grows with a page, not with the document."""

    def __init__(self, read: Iterable[tuple[Mapping[str, Any], str]]) -> None:
        texts: dict[Any, list[str]] = {}
        for place, text in read:
            pages = {place.get("page")}
            more = place.get("continued_on")  # a table row split by a page break
            if isinstance(more, Mapping):
                pages.add(more.get("page"))
            for page in pages - {None}:
                texts.setdefault(page, []).append(text)
        self._hay = {p: "\n".join(_SPACE.sub("", t) for t in ts) for p, ts in texts.items()}
        self._words = {p: {w for t in ts for w in t.split()} for p, ts in texts.items()}

    def has(self, line: str, page: Any) -> bool:
        """The model has read `line` of `page`: whole (whitespace aside) inside one of the page's
        texts, or word by word, each word a word of them or, from four characters on, inside one
        (a table row read across its cells, a cell wrapped onto two lines)."""
        hay, words = self._hay.get(page), self._words.get(page, set())
        if hay is None:
            return False
        if _SPACE.sub("", line) in hay:
            return True
        return all(w in words or (len(w) >= 4 and w in hay) for w in line.split())


def _analyze(text: str, engine: Engine) -> Iterable[Finding]:
    """Findings of `text`, read in overlapping slices of `_SLICE` characters."""
    start = 0
    while True:
        for f in engine.analyze(text[start : start + _SLICE]):
            yield dataclasses.replace(f, start=f.start + start, end=f.end + start) if start else f
        if start + _SLICE >= len(text):
            return
        start += _SLICE - _OVERLAP


def _unseen_lines(text: str, seen: Seen, page: Any) -> Iterable[tuple[int, str]]:
    """(offset, text) of the runs of consecutive lines of `text` that `seen` does not hold."""
    run_start, pos, run_end = -1, 0, 0
    for line in text.split("\n"):
        if seen.has(line, page):
            if run_start >= 0:
                yield run_start, text[run_start:run_end]
                run_start = -1
        else:
            if run_start < 0:
                run_start = pos
            run_end = pos + len(line)
        pos += len(line) + 1
    if run_start >= 0:
        yield run_start, text[run_start:run_end]


def _page_findings(text: str, engine: Engine, seen: Seen, page: Any) -> list[Finding]:
    """A page's text: the rules on all of it; the model's names in the lines the first reading
    has not analysed (those lines read together, one call)."""
    found = list(_analyze(text, engine.without_models()))
    runs = list(_unseen_lines(text, seen, page))
    if not runs:
        return found
    # The runs joined by line breaks (the model reads line by line); a finding maps back into the
    # run that holds it (one that spans two runs joins text the page does not hold together).
    starts, offsets, parts, at = [], [], [], 0
    for off, part in runs:
        starts.append(at)
        offsets.append(off)
        parts.append(part)
        at += len(part) + 1
    for f in _analyze("\n".join(parts), engine):
        k = bisect.bisect_right(starts, f.start) - 1
        if f.end <= starts[k] + len(parts[k]):
            shift = offsets[k] - starts[k]
            found.append(dataclasses.replace(f, start=f.start + shift, end=f.end + shift))
    return found


def findings_in(pieces: Iterable[Piece], engine: Engine, seen: Seen | None = None) -> list[Finding]:
    """Every finding of every piece, its location the piece's place (marked as the second reading).
    With `seen`, the model reads only page text the first reading did not analyse."""
    out: list[Finding] = []
    for piece in pieces:
        text = piece.text
        if not text.strip():
            continue
        loc = {"reading": "second", **piece.place}
        if piece.hint is not None:
            found: Iterable[Finding] = engine.analyze(
                text, hint_entity=piece.hint, hint_reason=piece.hint_reason
            )
        elif piece.binary:  # names and addresses are not looked for in it: the model need not read it
            found = _analyze(text, engine.without_models())
        elif seen is not None and "page" in piece.place:
            found = _page_findings(text, engine, seen, piece.place["page"])
        else:
            found = _analyze(text, engine)
        for f in found:
            if piece.binary and f.entity_type in _GRAMMAR:
                continue
            out.append(dataclasses.replace(f, location=loc))
    return out


def second_findings(
    path: Path, config: ScanConfig, engine: Engine, *, ocr: bool = False, seen: Seen | None = None
) -> list[Finding]:
    return findings_in(second_reading(path, config.limits, ocr=ocr), engine, seen)


def unexplained(second: Iterable[Finding], first: Iterable[Finding]) -> list[Finding]:
    """The second-reading findings whose value no first-reading finding covers, one per value."""
    known = {key(f.text) for f in first}
    covered = list(known)
    out: dict[str, Finding] = {}
    for f in second:
        k = key(f.text)
        if not k or k in known or k in out:
            continue
        # A name found as 张三 by one reading and as 张三丰 (or inside an address) by the other
        # is the same place read with more or less context.
        if f.entity_type in ("PERSON", "CN_ADDRESS") and any(
            k in c or c in k for c in covered if len(c) >= 2
        ):
            continue
        out[k] = f
    return list(out.values())
