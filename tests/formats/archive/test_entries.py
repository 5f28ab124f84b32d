"""Member names: GBK names decode as Windows wrote them; names shown in reasons hide digit runs."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from deident.errors import BlockedError
from deident.formats.archive.entries import clean_name, decode_zip_name, display_name

_NAME = st.text(
    alphabet="公示名单申请表张王李附件第一批补贴身份证号码abc_-.0123456789 ", min_size=1, max_size=30
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_NAME)
def test_gbk_names_decode_back(name: str) -> None:
    raw = name.encode("gbk")
    try:
        raw.decode("utf-8")
        assume(raw.isascii())  # GBK bytes that happen to be valid UTF-8 are ambiguous by nature
    except UnicodeDecodeError:
        pass
    assert decode_zip_name(raw, utf8_flag=False)[0] == name
    assert decode_zip_name(name.encode("utf-8"), utf8_flag=True)[0] == name


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_NAME)
def test_display_name_hides_every_long_digit_run(name: str) -> None:
    assert re.search(r"[0-9]{6}", display_name(name)) is None
    assert len(display_name(name)) == len(name)


@pytest.mark.parametrize("bad", ["../etc/passwd", "a/../../b", "..\\x.txt"])
def test_names_that_climb_out_are_refused(bad: str) -> None:
    with pytest.raises(BlockedError):
        clean_name(bad)


def test_windows_separators_and_prefixes() -> None:
    assert clean_name(".\\公示\\名单.xlsx") == "公示/名单.xlsx"
    assert clean_name("/abs/名单.xlsx") == "abs/名单.xlsx"
