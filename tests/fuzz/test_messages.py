"""A blocked file's `detail` names places in the document, never values: member names,
picture keys and parser messages come from the attacker."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.factories import office, scans

from deident.config import ScanConfig
from deident.model import Status
from deident.pipeline import scan_path

MOBILE = "13800138000"


def _rename(data: bytes, old: str, new: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith((".rels", ".xml")):
                body = body.replace(old.encode(), new.encode())
            dst.writestr(info.filename.replace(old, new), body)
    return buf.getvalue()


def test_a_member_name_holding_a_value_is_starred_in_the_detail(tmp_path: Path) -> None:
    docx = office.docx_pictures([scans.encode(scans.logo(400))])
    f = tmp_path / "a.docx"
    f.write_bytes(_rename(docx, "image1.png", f"联系{MOBILE}.png"))
    r = scan_path(f, ScanConfig(ocr=False))
    assert r.status is Status.BLOCKED and r.detail
    assert MOBILE not in r.detail and "word/media/" in r.detail


def test_a_parser_message_quoting_a_tag_name_is_not_passed_on(tmp_path: Path) -> None:
    data, _ = office.docx_table()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                body = body.replace(b"</w:body>", f"<张三{MOBILE}></w:body>".encode())
            dst.writestr(info.filename, body)
    f = tmp_path / "b.docx"
    f.write_bytes(buf.getvalue())
    r = scan_path(f, ScanConfig())
    assert r.status is Status.BLOCKED and r.reason == "corrupt: bad XML"
    assert MOBILE not in (r.detail or "") and "张三" not in (r.detail or "")
