"""Which module reads which file type. Modules are imported only when a file of theirs is seen."""

from __future__ import annotations

import importlib
from pathlib import Path

from deident.errors import BlockedError
from deident.formats.base import FormatModule

# suffix -> (module, extra that provides its dependencies)
_REGISTRY: dict[str, tuple[str, str | None]] = {
    ".txt": ("deident.formats.text.document", None),
    ".md": ("deident.formats.text.document", None),
    ".markdown": ("deident.formats.text.document", None),
    ".csv": ("deident.formats.text.document", None),
    ".tsv": ("deident.formats.text.document", None),
    ".html": ("deident.formats.html.document", None),
    ".htm": ("deident.formats.html.document", None),
    ".shtml": ("deident.formats.html.document", None),
    ".docx": ("deident.formats.ooxml.open", None),
    ".docm": ("deident.formats.ooxml.open", None),
    ".xlsx": ("deident.formats.ooxml.open", None),
    ".xlsm": ("deident.formats.ooxml.open", None),
    ".pdf": ("deident.formats.pdf.document", None),
    ".doc": ("deident.formats.legacy.document", None),
    ".xls": ("deident.formats.legacy.document", None),
    ".wps": ("deident.formats.legacy.document", None),
    ".et": ("deident.formats.legacy.document", None),
    ".rtf": ("deident.formats.legacy.document", None),
    ".odt": ("deident.formats.legacy.document", None),
    ".ods": ("deident.formats.legacy.document", None),
    ".png": ("deident.formats.image.document", "ocr"),
    ".jpg": ("deident.formats.image.document", "ocr"),
    ".jpeg": ("deident.formats.image.document", "ocr"),
    ".tif": ("deident.formats.image.document", "ocr"),
    ".tiff": ("deident.formats.image.document", "ocr"),
    ".bmp": ("deident.formats.image.document", "ocr"),
    ".warc": ("deident.formats.web.document", "patrol"),
    ".warc.gz": ("deident.formats.web.document", "patrol"),
    # Containers: every member through its own reader (see formats/archive/).
    ".zip": ("deident.formats.archive", None),
    ".7z": ("deident.formats.archive", "archive"),
    ".rar": ("deident.formats.archive", "archive"),
    ".tar": ("deident.formats.archive", None),
    ".tgz": ("deident.formats.archive", None),
    ".gz": ("deident.formats.archive", None),
    ".tbz2": ("deident.formats.archive", None),
    ".bz2": ("deident.formats.archive", None),
    ".txz": ("deident.formats.archive", None),
    ".xz": ("deident.formats.archive", None),
    ".ofd": ("deident.formats.ofd", None),
}


def _suffix_of(path: Path) -> str:
    # Two-part suffixes first (site.warc.gz), then the last one.
    double = "".join(path.suffixes[-2:]).lower()
    return double if double in _REGISTRY else path.suffix.lower()


def supported_suffixes() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def format_for(path: Path) -> FormatModule:
    """The module that reads `path`, or BlockedError('unsupported type')."""
    entry = _REGISTRY.get(_suffix_of(path))
    if entry is None:
        raise BlockedError("unsupported type", f"no reader for '{path.suffix or 'no suffix'}' files")
    module_name, extra = entry
    try:
        return importlib.import_module(module_name)  # type: ignore[return-value]
    except ModuleNotFoundError as exc:
        # A format module that is not built yet, or whose library is not installed.
        if exc.name == module_name:
            raise BlockedError("unsupported type", f"'{path.suffix}' files are not supported yet") from exc
        hint = f"; install deident[{extra}]" if extra else ""
        raise BlockedError(
            "unsupported type", f"reading '{path.suffix}' files needs {exc.name}{hint}"
        ) from exc
