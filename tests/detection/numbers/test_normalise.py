from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deident.detection.numbers.normalise import NUMBER_RUN, fold, touches_mask


@given(st.text(max_size=300))
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_fold_maps_fullwidth_and_spaces() -> None:
    assert fold("１３８\u3000ＡＢ＠ｑｑ") == "138 AB@qq"
    assert fold("1\u200b2") == "1\u200b2"
    assert fold("中文，标点。") == "中文，标点。"  # full-width punctuation stays


def test_number_runs() -> None:
    text = "编号2018年，电话138-1234-5678和0755 1234567。"
    runs = [m.group() for m in NUMBER_RUN.finditer(text)]
    assert runs == ["138-1234-5678", "0755 1234567"]


def test_runs_do_not_start_inside_words() -> None:
    assert [m.group() for m in NUMBER_RUN.finditer("E12345678 ICP12345678")] == []


def test_touches_mask() -> None:
    t = "4408811990****1233"
    m = next(NUMBER_RUN.finditer(t))
    assert touches_mask(t, m.start(), m.end())
