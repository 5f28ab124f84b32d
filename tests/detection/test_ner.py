"""The statistical NER detector: the shipped model loads offline, finds names and addresses,
and its predictions pass the rules' facts (no masked values, no words, whole names)."""

from __future__ import annotations

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from deident.config import ScanConfig  # noqa: E402
from deident.detection.engine import Engine  # noqa: E402
from deident.detection.ner import NerDetector, model_path  # noqa: E402
from deident.detection.spec import load_specs  # noqa: E402


@pytest.fixture(scope="module")
def detector() -> NerDetector:
    spec = next(s for s in load_specs() if s.id == "ner_model")
    return NerDetector(spec, ScanConfig(use_model=True))


def found(det: NerDetector, text: str) -> list[tuple[str, str]]:
    return [(f.entity_type, f.text) for f in det.detect(text, text)]


def test_model_ships_in_the_package_and_is_small() -> None:
    path = model_path()
    assert (path / "config.cfg").is_file() and (path / "meta.json").is_file()
    size = sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())
    assert size < 8_000_000
    nlp = spacy.load(path)
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "CN_ADDRESS"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("申请人：张伟强，男，身份证号码见附件。", ("PERSON", "张伟强")),
        ("被征收人司马娟，户籍地址：湖南省长沙市岳麓区含浦街道新塘村3组12号。",
         ("CN_ADDRESS", "湖南省长沙市岳麓区含浦街道新塘村3组12号")),
    ],
)  # fmt: skip
def test_model_finds_names_and_addresses(detector: NerDetector, text: str, expected: tuple[str, str]) -> None:
    assert expected in found(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "1\t田*刚\t130102********1234",  # already masked
        "2. 广东省人民政府办公厅关于全面推进基层政务公开标准化规范化工作实施意见（粤府办〔2020〕10号）",
        "各级各部门要高度重视，周末不休息，黄金周期间加强值守。",
        "免去公孙春同志的市教育局局长职务。",  # official (flag_officials is off)
    ],
)
def test_predictions_are_filtered_by_the_rules(detector: NerDetector, text: str) -> None:
    assert found(detector, text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("申请人：欧阳明华，男", "欧阳明华"),
        ("夏侯峰", "夏侯峰"),
        ("于金佳", "于金佳"),
        ("公孙浩飞", "公孙浩飞"),
    ],
)
def test_person_prediction_is_never_part_of_a_name(detector: NerDetector, text: str, name: str) -> None:
    """A partial prediction in a table cell would keep the engine from masking the cell whole."""
    spans = [f.text for f in detector.detect(text, text) if f.entity_type == "PERSON"]
    assert spans in ([], [name])


def test_engine_runs_the_model_only_when_asked() -> None:
    assert not any(s.detector == "ner_model" for s, _ in Engine.create(ScanConfig())._detectors)
    engine = Engine.create(ScanConfig(use_model=True))
    assert any(s.detector == "ner_model" for s, _ in engine._detectors)
    text = "申请人：张伟强，男，家住广东省深圳市南山区粤海街道科技园路18号。"
    got = {(f.entity_type, f.text) for f in engine.analyze(text)}
    assert ("PERSON", "张伟强") in got and ("CN_ADDRESS", "广东省深圳市南山区粤海街道科技园路18号") in got


def test_engine_skips_the_model_when_spacy_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from deident.detection.detectors import build_detector

    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy -> ModuleNotFoundError
    monkeypatch.delitem(sys.modules, "deident.detection.ner", raising=False)
    spec = next(s for s in load_specs() if s.id == "ner_model")
    assert build_detector(spec, ScanConfig(use_model=True)) is None
