"""Scan the second reading with the shared detection engine and compare it with the first.

A value is compared by its key: NFKC, letters and digits only, upper case (so 138 1234 5678
in one reading and 13812345678 in the other are one value). A second-reading finding whose
key no first-reading finding has is a value the structured reader missed.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

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


def key(text: str) -> str:
    return _KEEP.sub("", unicodedata.normalize("NFKC", text)).upper()


def findings_in(pieces: Iterable[Piece], engine: Engine) -> list[Finding]:
    """Every finding of every piece, its location the piece's place (marked as the second reading)."""
    out: list[Finding] = []
    for piece in pieces:
        text = piece.text
        if not text.strip():
            continue
        loc = {"reading": "second", **piece.place}
        start = 0
        while True:
            chunk = text[start : start + _SLICE]
            for f in engine.analyze(chunk):
                if piece.binary and f.entity_type in _GRAMMAR:
                    continue
                out.append(dataclasses.replace(f, start=f.start + start, end=f.end + start, location=loc))
            if start + _SLICE >= len(text):
                break
            start += _SLICE - _OVERLAP
    return out


def second_findings(path: Path, config: ScanConfig, engine: Engine, *, ocr: bool = False) -> list[Finding]:
    return findings_in(second_reading(path, config.limits, ocr=ocr), engine)


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
