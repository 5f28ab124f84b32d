"""Checksums and format checks. Each answers True (valid), False (invalid) or None (cannot tell),
the contract of Presidio's ``validate_result``. Values arrive in compact form: no separators,
ASCII digits, upper-case X.
"""

from __future__ import annotations

import datetime as _dt
import re
import time
from collections.abc import Callable

from deident.detection.native import native
from deident.detection.numbers.normalise import fold

Validator = Callable[[str], "bool | None"]

_ID_CHECK = "10X98765432"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Allocated mobile prefixes (MIIT numbering plan, incl. virtual operators 162/165/167/170/171).
# A known prefix raises the score; an unknown one lowers it but never rejects (plans change).
_MOBILE_PREFIXES = frozenset(
    "130 131 132 133 134 135 136 137 138 139 145 146 147 148 149 150 151 152 153 155 156 157 "
    "158 159 162 165 166 167 170 171 172 173 175 176 177 178 180 181 182 183 184 185 186 187 "
    "188 189 190 191 192 193 195 196 197 198 199 ".split()
)
# First two digits of valid region codes (provinces, incl. 71 Taiwan, 81/82/83 residence permits).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 "
    "65 71 81 82 83 ".split()
)


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2. The weights are 2**(17-i) mod 11, and 13 = 2 (mod 11), so the weighted
    sum is 2 * (the 17 digits read in base 13) mod 11: one C-level int() instead of a Python
    loop over the digits (this runs for every 18-digit run in a roster)."""
    return _ID_CHECK[(2 * int(first17, 13)) % 11]


class _Today:
    """Today as ``YYYYMMDD``, read from the clock at most once a minute: date.today() costs
    more than the rest of an ID check, and a birth date only has to be no later than today."""

    __slots__ = ("_until", "_ymd")

    def __init__(self) -> None:
        self._ymd = _dt.date.today().strftime("%Y%m%d")
        self._until = time.monotonic() + 60.0

    def __call__(self) -> str:
        now = time.monotonic()
        if now >= self._until:
            self._ymd, self._until = _dt.date.today().strftime("%Y%m%d"), now + 60.0
        return self._ymd


_today = _Today()
# Every MMDD of a leap year: with the year's range and the leap rule for 0229, a string test
# replaces building a date object (the engine checks a birth date per 18-digit run).
_MONTH_DAYS = frozenset((_dt.date(2000, 1, 1) + _dt.timedelta(days=n)).strftime("%m%d") for n in range(366))


def _real_ymd(ymd: str) -> bool:
    """`ymd` (8 ASCII digits) is a real date from 1900-01-01 to today."""
    md = ymd[4:]
    if md not in _MONTH_DAYS or not "19000101" <= ymd <= _today():
        return False
    if md == "0229":
        year = int(ymd[:4])
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def id_problem(value: str) -> str | None:
    """Which check a resident ID fails, for explanations: "length", "region code", "birth date",
    "check digit"; None when it passes them all. `value` may hold separators."""
    v = _NOT_ALNUM.sub("", fold(value).upper())
    if len(v) == 15:
        if not v.isdigit():
            return "format"
        if v[:2] not in _PROVINCES:
            return "region code"
        return None if _real_ymd("19" + v[6:12]) else "birth date"
    if len(v) != 18:
        return f"length {len(v)}"
    if not v[:17].isdigit() or v[17] not in "0123456789X":
        return "format"
    if v[:2] not in _PROVINCES:
        return "region code"
    if not _real_ymd(v[6:14]):
        return "birth date"
    return None if id_check_digit(v[:17]) == v[17] else "check digit"


def uscc_valid_python(code: str) -> bool:
    """GB 32100 统一社会信用代码 check character."""
    if len(code) != 18 or any(c not in _USCC_ALPHABET for c in code):
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def gb11643_python(value: str) -> bool | None:
    """18-digit resident ID: region prefix, a real birth date and the ISO 7064 check digit."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    if value[:2] not in _PROVINCES or not _real_ymd(value[6:14]):
        return False
    return id_check_digit(value[:17]) == value[17]


def gb11643_15_python(value: str) -> bool | None:
    """15-digit pre-1999 ID: region + YYMMDD + 3 digits, no check digit."""
    if len(value) != 15 or not value.isdigit() or value[:2] not in _PROVINCES:
        return False
    return _real_ymd("19" + value[6:12])


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
# A doubled digit's digit sum, as a character: summing the bytes of the translated string keeps
# the whole check in C.
_LUHN_TABLE = str.maketrans("0123456789", "".join(str(d) for d in _LUHN_DOUBLED))


def luhn_python(value: str) -> bool | None:
    if not value.isdigit() or not value.isascii():
        value = "".join(c for c in value if "0" <= c <= "9")
    odd, even = value[-1::-2], value[-2::-2].translate(_LUHN_TABLE)
    total = sum(odd.encode()) + sum(even.encode()) - 48 * len(value)
    return total % 10 == 0


# The compiled checks answer for ASCII values (what the engine passes: compact number runs) and
# hand anything else to the Python ones above, which are their reference (tests/detection/test_native.py).
gb11643: Validator = native.gb11643 if native is not None else gb11643_python
gb11643_15: Validator = native.gb11643_15 if native is not None else gb11643_15_python
luhn: Validator = native.luhn if native is not None else luhn_python


def bank_card_python(value: str) -> bool | None:
    """Luhn pass -> True; fail -> None (real UnionPay cards fail Luhn, so never reject on it)."""
    return True if luhn_python(value) else None


class PrefixCheckPython:
    """True when a value starts with one of the three-digit `prefixes`, else None: a known
    mobile prefix raises the score, an unknown one only lowers it."""

    __slots__ = ("prefixes",)

    def __init__(self, prefixes: frozenset[str]) -> None:
        self.prefixes = prefixes

    def __call__(self, value: str) -> bool | None:
        return True if value[:3] in self.prefixes else None


bank_card: Validator = native.bank_card if native is not None else bank_card_python
uscc_valid: Callable[[str], bool] = native.uscc_valid if native is not None else uscc_valid_python
cn_mobile: Validator = (native.PrefixCheck if native is not None else PrefixCheckPython)(_MOBILE_PREFIXES)


def email(value: str) -> bool | None:
    domain = value.rpartition("@")[2].lower()
    if "." not in domain or domain.startswith(".") or ".." in value:
        return False
    # Agencies publish their own mailboxes; a government domain is no private person's.
    if domain.endswith((".gov.cn", ".gov")):
        return None
    return True


_VIN_VALUES = {c: i % 9 or 9 for i, c in enumerate("ABCDEFGHI", 1)}
_VIN_VALUES.update({c: i for i, c in enumerate("JKLMN", 1)})
_VIN_VALUES.update({"P": 7, "R": 9})
_VIN_VALUES.update({c: i for i, c in enumerate("STUVWXYZ", 2)})
_VIN_VALUES.update({str(d): d for d in range(10)})
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin(value: str) -> bool | None:
    """ISO 3779 / GB 16735 vehicle identification number: the ninth character is the check."""
    value = value.upper()
    if len(value) != 17 or any(c not in _VIN_VALUES for c in value):
        return False
    total = sum(_VIN_VALUES[c] * w for c, w in zip(value, _VIN_WEIGHTS, strict=True))
    check = total % 11
    return value[8] == ("X" if check == 10 else str(check))


VALIDATORS: dict[str, Validator] = {
    "gb11643": gb11643,
    "gb11643_15": gb11643_15,
    "luhn": luhn,
    "bank_card": bank_card,
    "cn_mobile": cn_mobile,
    "email": email,
    "uscc": uscc_valid,
    "vin": vin,
}
