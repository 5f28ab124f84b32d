"""A masked copy is read again before it is written, and a survivor refuses the write.

The readers are sabotaged the way a real bug would: the writer leaves a value in place (a part it
forgot), or writes the source unchanged. The pipeline must notice by reading the copy again and
must not write anything at the destination.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pytest

import deident
from deident.formats.base import Replacement
from deident.formats.text import document as text_document
from deident.model import Status

ID = "440106199001011238"
TEXT = f"申请人：张三，身份证号码：{ID}，联系电话：13812345678。\n"


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    p = tmp_path / "申请.txt"
    p.write_text("关于政府信息公开申请的答复。\n" + TEXT, encoding="utf-8")
    return p


def _forgetful_writer(skip_entity: str):
    real = text_document.TextDocument.write_masked

    def write_masked(
        self: text_document.TextDocument, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO
    ) -> None:
        kept = {k: [r for r in reps if r.entity_type != skip_entity] for k, reps in replacements.items()}
        real(self, kept, out)

    return write_masked


@pytest.mark.parametrize("entity", ["CN_RESIDENT_ID", "CN_MOBILE"])
def test_a_value_the_writer_forgot_refuses_the_copy(
    entity: str, leaky: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_document.TextDocument, "write_masked", _forgetful_writer(entity))
    out = tmp_path / "out" / leaky.name
    report = deident.mask_file(leaky, out)
    assert report.output is None
    assert not out.exists()
    assert report.report.status is Status.BLOCKED
    assert report.report.reason.startswith("cannot mask")
    assert not out.parent.exists() or not any(out.parent.iterdir())  # no temporary file left


def test_the_same_file_masks_when_the_writer_is_right(leaky: Path, tmp_path: Path) -> None:
    """The control: without sabotage the copy is written and holds no value."""
    out = tmp_path / "out" / leaky.name
    report = deident.mask_file(leaky, out)
    assert report.output == str(out)
    text = out.read_text(encoding="utf-8")
    assert ID not in text and "13812345678" not in text


def test_in_place_masking_keeps_the_source_when_the_copy_fails(
    leaky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = leaky.read_bytes()
    monkeypatch.setattr(text_document.TextDocument, "write_masked", _forgetful_writer("CN_RESIDENT_ID"))
    report = deident.mask_file(leaky, leaky)
    assert report.report.status is Status.BLOCKED
    assert leaky.read_bytes() == before


def _blind_to_copies(open_document):
    """`pipeline._open` whose documents show no segment when they are a masked copy being verified
    (written as `.deident-*` beside the destination): the structured re-read sees nothing."""

    def blind(path: Path, config, *, read_only: bool = False):
        doc = open_document(path, config, read_only=read_only)
        if path.name.startswith(".deident-"):
            doc.segments = lambda: iter(())
        return doc

    return blind


@pytest.mark.parametrize("entity", ["CN_RESIDENT_ID", "CN_MOBILE"])
def test_the_second_reading_alone_refuses_a_forgotten_value(
    entity: str, leaky: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reading of the copy is a check of its own: with the structured re-read blind, the
    second reading still finds the value the writer forgot and refuses the write."""
    from deident import pipeline

    monkeypatch.setattr(text_document.TextDocument, "write_masked", _forgetful_writer(entity))
    monkeypatch.setattr(pipeline, "_open", _blind_to_copies(pipeline._open))
    out = tmp_path / "out" / leaky.name
    report = deident.mask_file(leaky, out)
    assert report.output is None and not out.exists()
    assert report.report.status is Status.BLOCKED
    assert report.report.reason.startswith("cannot mask: the masked copy still contains")


@pytest.mark.parametrize("entity", ["CN_RESIDENT_ID", "CN_MOBILE"])
def test_the_structured_reread_alone_refuses_a_forgotten_value(
    entity: str, leaky: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """And the other way round: with the second reading blind to the copy, the structured re-read
    of the copy refuses it."""
    from deident import pipeline

    real = pipeline.second_findings

    def second(path: Path, *args, **kwargs):
        return [] if path.name.startswith(".deident-") else real(path, *args, **kwargs)

    monkeypatch.setattr(text_document.TextDocument, "write_masked", _forgetful_writer(entity))
    monkeypatch.setattr(pipeline, "second_findings", second)
    out = tmp_path / "out" / leaky.name
    report = deident.mask_file(leaky, out)
    assert report.output is None and not out.exists()
    assert report.report.status is Status.BLOCKED
    assert report.report.reason.startswith("cannot mask: the masked copy still contains")


HIDDEN = "13900001111"


@pytest.fixture
def reader_misses_a_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file with a mobile on a line the structured reader (sabotaged: a reader bug that loses a
    line) never shows; only the second reading, which reads the raw text, sees it."""
    p = tmp_path / "答复.txt"
    p.write_text("关于政府信息公开申请的答复。\n" + TEXT + f"经办人电话：{HIDDEN}\n", encoding="utf-8")
    real = text_document.TextDocument.segments

    def segments(self: text_document.TextDocument):
        return (s for s in real(self) if HIDDEN not in s.text)

    monkeypatch.setattr(text_document.TextDocument, "segments", segments)
    return p


def test_a_value_only_the_second_reading_sees_is_masked_in_the_copy(
    reader_misses_a_line: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / reader_misses_a_line.name
    report = deident.mask_file(reader_misses_a_line, out)
    assert report.output == str(out)
    text = out.read_text(encoding="utf-8")
    assert HIDDEN not in text and ID not in text and "13812345678" not in text
    assert text.startswith("关于政府信息公开申请的答复。\n") and "经办人电话：" in text


def test_a_scrub_that_leaves_the_value_is_caught_by_reading_again(
    reader_misses_a_line: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The literal masking of the second reading's values is itself verified: a scrub that reports
    success and changes nothing refuses the copy."""
    from deident import pipeline

    monkeypatch.setattr(pipeline, "scrub_copy", lambda path, findings, replacement: True)
    out = tmp_path / "out" / reader_misses_a_line.name
    report = deident.mask_file(reader_misses_a_line, out)
    assert report.output is None and not out.exists()
    assert report.report.status is Status.BLOCKED
    assert report.report.reason.startswith("cannot mask: the second reading still finds CN_MOBILE")
    assert HIDDEN not in report.report.reason


def test_a_file_whose_only_value_the_structured_reader_missed_is_masked(
    reader_misses_a_line: Path, tmp_path: Path
) -> None:
    """Nothing for the writer to mask, yet the copy is verified: the byte-for-byte copy still holds
    the value the second reading saw, so it is masked there (or the copy refused), never written as is."""
    src = tmp_path / "通知.txt"
    src.write_text(f"关于开展年度核查工作的通知。\n经办人电话：{HIDDEN}\n", encoding="utf-8")
    out = tmp_path / "out" / src.name
    report = deident.mask_file(src, out)
    assert [f.text for f in report.report.findings] == [HIDDEN]
    assert report.output == str(out) and HIDDEN not in out.read_text(encoding="utf-8")
    assert report.masked == 1
