"""Member count and declared size limits on every zip-based format, before a reader runs."""

from __future__ import annotations

import io
import resource
import zipfile
from pathlib import Path

import pytest
from tests.factories import office

from deident.config import Limits, ScanConfig
from deident.model import Status
from deident.pipeline import scan_path
from deident.ziplimits import ZIP_SUFFIXES

CFG = ScanConfig()


def _padded(base: bytes, members: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for i in range(members):
            dst.writestr(f"customXml/item{i}.xml", b"<a/>")
    return buf.getvalue()


@pytest.mark.parametrize("suffix", sorted(ZIP_SUFFIXES))
def test_a_package_of_thousands_of_tiny_parts_is_blocked_before_reading(tmp_path: Path, suffix: str) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    f = tmp_path / f"many{suffix}"
    f.write_bytes(_padded(office.docx_table()[0], CFG.limits.max_zip_entries + 1))
    r = scan_path(f, CFG)
    assert r.status is Status.BLOCKED and r.reason == "too large: too many zip entries", (r.reason, r.detail)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB: under 200 MB


def test_declared_uncompressed_total_is_limited(tmp_path: Path) -> None:
    f = tmp_path / "big.xlsx"
    f.write_bytes(_padded(office.xlsx_roster(3)[0], 0))
    small = ScanConfig(limits=Limits(max_uncompressed_bytes=100))
    r = scan_path(f, small)
    assert r.status is Status.BLOCKED and r.reason == "too large: uncompressed size"
    assert scan_path(f, CFG).status is not Status.BLOCKED
