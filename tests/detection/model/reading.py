"""What the model's tests read: the names a detector or the whole engine reports in a text."""

from __future__ import annotations

from deident.detection.engine import Engine
from deident.detection.model.ner import NerDetector


def names(det: NerDetector, text: str) -> list[str]:
    """The model detector's names in `text` (the text read as its own folded form)."""
    return [f.text for f in det.detect(text, text)]


def persons(engine: Engine, text: str) -> list[str]:
    """The default scan's PERSON findings in `text`."""
    return [f.text for f in engine.analyze(text) if f.entity_type == "PERSON"]
