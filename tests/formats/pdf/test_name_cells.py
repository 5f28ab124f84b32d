"""Cells of a roster's 姓名 column through the whole PDF path: a cell that is one clean name is
masked whole without the name model (issue 17); a cell holding more (two names, a name and an
address) is still read by the model and the rules, and nothing of it is left in the copy."""

from __future__ import annotations

import random
import re

import pytest

from deident.config import ScanConfig
from deident.masking.policy import Policy
from deident.pipeline import mask_path, scan_path
from tests.factories import pdf as f

NO_OCR = ScanConfig(ocr=False)


def test_name_column_cells_clean_and_mixed(tmp_path):
    if not f.have_soffice() or not f.have_poppler():
        pytest.skip("LibreOffice and poppler-utils needed")
    base = f.roster_rows(random.Random(17), 4)
    names = ["欧阳桂超", "张三李四", "王芳 北京市朝阳区建国路88号", "阿依古丽·吐尔逊"]
    rows = [f.RosterRow(n, r.resident_id, r.mobile, r.address) for n, r in zip(names, base, strict=True)]
    pdf = f.roster_pdf(tmp_path, rows)
    report = scan_path(pdf, NO_OCR)
    texts = {(x.entity_type, re.sub(r"\s", "", x.text)) for x in report.findings}
    assert ("PERSON", "欧阳桂超") in texts  # whole, not 欧阳桂
    assert ("PERSON", "阿依古丽·吐尔逊") in texts
    assert {("PERSON", "张三"), ("PERSON", "李四")} <= texts  # two names, each found
    assert any(t == "北京市朝阳区建国路88号" for _, t in texts)  # the address in a name cell
    result = mask_path(pdf, tmp_path / "out" / pdf.name, NO_OCR, Policy.load("gov"))
    assert result.ok, result.report.reason
    assert not f.leaked(result.output, ["桂超", "三李四", "芳", "建国路88号", "吐尔逊"])
