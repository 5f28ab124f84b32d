from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deident.detection.numbers.normalise import NUMBER_RUN, fold, is_masked_value, touches_mask


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


def test_a_masked_value_is_one_holding_a_mask_character() -> None:
    assert is_masked_value("440881********1233") and is_masked_value("138＊＊＊＊5678")
    assert is_masked_value("张×") and is_masked_value("138●●●●5678")
    assert not is_masked_value("13812345678") and not is_masked_value("440881199001011233")


def test_a_run_touches_a_mask_only_at_its_own_ends() -> None:
    """440881********1234 is an already masked value; a number at the start or end of a text whose
    other end holds a star (a footnote mark) is not: positions do not wrap around."""
    text = "4408811990****1234"
    assert touches_mask(text, 0, 10) and touches_mask(text, 14, 18)
    plain = "13812345678，见附件*"
    assert not touches_mask(plain, 0, 11)
    tail = "*注：13812345678"
    assert not touches_mask(tail, 4, 15) and touches_mask("*13812345678", 1, 12)
    assert not touches_mask("13812345678", 0, 11) and touches_mask("13812345678×", 0, 11)
