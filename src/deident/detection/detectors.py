"""Python detectors for entities that a regex cannot describe (names, addresses, a trained model).

A detector is named by a ``kind: detector`` recognizer file and built once per engine:

    class Detector(Protocol):
        def __init__(self, spec: RecognizerSpec, config: ScanConfig) -> None: ...
        def detect(self, text: str, folded: str) -> Iterable[Finding]: ...

`text` is the original text, `folded` the same text with full-width letters and digits folded
to ASCII (same length, same offsets). Findings use offsets into `text`; the engine resolves
overlaps with every other recognizer and applies `min_score` and the entity filter.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Protocol

from deident.config import ScanConfig
from deident.detection.spec import RecognizerSpec
from deident.errors import ConfigError
from deident.model import Finding

DETECTORS: dict[str, str] = {
    "person": "deident.detection.names.person:PersonDetector",
    "address": "deident.detection.names.address:AddressDetector",
    "ner_model": "deident.detection.model.ner:NerDetector",  # only with config.use_model (engine)
    "lac": "deident.detection.model.ner:NerDetector",  # the same model, on by default
}


class Detector(Protocol):
    def detect(self, text: str, folded: str) -> Iterable[Finding]: ...


def build_detector(spec: RecognizerSpec, config: ScanConfig) -> Detector | None:
    """The detector of `spec`, or None when its module is not available in this installation
    (an optional extra not installed)."""
    target = DETECTORS.get(spec.detector or "")
    if target is None:
        raise ConfigError(f"{spec.source}: unknown detector '{spec.detector}'")
    module_name, _, cls_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, cls_name)(spec, config)
