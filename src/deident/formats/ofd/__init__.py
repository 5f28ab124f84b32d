"""OFD (GB/T 33190, the Chinese fixed-layout format of e-government documents): page text from
TextCode glyph runs, templates, annotations, attachments, custom tags and metadata; masked in
place, one character for one, so every glyph keeps its position. See document.py and text.py."""

from __future__ import annotations

from pathlib import Path

from deident.formats.base import FormatContext
from deident.formats.ofd.document import OfdDocument


def open_document(path: Path, ctx: FormatContext) -> OfdDocument:
    return OfdDocument(path, ctx)
