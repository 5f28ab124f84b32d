"""The protocol every file format implements.

A format module exposes ``open_document(path, ctx) -> Document``. The document yields the
text of every place in the file as `Segment`s (with a locator in the format's own terms),
and writes a masked copy given replacements keyed by segment id. Heavy libraries are
imported inside the format module only, so that ``import deident`` stays fast.

Fail closed: anything a format cannot read completely raises `BlockedError(reason)` from
``open_document`` or from ``segments()``; it is never skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from deident.config import Limits, ScanConfig


@dataclass(frozen=True, slots=True)
class Segment:
    """The text of one place in a file."""

    id: int  # unique within one document; the key of `replacements` in `write_masked`
    text: str
    location: Mapping[str, Any]  # JSON-serialisable, e.g. {"part": "word/document.xml", "paragraph": 3}
    # The container says what this text is, even if no pattern matches it: a table cell under a
    # header 身份证号码, or an 18-digit ID stored as an Excel number (digits lost).
    hint_entity: str | None = None
    hint_reason: str | None = None
    # False when this place can be read but not rewritten; a finding here makes masking refuse.
    maskable: bool = True


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace text[start:end] of one segment by `text` (the masked form)."""

    start: int
    end: int
    text: str
    entity_type: str


@dataclass(frozen=True, slots=True)
class FormatContext:
    """What a format needs from the caller. Passed explicitly; there is no global state."""

    config: ScanConfig = field(default_factory=ScanConfig)
    # True when the document is only read (scan, approve, gate), never masked: a format may
    # then read with a faster engine (PDF: PDFium instead of pdfminer's glyph walk).
    read_only: bool = False

    @property
    def limits(self) -> Limits:
        return self.config.limits


class Document(Protocol):
    # Facts worth telling the reviewer ("contains macros", "converted from .doc").
    notes: tuple[str, ...]
    # Suffix of the masked copy when it differs from the source (legacy .doc -> ".docx").
    output_suffix: str | None

    def segments(self) -> Iterable[Segment]: ...

    # Optional, looked up with getattr by the pipeline:
    # - always_rewrite: bool = True when the masked copy must be rewritten even without findings,
    #   because writing also scrubs what is not text (PDF metadata, JavaScript, old revisions).

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        """Write the masked copy. Every byte outside the replaced characters stays as it was,
        as far as the format allows."""
        ...


class FormatModule(Protocol):
    def open_document(self, path: Path, ctx: FormatContext) -> Document: ...
