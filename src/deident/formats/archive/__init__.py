"""Archives (.zip, .7z, .rar, .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz, .gz): every member read by
its own reader through the registry, nested archives included, names and comments scanned.

Which kind: by the name (材料.tar.gz is a tar in gzip, 名单.csv.gz one gzipped file), checked
against the content's magic bytes, so a .zip that is really a RAR is read as a RAR.

Writers: zip (raw copy of untouched members, names in their code page), tar and its
compressed forms (tarfile, same headers), 7z (libarchive). RAR cannot be written by any
permissively licensed tool: its masked copy is a .zip, and the report says so.
"""

from __future__ import annotations

from pathlib import Path

from deident.errors import BlockedError
from deident.formats.archive.document import ArchiveDocument, Backend
from deident.formats.base import FormatContext

_MAGIC = {
    b"PK\x03\x04": "zip",
    b"PK\x05\x06": "zip",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"Rar!\x1a\x07": "rar",
    b"\x1f\x8b": "gz",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
}


def _sniff(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise BlockedError("corrupt: cannot read file", type(exc).__name__) from None
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return None


def _backend(path: Path) -> Backend:
    name = path.name.lower()
    magic = _sniff(path)
    if magic == "zip":
        from deident.formats.archive.zip import ZipBackend

        return ZipBackend(path)
    if magic in ("7z", "rar"):
        from deident.formats.archive.libarchive_backend import LibarchiveBackend

        return LibarchiveBackend(path, magic)
    from deident.formats.archive.tar import TarBackend, compressed_backend

    if magic == "tar" or (magic is None and name.endswith(".tar")):
        return TarBackend(path, "")
    if magic in ("gz", "bz2", "xz"):
        # A tar inside or one compressed file: told by the unpacked content, not the name.
        return compressed_backend(path, magic)
    raise BlockedError("corrupt: not an archive", f"the content of {path.suffix} file is not a known archive")


def open_document(path: Path, ctx: FormatContext) -> ArchiveDocument:
    return ArchiveDocument(path, _backend(path), ctx)
