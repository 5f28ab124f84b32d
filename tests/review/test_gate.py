from __future__ import annotations

import json
from pathlib import Path

import pytest

from deident.config import ScanConfig
from deident.review.approve import approve_file
from deident.review.decisions import LedgerIndex
from deident.review.gate import gate_paths, verdict_for_sha
from deident.review.ledger import Ledger
from deident.walker import PathNotFound
from tests.factories.workflow import write_clean, write_corrupt_docx


def _approve(p: Path, ledger: Ledger, root: Path, reviewer: str = "王芳", **kw) -> None:
    approve_file(p, ledger=ledger, config=ScanConfig(), reviewer=reviewer, root=root, **kw)


def _by_path(verdicts: list) -> dict[str, object]:
    return {v.path: v for v in verdicts}


def test_gate_passes_only_files_approved_at_their_current_sha(tmp_path: Path, ledger: Ledger) -> None:
    site = tmp_path / "site"
    a = write_clean(site / "a.txt")
    b = write_clean(site / "sub" / "b.txt", extra="第二份。")
    _approve(a, ledger, tmp_path)
    _approve(b, ledger, tmp_path)
    verdicts = gate_paths([site], ledger=ledger, root=tmp_path)
    assert [v.path for v in verdicts] == ["site/a.txt", "site/sub/b.txt"]
    assert all(v.approved for v in verdicts)

    b.write_text(b.read_text(encoding="utf-8") + "改动。", encoding="utf-8")
    write_clean(site / "new.txt", extra="新增。")
    v = _by_path(gate_paths([site], ledger=ledger, root=tmp_path))
    assert v["site/a.txt"].approved
    assert not v["site/sub/b.txt"].approved and v["site/sub/b.txt"].reason == "changed after approval"
    assert not v["site/new.txt"].approved and v["site/new.txt"].reason == "never approved"


def test_gate_blocks_unsupported_missing_and_unreadable(tmp_path: Path, ledger: Ledger) -> None:
    exe = tmp_path / "x.exe"
    exe.write_bytes(b"MZ")
    bad = write_corrupt_docx(tmp_path / "bad.docx")
    v = _by_path(gate_paths([exe, bad], ledger=ledger, root=tmp_path))
    assert v["x.exe"].reason == "unsupported type"
    assert v["bad.docx"].reason == "never approved"  # approval refuses it, so it never is
    # A path that does not exist is a usage error (exit 2), not a file verdict.
    with pytest.raises(PathNotFound):
        gate_paths([exe, tmp_path / "gone.txt"], ledger=ledger, root=tmp_path)
    locked = write_clean(tmp_path / "locked.txt")
    locked.chmod(0)
    try:
        import os

        if os.geteuid() != 0:  # root reads anything
            (vv,) = gate_paths([locked], ledger=ledger, root=tmp_path)
            assert not vv.approved and vv.reason.startswith("unreadable")
    finally:
        locked.chmod(0o644)


def test_tampered_ledger_blocks_everything(tmp_path: Path, ledger: Ledger) -> None:
    a = write_clean(tmp_path / "a.txt")
    _approve(a, ledger, tmp_path)
    assert gate_paths([a], ledger=ledger, root=tmp_path)[0].approved
    lines = ledger.path.read_text(encoding="utf-8").splitlines()
    e = json.loads(lines[0])
    e["reviewer"] = "someone else"
    ledger.path.write_text(json.dumps(e, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    (v,) = gate_paths([a], ledger=Ledger(ledger.path, ledger.key), root=tmp_path)
    assert not v.approved and "ledger does not verify" in v.reason


def test_required_approvals_from_the_gate_or_the_approval(tmp_path: Path, ledger: Ledger) -> None:
    a = write_clean(tmp_path / "a.txt")
    _approve(a, ledger, tmp_path)
    (v,) = gate_paths([a], ledger=ledger, root=tmp_path, require_approvals=2)
    assert not v.approved and "needs 2 approvals" in v.reason
    _approve(a, ledger, tmp_path, reviewer="李强")
    (v,) = gate_paths([a], ledger=ledger, root=tmp_path, require_approvals=2)
    assert v.approved and v.reviewers == ("王芳", "李强")


def test_verdict_for_unknown_sha(ledger: Ledger) -> None:
    v = verdict_for_sha(LedgerIndex.build(ledger.entries()), "0" * 64)
    assert not v.approved and v.reason == "never approved"
    assert v.to_dict()["verdict"] == "blocked"
