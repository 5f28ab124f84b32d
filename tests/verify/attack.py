"""The attacker's checks: a crafted file must not be reported clean, and its masked copy (if
one is written) must not hold a value by any independent extractor: raw bytes, every zip
member unpacked (nested packages too), pdftotext, PDFium, every decoded PDF stream."""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.masking.policy import Policy
from deident.model import FileReport, MaskReport, Status
from deident.pipeline import mask_path, scan_path
from tests.factories import pdf as pdf_factory

CONFIG = ScanConfig(ocr=False)
_ENGINE: dict[str, Engine] = {}
_GAPS = re.compile(r"[\s\u00ad\u200b-\u200f\u2060\ufeff-]")


def engine() -> Engine:
    if "e" not in _ENGINE:
        _ENGINE["e"] = Engine.create(CONFIG)
    return _ENGINE["e"]


def scan(path: Path, config: ScanConfig = CONFIG) -> FileReport:
    return scan_path(path, config, engine=engine() if config is CONFIG else None)


def mask(path: Path, config: ScanConfig = CONFIG) -> MaskReport:
    out = path.parent / "masked" / path.name
    return mask_path(path, out, config, Policy.load("gov"), engine=engine() if config is CONFIG else None)


def _zip_texts(data: bytes, depth: int = 0) -> list[str]:
    out = []
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return out
    out.append(zf.comment.decode("latin-1"))
    for info in zf.infolist():
        body = zf.read(info)
        out += _texts_of_bytes(body)
        if body.startswith(b"PK") and depth < 3:
            out += _zip_texts(body, depth + 1)
    return out


def _texts_of_bytes(b: bytes) -> list[str]:
    texts = [b.decode("utf-8", "replace"), b.decode("latin-1"), b.decode("utf-16-le", "replace")]
    return [*texts, html.unescape(texts[0])]


def extracted(path: Path) -> list[str]:
    """Everything independent extractors read in the file at `path`."""
    data = path.read_bytes()
    texts = _texts_of_bytes(data)
    if data.startswith(b"PK"):
        texts += _zip_texts(data)
    if data.startswith(b"%PDF"):
        texts += [pdf_factory.pdfium_text(path), pdf_factory.all_stream_bytes(path).decode("latin-1")]
        if pdf_factory.have_poppler():
            texts.append(pdf_factory.poppler_text(path))
    return texts


def leaks(path: Path, values: Sequence[str]) -> list[str]:
    squeezed = [_GAPS.sub("", t) for t in extracted(path)]
    return [v for v in values if any(_GAPS.sub("", v) in t for t in squeezed)]


def found_values(report: FileReport) -> set[str]:
    return {_GAPS.sub("", f.text) for f in report.findings}


def assert_caught(
    path: Path, values: Sequence[str], *, must_mask: bool = True, config: ScanConfig = CONFIG
) -> MaskReport:
    """The attacker's target: never clean, every value reported (or the file blocked), and the
    masked copy (when written) holds none of them. `must_mask`: masking must succeed."""
    report = scan(path, config)
    assert report.status is not Status.CLEAN, path.name
    if report.status is Status.FINDINGS:
        missing = [v for v in values if _GAPS.sub("", v) not in found_values(report)]
        assert not missing, f"{path.name}: not reported: {missing}"
    result = mask(path, config)
    if os.environ.get("VERIFY_SHOW"):
        print("\nMASK", path.name, result.ok, result.report.reason)
    if must_mask:
        assert result.ok, f"{path.name}: {result.report.reason}"
    if result.ok:
        assert result.output is not None
        assert not leaks(Path(result.output), values), f"{path.name}: left in the masked copy"
    else:
        assert result.report.reason
    return result


def have(tool: str) -> bool:
    try:
        subprocess.run([tool, "--version"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return True
