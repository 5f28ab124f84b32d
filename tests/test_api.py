"""The library API as CMS plugins use it."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import deident
from deident.config import ScanConfig

TEXT = "申请人身份证号：440881199001011233，联系电话13812345678，邮箱zhao@qq.com。"


def test_scan_text_returns_typed_findings() -> None:
    found = deident.scan_text(TEXT)
    assert all(isinstance(f, deident.Finding) for f in found)
    types = [f.entity_type for f in found]
    assert {"CN_RESIDENT_ID", "CN_MOBILE", "EMAIL_ADDRESS"} <= set(types)
    assert all(TEXT[f.start : f.end] == f.text for f in found)


def test_mask_text() -> None:
    masked = deident.mask_text(TEXT)
    assert isinstance(masked, deident.MaskedText)
    assert (
        "440881********1233" in masked.text and "138****5678" in masked.text and "z***@qq.com" in masked.text
    )


def test_entity_filter_and_min_score() -> None:
    only = ScanConfig(entities=frozenset({"CN_MOBILE"}))
    assert [f.entity_type for f in deident.scan_text(TEXT, only)] == ["CN_MOBILE"]
    assert deident.scan_text(TEXT, ScanConfig(min_score=1.01)) == []


def test_scan_and_mask_file(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    report = deident.scan_file(src)
    assert report.status is deident.Status.FINDINGS and len(report.findings) >= 3
    result = deident.mask_file(src, tmp_path / "out" / "a.txt")
    assert result.ok and "440881********1233" in Path(result.output).read_text(encoding="utf-8")
    assert src.read_text(encoding="utf-8") == TEXT


def test_thread_safe() -> None:
    texts = [TEXT.replace("1233", f"12{i:02d}") for i in range(40)]
    expected = [deident.scan_text(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(deident.scan_text, texts)) == expected


def test_import_is_light() -> None:
    code = (
        "import sys, deident; heavy = {'pdfminer', 'pikepdf', 'docx', 'openpyxl', 'spacy', 'presidio_analyzer', "
        "'pypdfium2', 'rapidocr_onnxruntime', 'onnxruntime', 'lxml', 'rich', 'typer'}; "
        "print(sorted(heavy & set(m.split('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"
