"""The statistical detector: a small spaCy NER pipeline for names and addresses that no cue
word introduces (``config.use_model``; needs the ``nlp`` extra, i.e. spaCy).

The pipeline ships in the package (``deident/models/zh_ner``, trained by
``scripts/train_ner.py`` on the project's own corpus) and is loaded from there: nothing is
downloaded. Its predictions are filtered by the same facts the rules use, so the model adds
recall without adding the rules' classic false positives: a PERSON must start with a surname,
be two to four characters (or a minority name with ·) and not be a frequent word; an
address must contain a numbered part or a village.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

try:
    import spacy
except ModuleNotFoundError as exc:  # the "nlp" extra is not installed
    # Reported under this module's name, so the engine treats the detector as not installed
    # (`build_detector` returns None) instead of failing the scan.
    raise ModuleNotFoundError(f"{__name__} needs spaCy (pip install 'deident[nlp]')", name=__name__) from exc

from deident.config import ScanConfig
from deident.detection.gazetteer import load_gazetteer
from deident.detection.person import NAME_DOTS, PersonDetector
from deident.detection.spec import RecognizerSpec, load_specs
from deident.detection.surnames import surname_length
from deident.errors import ConfigError
from deident.model import Explanation, Finding

_ADDRESS_DETAIL = re.compile(r"[0-9一二三四五六七八九十]+(?:号|栋|幢|座|单元|室|房|组|队)|村|社区")
_PLACE = re.compile(r"路|街|大道|巷|弄|胡同|村|社区|小区|花园|苑")
_MINORITY = re.compile(rf"^[\u4e00-\u9fff]{{1,8}}[{NAME_DOTS}][\u4e00-\u9fff]{{1,10}}$")
_NOT_IN_VALUES = frozenset("*＊×●〔〕《》（）()【】[]")
_LINE = re.compile(r"[^\n]+")
_MAX_CHUNK = 2000  # characters per call: keeps the parser's memory flat on long documents


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def model_path() -> Path:
    return Path(str(resources.files("deident"))) / "models" / "zh_ner"


# spaCy pipelines are not documented as safe for concurrent calls, and every engine shares the
# one loaded pipeline (`_load` caches it), so calls are serialised process-wide.
_PIPELINE_LOCK = threading.Lock()


@functools.cache
def _load(path: str) -> Any:
    try:
        return spacy.load(path)
    except OSError as exc:
        raise ConfigError(f"the NER model is missing or damaged at {path}; reinstall deident") from exc


class NerDetector:
    def __init__(self, spec: RecognizerSpec, config: ScanConfig) -> None:
        self.spec = spec
        self.config = config
        opts = spec.options
        self.scores = {
            "PERSON": float(opts.get("person_score", 0.6)),
            "CN_ADDRESS": float(opts.get("address_score", 0.6)),
        }
        self.nlp = _load(str(opts.get("model_path") or model_path()))
        person_spec = next(sp for sp in load_specs() if sp.detector == "person")
        self.person = PersonDetector(person_spec, config)
        self.gazetteer = load_gazetteer()

    def _span(self, folded: str, label: str, start: int, end: int) -> tuple[int, int] | None:
        """The span to report for a prediction, or None to drop it."""
        span = folded[start:end]
        if any(c in _NOT_IN_VALUES for c in span):
            return None  # already masked (田*刚) or a title in brackets
        if label == "PERSON":
            if self.person.official_word(folded, start, end) is not None:
                return None  # officials in appointment notices are public (unless flag_officials)
            if (start > 0 and folded[start - 1] in NAME_DOTS) or (
                end < len(folded) and folded[end] in NAME_DOTS
            ):
                return None  # part of a minority name: the rules read those whole
            # A prediction that starts inside a name (侯峰 of 夏侯峰, 金佳 of 于金佳 in a table cell):
            # take the whole name when it starts at a boundary.
            for back in (1, 2):
                s0 = start - back
                if (
                    s0 >= 0
                    and surname_length(folded, s0) >= back
                    and (s0 == 0 or not _is_han(folded[s0 - 1]))
                ):
                    e0 = self.person.name_at(folded, s0, strict=1)
                    if e0 is not None and e0 >= end:
                        return s0, e0
            # The rules decide where a name ends (a partial prediction would keep a table
            # cell from being masked whole) and whether it is a word.
            e = self.person.name_at(folded, start, strict=1)
            if e is None or (e - start > 4 and not _MINORITY.match(folded[start:e])):
                return None
            return start, e
        if label == "CN_ADDRESS":
            has_place = _PLACE.search(span) is not None or bool(
                self.gazetteer.chain_at(folded, start, end)[1]
            )
            if len(span) >= 4 and has_place and _ADDRESS_DETAIL.search(span) is not None:
                return start, end
        return None

    def _chunks(self, text: str) -> Iterable[tuple[int, str]]:
        for m in _LINE.finditer(text):
            line = m.group()
            for i in range(0, len(line), _MAX_CHUNK):
                yield m.start() + i, line[i : i + _MAX_CHUNK]

    def detect(self, text: str, folded: str) -> Iterable[Finding]:
        chunks = list(self._chunks(folded))
        with _PIPELINE_LOCK:
            docs = list(self.nlp.pipe(c for _, c in chunks))
        out: list[Finding] = []
        for (off, _), doc in zip(chunks, docs, strict=True):
            for ent in doc.ents:
                if ent.label_ not in self.scores:
                    continue
                span = self._span(folded, ent.label_, off + ent.start_char, off + ent.end_char)
                if span is None:
                    continue
                start, end = span
                attributes: dict[str, Any] = {}
                if ent.label_ == "CN_ADDRESS":
                    _, levels = self.gazetteer.chain_at(folded, start, end)
                    attributes["levels"] = {lv: e - start for lv, e in levels.items()}
                score = self.scores[ent.label_]
                out.append(
                    Finding(
                        entity_type=ent.label_,
                        start=start,
                        end=end,
                        text=text[start:end],
                        score=score,
                        recognizer=self.spec.id,
                        explanation=Explanation(
                            recognizer=self.spec.id, pattern="ner model", base_score=score
                        ),
                        attributes=attributes,
                    )
                )
        return out
