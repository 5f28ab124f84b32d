"""Reviewer names and reasons go into the ledger and every report: personal data in them is
refused, in each rendering the detector reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from deident.api import engine_for
from deident.config import ScanConfig
from deident.pipeline import scan_path
from deident.review.approve import ApprovalRefused, approve_file
from deident.review.decisions import NOT_PII, DecisionError, finding_id, record_decisions
from deident.review.ledger import Ledger
from tests.factories.workflow import make_leak, write_clean, write_leaking

CFG = ScanConfig()
ENGINE = engine_for(CFG)


def _mobile_file(tmp_path: Path) -> tuple[Path, str]:
    leak = make_leak(31)
    f = write_leaking(tmp_path / "名单.txt", leak)
    r = scan_path(f, CFG, display_path=f.name)
    mobile = next(x.text for x in r.findings if x.entity_type == "CN_MOBILE")
    return f, mobile


def _spaced(v: str) -> str:
    return f"{v[:3]} {v[3:7]} {v[7:]}"


def _fullwidth(v: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in v)


def _numerals(v: str) -> str:
    return v.translate(str.maketrans("0123456789", "零一二三四五六七八九"))


@pytest.mark.parametrize("render", [str, _spaced, _fullwidth, _numerals, lambda v: v.replace("0", "〇")])
def test_a_reason_quoting_the_value_in_any_rendering_is_refused(
    tmp_path: Path, ledger: Ledger, render: object
) -> None:
    f, mobile = _mobile_file(tmp_path)
    r = scan_path(f, CFG, display_path=f.name)
    ids = [finding_id(ledger.key, x) for x in r.findings if x.text == mobile]
    reason = f"这是单位总机 {render(mobile)}"  # type: ignore[operator]
    with pytest.raises(DecisionError, match="reason contains personal data"):
        record_decisions(
            ledger, r, ids, verdict=NOT_PII, reviewer="王芳", reason=reason, path=r.path, engine=ENGINE
        )
    assert ledger.entries() == []


def test_a_reason_naming_a_person_of_the_file_is_refused(tmp_path: Path, ledger: Ledger) -> None:
    f, _ = _mobile_file(tmp_path)
    r = scan_path(f, CFG, display_path=f.name)
    person = next((x.text for x in r.findings if x.entity_type == "PERSON"), None)
    if person is None:
        pytest.skip("the leak has no person name")
    ids = [finding_id(ledger.key, r.findings[0])]
    with pytest.raises(DecisionError):
        record_decisions(
            ledger,
            r,
            ids,
            verdict=NOT_PII,
            reviewer="王芳",
            reason=f"{person}本人同意",
            path=r.path,
            engine=ENGINE,
        )


def test_a_reviewer_name_holding_an_id_is_refused(tmp_path: Path, ledger: Ledger) -> None:
    f = write_clean(tmp_path / "通知.txt")
    with pytest.raises(ApprovalRefused, match="reviewer name contains personal data"):
        approve_file(f, ledger=ledger, config=CFG, reviewer="王芳 11010519491231002X", engine=ENGINE)
    o = approve_file(f, ledger=ledger, config=CFG, reviewer="王芳", engine=ENGINE)  # one's own name is fine
    assert o.complete
    assert "11010519491231002X" not in ledger.path.read_text(encoding="utf-8")


def test_a_plain_reason_is_recorded(tmp_path: Path, ledger: Ledger) -> None:
    f, mobile = _mobile_file(tmp_path)
    r = scan_path(f, CFG, display_path=f.name)
    ids = [finding_id(ledger.key, x) for x in r.findings if x.text == mobile]
    (e,) = record_decisions(
        ledger, r, ids, verdict=NOT_PII, reviewer="王芳", reason="公开的单位电话", path=r.path, engine=ENGINE
    )
    assert e["reason"] == "公开的单位电话"
