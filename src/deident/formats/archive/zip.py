"""Zip archives: read with zipfile, names decoded as Windows wrote them (GBK/CP936), written back
by copying every unchanged member's raw compressed bytes.

Why a raw writer and not zipfile: zipfile can neither copy a member without recompressing it
nor write a name in GBK (it writes ASCII or UTF-8). Copying raw keeps untouched members
byte-identical down to the compressed stream, keeps names in the code page they were stored
in (a Chinese Windows without UTF-8 support shows a UTF-8 name as mojibake), and keeps order,
timestamps, attributes and extra fields. Members we rewrote are deflated again (or stored, if
they were stored).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from deident.errors import BlockedError, MaskError
from deident.formats.archive.budget import Budget
from deident.formats.archive.document import Planned
from deident.formats.archive.entries import Entry, clean_name, decode_zip_name, display_name
from deident.formats.archive.unpack import member_file
from deident.formats.common.zipread import ZIP_READ_ERRORS

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIG, _CENTRAL_SIG, _END_SIG = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
_ENCRYPTED, _DATA_DESCRIPTOR, _UTF8 = 0x1, 0x8, 0x800
_LIMIT = 0xFFFFFFFF
_ZIP64_EXTRA, _UNICODE_PATH_EXTRA = 0x0001, 0x7075


def _text(raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


class ZipBackend:
    kind = "zip"
    output_suffix: str | None = None

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notes: list[str] = []
        try:
            self._zf = zipfile.ZipFile(path)
            infos = self._zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise BlockedError("corrupt: bad zip", type(exc).__name__) from None
        self.comment, self._comment_enc = _text(self._zf.comment)
        self.entries: list[Entry] = []
        for i, info in enumerate(infos):
            utf8 = bool(info.flag_bits & _UTF8)
            raw = info.orig_filename.encode("utf-8" if utf8 else "cp437")
            name, encoding = _unicode_path(info.extra, raw) or decode_zip_name(raw, utf8)
            kind = "dir" if info.is_dir() else "file"
            entry = Entry(i, clean_name(name), kind, info.file_size, info.compress_size, meta=info)
            entry.extra["encoding"] = encoding
            entry.extra["comment"] = _text(info.comment) if info.comment else None
            self.entries.append(entry)
        if any(e.extra["encoding"] == "gb18030" for e in self.entries):
            self.notes.append("member names are stored in the Windows Chinese code page (GBK)")

    def comments(self) -> list[tuple[str | None, str]]:
        found: list[tuple[str | None, str]] = [(None, self.comment)] if self.comment else []
        found += [(e.name, e.extra["comment"][0]) for e in self.entries if e.extra["comment"]]
        return found

    def extract_all(self, dest: Path, budget: Budget) -> dict[int, Path]:
        files: dict[int, Path] = {}
        budget.check_ratio(sum(e.size for e in self.entries), self.path.stat().st_size, "archive")
        for e in self.entries:
            if e.kind != "file":
                continue
            info: zipfile.ZipInfo = e.meta
            if info.flag_bits & _ENCRYPTED:
                raise BlockedError(
                    "encrypted", f"member {display_name(e.name)} is password-protected; remove the password"
                )
            budget.check_ratio(info.file_size, info.compress_size, f"member {display_name(e.name)}")
            budget.take_bytes(info.file_size)
            try:
                data = self._zf.read(info)
            except NotImplementedError:
                raise BlockedError(
                    "unsupported type",
                    f"member {display_name(e.name)} uses zip compression method {info.compress_type}",
                ) from None
            except ZIP_READ_ERRORS as exc:
                raise BlockedError(
                    "corrupt: bad zip", f"member {display_name(e.name)}: {type(exc).__name__}"
                ) from None
            files[e.index] = member_file(dest, e, data)
        return files

    def write(self, out: BinaryIO, plan: list[Planned], comments: Mapping[str | None, str]) -> None:
        with self.path.open("rb") as src:
            write_raw(src, plan, comments, self._zf.comment, self._comment_enc, out)


def _unicode_path(extra: bytes, raw: bytes) -> tuple[str, str] | None:
    """The Info-ZIP Unicode Path field (WinRAR, 7-Zip write it next to a code-page name):
    the UTF-8 name, valid while its CRC matches the stored name."""
    for tag, body in _extras(extra):
        valid = tag == _UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1
        if valid and struct.unpack("<L", body[1:5])[0] == zlib.crc32(raw):
            try:
                return body[5:].decode("utf-8"), "unicode-extra"
            except UnicodeDecodeError:
                return None
    return None


def _extras(extra: bytes) -> list[tuple[int, bytes]]:
    fields, i = [], 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[i : i + 4])
        fields.append((tag, extra[i + 4 : i + 4 + size]))
        i += 4 + size
    return fields


def _keep_extras(extra: bytes, renamed: bool) -> bytes:
    # zip64 sizes are rebuilt (none are needed below 4 GiB); a Unicode Path field would
    # disagree with a masked name, so it goes when the name changes.
    drop = {_ZIP64_EXTRA, _UNICODE_PATH_EXTRA} if renamed else {_ZIP64_EXTRA}
    return b"".join(struct.pack("<HH", t, len(b)) + b for t, b in _extras(extra) if t not in drop)


def _encode_name(e: Entry, name: str) -> tuple[bytes, bool]:
    """Name bytes and whether the UTF-8 flag is set, in the member's original encoding."""
    encoding = e.extra.get("encoding", "utf-8")
    if encoding in ("ascii", "gb18030", "cp437"):
        try:
            return name.encode(encoding), False
        except UnicodeEncodeError:
            pass
    return name.encode("utf-8"), True


def _read_local(src: BinaryIO, info: zipfile.ZipInfo) -> tuple[bytes, bytes, bytes, int]:
    """(name bytes, local extra, raw compressed data, local flags) of one member."""
    src.seek(info.header_offset)
    head = src.read(_LOCAL.size)
    if len(head) < _LOCAL.size:
        raise MaskError("the source zip is truncated")
    sig, _v, _s, flags, _m, _t, _d, _crc, _cs, _us, n_len, e_len = _LOCAL.unpack(head)
    if sig != _LOCAL_SIG:
        raise MaskError("the source zip has a damaged local header")
    name = src.read(n_len)
    extra = src.read(e_len)
    data = src.read(info.compress_size)
    if len(data) != info.compress_size:
        raise MaskError("the source zip is truncated")
    return name, extra, data, flags


def write_raw(
    src: BinaryIO,
    plan: list[Planned],
    comments: Mapping[str | None, str],
    archive_comment: bytes,
    comment_encoding: str,
    out: BinaryIO,
) -> None:
    central: list[bytes] = []
    offset = 0
    for p in plan:
        info: zipfile.ZipInfo = p.entry.meta
        raw_name, local_extra, data, _local_flags = _read_local(src, info)
        crc, csize, usize, method, version = (
            info.CRC,
            info.compress_size,
            info.file_size,
            info.compress_type,
            info.extract_version,
        )
        renamed = p.name != p.entry.name
        # The central directory's flags are the ones readers trust (UTF-8 name flag included).
        flags = info.flag_bits & ~_DATA_DESCRIPTOR
        if renamed:
            raw_name, utf8 = _encode_name(p.entry, p.name)
            flags = (flags | _UTF8) if utf8 else (flags & ~_UTF8)
        if p.data is not None:
            if method != zipfile.ZIP_STORED:
                compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                data = compressor.compress(p.data) + compressor.flush()
                method, version = zipfile.ZIP_DEFLATED, max(version, 20) if method != 8 else version
            else:
                data = p.data
            crc, csize, usize = zlib.crc32(p.data), len(data), len(p.data)
        if max(csize, usize, offset) >= _LIMIT:
            raise MaskError("the masked archive would need zip64; it is not written")
        comment = info.comment
        if p.entry.name in comments:
            comment = comments[p.entry.name].encode(p.entry.extra["comment"][1], "replace")
        local_extra = _keep_extras(local_extra, renamed)
        central_extra = _keep_extras(info.extra, renamed)
        time, date = _dos_time(info)
        local = _LOCAL.pack(
            _LOCAL_SIG,
            version,
            0,
            flags,
            method,
            time,
            date,
            crc,
            csize,
            usize,
            len(raw_name),
            len(local_extra),
        )
        out.write(local + raw_name + local_extra)
        out.write(data)
        central.append(
            _CENTRAL.pack(
                _CENTRAL_SIG,
                info.create_version,
                info.create_system,
                version,
                0,
                flags,
                method,
                time,
                date,
                crc,
                csize,
                usize,
                len(raw_name),
                len(central_extra),
                len(comment),
                0,
                info.internal_attr,
                info.external_attr,
                offset,
            )
            + raw_name
            + central_extra
            + comment
        )
        offset += len(local) + len(raw_name) + len(local_extra) + len(data)
    directory = b"".join(central)
    if None in comments:
        archive_comment = comments[None].encode(comment_encoding, "replace")
    out.write(directory)
    out.write(
        _END.pack(_END_SIG, 0, 0, len(plan), len(plan), len(directory), offset, len(archive_comment))
        + archive_comment
    )


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d
