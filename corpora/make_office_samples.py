"""Office and PDF samples for corpora/samples/: the attachments that leak most in practice.

- 低保对象花名册.xlsx: a roster with IDs stored as text, phones typed as numbers, a hidden
  sheet holding the unredacted source data and a cell comment with a phone number.
- 行政处罚决定书.docx: the decision with the party's data in paragraphs, in a table, split
  across runs with different formatting, and in the page header.
- 低保对象花名册.pdf: the roster printed to PDF by LibreOffice (only when `soffice` is on
  PATH; otherwise the committed file is kept).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from tests.factories import pii

_FIXED = dt.datetime(2024, 3, 18, 9, 30, 0)  # fixed document dates: reproducible packages


def roster_rows(rng: random.Random, n: int = 10) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(1, n + 1):
        addr = pii.address(rng, kind=rng.choice(("village", "estate")))[0]
        rows.append(
            [
                i,
                pii.person_name(rng),
                pii.resident_id(rng),
                int(pii.mobile(rng)),
                addr,
                rng.randint(2, 6),
                rng.randint(4, 12) * 100,
            ]
        )
    return rows


def roster_xlsx(rng: random.Random) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = "公示名单"
    ws.append(["石城镇2024年第一季度城乡低保对象花名册"])
    ws.append(["序号", "户主姓名", "身份证号码", "联系电话", "家庭住址", "保障人数", "月保障金（元）"])
    rows = roster_rows(rng)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=3, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "@"  # IDs typed as text, or Excel rounds them to 15 digits
    ws["B3"].comment = Comment(f"已电话核实 {pii.mobile(rng)}", "经办人")
    for col, width in zip("ABCDEFG", (6, 10, 22, 14, 44, 10, 14), strict=True):
        ws.column_dimensions[col].width = width
    # The classic leak: the source sheet with everything, hidden rather than deleted.
    src = wb.create_sheet("原始数据")
    src.sheet_state = "hidden"
    src.append(["户主姓名", "身份证号码", "银行卡号", "家庭成员"])
    for r in rows:
        src.append([r[1], r[2], pii.bank_card(rng), f"{pii.person_name(rng)}（配偶）"])
    wb.properties.creator = "石城镇社会事务办"
    wb.properties.created = wb.properties.modified = _FIXED
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def penalty_docx(rng: random.Random) -> bytes:
    from docx import Document

    name, id_, mobile = pii.person_name(rng), pii.resident_id(rng), pii.mobile(rng)
    addr = pii.address(rng, kind="estate")[0]
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = f"廉江市市场监督管理局　当事人：{name}"
    doc.add_heading("行政处罚决定书", level=1)
    doc.add_paragraph("廉市监罚〔2024〕36号")
    p = doc.add_paragraph("当事人：")
    p.add_run(name).bold = True
    p.add_run("，男，公民身份号码：")
    # Split mid-number, as spell checking and revisions leave it in real documents.
    p.add_run(id_[:10])
    p.add_run(id_[10:]).italic = True
    p.add_run(f"，住址：{addr}，联系电话：{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}。")
    doc.add_paragraph(
        "2024年3月5日，本局执法人员依法对当事人经营场所进行检查，发现当事人销售过期食品。"
        "以上事实有现场笔录、询问笔录、当事人身份证复印件等证据为证。"
    )
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for row, (k, v) in zip(
        table.rows, (("当事人", name), ("身份证号码", id_), ("联系电话", mobile)), strict=True
    ):
        row.cells[0].text, row.cells[1].text = k, v
    doc.add_paragraph(
        "本局决定对当事人处以罚款人民币5000元。如不服本处罚决定，可在收到本决定书之日起六十日内申请行政复议。"
    )
    doc.add_paragraph("廉江市市场监督管理局\n2024年3月18日")
    doc.core_properties.author = "廉江市市场监督管理局"
    doc.core_properties.created = doc.core_properties.modified = _FIXED
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def roster_pdf(xlsx: Path, out: Path, timeout: float = 120.0) -> Path | None:
    """Print the roster to PDF with LibreOffice; None when LibreOffice is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(xlsx)],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
        produced = Path(tmp) / (xlsx.stem + ".pdf")
        shutil.copyfile(produced, out)
    return out


OFFICE_SAMPLES = {
    "低保对象花名册.xlsx": roster_xlsx,
    "行政处罚决定书.docx": penalty_docx,
}


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def reproducible_zip(data: bytes) -> bytes:
    """The same package with fixed entry dates and a fixed modification date, so that
    regenerating the samples does not change committed files that did not change."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(
                    rb"\g<1>" + _FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", body
                )
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=_FIXED.timetuple()[:6]), body, zipfile.ZIP_DEFLATED
            )
    return buf.getvalue()


def write_office_samples(out: Path, seed: int) -> list[Path]:
    rng = random.Random(f"office-samples:{seed}")
    paths = []
    changed = False
    for name, make in OFFICE_SAMPLES.items():
        p = out / name
        data = reproducible_zip(make(rng))
        if not p.exists() or p.read_bytes() != data:
            p.write_bytes(data)
            changed = True
        paths.append(p)
    pdf_path = out / "低保对象花名册.pdf"
    # LibreOffice stamps each PDF with a new date and ID: print only when the roster changed.
    stale = changed or not pdf_path.exists()
    if stale and roster_pdf(out / "低保对象花名册.xlsx", pdf_path) is None:
        return paths  # no LibreOffice here: no PDF sample
    paths.append(pdf_path)
    return paths
