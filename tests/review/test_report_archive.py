"""The review report lists an archive's members as their own rows, each with its findings."""

from __future__ import annotations

from pathlib import Path

from deident.api import policy_for
from deident.config import ScanConfig
from deident.pipeline import scan_path
from deident.review.collect import collect, member_rows
from deident.review.decisions import LedgerIndex
from deident.review.ledger import Ledger
from deident.review.report_html import render
from tests.factories.archives import letter_txt, make_zip, roster_csv

CFG = ScanConfig()


def test_archive_members_are_rows_with_their_findings_in_context(tmp_path: Path, ledger: Ledger) -> None:
    letter, v1 = letter_txt()
    roster, v2 = roster_csv(2)
    inner = make_zip({"名单.csv": roster})
    src = tmp_path / "附件.zip"
    src.write_bytes(make_zip({"申请/申请书.txt": letter, "材料.zip": inner}, gbk=True))
    report = scan_path(src, CFG, display_path="附件.zip")
    item = collect(
        src,
        report,
        config=CFG,
        policy=policy_for("gov"),
        index=LedgerIndex.build(ledger.entries()),
        key=ledger.key,
    )
    rows = member_rows(item)
    assert [name for name, _ in rows] == ["附件.zip!/申请/申请书.txt", "附件.zip!/材料.zip!/名单.csv"]
    assert {v.reviewed.finding.text for _, views in rows for v in views} >= set(v1 + v2)
    html = render([item])
    assert html.index("附件.zip!/申请/申请书.txt") < html.index("附件.zip!/材料.zip!/名单.csv")
    assert "身份证号码：" in html  # the member's own text gives the context
