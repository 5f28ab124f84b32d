"""The gazetteer of administrative divisions (省/市/县/乡镇街道) shipped in ``deident/data``.

Built by ``scripts/build_gazetteer.py`` from JioNLP's division dictionary (Apache-2.0), with
abolished and renamed units kept: old documents and old ID cards use them. Loaded once per
process on first use; the object is immutable, so sharing it between engines and threads is safe.
"""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass
from pathlib import Path

# Package data, read from the installed package itself (no importlib lookup of `deident`).
DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def word_list(name: str) -> list[str]:
    """The entries of a gzipped word list in the package's data folder, one per line."""
    return gzip.decompress((DATA_DIR / name).read_bytes()).decode("utf-8").split()


LEVELS = ("province", "city", "county", "township")
# Longer names (…开发区管理委员会) do not occur inside a home address.
MAX_NAME = 16
_MIN_NAME = 2


@dataclass(frozen=True, slots=True)
class Gazetteer:
    # name -> the levels it names (上海市 is both a province and a city)
    names: dict[str, frozenset[str]]
    max_len: int

    def match_at(self, text: str, i: int, stop: int | None = None) -> tuple[int, frozenset[str]] | None:
        """The longest division name starting at `i` and ending by `stop`: (end, levels), or None."""
        limit = min(len(text) if stop is None else stop, i + self.max_len)
        for end in range(limit, i + _MIN_NAME - 1, -1):
            levels = self.names.get(text[i:end])
            if levels is not None:
                return end, levels
        return None

    def chain_at(self, text: str, i: int, stop: int) -> tuple[int, dict[str, int]]:
        """Consume consecutive division names from `i` (not past `stop`), coarse to fine.

        Returns the end of the chain and, per level, the offset where it ends. A name whose
        level is coarser than one already seen ends the chain: "南山区" followed by "广东省"
        is two addresses, not one.
        """
        ends: dict[str, int] = {}
        rank = -1
        pos = i
        while pos < stop:
            hit = self.match_at(text, pos, stop)
            if hit is None:
                break
            end, levels = hit
            finer = sorted(LEVELS.index(lv) for lv in levels if LEVELS.index(lv) > rank)
            if not finer:
                break
            # A name of several levels takes the coarsest one that continues the chain (城区 is a
            # county in some cities and a township in others); a municipality (北京市) is both
            # its province and its city.
            taken = finer[:2] if finer[:2] == [0, 1] else finer[:1]
            for r in taken:
                ends[LEVELS[r]] = end
            rank = taken[-1]
            pos = end
        return pos, ends


@functools.cache
def load_gazetteer() -> Gazetteer:
    raw = (DATA_DIR / "divisions.tsv.gz").read_bytes()
    names: dict[str, set[str]] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        level, name, alias, *_ = line.split("\t")
        if _MIN_NAME <= len(name) <= MAX_NAME:
            names.setdefault(name, set()).add(level)
        # Short forms are written for provinces and cities (广东深圳南山区), not for counties:
        # county short forms (南山, 城关) are ordinary words far too often.
        if level in ("province", "city") and len(alias) >= _MIN_NAME:
            names.setdefault(alias, set()).add(level)
    frozen = {k: frozenset(v) for k, v in names.items()}
    return Gazetteer(names=frozen, max_len=max(len(k) for k in frozen))
