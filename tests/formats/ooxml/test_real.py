"""Files written by real generators, not by our raw-XML factory: python-docx, openpyxl and
LibreOffice each lay out packages their own way (styles, numbering, bookmarks, calcChain,
printer settings). The whole pipeline must find and mask every value in them."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import uuid
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl.comments import Comment

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories import office, pii

CONFIG = ScanConfig()
RNG = random.Random(7)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.create(CONFIG)


def check(path: Path, values: list[str], engine: Engine, tmp_path: Path) -> bytes:
    report = scan_path(path, CONFIG, engine=engine)
    assert report.status is Status.FINDINGS
    texts = [f.text for f in report.findings]
    assert [v for v in values if not any(v in t for t in texts)] == []
    out = tmp_path / "out" / path.name
    result = mask_path(path, out, CONFIG, Policy.load("gov"), engine=engine)
    assert result.ok, result.report.reason
    masked = out.read_bytes()
    assert office.leaks(masked, values) == []
    return masked


def test_python_docx_document(tmp_path: Path, engine: Engine) -> None:
    rid, phone = pii.resident_id(RNG), pii.mobile(RNG)
    bad = pii.resident_id_bad_checksum(RNG)
    d = docx.Document()
    d.core_properties.author = f"经办人手机{phone}"
    d.sections[0].header.paragraphs[0].text = f"联系电话：{phone}"
    p = d.add_paragraph("当事人身份证号码：")
    p.add_run(rid[:10]).bold = True
    p.add_run(rid[10:]).italic = True
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "身份证号码"
    table.cell(1, 0).text, table.cell(1, 1).text = "王某", bad
    path = tmp_path / "决定书.docx"
    d.save(str(path))
    masked = check(path, [rid, phone, bad], engine, tmp_path)
    reread = docx.Document(io.BytesIO(masked))
    runs = reread.paragraphs[0].runs
    assert [r.bold for r in runs[1:]] == [True, None] and [r.italic for r in runs[1:]] == [None, True]
    assert runs[1].text == rid[:6] + "****" and runs[2].text == "****" + rid[-4:]


def test_openpyxl_workbook(tmp_path: Path, engine: Engine) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示"
    ws.append(["序号", "姓名", "身份证号码", "联系电话"])
    values: list[str] = []
    for i in range(1, 6):
        rid, phone = pii.resident_id(RNG), pii.mobile(RNG)
        ws.append([i, pii.person_name(RNG), rid, int(phone)])  # the phone typed as a number
        values += [rid, phone]
    ws["C2"].comment = Comment(f"核对：{values[0]}", "审核")
    hidden = wb.create_sheet("原始数据")
    hidden.sheet_state = "veryHidden"
    hidden_id = pii.resident_id(RNG)
    hidden.append(["证件号码"])
    hidden.append([hidden_id])
    values.append(hidden_id)
    path = tmp_path / "名单.xlsx"
    wb.save(str(path))
    masked = check(path, values, engine, tmp_path)
    reread = openpyxl.load_workbook(io.BytesIO(masked))
    assert reread["公示"]["A2"].value == 1 and reread["原始数据"].sheet_state == "veryHidden"
    assert reread["公示"]["D2"].value == values[1][:3] + "****" + values[1][-4:]


def test_libreoffice_written_docx(tmp_path: Path, engine: Engine) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    rid, phone = pii.resident_id(RNG), pii.mobile(RNG)
    html = tmp_path / "公告.html"
    html.write_text(
        f"<html><body><p>申请人身份证号码 <b>{rid[:9]}</b>{rid[9:]}，联系电话{phone}。</p>"
        f"<table border=1><tr><td>姓名</td><td>手机号码</td></tr><tr><td>李某</td><td>{phone}</td></tr></table>"
        "</body></html>",
        encoding="utf-8",
    )
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file:///tmp/lo-{uuid.uuid4().hex}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path),
            str(html),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    path = tmp_path / "公告.docx"
    if not path.exists():
        pytest.fail("LibreOffice did not write the .docx")
    check(path, [rid, phone], engine, tmp_path)
