"""The gate never passes a changed byte: approval binds the exact bytes, not the path."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.review.approve import approve_file
from deident.review.gate import gate_paths
from deident.review.keys import load_key
from deident.review.ledger import Ledger

NOTICE = "关于2024年度城乡居民医疗救助资金发放情况的公示。本通知自发布之日起施行。\n".encode()


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ledger]:
    root = tmp_path_factory.mktemp("site")
    ledger = Ledger(root / ".deident" / "ledger.jsonl", load_key(root / "hmac.key"))
    page = root / "通知.txt"
    page.write_bytes(NOTICE)
    approve_file(page, ledger=ledger, config=ScanConfig(), reviewer="王芳", root=root)
    assert [v.approved for v in gate_paths([page], ledger=ledger, root=root)] == [True]
    return page, ledger


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edit=st.one_of(
        st.tuples(st.just("flip"), st.integers(0, len(NOTICE) - 1), st.integers(1, 255)),
        st.tuples(st.just("append"), st.binary(min_size=1, max_size=4), st.just(0)),
        st.tuples(st.just("truncate"), st.integers(0, len(NOTICE) - 1), st.just(0)),
    )
)
def test_any_changed_byte_is_blocked(approved: tuple[Path, Ledger], edit: tuple) -> None:
    page, ledger = approved
    data = bytearray(NOTICE)
    kind, a, b = edit
    if kind == "flip":
        data[a] ^= b
    elif kind == "append":
        data += a
    else:
        del data[a:]
    try:
        page.write_bytes(bytes(data))
        [verdict] = gate_paths([page], ledger=ledger, root=page.parent)
        assert not verdict.approved
        assert verdict.reason == "changed after approval"
    finally:
        page.write_bytes(NOTICE)
