"""A file swapped while approve (or decide, or the service) reads it: the approval binds to the
bytes that were scanned, never to bytes the scan did not see."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

import deident.pipeline as pipeline
from deident.config import ScanConfig
from deident.model import Status
from deident.review.approve import ApprovalRefused, approve_file
from deident.review.gate import gate_paths
from deident.review.ledger import Ledger
from tests.factories.workflow import make_leak, write_clean, write_leaking

CFG = ScanConfig()


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _swap_when_read(monkeypatch: pytest.MonkeyPatch, target: Path, replacement: bytes) -> list[int]:
    """Rewrite `target` at the moment a reader is chosen for it, i.e. after any digest taken
    up front and before the bytes are parsed: the window the old approve left open."""
    real = pipeline.format_for
    swaps: list[int] = []

    def hooked(path: Path):  # type: ignore[no-untyped-def]
        if not swaps:
            tmp = target.with_name(target.name + ".swap")
            tmp.write_bytes(replacement)
            os.replace(tmp, target)  # an atomic swap, as an attacker's `mv` would do
            swaps.append(1)
        return real(path)

    monkeypatch.setattr(pipeline, "format_for", hooked)
    return swaps


def test_leaking_file_swapped_for_a_clean_one_mid_approve_is_not_approved(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaking = write_leaking(tmp_path / "名单.txt", make_leak(3))
    leaking_sha = _sha(leaking)
    clean = write_clean(tmp_path / "clean.txt").read_bytes()
    swaps = _swap_when_read(monkeypatch, leaking, clean)
    with pytest.raises(ApprovalRefused, match="unresolved finding"):
        approve_file(leaking, ledger=ledger, config=CFG, reviewer="王芳", root=tmp_path)
    assert swaps == [1]  # the swap really happened during the approval
    assert _sha(leaking) != leaking_sha
    assert ledger.entries() == []


def test_clean_file_swapped_for_a_leaking_one_is_approved_only_at_the_clean_digest(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = write_clean(tmp_path / "通知.txt")
    clean_sha = _sha(f)
    leaking = write_leaking(tmp_path / "x.txt", make_leak(4)).read_bytes()
    _swap_when_read(monkeypatch, f, leaking)
    o = approve_file(f, ledger=ledger, config=CFG, reviewer="王芳", root=tmp_path)
    assert o.sha256 == clean_sha  # what was scanned
    (v,) = gate_paths([f], ledger=ledger, root=tmp_path)
    assert not v.approved and v.reason == "changed after approval"


def test_scan_reports_the_digest_of_the_bytes_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """decide and the HTTP endpoints bind to `report.sha256`: it must be the scanned bytes."""
    leaking = write_leaking(tmp_path / "名单.txt", make_leak(5))
    leaking_sha = _sha(leaking)
    _swap_when_read(monkeypatch, leaking, b"nothing here\n")
    r = pipeline.scan_path(leaking, CFG)
    assert r.status is Status.FINDINGS and r.sha256 == leaking_sha


def test_masked_copy_of_a_swapped_file_is_the_scanned_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clean file copied unchanged must not pick up bytes swapped in after the scan."""
    from deident.api import policy_for

    f = write_clean(tmp_path / "通知.txt")
    clean = f.read_bytes()
    leak = make_leak(6)
    leaking = write_leaking(tmp_path / "x.txt", leak).read_bytes()
    _swap_when_read(monkeypatch, f, leaking)
    res = pipeline.mask_path(f, tmp_path / "out" / "通知.txt", CFG, policy_for("gov"))
    assert res.output is not None and Path(res.output).read_bytes() == clean


def test_approvals_under_a_thread_swapping_the_file_bind_only_to_the_clean_bytes(
    tmp_path: Path, key: object
) -> None:
    f = write_clean(tmp_path / "site" / "通知.txt")
    clean = f.read_bytes()
    clean_sha = hashlib.sha256(clean).hexdigest()
    leaking = write_leaking(tmp_path / "x.txt", make_leak(8)).read_bytes()
    stop = threading.Event()

    def flip() -> None:
        i = 0
        while not stop.is_set():
            tmp = f.with_name(f".flip{i % 2}")
            tmp.write_bytes(leaking if i % 2 == 0 else clean)
            os.replace(tmp, f)
            i += 1

    t = threading.Thread(target=flip, daemon=True)
    t.start()
    approved, refused = [], 0
    try:
        for n in range(20):
            led = Ledger(tmp_path / f"ledger{n}.jsonl", key)  # type: ignore[arg-type]
            try:
                approved.append(
                    approve_file(f, ledger=led, config=CFG, reviewer="王芳", root=tmp_path).sha256
                )
            except ApprovalRefused:
                refused += 1
    finally:
        stop.set()
        t.join()
    assert len(approved) + refused == 20
    assert set(approved) <= {clean_sha}
