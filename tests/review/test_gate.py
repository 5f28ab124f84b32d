from __future__ import annotations

import hashlib
import json
import os
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
    assert not v["x.exe"].approved and v["x.exe"].reason == "unsupported type"
    assert v["x.exe"].sha256 == hashlib.sha256(b"MZ").hexdigest()
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
    assert v.path == "a.txt" and v.sha256 == hashlib.sha256(a.read_bytes()).hexdigest()


def test_required_approvals_from_the_gate_or_the_approval(tmp_path: Path, ledger: Ledger) -> None:
    a = write_clean(tmp_path / "a.txt")
    _approve(a, ledger, tmp_path)
    (v,) = gate_paths([a], ledger=ledger, root=tmp_path, require_approvals=2)
    assert not v.approved and "needs 2 approvals" in v.reason
    _approve(a, ledger, tmp_path, reviewer="李强")
    (v,) = gate_paths([a], ledger=ledger, root=tmp_path, require_approvals=2)
    assert v.approved and v.reviewers == ("王芳", "李强") and v.required == 2


def test_an_approval_asking_for_two_reviewers_binds_the_gate(tmp_path: Path, ledger: Ledger) -> None:
    """`approve --require-approvals 2` is remembered: a gate run without the option still wants two."""
    a = write_clean(tmp_path / "a.txt")
    _approve(a, ledger, tmp_path, require_approvals=2)
    (v,) = gate_paths([a], ledger=ledger, root=tmp_path)
    assert not v.approved and v.reason == "needs 2 approvals from distinct reviewers, has 1"
    assert v.path == "a.txt" and v.sha256 == hashlib.sha256(a.read_bytes()).hexdigest()
    assert v.reviewers == ("王芳",) and v.required == 2
    _approve(a, ledger, tmp_path, reviewer="李强")
    (v,) = gate_paths([a], ledger=ledger, root=tmp_path)
    assert v.approved and v.required == 2


def test_gate_blocks_a_fifo_and_still_gates_every_file_after_it(tmp_path: Path, ledger: Ledger) -> None:
    site = tmp_path / "site"
    a, z = write_clean(site / "a.txt"), write_clean(site / "z.txt", extra="另一份。")
    _approve(a, ledger, tmp_path)
    _approve(z, ledger, tmp_path)
    os.mkfifo(site / "m.txt")  # never opened: reading a FIFO would wait forever
    verdicts = gate_paths([site], ledger=ledger, root=tmp_path)
    assert [v.path for v in verdicts] == ["site/a.txt", "site/m.txt", "site/z.txt"]
    fifo = verdicts[1]
    assert fifo.approved is False and fifo.sha256 is None
    assert fifo.reason == "unreadable: not a regular file: a FIFO (named pipe)"
    assert verdicts[0].approved and verdicts[2].approved


def test_gate_blocks_a_file_that_fails_while_it_is_hashed(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that turns unreadable between the walk and the hash (permissions changed, swapped for
    a FIFO) is blocked with the error's type, or the special file's description; later files are gated."""
    from deident.fileutil import NotRegularFile
    from deident.review import gate

    files = [write_clean(tmp_path / f"{n}.txt", extra=n) for n in ("a", "b", "c")]
    for f in files:
        _approve(f, ledger, tmp_path)
    real = gate.sha256_file
    faults = {
        "a.txt": PermissionError(13, "Permission denied", "张三.txt"),
        "b.txt": NotRegularFile("a FIFO"),
    }

    def sha256_file(path: Path) -> str:
        if path.name in faults:
            raise faults[path.name]
        return real(path)

    monkeypatch.setattr(gate, "sha256_file", sha256_file)
    a, b, c = gate_paths(files, ledger=ledger, root=tmp_path)
    assert (a.path, a.sha256, a.approved, a.reason) == ("a.txt", None, False, "unreadable: PermissionError")
    assert (b.path, b.sha256, b.approved, b.reason) == ("b.txt", None, False, "unreadable: a FIFO")
    assert c.path == "c.txt" and c.approved


def test_verdict_for_unknown_sha(ledger: Ledger) -> None:
    v = verdict_for_sha(LedgerIndex.build(ledger.entries()), "0" * 64)
    assert not v.approved and v.reason == "never approved" and v.required == 1
    assert v.to_dict()["verdict"] == "blocked"


def test_verdict_for_sha_wants_one_approval_by_default(tmp_path: Path, ledger: Ledger) -> None:
    """The service and the patrol ask for a verdict by digest alone."""
    a = write_clean(tmp_path / "a.txt")
    _approve(a, ledger, tmp_path)
    v = verdict_for_sha(LedgerIndex.build(ledger.entries()), hashlib.sha256(a.read_bytes()).hexdigest())
    assert v.approved and v.required == 1 and v.reviewers == ("王芳",)
