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


def test_a_verdict_names_the_bytes_and_the_reviewers(approved: tuple[Path, Ledger], tmp_path: Path) -> None:
    import hashlib

    page, ledger = approved
    [ok] = gate_paths([page], ledger=ledger, root=page.parent)
    assert ok.approved and ok.reason is None
    assert ok.sha256 == hashlib.sha256(NOTICE).hexdigest()
    assert ok.reviewers == ("王芳",) and ok.required == 1
    assert ok.to_dict() == {
        "path": "通知.txt", "sha256": ok.sha256, "verdict": "approved", "reason": None,
        "reviewers": ["王芳"], "required": 1,
    }  # fmt: skip
    [two] = gate_paths([page], ledger=ledger, root=page.parent, require_approvals=2)
    assert not two.approved and two.reviewers == ("王芳",) and two.required == 2
    assert two.reason == "needs 2 approvals from distinct reviewers, has 1"
    other = page.parent / "新.txt"
    other.write_bytes(NOTICE + b"x")
    try:
        [new] = gate_paths([other], ledger=ledger, root=page.parent)
        assert not new.approved and new.reason == "never approved"
        assert new.sha256 == hashlib.sha256(NOTICE + b"x").hexdigest() and new.reviewers == ()
    finally:
        other.unlink()
