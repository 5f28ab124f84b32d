"""Personal data in file and folder names: found, masked in the copy's name, never in the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from deident.api import policy_for
from deident.config import ScanConfig
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from deident.review.approve import ApprovalRefused, approve_file
from deident.review.decisions import NOT_PII, finding_id, record_decisions
from deident.review.ledger import Ledger
from tests.factories.workflow import write_clean

CFG = ScanConfig()
ID = "11010519491231002X"
MOBILE = "13800138000"


def test_an_id_in_a_file_name_is_a_finding_at_the_name(tmp_path: Path) -> None:
    f = write_clean(tmp_path / f"张三_{ID}.txt")
    r = scan_path(f, CFG, display_path=f"上传/张三_{ID}.txt")
    assert r.status is Status.FINDINGS
    # 张三 before the ID is a name too (a name directly before an ID number, #19).
    (name,) = [f for f in r.findings if f.entity_type == "CN_RESIDENT_ID"]
    assert name.location == {"name": True} and name.text == ID
    assert r.path[name.start : name.end] == ID


def test_a_mobile_in_a_folder_name_is_a_finding(tmp_path: Path) -> None:
    f = write_clean(tmp_path / "a.txt")
    r = scan_path(f, CFG, display_path=f"{MOBILE}/a.txt")
    assert [x.text for x in r.findings] == [MOBILE]


def test_folders_above_the_working_directory_are_not_content(tmp_path: Path) -> None:
    f = write_clean(tmp_path / "a.txt")
    assert scan_path(f, CFG, display_path=f"/home/{MOBILE}/a.txt").status is Status.CLEAN


def test_the_masked_copy_gets_a_masked_name(tmp_path: Path) -> None:
    f = write_clean(tmp_path / f"联系{MOBILE}.txt")
    res = mask_path(f, tmp_path / "out" / f.name, CFG, policy_for("gov"))
    assert res.output is not None
    out = Path(res.output)
    assert MOBILE not in out.name and out.suffix == ".txt" and out.exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [out.name]
    assert out.read_bytes() == f.read_bytes()


def test_the_ledger_never_holds_the_name(tmp_path: Path, ledger: Ledger) -> None:
    f = write_clean(tmp_path / f"{MOBILE}.txt")
    with pytest.raises(ApprovalRefused, match="unresolved"):
        approve_file(f, ledger=ledger, config=CFG, reviewer="王芳", root=tmp_path)
    r = scan_path(f, CFG, display_path=f.name)
    ids = [finding_id(ledger.key, x) for x in r.findings]
    record_decisions(ledger, r, ids, verdict=NOT_PII, reviewer="王芳", reason="单位总机", path=r.path)
    o = approve_file(f, ledger=ledger, config=CFG, reviewer="王芳", root=tmp_path)
    assert o.complete
    text = ledger.path.read_text(encoding="utf-8")
    assert MOBILE not in text and "*" * len(MOBILE) in text


def test_masking_in_place_replaces_the_source_under_the_masked_name(tmp_path: Path) -> None:
    f = tmp_path / f"联系{MOBILE}.txt"
    f.write_text(f"请联系{MOBILE}。", encoding="utf-8")
    res = mask_path(f, f, CFG, policy_for("gov"))
    assert res.output is not None and not f.exists()
    (only,) = list(tmp_path.iterdir())
    assert MOBILE not in only.name and MOBILE not in only.read_text(encoding="utf-8")
    assert any("masked name" in n for n in res.notes)
