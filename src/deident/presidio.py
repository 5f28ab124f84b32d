"""deident's recognizers for Microsoft Presidio (``pip install deident[presidio]``).

    from deident.presidio import build_analyzer
    analyzer = build_analyzer()
    results = analyzer.analyze(text="申请人张三，身份证号码440881199001011233", language="zh")

Every deident recognizer (``recognizers/*.yaml``) becomes one Presidio `EntityRecognizer`
with the same id, entity and context words. They wrap deident's own engine, so patterns,
checksums and overlap resolution are not duplicated: the engine runs once per text and each
recognizer returns its share of the findings.

`build_analyzer` returns an `AnalyzerEngine` for ``zh`` that works offline: its NLP engine is a
blank spaCy Chinese pipeline built in memory (nothing to download) with a word-aware
tokenizer, so Presidio's context enhancement fires for Chinese context words (with spaCy's
default character tokenizer it never does). `save_pipeline` writes the same pipeline to a
folder for users who configure Presidio's own `SpacyNlpEngine` by path.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from presidio_analyzer import (
    AnalysisExplanation,
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.names.zh_tokens import blank_zh
from deident.detection.spec import RecognizerSpec
from deident.model import Finding

LANGUAGE = "zh"


class _SharedEngine:
    """One deident engine shared by all recognizers of an analyzer; the findings of the last
    text are kept so the engine runs once per text, not once per recognizer."""

    def __init__(self, config: ScanConfig) -> None:
        self.engine = Engine.create(config)
        self._local = threading.local()

    def findings(self, text: str) -> list[Finding]:
        cached = getattr(self._local, "last", None)
        if cached is not None and cached[0] == text:
            return cached[1]
        found = self.engine.analyze(text)
        self._local.last = (text, found)
        return found


def _context_words(spec: RecognizerSpec) -> list[str]:
    words = list(spec.context.words)
    for key in ("private_cues", "strong_cues", "weak_cues", "honorifics"):
        words.extend(str(w) for w in spec.options.get(key, ()))
    return words


class DeidentRecognizer(EntityRecognizer):
    """One deident recognizer seen through Presidio's `EntityRecognizer` interface."""

    def __init__(self, spec: RecognizerSpec, shared: _SharedEngine) -> None:
        self.spec = spec
        self.shared = shared
        super().__init__(
            supported_entities=[spec.entity],
            name=spec.id,
            supported_language=LANGUAGE,
            context=_context_words(spec),
        )

    def load(self) -> None:  # the shared engine is built once, eagerly
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.spec.entity not in entities:
            return []
        results = []
        for f in self.shared.findings(text):
            if f.recognizer != self.spec.id:
                continue
            expl = AnalysisExplanation(
                recognizer=self.name,
                original_score=f.explanation.base_score,
                pattern_name=f.explanation.pattern,
                validation_result={"valid": True, "invalid": False}.get(f.explanation.checksum),
                textual_explanation=", ".join(f.explanation.notes) or None,
            )
            if f.explanation.context_word:
                expl.set_supportive_context_word(f.explanation.context_word)
            results.append(
                RecognizerResult(
                    entity_type=f.entity_type,
                    start=f.start,
                    end=f.end,
                    score=f.score,
                    analysis_explanation=expl,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        # deident already scored its own context words: no second boost.
                        RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: f.explanation.context_word
                        is not None,
                    },
                )
            )
        return results


class ZhNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine with deident's offline Chinese pipeline, built in memory."""

    def __init__(self, nlp: Any = None) -> None:
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": "deident-zh-words"}])
        self._pipeline = nlp

    def load(self) -> None:
        self.nlp = {LANGUAGE: self._pipeline if self._pipeline is not None else blank_zh()}

    def add_words(self, words: Sequence[str]) -> None:
        """Keep more context words whole: call it after adding recognizers of your own to
        ``analyzer.registry``, so their context words become tokens."""
        if self.nlp is None:
            self.load()
        self.nlp[LANGUAGE].tokenizer.add_words(words)


def recognizers(config: ScanConfig | None = None) -> list[DeidentRecognizer]:
    """A Presidio recognizer for every deident recognizer (one shared engine)."""
    shared = _SharedEngine(config or ScanConfig())
    return [
        DeidentRecognizer(spec, shared)
        for spec in shared.engine.specs
        if shared.engine.config.wants(spec.entity)
    ]


def build_analyzer(
    config: ScanConfig | None = None,
    *,
    extra_recognizers: Sequence[EntityRecognizer] = (),
    score_threshold: float | None = None,
) -> AnalyzerEngine:
    """An offline `AnalyzerEngine` for ``zh`` with deident's recognizers (and yours).

    The threshold defaults to deident's `min_score`. Context words are matched as tokens of
    the word-aware tokenizer, within five tokens before and two after a result.
    """
    config = config or ScanConfig()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    extra_words: list[str] = []
    for rec in [*recognizers(config), *extra_recognizers]:
        registry.add_recognizer(rec)
        extra_words.extend(rec.context or ())
    nlp_engine = ZhNlpEngine(blank_zh(extra_words))
    nlp_engine.load()
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        default_score_threshold=config.min_score if score_threshold is None else score_threshold,
        context_aware_enhancer=LemmaContextAwareEnhancer(context_prefix_count=5, context_suffix_count=2),
    )


def save_pipeline(path: str | Path) -> Path:
    """Write the offline Chinese pipeline to `path`, for Presidio configurations that name a
    spaCy model by path (``SpacyNlpEngine(models=[{"lang_code": "zh", "model_name": path}])``).
    Loading it needs ``import deident.presidio`` first (the tokenizer lives in deident)."""
    path = Path(path)
    blank_zh().to_disk(path)
    return path
