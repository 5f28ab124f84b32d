"""Masked .docx/.xlsx copies open in LibreOffice: each is converted to PDF headless (its own
user profile), and the PDF text (poppler's pdftotext, an independent extractor) holds none of
the personal values."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from deident.formats.base import FormatContext
from deident.formats.ooxml.open import open_package
from deident.formats.ooxml.package import Package
from tests.factories import documents, office

pytestmark = pytest.mark.libreoffice
CTX = FormatContext()
CASES = [(n, ".docx") for n in sorted(office.DOCX_CASES)] + [(n, ".xlsx") for n in sorted(office.XLSX_CASES)]


def _masked(name: str, suffix: str) -> tuple[bytes, list[str]]:
    cases = office.DOCX_CASES if suffix == ".docx" else office.XLSX_CASES
    data, values = cases[name]()
    doc = open_package(Package(data, CTX.limits), f"t{suffix}", CTX)
    out = io.BytesIO()
    doc.write_masked(documents.replacements_for(list(doc.segments()), values), out)
    return out.getvalue(), values


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = tmp_path_factory.mktemp("masked")
    pdf = tmp_path_factory.mktemp("pdf")
    values: dict[str, list[str]] = {}
    for name, suffix in CASES:
        data, vals = _masked(name, suffix)
        stem = f"{name}_{suffix[1:]}"
        (src / f"{stem}{suffix}").write_bytes(data)
        values[stem] = vals
    profile = f"file:///tmp/lo-{uuid.uuid4().hex}"
    # One soffice run converts every file: starting LibreOffice dominates the cost.
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdf),
            *sorted(str(p) for p in src.iterdir()),
        ],
        check=False,
        capture_output=True,
        timeout=600,
    )
    return {stem: (pdf / f"{stem}.pdf", vals) for stem, vals in values.items()}


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_masked_copy_opens_in_libreoffice(
    converted: dict[str, tuple[Path, list[str]]], name: str, suffix: str
) -> None:
    pdf, values = converted[f"{name}_{suffix[1:]}"]
    assert pdf.exists() and pdf.stat().st_size > 0, "LibreOffice could not open the masked copy"
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert [v for v in values if v in text] == []
    if name == "roster":  # the conversion rendered the sheet, masked cells included
        assert "序号" in text and "*" * 8 in text
