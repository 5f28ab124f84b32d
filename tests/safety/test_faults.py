"""Any fault inside a reader blocks the file with ``internal error`` (never clean, never a crash).

Faults are injected into real readers at two depths: while the file is opened, and in the middle
of reading its segments (after a clean one was already handed out, so a pipeline that returned what
it had read so far would report the file clean). The exception message carries an ID number: no
rendering of the report may repeat it.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import deident
from deident.cli.app import app
from deident.formats.ooxml import package as ooxml_package
from deident.formats.text import document as text_document
from deident.model import Status

SECRET = "440106199001011238"  # in the exception's message only: it must never be shown
CLEAN = "本局二〇二四年政务公开工作要点已经局务会审议通过，现予印发。\n" * 3


def _faults() -> list[BaseException]:
    return [
        ValueError(f"bad value {SECRET}"),
        KeyError(SECRET),
        MemoryError(),
        RecursionError("maximum recursion depth exceeded"),
        UnicodeDecodeError("utf-8", SECRET.encode(), 0, 1, "invalid start byte"),
        zipfile.BadZipFile(SECRET),
        AssertionError(SECRET),
        OSError(5, f"I/O error on {SECRET}"),
    ]


FAULTS = _faults()


def _raise(fault: BaseException) -> Callable[..., object]:
    def boom(*_a: object, **_k: object) -> object:
        raise fault

    return boom


def _fault_midway(monkeypatch: pytest.MonkeyPatch, fault: BaseException) -> None:
    """The text reader hands out its first segment, then fails."""
    real = text_document.TextDocument.segments

    def segments(self: text_document.TextDocument) -> Iterator[object]:
        it = iter(real(self))
        yield next(it)
        raise fault

    monkeypatch.setattr(text_document.TextDocument, "segments", segments)


@pytest.fixture
def clean_text(tmp_path: Path) -> Path:
    p = tmp_path / "通知.txt"
    p.write_text(CLEAN * 50, encoding="utf-8")
    return p


def _assert_internal_error(report: deident.FileReport) -> None:
    assert report.status is Status.BLOCKED
    assert report.reason == "internal error"
    assert SECRET not in json.dumps(report.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: type(f).__name__)
def test_a_fault_while_opening_blocks(
    fault: BaseException, clean_text: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_document, "open_document", _raise(fault))
    _assert_internal_error(deident.scan_file(clean_text))


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: type(f).__name__)
def test_a_fault_in_the_middle_of_reading_blocks(
    fault: BaseException, clean_text: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fault_midway(monkeypatch, fault)
    _assert_internal_error(deident.scan_file(clean_text))


def test_a_library_bug_inside_the_office_reader_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lxml failing in a way the reader does not expect (not one of its handled errors)."""
    import docx  # python-docx writes a real .docx

    d = docx.Document()
    d.add_paragraph(CLEAN)
    path = tmp_path / "通知.docx"
    d.save(str(path))
    assert deident.scan_file(path).status is Status.CLEAN
    monkeypatch.setattr(ooxml_package, "parse_xml", _raise(RuntimeError(SECRET)))
    _assert_internal_error(deident.scan_file(path))


@pytest.mark.parametrize("fault", FAULTS[:3], ids=lambda f: type(f).__name__)
def test_mask_writes_nothing_when_a_reader_fails(
    fault: BaseException, clean_text: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fault_midway(monkeypatch, fault)
    out = tmp_path / "out" / clean_text.name
    report = deident.mask_file(clean_text, out)
    assert report.output is None and not out.exists()
    assert report.report.status is Status.BLOCKED and report.report.reason == "internal error"


def test_the_cli_exits_1_and_shows_no_value(clean_text: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fault_midway(monkeypatch, ValueError(f"bad value {SECRET}"))
    for fmt in ("json", "table", "sarif", "jsonl"):
        result = CliRunner().invoke(app, ["scan", str(clean_text), "--format", fmt, "--no-progress"])
        assert result.exit_code == 1, (fmt, result.output)
        assert SECRET not in result.output
        assert "Traceback" not in result.output
    data = json.loads(CliRunner().invoke(app, ["scan", str(clean_text), "--format", "json"]).output)
    assert data["files"][0]["status"] == "blocked" and data["summary"]["clean"] == 0
