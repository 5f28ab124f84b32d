"""Seed files for the reader fuzzer: the bundled samples and files the test factories build,
one or more per reader."""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

from tests.factories import office
from tests.factories.pdf import helvetica_pdf
from tests.factories.scans import encode, logo

SAMPLES = Path(__file__).resolve().parents[2] / "corpora" / "samples"

ZIP_SUFFIXES = frozenset({".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".odt", ".ods"})


def _rtf() -> bytes:
    return rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}\f0 Tel 13800138000\par ID 11010519491231002X\par}"


def _png() -> bytes:
    return encode(logo(48), "PNG")


def _jpeg() -> bytes:
    return encode(logo(48), "JPEG")


@functools.cache
def seeds() -> dict[str, bytes]:
    """file name -> bytes. The suffix picks the reader, as it does for real files."""
    out = {p.name: p.read_bytes() for p in sorted(SAMPLES.iterdir()) if p.is_file()}
    out["表格.docx"] = office.docx_table()[0]
    out["批注.docx"] = office.docx_comments()[0]
    out["花名册.xlsx"] = office.xlsx_roster(8)[0]
    out["图表.xlsx"] = office.xlsx_chart()[0]
    out["letters.pdf"] = helvetica_pdf([["Tel 13800138000", "ID 11010519491231002X"]])
    out["logo.png"] = _png()
    out["logo.jpg"] = _jpeg()
    out["note.rtf"] = _rtf()
    return out


def reader_of(name: str) -> str:
    return Path(name).suffix.lower()


def zip_members(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.namelist()
    except zipfile.BadZipFile:
        return []


def rezip(data: bytes, *, drop: str | None = None, corrupt: tuple[str, bytes] | None = None) -> bytes:
    """The package with one member deleted, or one member's bytes replaced."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == drop:
                continue
            body = src.read(info)
            if corrupt is not None and info.filename == corrupt[0]:
                body = corrupt[1]
            dst.writestr(info, body)
    return buf.getvalue()
