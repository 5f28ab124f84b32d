"""Searching only the stretches of a pattern's alphabet around its required literal finds
exactly what searching the whole text finds."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from deident.detection.numbers.islands import islands, run_pattern
from deident.detection.spec import load_specs
from deident.errors import ConfigError

_EMAIL = next(s for s in load_specs() if s.entity == "EMAIL_ADDRESS")
_RX = re.compile(_EMAIL.patterns[0].regex)
_RUN = run_pattern(_EMAIL.alphabet or "")

email_like = st.text(alphabet="abcxyzQ019._%+-@ @@，中文邮箱", max_size=150)


@settings(max_examples=800)
@given(st.one_of(email_like, st.text(max_size=100)))
@example("联系zhang.san@qq.com，或li@163.com")
@example("a@b.cn@c.com")
@example("x" * 300 + "@qq.com")
@example("@@")
@example("13812345678@qq.com身份证440881199001011233")
def test_island_search_finds_what_a_full_search_finds(text: str) -> None:
    full = [m.span() for m in _RX.finditer(text)]
    assert _EMAIL.requires
    spans = islands(text, _EMAIL.requires, _RUN)
    assert [m.span() for lo, hi in spans for m in _RX.finditer(text, lo, hi)] == full


@given(email_like)
def test_islands_are_maximal_disjoint_and_hold_the_literal(text: str) -> None:
    spans = islands(text, "@", _RUN)
    for lo, hi in spans:
        assert "@" in text[lo:hi] and _RUN.fullmatch(text, lo, hi)
        assert lo == 0 or not _RUN.fullmatch(text[lo - 1])
        assert hi == len(text) or not _RUN.fullmatch(text[hi])
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
    assert sum(text[lo:hi].count("@") for lo, hi in spans) == text.count("@")


def test_a_stretch_longer_than_the_window_is_walked_back_whole() -> None:
    text = "中" + "a" * 1000 + "@qq.com"
    assert islands(text, "@", _RUN) == [(1, len(text))]


@pytest.mark.parametrize(
    ("alphabet", "requires", "message"),
    [
        ("[a-z@]", None, "needs 'requires'"),
        ("[a-z]", "@", "must be in 'alphabet'"),
        ("ab", "a", "character class"),
    ],
)
def test_bad_alphabets_are_refused(tmp_path, alphabet: str, requires: str | None, message: str) -> None:
    spec = tmp_path / "x.yaml"
    lines = [
        "id: x",
        "entity: X",
        "kind: text",
        f"alphabet: '{alphabet}'",
        "patterns:",
        "  - {name: p, regex: 'a@', score: 0.5}",
    ]
    if requires:
        lines.insert(3, f"requires: '{requires}'")
    spec.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_specs(tmp_path)
