"""What `mask_file` reports is what happened: the source's own path and sha256, the status, every
finding it masked, and for a refusal a reason that names the kind of data left but never the value."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pytest

import deident
from deident.formats.base import Replacement
from deident.formats.text import document as text_document
from deident.model import Status

ID = "440106199001011238"
MOBILE = "13812345678"
TEXT = f"关于临时救助的公示。\n申请人身份证号码：{ID}，联系电话：{MOBILE}。\n"


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_a_masked_copy_reports_its_source(tmp_path: Path) -> None:
    src = tmp_path / "公示.txt"
    src.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out" / "公示.txt"
    r = deident.mask_file(src, out)
    assert r.output == str(out) and r.source == str(src)
    assert r.report.path == str(src) and r.report.sha256 == _sha(src)
    assert r.report.status is Status.FINDINGS
    assert {f.entity_type for f in r.report.findings} == {"CN_RESIDENT_ID", "CN_MOBILE"}
    assert r.masked == len(r.report.findings) == 2
    text = out.read_text(encoding="utf-8")
    assert ID not in text and MOBILE not in text
    assert text.replace("*", "") != TEXT.replace("*", "")


def test_a_clean_file_is_copied_byte_for_byte(tmp_path: Path) -> None:
    src = tmp_path / "通知.txt"
    src.write_bytes("本通知自发布之日起施行。\r\n".encode("gb18030"))
    out = tmp_path / "out" / "通知.txt"
    r = deident.mask_file(src, out)
    assert r.report.status is Status.CLEAN and r.masked == 0
    assert out.read_bytes() == src.read_bytes()
    assert r.report.sha256 == _sha(src)


def test_a_blocked_file_reports_its_sha_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "名单.docx"
    src.write_bytes(b"PK\x03\x04 not really a zip" + ID.encode())
    out = tmp_path / "out" / "名单.docx"
    r = deident.mask_file(src, out)
    assert r.output is None and not out.exists()
    assert r.report.status is Status.BLOCKED and r.report.path == str(src)
    assert r.report.sha256 == _sha(src)
    assert r.report.reason and ID not in (r.report.reason + (r.report.detail or ""))


def test_a_refused_copy_names_what_is_left_but_not_the_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = text_document.TextDocument.write_masked

    def forgets_ids(
        self: text_document.TextDocument, reps: Mapping[int, Sequence[Replacement]], out: BinaryIO
    ) -> None:
        real(self, {k: [r for r in v if r.entity_type != "CN_RESIDENT_ID"] for k, v in reps.items()}, out)

    monkeypatch.setattr(text_document.TextDocument, "write_masked", forgets_ids)
    src = tmp_path / "公示.txt"
    src.write_text(TEXT, encoding="utf-8")
    r = deident.mask_file(src, tmp_path / "out" / "公示.txt")
    assert r.report.status is Status.BLOCKED
    assert "CN_RESIDENT_ID" in r.report.reason
    assert ID not in r.report.reason and ID not in (r.report.detail or "")
