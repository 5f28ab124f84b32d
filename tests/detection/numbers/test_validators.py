from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.detection.numbers import validators as v
from tests.factories import pii


@given(pii.resident_ids())
def test_gb11643_accepts_every_valid_id(value: str) -> None:
    assert v.gb11643(value.upper()) is True


def test_gb11643_rejects_bad_check_future_date_and_bad_region() -> None:
    assert v.gb11643("440881199001011234") is False
    tomorrow = dt.date.today() + dt.timedelta(days=400)
    body = "440881" + tomorrow.strftime("%Y%m%d") + "123"
    assert v.gb11643(body + pii.id_check_char(body)) is False
    body = "990881199001011 23".replace(" ", "")
    assert v.gb11643(body + pii.id_check_char(body)) is False
    assert v.gb11643("44088119900230123" + pii.id_check_char("44088119900230123")) is False  # 30 Feb


@given(pii.social_credit_codes())
def test_gb32100_agrees_with_independent_implementation(code: str) -> None:
    assert v.uscc_valid(code) is True


@pytest.mark.parametrize("seed", range(50))
def test_luhn_matches_factory(seed: int) -> None:
    rng = random.Random(seed)
    good = pii.bank_card(rng, luhn=True)
    bad = pii.bank_card(rng, luhn=False)
    assert v.luhn(good) is True and v.luhn(bad) is False
    assert v.bank_card(bad) is None  # a Luhn failure never rejects a card


def test_mobile_prefixes_raise_or_leave_undecided() -> None:
    assert v.cn_mobile("19212345678") is True
    assert v.cn_mobile("14012345678") is None


def test_fifteen_digit_id_needs_a_real_date() -> None:
    assert v.gb11643_15("440881900101123") is True
    assert v.gb11643_15("440881901301123") is False


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_id_check_digit_agrees_with_the_weighted_sum(body: str) -> None:
    # The base-13 shortcut against the factory's textbook weighted sum, for any 17 digits.
    assert v.id_check_digit(body) == pii.id_check_char(body)


@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=25))
def test_luhn_agrees_with_the_textbook_loop_for_any_digits(digits: str) -> None:
    assert v.luhn(digits) is pii.luhn_ok(digits)


def test_luhn_ignores_separators_it_is_given() -> None:
    assert v.luhn("6222 0212 3456 7890 128") is v.luhn("6222021234567890128")


@given(st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_birth_date_check_agrees_with_the_calendar(day: dt.date) -> None:
    # The string test against datetime: real, not before 1900, not after today.
    expected = dt.date(1900, 1, 1) <= day <= dt.date.today()
    assert v._real_ymd(day.strftime("%Y%m%d")) is expected


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_birth_date_check_rejects_what_is_no_date(ymd: str) -> None:
    try:
        day: dt.date | None = dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
    except ValueError:
        day = None
    assert v._real_ymd(ymd) is (day is not None and dt.date(1900, 1, 1) <= day <= dt.date.today())


@pytest.mark.parametrize("seed", range(20))
def test_luhn_with_separators_judges_the_digits(seed: int) -> None:
    rng = random.Random(seed)
    for card, ok in ((pii.bank_card(rng, luhn=True), True), (pii.bank_card(rng, luhn=False), False)):
        spaced = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
        assert v.luhn(spaced) is ok and v.luhn_python(spaced) is ok
        assert v.luhn_python("-".join(card[i : i + 4] for i in range(0, len(card), 4))) is ok


def test_bank_card_python_raises_a_luhn_pass_and_never_rejects() -> None:
    rng = random.Random(7)
    assert v.bank_card_python(pii.bank_card(rng, luhn=True)) is True
    assert v.bank_card_python(pii.bank_card(rng, luhn=False)) is None


def _id(body17: str) -> str:
    return body17 + pii.id_check_char(body17)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (_id("44088119900101123"), None),
        (
            _id("44088119900101123")[:17] + ("0" if _id("44088119900101123")[17] != "0" else "1"),
            "check digit",
        ),
        ("4408811990010112", "length 16"),
        ("44088119900101123A", "format"),
        ("4408811990010112X3", "format"),
        (_id("99088119900101123"), "region code"),
        (_id("44088119901301123"), "birth date"),
        (_id("44088118991231123"), "birth date"),
        ("440881900101123", None),
        ("44088190010112A", "format"),
        ("990881900101123", "region code"),
        ("440881901301123", "birth date"),
        # what a page shows: separators, full width, a lower-case x
        (" ".join(("440881", "19900101", _id("44088119900101123")[14:])), None),
        (_id("44088119900101123").translate(str.maketrans("0123456789", "０１２３４５６７８９")), None),
    ],
)
def test_id_problem_names_the_check_that_fails(value: str, problem: str | None) -> None:
    assert v.id_problem(value) == problem


def test_id_problem_reads_a_lower_case_check_x() -> None:
    body = next(b for b in (f"440881199001011{n:02d}" for n in range(100)) if pii.id_check_char(b) == "X")
    assert v.id_problem(body + "x") is None and v.id_problem(body + "X") is None
    assert v.id_problem(body + "0") == "check digit"


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("zhang.san@example.com", True),
        ("Zhang.San@Example.COM", True),
        ("zhang@localhost", False),
        ("zhang@.example.com", False),
        ("zhang..san@example.com", False),
        ("xinxi@beijing.gov.cn", None),
        ("xinxi@BEIJING.GOV.CN", None),
        ("xinxi@agency.gov", None),
    ],
)
def test_email_rejects_malformed_and_leaves_government_mailboxes_undecided(
    value: str, verdict: bool | None
) -> None:
    assert v.email(value) is verdict


VIN = "1M8GDM9AXKP042788"  # ISO 3779 example (Wikipedia, "Vehicle identification number"): check X


def test_vin_accepts_the_standard_example_and_rejects_every_other_check_character() -> None:
    assert v.vin(VIN) is True and v.vin(VIN.lower()) is True
    assert v.vin("11111111111111111") is True  # weights sum to 1 (mod 11)
    for c in "0123456789X":
        if c != VIN[8]:
            assert v.vin(VIN[:8] + c + VIN[9:]) is False, c


@pytest.mark.parametrize("value", [VIN[:16], VIN + "1", VIN[:3] + "I" + VIN[4:], VIN[:3] + "O" + VIN[4:]])
def test_vin_rejects_wrong_length_and_letters_iso_3779_excludes(value: str) -> None:
    assert v.vin(value) is False


def test_vin_check_agrees_with_the_textbook_transliteration() -> None:
    """Each letter's value from the standard's table (I, O, Q excluded), one at a time."""
    table = dict(zip("ABCDEFGH", range(1, 9), strict=True)) | dict(zip("JKLMN", range(1, 6), strict=True))
    table |= {"P": 7, "R": 9} | dict(zip("STUVWXYZ", range(2, 10), strict=True))
    weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    for letter in table:
        body = "1M8GDM9A0KP04" + letter + "788"
        total = sum((table[c] if c.isalpha() else int(c)) * w for c, w in zip(body, weights, strict=True))
        check = "X" if total % 11 == 10 else str(total % 11)
        assert v.vin(body[:8] + check + body[9:]) is True, letter


@pytest.mark.parametrize(
    ("ymd", "real"),
    [
        ("19000229", False),  # 1900: divisible by 100, not by 400
        ("19040229", True),
        ("19960229", True),
        ("19970229", False),
        ("19980229", False),  # even, not divisible by 4
        ("20220229", False),
        ("20000229", True),  # divisible by 400
        ("20230229", False),
        ("20240229", True),
        ("19000101", True),
        ("18991231", False),
    ],
)
def test_birth_date_check_follows_the_leap_rule(ymd: str, real: bool) -> None:
    assert v._real_ymd(ymd) is real


def test_a_birth_date_of_today_is_real() -> None:
    assert v._real_ymd(dt.date.today().strftime("%Y%m%d")) is True


@pytest.mark.parametrize(
    "value", ["44088119900101123", "4408811990010112345", "44088119900101123A", "X" * 18]
)
def test_gb11643_rejects_wrong_length_and_letters(value: str) -> None:
    assert v.gb11643_python(value) is False and v.gb11643(value) is False
