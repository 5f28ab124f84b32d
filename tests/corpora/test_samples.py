"""The README's sample files: reproducible, full of findings, and masked without leaks.

The leak oracle is independent of deident: the masked copy is read with another extractor
(raw XML of every zip part, poppler's pdftotext, the raw bytes of text files) and searched
with plain regexes for checksum-valid IDs, mobiles and Luhn-valid UnionPay cards.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from corpora.make_office_samples import OFFICE_SAMPLES, reproducible_zip
from corpora.make_samples import SAMPLES, write_samples

import deident
from tests.conftest import SEEDS
from tests.factories import pii

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "corpora" / "samples"
ALL_SAMPLES = sorted(p.name for p in SAMPLES_DIR.iterdir())

# The groupings the samples use: 6-8-4 IDs and 3-4-4 mobiles with a space or dash, or none.
_SEP = r"[ \-\u3000\u200b]?"
_ID = re.compile(rf"(?<![0-9A-Za-z])\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(rf"(?<![\d])(?:\+?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
_CARD = re.compile(r"(?<!\d)62\d{14,17}(?!\d)")
_STRIP = re.compile(r"[ \-\u3000\u200b]")


def independent_text(path: Path) -> str:
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            xml = " ".join(
                z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels"))
            )
        # Runs split a number: join the text between tags so a split value is still seen.
        return re.sub(r"<[^>]+>", "", xml)
    if path.suffix == ".pdf":
        exe = shutil.which("pdftotext")
        if exe is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        return subprocess.run([exe, "-raw", str(path), "-"], capture_output=True, check=True).stdout.decode()
    return path.read_bytes().decode("utf-8-sig")


def leaks(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text)  # full-width digits count as digits
    found = [m for m in _ID.findall(text) if pii.is_valid_resident_id(_STRIP.sub("", m))]
    found += _MOBILE.findall(text)
    found += [m for m in _CARD.findall(text) if pii.luhn_ok(m)]
    return found


def test_the_samples_are_listed_and_exist():
    assert set(SAMPLES) <= set(ALL_SAMPLES)
    assert {".csv", ".txt", ".html", ".md", ".xlsx", ".docx"} <= {Path(n).suffix for n in ALL_SAMPLES}


def test_text_samples_are_reproducible(tmp_path):
    write_samples(tmp_path, seed=1, office=False)
    for name in SAMPLES:
        if name.endswith(".txt") and not SEEDS.is_dir():
            continue  # filler prose differs without the seed documents (and only this file)
        assert (tmp_path / name).read_bytes() == (SAMPLES_DIR / name).read_bytes(), name


def test_office_samples_are_reproducible():
    pytest.importorskip("openpyxl")
    pytest.importorskip("docx")
    rng = random.Random("office-samples:1")
    for name, make in OFFICE_SAMPLES.items():
        assert reproducible_zip(make(rng)) == (SAMPLES_DIR / name).read_bytes(), name


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_every_sample_has_findings_and_none_is_blocked(name):
    report = deident.scan_file(SAMPLES_DIR / name)
    assert report.status is deident.Status.FINDINGS, (report.status, report.reason)
    assert leaks(independent_text(SAMPLES_DIR / name)), "the sample should contain values to mask"


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_masked_samples_leak_nothing(name, tmp_path):
    out = tmp_path / name
    report = deident.mask_file(SAMPLES_DIR / name, out)
    assert report.ok, report.report.reason
    assert leaks(independent_text(out)) == []
    assert (SAMPLES_DIR / name).stat().st_size > 0  # the source is untouched
