"""The compiled loops (`deident.detection._native`) answer exactly as their Python twins, the
reference implementations, for every input: folding, number runs and their readings, and the
ID and card checksums. The engine uses whichever is installed, so any difference would make
results depend on the platform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from deident.detection.labelled import text_tables, words
from deident.detection.native import native
from deident.detection.numbers import normalise, renderings, runs, validators
from tests.factories import pii

ROOT = Path(__file__).resolve().parents[2]

if native is None:  # pragma: no cover - a platform without a C compiler at build time
    if os.environ.get("DEIDENT_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("DEIDENT_PURE_PYTHON is set: nothing compiled to compare", allow_module_level=True)
    pytest.fail(
        "deident.detection._native is not compiled: build the wheel with a C compiler "
        "(DEIDENT_REQUIRE_NATIVE=1 makes a failed compile an error)",
        pytrace=False,
    )

_WIDTHS_EARLY = st.sampled_from(("", "é", "号", "\U0001f600"))  # every storage width of a str

# Characters that matter to the loops, and enough others to surround them.
_NUMBERISH = (
    "0123456789" * 3
    + "Xx"
    + " -\u200b)）"  # separators
    + "*＊×●"  # mask characters
    + "AaZzEe_@."
    + "０１９ＸＡｚ＠＋－．\u3000\u00a0\u2010\u2014\u200c\u200d\u2060\ufeff"  # folded
    + "（），、号电话身份证"
)
number_text = st.text(alphabet=_NUMBERISH, max_size=120)


@settings(max_examples=400)
@given(st.one_of(st.text(max_size=200), number_text))
@example("１３８\u3000ＡＢ＠ｑｑ")
@example("ascii only")
@example("\u00a0latin one")
def test_fold_matches_python(text: str) -> None:
    assert native.fold(text) == normalise.fold_python(text)


@settings(max_examples=500)
@given(st.text(alphabet="\t|\n \r1a号，\u3000", max_size=60), _WIDTHS_EARLY)
@example("a\tb\nc\td\ne\n", "")
@example(" | a |\n\t|b\n|", "")
@example("x|y\n|a|\n|-|\n\tz", "号")
def test_table_blocks_match_python(text: str, wide: str) -> None:
    """The blocks of tab rows and of pipe rows of a text: where the blocks' regexes end them."""
    for t in (text + wide, wide + text):
        assert native.table_blocks(t) == text_tables.table_blocks_python(t)


def test_fold_returns_text_itself_when_nothing_folds() -> None:
    text = "中文，标点。ascii 123"
    assert native.fold(text) is text


@settings(max_examples=600)
@given(number_text)
@example("138-1234-5678和0755 1234567")
@example("1234567 X")
@example("1234567-Xa 12345678x")
@example("123  4567890")
@example("12   34567890")
@example("E12345678 ICP12345678")
def test_number_runs_match_the_regex(text: str) -> None:
    assert native.number_runs(text) == [m.span() for m in normalise.NUMBER_RUN.finditer(text)]


_ENGINE_LENGTHS = bytes(1 if n in (7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19) else 0 for n in range(20))


@settings(max_examples=600)
@given(
    number_text,
    st.one_of(st.just(_ENGINE_LENGTHS), st.binary(min_size=0, max_size=24)),
    st.integers(0, 30),
)
@example("86138 1234 5678 008613812345678 8613812345678", _ENGINE_LENGTHS, 23)
@example("0755-12345678 13812345678", _ENGINE_LENGTHS, 23)
@example("4408811990****1233 440881 19900101 123x", _ENGINE_LENGTHS, 23)
def test_number_steps_match_python(text: str, lengths: bytes, max_len: int) -> None:
    assert native.number_steps(text, lengths, max_len) == runs.number_steps_python(text, lengths, max_len)


ascii_values = st.text(alphabet="0123456789X", min_size=0, max_size=20)


@settings(max_examples=500)
@given(st.one_of(pii.resident_ids(), ascii_values, st.text(max_size=20)))
def test_gb11643_matches_python(value: str) -> None:
    assert native.gb11643(value) == validators.gb11643_python(value)


@settings(max_examples=500)
@given(st.one_of(pii.resident_ids_15(), ascii_values, st.text(max_size=20)))
@example("110105000229123")  # 1900-02-29 did not exist
@example("110105960229123")
def test_gb11643_15_matches_python(value: str) -> None:
    assert native.gb11643_15(value) == validators.gb11643_15_python(value)


@settings(max_examples=500)
@given(st.one_of(pii.bank_cards(), pii.bank_cards(luhn=False), ascii_values, st.text(max_size=20)))
@example("")
@example("6222 0212 3456 7890 128")
def test_luhn_matches_python(value: str) -> None:
    assert native.luhn(value) == validators.luhn_python(value)


@settings(max_examples=300)
@given(st.one_of(pii.bank_cards(), pii.bank_cards(luhn=False), ascii_values, st.text(max_size=20)))
def test_bank_card_matches_python(value: str) -> None:
    assert native.bank_card(value) == validators.bank_card_python(value)


@settings(max_examples=500)
@given(
    st.one_of(
        pii.social_credit_codes(), pii.resident_ids(), st.text(alphabet="0123456789ABHNXYZaIO", max_size=20)
    )
)
def test_uscc_matches_python(value: str) -> None:
    assert native.uscc_valid(value) == validators.uscc_valid_python(value)


_PREFIXES = validators._MOBILE_PREFIXES


@settings(max_examples=500)
@given(st.one_of(pii.mobiles(), st.text(alphabet="0123456789１３８a", max_size=12), st.text(max_size=5)))
def test_prefix_check_matches_python(value: str) -> None:
    assert native.PrefixCheck(_PREFIXES)(value) == validators.PrefixCheckPython(_PREFIXES)(value)


def test_prefix_check_takes_three_digit_prefixes_only() -> None:
    with pytest.raises(ValueError, match="three-digit"):
        native.PrefixCheck(frozenset({"13"}))


def test_the_engine_uses_the_compiled_loops() -> None:
    assert normalise.fold is native.fold
    assert runs.number_steps is native.number_steps
    assert validators.VALIDATORS["gb11643"] is native.gb11643
    assert validators.VALIDATORS["uscc"] is native.uscc_valid
    assert isinstance(validators.VALIDATORS["cn_mobile"], native.PrefixCheck)


def _scan_json(env: dict[str, str]) -> dict[str, object]:
    r = subprocess.run(
        [sys.executable, "-m", "deident.cli.app", "scan", "--format", "json", str(ROOT / "corpora" / "dev")],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
    )
    assert r.stdout, r.stderr[-2000:]
    report: dict[str, object] = json.loads(r.stdout)
    return report


def test_pure_python_engine_reports_the_same_findings_on_the_corpus() -> None:
    compiled = _scan_json({})
    pure = _scan_json({"DEIDENT_PURE_PYTHON": "1"})
    assert compiled == pure
    assert len(compiled["findings"]) > 1_000  # type: ignore[arg-type]  # the corpus is full of findings


_WORDS = ("身份证号码", "身份证号", "电话", "联系电话", "手机", "QQ", "qq", "tel", "银行账号", "账号")


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="身份证号码电话联系手机银行账QqtelX0123 ：\n", max_size=60),
    st.sampled_from((0, 1, 3, 24)),
)
def test_word_hits_match_python(text: str, reach: int) -> None:
    trie, first = words.build_trie(_WORDS)
    assert native.word_hits(text, first, trie, reach) == words.word_hits_python(text, first, trie, reach)


def test_word_hits_are_leftmost_longest() -> None:
    trie, first = words.build_trie(_WORDS)
    text = "联系电话：1，身份证号码2，银行账号3"
    assert [text[a:b] for a, b in native.word_hits(text, first, trie)] == [
        "联系电话",
        "身份证号码",
        "银行账号",
    ]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123 .·-一二三四五六七八九幺两〇\u00ad\u2063\u200b\u200c\u200e手机", max_size=60))
@example("138.1234.5678")
@example("138 - 1234 - 5678")
@example("一三八一二三四五六七八")
def test_odd_starts_match_python(text: str) -> None:
    assert native.odd_starts(text) == renderings.odd_starts_python(text)


# Every storage width of a str: Latin-1 only, UCS-2 (Han) and UCS-4 (an astral character); the
# compiled loops pass over UCS-2 text in a loop of their own.
_WIDTHS = st.sampled_from(("", "é", "号", "\U0001f600"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="身份证号码电话联系手机银行账QqtelX0123 ：\n", max_size=60), _WIDTHS)
def test_word_hits_match_python_in_every_width(text: str, wide: str) -> None:
    trie, first = words.build_trie(_WORDS)
    text = text + wide
    assert native.word_hits(text, first, trie, 24) == words.word_hits_python(text, first, trie, 24)
    text = wide + text
    assert native.word_hits(text, first, trie, 24) == words.word_hits_python(text, first, trie, 24)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123 .·-一三八幺\u00ad\u2063\u200b\u200c", max_size=60), _WIDTHS)
def test_odd_starts_match_python_in_every_width(text: str, wide: str) -> None:
    for t in (text + wide, wide + text):
        assert native.odd_starts(t) == renderings.odd_starts_python(t)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="*_号a1 ", max_size=40), st.integers(-2, 42), _WIDTHS)
@example("a_b__c*", 0, "")
@example("_", 0, "号")
def test_emphasis_at_matches_python_in_every_width(text: str, pos: int, wide: str) -> None:
    for t in (text + wide, wide + text):
        assert native.emphasis_at(t, pos) == renderings.emphasis_at_python(t, max(pos, 0))


@st.composite
def _text_and_spans(draw: st.DrawFn) -> tuple[str, list[int], list[int], int, int, int]:
    text = draw(st.text(alphabet="0123456789AbZ号 -\t\n", max_size=80)) + draw(_WIDTHS)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    lo = draw(st.integers(-2, len(text)))
    hi = draw(st.integers(lo, len(text) + 3))
    return text, [a for a, _ in spans], [b for _, b in spans], lo, hi, draw(st.integers(1, 6))


@settings(max_examples=500, deadline=None)
@given(_text_and_spans())
@example(("号12345号 67890\U0001f600", [1], [3], 0, 99, 4))
def test_unread_runs_match_python(case: tuple[str, list[int], list[int], int, int, int]) -> None:
    text, starts, ends, lo, hi, min_len = case
    assert native.unread_runs(text, lo, hi, starts, ends, min_len) == words.unread_runs_python(
        text, lo, hi, starts, ends, min_len
    )
