"""7z and RAR through libarchive (libarchive-c binds the BSD-licensed C library; no LGPL
Python code such as py7zr is imported).

libarchive reads 7z (also solid) and RAR 4 and 5, and writes 7z. RAR cannot be written by any
permissively licensed tool, so a RAR's masked copy is a zip (names in UTF-8, every member
deflated, times kept), and the report says so. Encrypted contents or headers are `encrypted`.
"""

from __future__ import annotations

import ctypes
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from deident.errors import BlockedError, MaskError
from deident.formats.archive.budget import Budget
from deident.formats.archive.document import Planned
from deident.formats.archive.entries import Entry, clean_name, decode_zip_name, display_name
from deident.formats.archive.unpack import member_file


def _lib() -> Any:
    try:
        import libarchive
    except (ImportError, OSError) as exc:  # OSError: the C library itself is missing
        raise BlockedError(
            "unsupported type", "reading .7z/.rar needs libarchive-c and libarchive13 (apt)"
        ) from exc
    return libarchive


def _text(value: str | bytes | None) -> str:
    """A name as text. libarchive hands over the stored bytes when they are not in the
    locale's charset: RAR 4 names without the Unicode flag are in the writer's ANSI code page,
    GBK on Chinese Windows."""
    if isinstance(value, bytes):
        return decode_zip_name(value, utf8_flag=False)[0]
    return value or ""


def _is_encrypted(entry: Any) -> bool:
    from libarchive import ffi

    fn = ffi.libarchive.archive_entry_is_encrypted
    fn.argtypes, fn.restype = [ctypes.c_void_p], ctypes.c_int
    return fn(entry._entry_p) > 0


def _blocked(exc: Exception, kind: str) -> BlockedError:
    text = str(exc).lower()
    if "encrypt" in text or "passphrase" in text or "password" in text:
        return BlockedError("encrypted", f"password-protected .{kind}; remove the password and scan again")
    return BlockedError(f"corrupt: bad {kind}", type(exc).__name__)


class LibarchiveBackend:
    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.notes: list[str] = []
        self.output_suffix = ".zip" if kind == "rar" else None
        if kind == "rar":
            self.notes.append("RAR cannot be written: the masked copy is a .zip with the same members")
        self.entries: list[Entry] = []
        libarchive = _lib()
        try:
            with libarchive.file_reader(str(path)) as archive:
                for i, e in enumerate(archive):
                    if e.isdir:
                        kind_ = "dir"
                    elif e.isreg:
                        kind_ = "file"
                    elif e.issym or e.islnk:
                        kind_ = "link"
                    else:
                        kind_ = "other"
                    meta = {"mtime": e.mtime, "perm": e.perm, "encrypted": _is_encrypted(e)}
                    link = (_text(e.linkpath) or None) if kind_ == "link" else None
                    self.entries.append(
                        Entry(i, clean_name(_text(e.pathname)), kind_, e.size or 0, link=link, meta=meta)
                    )
        except libarchive.ArchiveError as exc:
            raise _blocked(exc, kind) from None

    def comments(self) -> list[tuple[str | None, str]]:
        return []

    def extract_all(self, dest: Path, budget: Budget) -> dict[int, Path]:
        libarchive = _lib()
        files: dict[int, Path] = {}
        budget.check_ratio(sum(e.size for e in self.entries), self.path.stat().st_size, "archive")
        try:
            with libarchive.file_reader(str(self.path)) as archive:
                for entry, e in zip(self.entries, archive, strict=False):
                    if entry.kind != "file":
                        continue
                    if entry.meta["encrypted"]:
                        raise BlockedError(
                            "encrypted", f"member {display_name(entry.name)} is password-protected"
                        )
                    chunks: list[bytes] = []
                    for block in e.get_blocks():
                        # Declared sizes can lie: count what really comes out.
                        budget.take_bytes(len(block))
                        chunks.append(block)
                    files[entry.index] = member_file(dest, entry, b"".join(chunks))
        except libarchive.ArchiveError as exc:
            raise _blocked(exc, self.kind) from None
        return files

    def _contents(self) -> dict[int, bytes]:
        libarchive = _lib()
        out: dict[int, bytes] = {}
        with libarchive.file_reader(str(self.path)) as archive:
            for entry, e in zip(self.entries, archive, strict=False):
                if entry.kind == "file":
                    out[entry.index] = b"".join(e.get_blocks())
        return out

    def write(self, out: BinaryIO, plan: list[Planned], comments: Mapping[str | None, str]) -> None:
        if any(p.entry.kind == "link" for p in plan):
            raise MaskError("links inside a .7z/.rar are not rewritten; unpack and scan the files")
        contents = self._contents()
        if self.kind == "rar":
            _write_zip(out, plan, contents)
        else:
            _write_7z(out, plan, contents)


def _write_7z(out: BinaryIO, plan: list[Planned], contents: dict[int, bytes]) -> None:
    import libarchive
    from libarchive.entry import FileType

    def write(data: bytes) -> int:
        out.write(data)
        return len(data)

    with libarchive.custom_writer(write, "7zip") as archive:
        for p in plan:
            meta = p.entry.meta
            attrs = {"mtime": meta["mtime"]} if meta["mtime"] else {}
            if p.entry.kind == "dir":
                archive.add_file_from_memory(
                    p.name + "/",
                    0,
                    b"",
                    filetype=FileType.DIRECTORY,
                    permission=meta["perm"] or 0o755,
                    **attrs,
                )
                continue
            data = p.data if p.data is not None else contents.get(p.entry.index, b"")
            archive.add_file_from_memory(p.name, len(data), data, permission=meta["perm"] or 0o644, **attrs)


def _write_zip(out: BinaryIO, plan: list[Planned], contents: dict[int, bytes]) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in plan:
            mtime = p.entry.meta["mtime"] or time.time()
            stamp = max(time.localtime(mtime)[:6], (1980, 1, 1, 0, 0, 0))
            if p.entry.kind == "dir":
                zf.writestr(zipfile.ZipInfo(p.name + "/", date_time=stamp), b"")
                continue
            info = zipfile.ZipInfo(p.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            data = p.data if p.data is not None else contents.get(p.entry.index, b"")
            zf.writestr(info, data)
