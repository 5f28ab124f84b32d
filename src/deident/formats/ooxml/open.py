"""The Office family's entry: a package opened as the document its name says, embedded
packages included. It sits above both document kinds, so neither imports the other."""

from __future__ import annotations

from pathlib import Path

from deident.formats.base import FormatContext
from deident.formats.ooxml.document import OoxmlDocument
from deident.formats.ooxml.docx import DocxDocument
from deident.formats.ooxml.package import Package
from deident.formats.ooxml.xlsx import XlsxDocument

WORD_SUFFIXES = (".docx", ".docm")


def open_package(package: Package, name: str, ctx: FormatContext, *, depth: int = 0) -> OoxmlDocument:
    """The document of a package, by its name's suffix (Word, else a workbook)."""
    kind = DocxDocument if name.lower().endswith(WORD_SUFFIXES) else XlsxDocument
    return kind(package, ctx, depth=depth, opener=open_package)


def open_document(path: Path, ctx: FormatContext) -> OoxmlDocument:
    return open_package(Package.open(path, ctx.limits), path.name, ctx)
