"""Tar archives (plain, gzip, bzip2, xz) and single compressed files (名单.csv.gz), with tarfile.

Names are read as UTF-8; a tar written on Chinese Windows stores GBK, which then fails to
decode and is read as GB18030 instead (and written back in it). The masked copy keeps every
header (mode, owner, mtime, type, link targets) and the member order; gzip keeps the source's
header time and file name.
"""

from __future__ import annotations

import bz2
import contextlib
import copy
import gzip
import io
import lzma
import struct
import tarfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, BinaryIO

from deident.errors import BlockedError, MaskError
from deident.formats.archive.budget import Budget
from deident.formats.archive.document import Planned
from deident.formats.archive.entries import Entry, clean_name, display_name
from deident.formats.archive.unpack import member_file

_OPENERS: dict[str, Any] = {"gz": gzip.open, "bz2": bz2.open, "xz": lzma.open}
_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)
_FEXTRA, _FNAME, _FCOMMENT = 0x4, 0x8, 0x10


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def _gzip_header(path: Path) -> tuple[int, bytes | None]:
    """(MTIME, FNAME bytes or None) of the first gzip member."""
    with path.open("rb") as fh:
        head = fh.read(10)
        if len(head) < 10:
            raise BlockedError("corrupt: bad gzip", "truncated header")
        flags, mtime = head[3], struct.unpack("<L", head[4:8])[0]
        if flags & _FEXTRA:
            (n,) = struct.unpack("<H", fh.read(2))
            fh.read(n)
        name = None
        if flags & _FNAME:
            buf = bytearray()
            while (c := fh.read(1)) not in (b"\0", b""):
                buf += c
            name = bytes(buf)
    return mtime, name


class _GzipOut:
    """A gzip stream whose header carries a given time and raw file-name bytes (gzip.GzipFile
    writes names as Latin-1 only)."""

    def __init__(self, out: BinaryIO, mtime: int, name: bytes | None) -> None:
        self.out = out
        flags = _FNAME if name else 0
        out.write(b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<L", mtime) + b"\x00\xff")
        if name:
            out.write(name.replace(b"\0", b"") + b"\0")
        self._z = zlib.compressobj(6, zlib.DEFLATED, -15)
        self._crc = 0
        self._size = 0

    def write(self, data: bytes) -> int:
        self.out.write(self._z.compress(data))
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        return len(data)

    def close(self) -> None:
        self.out.write(self._z.flush() + struct.pack("<LL", self._crc, self._size & 0xFFFFFFFF))


class TarBackend:
    output_suffix: str | None = None

    def __init__(self, path: Path, compression: str) -> None:
        self.path = path
        self.compression = compression
        self.kind = "tar" + (f".{compression}" if compression else "")
        self.notes: list[str] = []
        self.encoding = "utf-8"
        infos = self._read_infos()
        if any(_has_surrogates(ti.name) for ti in infos):
            self.encoding = "gb18030"
            infos = self._read_infos()
            self.notes.append("member names are stored in the Windows Chinese code page (GBK)")
        self.entries = [_entry(i, ti) for i, ti in enumerate(infos)]

    def _open(self) -> tarfile.TarFile:
        mode = f"r:{self.compression}" if self.compression else "r:"
        return tarfile.open(self.path, mode, encoding=self.encoding, errors="surrogateescape")

    def _read_infos(self) -> list[tarfile.TarInfo]:
        try:
            with self._open() as tf:
                return tf.getmembers()
        except _ERRORS as exc:
            raise BlockedError("corrupt: bad tar", type(exc).__name__) from None

    def comments(self) -> list[tuple[str | None, str]]:
        return []

    def extract_all(self, dest: Path, budget: Budget) -> dict[int, Path]:
        files: dict[int, Path] = {}
        total = sum(e.size for e in self.entries if e.kind == "file")
        budget.check_ratio(total, self.path.stat().st_size, "archive")
        budget.take_bytes(total)
        try:
            with self._open() as tf:
                for e, ti in zip(self.entries, tf.getmembers(), strict=True):
                    if e.kind == "file":
                        fh = tf.extractfile(ti)
                        data = fh.read() if fh is not None else b""
                        if len(data) != e.size:
                            raise BlockedError(
                                "corrupt: bad tar", f"member {display_name(e.name)} is truncated"
                            )
                        files[e.index] = member_file(dest, e, data)
        except _ERRORS as exc:
            raise BlockedError("corrupt: bad tar", type(exc).__name__) from None
        return files

    def write(self, out: BinaryIO, plan: list[Planned], comments: Mapping[str | None, str]) -> None:
        fmt = tarfile.PAX_FORMAT if self.encoding == "utf-8" else tarfile.GNU_FORMAT
        with contextlib.ExitStack() as stack:  # closed in reverse: the tar, the source, the compressor
            wrapper: Any = out
            if self.compression == "gz":
                wrapper = stack.enter_context(contextlib.closing(_GzipOut(out, *_gzip_header(self.path))))
            elif self.compression == "bz2":
                wrapper = stack.enter_context(bz2.BZ2File(out, "wb"))
            elif self.compression == "xz":
                wrapper = stack.enter_context(lzma.LZMAFile(out, "wb", format=lzma.FORMAT_XZ))
            src = stack.enter_context(self._open())
            tw = stack.enter_context(
                tarfile.open(
                    fileobj=wrapper, mode="w|", format=fmt, encoding=self.encoding, errors="surrogateescape"
                )
            )
            for p, ti in zip(plan, src.getmembers(), strict=True):
                new = copy.copy(ti)
                if p.name != p.entry.name:
                    new.name = p.name
                content: IO[bytes] | None = None
                if ti.isreg():
                    if p.data is not None:
                        new.size = len(p.data)
                        content = io.BytesIO(p.data)
                    else:
                        content = src.extractfile(ti)
                tw.addfile(new, content)


def _has_surrogates(name: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in name)


def _entry(i: int, ti: tarfile.TarInfo) -> Entry:
    if ti.isreg():
        kind = "file"
    elif ti.isdir():
        kind = "dir"
    elif ti.issym() or ti.islnk():
        kind = "link"
    else:
        kind = "other"
    return Entry(
        i, clean_name(ti.name), kind, ti.size if ti.isreg() else 0, link=ti.linkname or None, meta=ti
    )


class SingleBackend:
    """One compressed file (名单.csv.gz): the member is named by the gzip header's file name,
    else by the archive's name without its compression suffix."""

    output_suffix: str | None = None

    def __init__(self, path: Path, compression: str, name: bytes | None) -> None:
        self.path = path
        self.compression = compression
        self.kind = compression
        self.notes: list[str] = []
        stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
        decoded, self.name_encoding = _decode(name) if name else (stem, "utf-8")
        self.entries = [Entry(0, clean_name(decoded) or stem, "file")]

    def comments(self) -> list[tuple[str | None, str]]:
        return []

    def extract_all(self, dest: Path, budget: Budget) -> dict[int, Path]:
        limit = max(budget.bytes_left, 0)
        try:
            with _OPENERS[self.compression](self.path, "rb") as fh:
                data = fh.read(limit + 1)
        except _ERRORS as exc:
            raise BlockedError(f"corrupt: bad {self.compression}", type(exc).__name__) from None
        budget.take_bytes(len(data))
        budget.check_ratio(len(data), self.path.stat().st_size, "file")
        self.entries[0].size = len(data)
        return {0: member_file(dest, self.entries[0], data)}

    def write(self, out: BinaryIO, plan: list[Planned], comments: Mapping[str | None, str]) -> None:
        (p,) = plan
        data = p.data
        if data is None and p.name == p.entry.name:
            with self.path.open("rb") as fh:
                out.write(fh.read())
            return
        if data is None:  # only the name in the gzip header changes
            with _OPENERS[self.compression](self.path, "rb") as fh:
                data = fh.read()
        if self.compression == "gz":
            mtime, _ = _gzip_header(self.path)
            # The header names the member even when the source's did not: a copy saved under
            # another name (a temporary file) still says what it holds.
            name = p.name.encode(self.name_encoding, "replace")
            gz = _GzipOut(out, mtime, name)
            gz.write(data)
            gz.close()
        elif self.compression == "bz2":
            out.write(bz2.compress(data))
        elif self.compression == "xz":
            out.write(lzma.compress(data, format=lzma.FORMAT_XZ))
        else:
            raise MaskError(f"cannot write {self.compression}")


def compressed_backend(path: Path, compression: str) -> TarBackend | SingleBackend:
    try:
        with _OPENERS[compression](path, "rb") as fh:
            head = fh.read(512)
    except _ERRORS as exc:
        raise BlockedError(f"corrupt: bad {compression}", type(exc).__name__) from None
    if len(head) == 512 and (head[257:262] == b"ustar" or _v7_tar(head)):
        return TarBackend(path, compression)
    name = _gzip_header(path)[1] if compression == "gz" else None
    return SingleBackend(path, compression, name)


def _v7_tar(block: bytes) -> bool:
    try:
        tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
        return True
    except tarfile.HeaderError:
        return False
