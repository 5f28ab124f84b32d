"""Checksums reject every wrong check character, in the Python twins and the compiled loops.

The oracles here are written from the standards' text (GB 11643: weights 2^(17-i) mod 11 and
"10X98765432"; ISO/IEC 7812 Luhn; GB 32100), not taken from deident, so a bug shared by both
twins (an ``X`` accepted whatever it should be) is still caught.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.detection.native import native
from deident.detection.numbers import validators

GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

ID_TWINS = [pytest.param(validators.gb11643_python, id="python")]
LUHN_TWINS = [pytest.param(validators.luhn_python, id="python")]
USCC_TWINS = [pytest.param(validators.uscc_valid_python, id="python")]
if native is not None:
    ID_TWINS.append(pytest.param(native.gb11643, id="compiled"))
    LUHN_TWINS.append(pytest.param(native.luhn, id="compiled"))
    USCC_TWINS.append(pytest.param(native.uscc_valid, id="compiled"))


def gb11643_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, GB11643_WEIGHTS, strict=True)) % 11]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


regions = st.sampled_from(["110105", "310115", "440106", "440881", "510107", "650102", "810000", "830000"])
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@st.composite
def id_bodies(draw: st.DrawFn) -> str:
    return draw(regions) + draw(births).strftime("%Y%m%d") + draw(sequences)


@pytest.mark.parametrize("check", ID_TWINS)
@settings(max_examples=300, deadline=None)
@given(body=id_bodies())
def test_gb11643_accepts_the_right_check_character_only(check, body: str) -> None:
    right = gb11643_check(body)
    assert check(body + right) is True
    for wrong in "0123456789X".replace(right, ""):
        assert check(body + wrong) is False, (body, wrong)


@pytest.mark.parametrize("check", ID_TWINS)
def test_an_x_is_accepted_only_where_the_sum_asks_for_it(check) -> None:
    """The issue's mutation: any 18-digit ID ending in X accepted whatever its check digit."""
    body = "44010619900101123"
    assert gb11643_check(body) != "X"
    assert check(body + "X") is False


@pytest.mark.parametrize("check", LUHN_TWINS)
@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet="0123456789", min_size=12, max_size=18))
def test_luhn_accepts_one_last_digit_of_ten(check, body: str) -> None:
    accepted = [d for d in "0123456789" if check(body + d)]
    assert accepted == [d for d in "0123456789" if luhn_ok(body + d)]
    assert len(accepted) == 1


@pytest.mark.parametrize("check", USCC_TWINS)
@settings(max_examples=200, deadline=None)
@given(body=st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_gb32100_accepts_the_right_check_character_only(check, body: str) -> None:
    right = uscc_check(body)
    assert check(body + right) is True
    for wrong in USCC_ALPHABET.replace(right, ""):
        assert check(body + wrong) is False


FIFTEEN_TWINS = [pytest.param(validators.gb11643_15_python, id="python")]
if native is not None:
    FIFTEEN_TWINS.append(pytest.param(native.gb11643_15, id="compiled"))


@pytest.mark.parametrize("check", FIFTEEN_TWINS)
@settings(max_examples=200, deadline=None)
@given(
    region=regions,
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    seq=sequences,
)
def test_a_fifteen_digit_id_needs_a_province_a_real_date_and_digits(
    check, region: str, birth: dt.date, seq: str
) -> None:
    value = region + birth.strftime("%y%m%d") + seq
    assert check(value) is True
    assert check("99" + value[2:]) is False  # no such province
    assert check(value[:8] + "13" + value[10:]) is False  # month 13
    assert check(value[:-1]) is False and check(value + "0") is False  # 14 and 16 characters
    assert check(value[:-1] + "X") is False  # a 15-digit ID has no check character


VALID_USCC = "91350100M000100Y43"


@pytest.mark.parametrize("check", USCC_TWINS)
@pytest.mark.parametrize(
    "code",
    [
        VALID_USCC[:-1],
        VALID_USCC + "3",
        VALID_USCC[:-1] + "I",
        VALID_USCC[:-1] + "O",
        VALID_USCC[:8] + "O" + VALID_USCC[9:],
    ],
    ids=["17 chars", "19 chars", "I not in alphabet", "O not in alphabet", "O inside"],
)
def test_gb32100_rejects_wrong_length_and_letters_outside_its_alphabet(check, code: str) -> None:
    assert check(VALID_USCC) is True and uscc_check(VALID_USCC[:17]) == VALID_USCC[17]
    assert check(code) is False


@pytest.mark.parametrize("check", LUHN_TWINS)
@pytest.mark.parametrize("sep", [" ", "-", "\u3000"])
def test_luhn_reads_the_digits_between_separators(check, sep: str) -> None:
    valid, invalid = "4999999999999996", "4999999999999997"
    assert luhn_ok(valid) and not luhn_ok(invalid)
    groups = lambda v: sep.join(v[i : i + 4] for i in range(0, 16, 4))  # noqa: E731
    assert check(groups(valid)) is True
    assert check(groups(invalid)) is False
