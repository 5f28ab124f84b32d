"""Legacy Office and WPS files (.doc .xls .wps .et .rtf .odt .ods), read through LibreOffice.

The file is converted to .docx/.xlsx in a private temporary directory and read with the
Office readers; the masked copy is that modern file (``output_suffix``), and the notes say
so. What LibreOffice cannot convert is blocked, never clean: no LibreOffice on the machine,
a password (detected before converting, from the OLE streams or the ODF manifest, because
LibreOffice would just fail or wait for a password), a corrupt file, a conversion that hangs.
"""

from __future__ import annotations

import struct
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from deident.errors import BlockedError
from deident.formats.base import Document, FormatContext, Replacement, Segment

_WORD_LIKE = {".doc", ".wps", ".rtf", ".odt"}
_SHEET_LIKE = {".xls", ".et", ".ods"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FILEPASS = 0x002F  # BIFF record: the workbook is encrypted
_BIFF_EOF = 0x000A


def target_for(suffix: str) -> str:
    return "xlsx" if suffix.lower() in _SHEET_LIKE else "docx"


def _missing_reason(suffix: str) -> str:
    return f"LibreOffice is needed to read {suffix.lower()} files"


class ConvertedDocument:
    """The modern reader's document, presented as the legacy file's."""

    def __init__(
        self, inner: Document, notes: Iterable[str], output_suffix: str, keep: object = None
    ) -> None:
        self._inner = inner
        # The temporary directory holding the converted file: the inner reader may read it
        # again when writing; it is removed when this document is garbage collected.
        self._keep = keep
        self.notes: tuple[str, ...] = (*tuple(notes), *tuple(inner.notes))
        self.output_suffix: str | None = output_suffix

    def segments(self) -> Iterable[Segment]:
        return self._inner.segments()

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        self._inner.write_masked(replacements, out)

    def close(self) -> None:
        cleanup = getattr(self._keep, "cleanup", None)
        if cleanup is not None:
            cleanup()


# ---------------------------------------------------------------------------------------------
# Looking inside before converting


def _word_encrypted(stream: bytes) -> bool:
    # FIB base: wIdent, nFib, unused, lid, pnNext, then a 16-bit flag word; bit 8 is
    # fEncrypted (RC4 / XOR obfuscation both set it).
    if len(stream) < 12:
        raise BlockedError("corrupt: WordDocument stream too short")
    (flags,) = struct.unpack_from("<H", stream, 0x0A)
    return bool(flags & 0x0100)


def _workbook_encrypted(stream: bytes) -> bool:
    # Walk the globals substream's records up to its EOF: a FILEPASS record means encrypted.
    pos = 0
    for _ in range(10_000):
        if pos + 4 > len(stream):
            return False
        rtype, length = struct.unpack_from("<HH", stream, pos)
        if rtype == _FILEPASS:
            return True
        if rtype == _BIFF_EOF:
            return False
        pos += 4 + length
    return False


def inspect_ole(path: Path) -> list[str]:
    """Notes about an OLE2 file (.doc .xls .wps .et); BlockedError if it is encrypted."""
    import olefile

    try:
        ole = olefile.OleFileIO(str(path))
    except (OSError, ValueError, struct.error) as exc:
        raise BlockedError("corrupt: bad OLE container", type(exc).__name__) from exc
    notes: list[str] = []
    try:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
        top = {s.split("/")[0] for s in streams}
        if {"EncryptionInfo", "EncryptedPackage"} & top:
            raise BlockedError("encrypted", "password-protected Office file")
        if "WordDocument" in top and _word_encrypted(ole.openstream("WordDocument").read(64)):
            raise BlockedError("encrypted", "password-protected Word document")
        for name in ("Workbook", "Book"):
            if name in top and _workbook_encrypted(ole.openstream(name).read(1 << 20)):
                raise BlockedError("encrypted", "password-protected workbook")
        if {"Macros", "_VBA_PROJECT_CUR", "VBA"} & top or any(s.startswith("Macros/") for s in streams):
            notes.append("contains macros (not carried into the converted copy)")
    except BlockedError:
        raise
    except (OSError, ValueError, struct.error) as exc:
        raise BlockedError("corrupt: bad OLE container", type(exc).__name__) from exc
    finally:
        ole.close()
    return notes


def _odf_encrypted(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = zf.read("META-INF/manifest.xml")
    except KeyError:
        return False
    except (zipfile.BadZipFile, OSError) as exc:
        raise BlockedError("corrupt: bad zip", type(exc).__name__) from exc
    return b"encryption-data" in manifest


def _ooxml_kind(path: Path) -> str | None:
    """'docx'/'xlsx' when a legacy-named file is really OOXML (a renamed .docx is common)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def head_of(path: Path, n: int = 512) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise BlockedError("corrupt: cannot read file", type(exc).__name__) from exc


def _plausible(suffix: str, head: bytes) -> bool:
    """Non-OLE, non-zip content a legacy suffix may really hold: RTF (often saved as .doc),
    and for .doc/.xls/.wps/.et also HTML/XML (Word/Excel "web page" and 2003 XML exports)
    and MHT (MIME) files that CMSs publish under the old suffix."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"{\\rtf"):
        return True
    if suffix in (".odt", ".ods", ".rtf"):
        return False
    return text.startswith((b"<", b"mime-version")) or head.startswith((b"\xff\xfe<", b"\xfe\xff\x00<"))


def _open_modern(path: Path, ctx: FormatContext) -> Document:
    from deident.formats import format_for

    return format_for(path).open_document(path, ctx)


def open_document(path: Path, ctx: FormatContext) -> ConvertedDocument:
    from deident.formats.legacy import libreoffice

    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise BlockedError("corrupt: cannot read file", type(exc).__name__) from exc
    if size > ctx.limits.max_file_bytes:
        raise BlockedError("too large", f"{size} bytes")
    if size == 0:
        raise BlockedError("corrupt: empty file")

    notes: list[str] = []
    if head == _OLE_MAGIC:
        notes += inspect_ole(path)
    elif head.startswith(b"PK"):
        kind = _ooxml_kind(path)
        if kind is not None:
            # Already the modern format under an old name: read it directly, no conversion.
            note = f"{suffix} file is really .{kind}; the masked copy is .{kind}"
            return _open_renamed(path, kind, note, ctx)
        if _odf_encrypted(path):
            raise BlockedError("encrypted", "password-protected OpenDocument file")
    elif not _plausible(suffix, head_of(path)):
        # LibreOffice imports any bytes it does not recognise as plain text: a damaged or
        # mislabelled file would come back as "clean" gibberish.
        raise BlockedError(f"corrupt: not a {suffix} file", "unrecognised content")

    target = target_for(suffix)
    tmp = tempfile.TemporaryDirectory(prefix="deident-legacy-")
    try:
        converted = libreoffice.convert(
            path,
            target,
            Path(tmp.name),
            timeout_s=ctx.limits.convert_timeout_s,
            missing_reason=_missing_reason(suffix),
        )
        inner = _open_modern(converted, ctx)
    except BaseException:
        tmp.cleanup()
        raise
    notes.insert(0, f"converted from {suffix} with LibreOffice; the masked copy is .{target}")
    return ConvertedDocument(inner, notes, "." + target, keep=tmp)


def _open_renamed(path: Path, kind: str, note: str, ctx: FormatContext) -> ConvertedDocument:
    # The registry picks the reader by suffix: give the modern reader a correctly named copy.
    tmp = tempfile.TemporaryDirectory(prefix="deident-legacy-")
    try:
        named = Path(tmp.name) / ("document." + kind)
        named.write_bytes(path.read_bytes())
        inner = _open_modern(named, ctx)
    except BaseException:
        tmp.cleanup()
        raise
    return ConvertedDocument(inner, [note], "." + kind, keep=tmp)
