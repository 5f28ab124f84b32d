"""The LibreOffice runner: timeouts kill the whole process group, concurrent conversions do not
share a profile, and temporary files do not outlive the conversion."""

from __future__ import annotations

import os
import shutil
import stat
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from deident.config import Limits, ScanConfig
from deident.errors import BlockedError
from deident.formats.legacy import libreoffice
from deident.model import Status
from deident.pipeline import scan_path
from tests.factories import scans

needs_soffice = pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice not installed")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return "\nState:\tZ" not in fh.read()
    except FileNotFoundError:
        return False


@pytest.fixture
def hanging_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake `soffice` that starts a helper (like soffice.bin) and never finishes."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    pidfile = tmp_path / "helper.pid"
    script = bindir / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pidfile}\nsleep 300\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    return pidfile


def test_a_hanging_conversion_is_killed_with_its_helpers(hanging_soffice: Path, tmp_path: Path) -> None:
    src = tmp_path / "x.doc"
    src.write_bytes(b"{\\rtf1 hello}")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BlockedError) as err:
        libreoffice.convert(src, "docx", out, timeout_s=1.0)
    assert err.value.reason == "conversion timed out"
    helper = int(hanging_soffice.read_text())
    for _ in range(50):  # the kernel may take a moment to reap the killed helper
        if not _alive(helper):
            break
        time.sleep(0.1)
    assert not _alive(helper)
    assert list(out.iterdir()) == []  # nothing left behind


def test_a_hanging_conversion_blocks_the_file(hanging_soffice: Path, tmp_path: Path) -> None:
    src = tmp_path / "名单.xls"
    src.write_bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>")
    report = scan_path(src, ScanConfig(limits=Limits(convert_timeout_s=1.0)))
    assert report.status is Status.BLOCKED
    assert report.reason is not None and report.reason.startswith("conversion timed out")


def test_missing_libreoffice_names_the_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    src = tmp_path / "a.wps"
    src.write_bytes(b"{\\rtf1 hello}")
    with pytest.raises(BlockedError) as err:
        libreoffice.convert(
            src, "docx", tmp_path, timeout_s=5, missing_reason="LibreOffice is needed to read .wps files"
        )
    assert err.value.reason == "LibreOffice is needed to read .wps files"


@needs_soffice
def test_concurrent_conversions_each_succeed(tmp_path: Path) -> None:
    sources = []
    for k in range(3):
        sources.append(scans.make_docx(tmp_path / f"s{k}.docx", [f"第{k}号文件"]))

    def run(k: int) -> Path:
        out = tmp_path / f"out{k}"
        out.mkdir()
        return libreoffice.convert(sources[k], "odt", out, timeout_s=120)

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(run, range(3)))
    for k, path in enumerate(results):
        assert path.is_file()
        with zipfile.ZipFile(path) as zf:
            assert f"第{k}号文件" in zf.read("content.xml").decode("utf-8")
        # only the converted file is left in the caller's directory
        assert [p.name for p in path.parent.iterdir()] == ["converted.odt"]


@needs_soffice
def test_odd_file_names_cannot_become_options(tmp_path: Path) -> None:
    src = scans.make_docx(tmp_path / "-h 名单 (1).docx", ["正文"])
    out = tmp_path / "out"
    out.mkdir()
    path = libreoffice.convert(src, "odt", out, timeout_s=120)
    assert path.name == "converted.odt" and path.stat().st_size > 0


def test_profiles_are_per_conversion_and_removed_at_exit() -> None:
    pool = libreoffice._ProfilePool()
    a, b = pool.take(), pool.take()
    assert a != b and a.is_dir() and b.is_dir()
    pool.give_back(a)
    assert pool.take() == a  # an idle profile is reused, never shared while in use
    pool.discard(b)
    assert not b.exists()
    pool.clear()
    assert not a.exists()
    shutil.rmtree(a, ignore_errors=True)
