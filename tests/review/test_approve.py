"""Decisions and approvals against real scans of real files (the lead's pipeline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deident.config import ScanConfig
from deident.pipeline import scan_path
from deident.review.approve import ApprovalRefused, approve_file
from deident.review.decisions import (
    CONFIRMED,
    NOT_PII,
    DecisionError,
    LedgerIndex,
    finding_id,
    record_decisions,
    review_findings,
)
from deident.review.keys import Key
from deident.review.ledger import Ledger
from tests.factories.workflow import make_leak, write_clean, write_corrupt_docx, write_leaking

CFG = ScanConfig()


def _approve(p: Path, ledger: Ledger, reviewer: str = "王芳", **kw) -> object:
    return approve_file(p, ledger=ledger, config=CFG, reviewer=reviewer, root=p.parent, **kw)


def test_clean_file_is_approved_with_its_exact_sha256(tmp_path: Path, ledger: Ledger) -> None:
    p = write_clean(tmp_path / "notice.txt")
    o = _approve(p, ledger, policy="gov")
    import hashlib

    assert o.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert o.complete and o.reviewers == ("王芳",)
    (e,) = ledger.entries()
    assert e["kind"] == "approval" and e["file_sha256"] == o.sha256
    assert e["policy"] == "gov" and e["findings"] == 0 and e["path"] == "notice.txt"


def test_file_with_unresolved_findings_is_refused(tmp_path: Path, ledger: Ledger) -> None:
    p = write_leaking(tmp_path / "leak.txt", make_leak())
    with pytest.raises(ApprovalRefused, match="3 unresolved finding"):
        _approve(p, ledger)
    assert ledger.entries() == []


def test_blocked_file_is_refused(tmp_path: Path, ledger: Ledger) -> None:
    p = write_corrupt_docx(tmp_path / "附件.docx")
    with pytest.raises(ApprovalRefused, match="blocked"):
        _approve(p, ledger)
    q = tmp_path / "tool.exe"
    q.write_bytes(b"MZ\x90\x00")
    with pytest.raises(ApprovalRefused, match="unsupported type"):
        _approve(q, ledger)
    assert ledger.entries() == []


def test_not_pii_decisions_resolve_findings_and_confirmed_ones_do_not(tmp_path: Path, ledger: Ledger) -> None:
    p = write_leaking(tmp_path / "leak.txt", make_leak())
    rep = scan_path(p, CFG, display_path="leak.txt")
    ids = [finding_id(ledger.key, f) for f in rep.findings]
    assert len(set(ids)) == 3
    record_decisions(
        ledger, rep, ids[:2], verdict=NOT_PII, reviewer="李强", reason="测试数据", path="leak.txt"
    )
    record_decisions(ledger, rep, ids[2:], verdict=CONFIRMED, reviewer="李强", reason=None, path="leak.txt")
    states = [r.state for r in review_findings(rep, LedgerIndex.build(ledger.entries()), ledger.key)]
    assert states == [NOT_PII, NOT_PII, CONFIRMED]
    with pytest.raises(ApprovalRefused, match=r"1 unresolved finding.*confirmed"):
        _approve(p, ledger)
    # A later not-PII decision (a correction) wins over the earlier confirmation.
    record_decisions(
        ledger, rep, ids[2:], verdict=NOT_PII, reviewer="李强", reason="样例号码", path="leak.txt"
    )
    o = _approve(p, ledger)
    assert o.complete
    assert ledger.entries()[-1]["findings"] == 3


def test_decisions_do_not_carry_over_to_another_version_of_the_file(tmp_path: Path, ledger: Ledger) -> None:
    leak = make_leak()
    p = write_leaking(tmp_path / "leak.txt", leak)
    rep = scan_path(p, CFG, display_path="leak.txt")
    ids = [finding_id(ledger.key, f) for f in rep.findings]
    record_decisions(ledger, rep, ids, verdict=NOT_PII, reviewer="李强", reason="样例", path="leak.txt")
    p.write_text(p.read_text(encoding="utf-8") + "附注。\n", encoding="utf-8")
    with pytest.raises(ApprovalRefused, match="3 unresolved"):
        _approve(p, ledger)


def test_decision_validation(tmp_path: Path, ledger: Ledger) -> None:
    p = write_leaking(tmp_path / "leak.txt", make_leak())
    rep = scan_path(p, CFG, display_path="leak.txt")
    fid = finding_id(ledger.key, rep.findings[0])
    with pytest.raises(DecisionError, match="needs --reason"):
        record_decisions(ledger, rep, [fid], verdict=NOT_PII, reviewer="李强", reason=" ", path="leak.txt")
    with pytest.raises(DecisionError, match="no finding"):
        record_decisions(
            ledger, rep, ["0" * 16], verdict=NOT_PII, reviewer="李强", reason="x", path="leak.txt"
        )
    with pytest.raises(DecisionError, match="reviewer"):
        record_decisions(ledger, rep, [fid], verdict=CONFIRMED, reviewer="", reason=None, path="leak.txt")
    assert ledger.entries() == []


def test_finding_ids_are_stable_and_keyed(tmp_path: Path, ledger: Ledger) -> None:
    p = write_leaking(tmp_path / "leak.txt", make_leak())
    a = scan_path(p, CFG)
    b = scan_path(p, CFG)
    assert [finding_id(ledger.key, f) for f in a.findings] == [finding_id(ledger.key, f) for f in b.findings]
    other = Key(b"\x02" * 32)
    assert finding_id(other, a.findings[0]) != finding_id(ledger.key, a.findings[0])


def test_two_distinct_reviewers_when_required(tmp_path: Path, ledger: Ledger) -> None:
    p = write_clean(tmp_path / "notice.txt")
    o1 = _approve(p, ledger, require_approvals=2)
    assert not o1.complete and o1.required == 2
    with pytest.raises(ApprovalRefused, match="already approved by 王芳"):
        _approve(p, ledger, require_approvals=2)
    o2 = _approve(p, ledger, reviewer="李强")
    # The second approval inherits the stricter requirement recorded by the first.
    assert o2.required == 2 and o2.complete and o2.reviewers == ("王芳", "李强")


def test_ledger_holds_no_plaintext_personal_data(tmp_path: Path, ledger: Ledger) -> None:
    leak = make_leak(11)
    p = write_leaking(tmp_path / "leak.txt", leak)
    rep = scan_path(p, CFG, display_path="leak.txt")
    ids = [finding_id(ledger.key, f) for f in rep.findings]
    record_decisions(ledger, rep, ids, verdict=NOT_PII, reviewer="李强", reason="演练数据", path="leak.txt")
    _approve(p, ledger)
    raw = ledger.path.read_text(encoding="utf-8")
    for value in leak.values:
        assert value not in raw
    assert leak.mobile[3:7] + leak.mobile[7:] not in raw


def test_a_reviewer_name_holding_personal_data_is_refused(tmp_path: Path, ledger: Ledger) -> None:
    """The ledger holds no plaintext personal data: not even in the reviewer field."""
    p = write_clean(tmp_path / "notice.txt")
    with pytest.raises(ApprovalRefused) as refused:
        _approve(p, ledger, reviewer="王芳 13812345678")
    assert refused.value.path == "notice.txt" and "13812345678" not in refused.value.reason
    assert ledger.entries() == []


def test_refusals_name_the_file_and_say_why(tmp_path: Path, ledger: Ledger) -> None:
    """The service answers 409 with `reason`; the CLI prints `path: reason`."""
    p = write_clean(tmp_path / "notice.txt")
    cases = [
        ({"reviewer": " "}, "an approval needs --reviewer"),
        ({"require_approvals": 0}, "--require-approvals must be at least 1"),
    ]
    for kw, reason in cases:
        with pytest.raises(ApprovalRefused) as refused:
            _approve(p, ledger, **{"reviewer": "王芳", **kw})
        assert (refused.value.path, refused.value.reason) == ("notice.txt", reason)
        assert str(refused.value) == f"notice.txt: {reason}"
    bad = write_corrupt_docx(tmp_path / "附件.docx")
    with pytest.raises(ApprovalRefused) as refused:
        _approve(bad, ledger)
    assert refused.value.path == "附件.docx" and refused.value.reason.startswith("blocked: corrupt")
    assert refused.value.reason.endswith(")")  # the reader's detail, in brackets
    leak = write_leaking(tmp_path / "leak.txt", make_leak())
    with pytest.raises(ApprovalRefused) as refused:
        _approve(leak, ledger)
    assert refused.value.path == "leak.txt"
    assert refused.value.reason == (
        "3 unresolved finding(s); mask them or mark them with `deident decide --not-pii`"
    )
    _approve(p, ledger)
    with pytest.raises(ApprovalRefused) as refused:
        _approve(p, ledger)
    assert refused.value.path == "notice.txt" and refused.value.reason.startswith("already approved by 王芳")


def test_the_approval_records_policy_and_date_as_given(tmp_path: Path, ledger: Ledger) -> None:
    p = write_clean(tmp_path / "notice.txt")
    o = _approve(p, ledger, policy="court", date="2024-01-02")
    q = write_clean(tmp_path / "other.txt", extra="另一份。")
    _approve(q, ledger)
    first, second = ledger.entries()
    assert (first["policy"], first["date"]) == ("court", "2024-01-02")
    assert second["policy"] == "gov" and second["date"] and second["date"] != "2024-01-02"
    assert o.path == "notice.txt" and o.entry == first and o.required == 1


def test_the_approval_scans_with_the_configured_entities(tmp_path: Path, ledger: Ledger) -> None:
    """`deident approve --entities PERSON` approves a notice whose only number is an office phone."""
    p = tmp_path / "notice.txt"
    p.write_text("关于开展年度核查工作的通知。咨询电话：13812345678。\n", encoding="utf-8")
    with pytest.raises(ApprovalRefused):
        _approve(p, ledger)
    o = approve_file(
        p, ledger=ledger, config=ScanConfig(entities=frozenset({"PERSON"})), reviewer="王芳", root=tmp_path
    )
    assert o.complete and ledger.entries()[0]["findings"] == 0
