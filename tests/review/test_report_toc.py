"""The static report as the record of a review: a table of contents, an anchor per file, and
Chinese labels for every field (places, reasons and what to do, notes)."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from deident.api import policy_for
from deident.config import ScanConfig
from deident.pipeline import scan_path
from deident.review.collect import collect
from deident.review.decisions import LedgerIndex
from deident.review.ledger import Ledger
from deident.review.report_html import render
from tests.factories.workflow import make_leak, write_clean, write_corrupt_docx, write_leaking

CFG = ScanConfig()
ROOT = Path(__file__).resolve().parents[2]


def test_toc_links_to_an_anchor_per_file_and_fields_are_chinese(tmp_path: Path, ledger: Ledger) -> None:
    paths = [
        write_leaking(tmp_path / "救助名单.txt", make_leak(5)),
        write_clean(tmp_path / "通知.txt"),
        write_corrupt_docx(tmp_path / "附件.docx"),
        ROOT / "corpora" / "samples" / "低保对象花名册.xlsx",
    ]
    index = LedgerIndex.build(ledger.entries())
    items = [
        collect(
            p,
            scan_path(p, CFG, display_path=p.name),
            config=CFG,
            policy=policy_for("gov"),
            index=index,
            key=ledger.key,
        )
        for p in paths
    ]
    doc = lxml.html.fromstring(render(items))
    links = doc.xpath('//nav[@id="toc"]//a/@href')
    sections = doc.xpath("//section[@id]")
    assert len(links) == len(paths) == len(sections)
    assert [h[1:] for h in links] == [s.get("id") for s in sections]
    for s in sections:
        assert s.xpath('.//a[@href="#toc"]')  # back to the table of contents
    # Places in Chinese: lines, sheets and cells.
    places = doc.xpath('//tr[@class="finding"]/td[5]/text()')
    assert any(p.startswith("第 ") and p.endswith(" 行") for p in places)
    assert any("工作表" in p and "单元格" in p for p in places)
    assert not any("line " in p or "sheet " in p for p in places)
    # A blocked file: what is wrong and what to do, in Chinese.
    blocked = doc.xpath('//section[@data-status="blocked"]')[0].text_content()
    assert "阻止原因" in blocked and "怎么办" in blocked and "重新保存" in blocked
    # Notes of a format in Chinese.
    notes = " ".join(doc.xpath('//div[@class="meta"]/text()'))
    assert "隐藏工作表" in notes and "含批注" in notes
