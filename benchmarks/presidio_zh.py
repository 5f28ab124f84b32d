"""The Presidio peer: an AnalyzerEngine configured the way a careful user would for Chinese.

Presidio ships no Chinese recognizers, so this is what a user writes: PatternRecognizers for
resident IDs (with the GB 11643 check in `validate_result`, as Presidio's own Korean RRN
recognizer does), mobiles, UnionPay cards (Luhn) and e-mail, each with Chinese context
words, and digit lookarounds instead of `\\b` (which never matches between a Han character
and a digit). The NLP engine is a blank spaCy ``zh`` pipeline (character segmentation,
downloads nothing) saved to a directory and loaded by path, so Presidio does not try to
download ``en_core_web_lg``.

    from benchmarks.presidio_zh import build_analyzer
    with tempfile.TemporaryDirectory() as d:
        analyzer = build_analyzer(Path(d))
        analyzer.analyze(text, language="zh")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ENTITIES = ("CN_RESIDENT_ID", "CN_MOBILE", "CN_BANK_CARD", "EMAIL_ADDRESS")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _gb11643(value: str) -> bool:
    v = value.upper()
    if len(v) != 18:
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS, strict=True)) % 11] == v[17]


def _luhn(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _recognizers() -> list[Any]:
    from presidio_analyzer import Pattern, PatternRecognizer

    class CnResidentIdRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool | None:
            return _gb11643(pattern_text)

    class CnBankCardRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool | None:
            # A Luhn failure does not reject (real UnionPay cards fail it): "cannot tell".
            return True if _luhn(pattern_text) else None

    return [
        CnResidentIdRecognizer(
            supported_entity="CN_RESIDENT_ID",
            supported_language="zh",
            patterns=[
                Pattern(
                    "id18",
                    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])",
                    0.5,
                ),
            ],
            context=["身份证", "身份证号", "身份证号码", "公民身份号码", "证件号码"],
        ),
        PatternRecognizer(
            supported_entity="CN_MOBILE",
            supported_language="zh",
            patterns=[Pattern("mobile", r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])", 0.5)],
            context=["手机", "手机号", "电话", "联系电话", "联系方式"],
        ),
        CnBankCardRecognizer(
            supported_entity="CN_BANK_CARD",
            supported_language="zh",
            patterns=[Pattern("unionpay", r"(?<![0-9A-Za-z])62\d{14,17}(?![0-9A-Za-z])", 0.4)],
            context=["银行卡", "银行账号", "卡号", "账号", "账户"],
        ),
        PatternRecognizer(
            supported_entity="EMAIL_ADDRESS",
            supported_language="zh",
            patterns=[
                Pattern(
                    "email",
                    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z])",
                    0.6,
                )
            ],
            context=["邮箱", "电子邮箱", "电子邮件", "email"],
        ),
    ]


def build_analyzer(model_dir: Path) -> Any:
    """An AnalyzerEngine for language "zh" with the recognizers above and a blank spaCy
    zh pipeline written to `model_dir` (nothing is downloaded)."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    path = model_dir / "zh_blank"
    if not path.exists():
        spacy.blank("zh").to_disk(path)
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "zh", "model_name": str(path)}],
        }
    )
    registry = RecognizerRegistry(supported_languages=["zh"])
    for r in _recognizers():
        registry.add_recognizer(r)
    return AnalyzerEngine(nlp_engine=provider.create_engine(), registry=registry, supported_languages=["zh"])
