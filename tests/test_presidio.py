"""The Presidio adapter: deident's recognizers inside Presidio's AnalyzerEngine, offline, with
context enhancement that fires for Chinese context words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("presidio_analyzer")
spacy = pytest.importorskip("spacy")

from presidio_analyzer import Pattern, PatternRecognizer  # noqa: E402
from presidio_analyzer.nlp_engine import SpacyNlpEngine  # noqa: E402

from deident.detection.engine import Engine  # noqa: E402
from deident.presidio import ZhNlpEngine, build_analyzer, recognizers, save_pipeline  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "dev"


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline means offline: any attempt to fetch a spaCy model fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to download a spaCy model")

    monkeypatch.setattr(spacy.cli, "download", refuse)


@pytest.fixture(scope="module")
def analyzer():  # type: ignore[no-untyped-def]
    return build_analyzer()


def _case_recognizer() -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity="CASE_NO",
        name="case_no",
        supported_language="zh",
        patterns=[Pattern("case number", r"[A-Z]{2}\d{6}", 0.3)],
        context=["案件编号"],
    )


def test_every_deident_recognizer_is_exposed() -> None:
    recs = recognizers()
    ids = {r.name for r in recs}
    assert {"person", "cn_address", "cn_resident_id", "cn_mobile"} <= ids
    assert all(r.supported_language == "zh" for r in recs)
    resident = next(r for r in recs if r.name == "cn_resident_id")
    assert resident.supported_entities == ["CN_RESIDENT_ID"] and resident.context


def test_analyzer_finds_chinese_personal_data(analyzer) -> None:  # type: ignore[no-untyped-def]
    text = "申请人张三，身份证号码440881199001011233，家住广东省深圳市南山区粤海街道科技园路18号，手机13812345678。"
    got = {(r.entity_type, text[r.start : r.end]) for r in analyzer.analyze(text=text, language="zh")}
    assert got == {
        ("PERSON", "张三"),
        ("CN_RESIDENT_ID", "440881199001011233"),
        ("CN_ADDRESS", "广东省深圳市南山区粤海街道科技园路18号"),
        ("CN_MOBILE", "13812345678"),
    }


def _scores(analyzer, text: str) -> list[tuple[str, float, str | None]]:  # type: ignore[no-untyped-def]
    results = analyzer.analyze(text=text, language="zh", entities=["CASE_NO"], return_decision_process=True)
    return [
        (text[r.start : r.end], round(r.score, 2), r.analysis_explanation.supportive_context_word)
        for r in results
    ]


def test_context_enhancement_fires_with_the_word_tokenizer() -> None:
    analyzer = build_analyzer(extra_recognizers=[_case_recognizer()], score_threshold=0)
    assert _scores(analyzer, "案件编号：AB123456") == [("AB123456", 0.65, "案件编号")]
    assert _scores(analyzer, "材料编码：AB123456") == [("AB123456", 0.3, "")]


def test_context_enhancement_does_not_fire_with_the_character_tokenizer() -> None:
    """The control: spaCy's blank zh pipeline splits 案件编号 into four tokens."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    registry = RecognizerRegistry(supported_languages=["zh"])
    registry.add_recognizer(_case_recognizer())
    engine = ZhNlpEngine(spacy.blank("zh"))
    engine.load()
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["zh"])
    assert _scores(analyzer, "案件编号：AB123456") == [("AB123456", 0.3, "")]


def test_words_added_later_become_tokens() -> None:
    analyzer = build_analyzer(score_threshold=0)
    analyzer.registry.add_recognizer(_case_recognizer())
    assert _scores(analyzer, "案件编号：AB123456")[0][1] == 0.3
    analyzer.nlp_engine.add_words(["案件编号"])
    assert _scores(analyzer, "案件编号：AB123456")[0][1] == 0.65


def test_saved_pipeline_works_with_presidios_own_spacy_engine(tmp_path: Path) -> None:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    path = save_pipeline(tmp_path / "zh_words")
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "zh", "model_name": str(path)}])
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["zh"])
    for rec in recognizers():
        registry.add_recognizer(rec)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["zh"])
    text = "身份证号码440881199001011233"
    assert [(r.entity_type, r.start, r.end) for r in analyzer.analyze(text=text, language="zh")] == [
        ("CN_RESIDENT_ID", 5, 23)
    ]


def test_presidio_and_deident_agree_on_the_corpus(analyzer) -> None:  # type: ignore[no-untyped-def]
    """Presidio with this pack reports the same spans as deident's engine, document by document."""
    if not (CORPUS / "labels.jsonl").exists():
        pytest.skip("corpora/dev not generated")
    engine = Engine.create()
    records = [
        json.loads(line) for line in (CORPUS / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    compared = 0
    for rec in records[:40]:
        text = (CORPUS / rec["file"]).read_text(encoding="utf-8")
        ours = sorted((f.entity_type, f.start, f.end) for f in engine.analyze(text))
        theirs = sorted((r.entity_type, r.start, r.end) for r in analyzer.analyze(text=text, language="zh"))
        assert theirs == ours, rec["file"]
        compared += len(ours)
    assert compared > 200
