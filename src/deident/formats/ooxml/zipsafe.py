"""Write a zip where unchanged members are copied as raw compressed bytes.

zipfile has no public way to copy a member without recompressing it. Copying the raw bytes
keeps every part that held no personal data byte-identical down to the compressed stream
(and avoids recompressing images). Only the members we rewrote are compressed again.

Anything unusual (zip64 sizes, a local header that disagrees with the central directory)
makes `copy_zip` return False and the caller falls back to zipfile, which rewrites the same
content with the same compression method.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIG = b"PK\x03\x04"
_CENTRAL_SIG = b"PK\x01\x02"
_END_SIG = b"PK\x05\x06"
_DATA_DESCRIPTOR = 0x08
_LIMIT = 0xFFFFFFFF


def copy_zip(src: bytes, infos: list[zipfile.ZipInfo], changed: dict[str, bytes], out: BinaryIO) -> bool:
    """Write `src` with `changed` members replaced. False (and nothing usable written) when the
    archive needs features this writer does not handle; the caller then uses zipfile."""
    entries: list[
        tuple[zipfile.ZipInfo, bytes, int, int, int, int]
    ] = []  # info, local, crc, csize, usize, offset
    chunks: list[bytes] = []
    offset = 0
    for info in infos:
        raw = _raw_member(src, info)
        if raw is None:
            return False
        header, data, flags = raw
        crc, csize, usize, method = info.CRC, info.compress_size, info.file_size, info.compress_type
        if info.filename in changed:
            content = changed[info.filename]
            if method == zipfile.ZIP_DEFLATED:
                compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                data = compressor.compress(content) + compressor.flush()
            elif method == zipfile.ZIP_STORED:
                data = content
            else:
                return False
            crc, csize, usize = zlib.crc32(content), len(data), len(content)
            if csize >= _LIMIT or usize >= _LIMIT:
                return False
        # The local header is rebuilt from the central directory's values: a data descriptor
        # (sizes written after the data) becomes unnecessary, so its flag is cleared.
        name, extra = header
        local = _LOCAL.pack(
            _LOCAL_SIG,
            info.extract_version,
            0,
            flags & ~_DATA_DESCRIPTOR,
            method,
            *_dos_time(info),
            crc,
            csize,
            usize,
            len(name),
            len(extra),
        )
        chunks.append(local + name + extra + data)
        entries.append((info, name, crc, csize, usize, offset))
        offset += len(local) + len(name) + len(extra) + len(data)
        if offset >= _LIMIT:
            return False
    central = b""
    for info, name, crc, csize, usize, local_offset in entries:
        extra, comment = _central_extra(info), info.comment
        central += _CENTRAL.pack(
            _CENTRAL_SIG,
            info.create_version,
            info.create_system,
            info.extract_version,
            0,
            info.flag_bits & ~_DATA_DESCRIPTOR,
            info.compress_type,
            *_dos_time(info),
            crc,
            csize,
            usize,
            len(name),
            len(extra),
            len(comment),
            0,
            info.internal_attr,
            info.external_attr,
            local_offset,
        )
        central += name + extra + comment
    end = _END.pack(_END_SIG, 0, 0, len(entries), len(entries), len(central), offset, 0)
    for chunk in chunks:
        out.write(chunk)
    out.write(central + end)
    return True


def _raw_member(src: bytes, info: zipfile.ZipInfo) -> tuple[tuple[bytes, bytes], bytes, int] | None:
    """((name bytes, local extra), compressed data, local flags), or None if unusual."""
    if info.file_size >= _LIMIT or info.compress_size >= _LIMIT or info.header_offset >= _LIMIT:
        return None
    start = info.header_offset
    head = src[start : start + _LOCAL.size]
    if len(head) < _LOCAL.size:
        return None
    sig, _ver, _sys, flags, _method, _t, _d, _crc, _cs, _us, n_len, e_len = _LOCAL.unpack(head)
    if sig != _LOCAL_SIG or flags & 0x1:
        return None
    name = src[start + _LOCAL.size : start + _LOCAL.size + n_len]
    extra = src[start + _LOCAL.size + n_len : start + _LOCAL.size + n_len + e_len]
    if _has_zip64(extra):
        return None
    data_start = start + _LOCAL.size + n_len + e_len
    data = src[data_start : data_start + info.compress_size]
    if len(data) != info.compress_size:
        return None
    return (name, extra), data, flags


def _central_extra(info: zipfile.ZipInfo) -> bytes:
    return b"" if _has_zip64(info.extra) else info.extra


def _has_zip64(extra: bytes) -> bool:
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[i : i + 4])
        if tag == 0x0001:
            return True
        i += 4 + size
    return False


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d
