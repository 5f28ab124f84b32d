"""The OFD container (GB/T 33190: a zip of XML parts and resources): read safely, parse XML
with a hardened parser, write back with every member in its place.

Members keep their order, names, timestamps and compression method; only changed members
differ in content. OFD readers do not care about the compressed bytes, so untouched members
are recompressed by zipfile (their content is identical).
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from deident.config import Limits
from deident.errors import BlockedError
from deident.formats.common.zipread import read_member

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_RATIO_MIN_BYTES = 64 * 1024


class OfdPackage:
    def __init__(self, path: Path, limits: Limits) -> None:
        try:
            zf = zipfile.ZipFile(path)
            self.infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise BlockedError(
                "corrupt: not an OFD package", f"an OFD file is a zip ({type(exc).__name__})"
            ) from None
        if len(self.infos) > limits.max_zip_entries:
            raise BlockedError(
                "too large: too many zip entries", f"{len(self.infos)} > {limits.max_zip_entries}"
            )
        total = sum(i.file_size for i in self.infos)
        if total > limits.max_uncompressed_bytes:
            raise BlockedError("too large: uncompressed size", f"{total} bytes")
        self.parts: dict[str, bytes] = {}
        self.names: dict[int, str] = {}  # id(info) -> part name
        for info in self.infos:
            name = part_name(info)
            self.names[id(info)] = name
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise BlockedError("encrypted", f"OFD member {info.filename} is encrypted")
            if info.file_size >= _RATIO_MIN_BYTES and info.file_size / max(info.compress_size, 1) > (
                limits.max_compression_ratio
            ):
                raise BlockedError("too large: compression ratio", f"member {info.filename}")
            self.parts[name] = read_member(zf, info)
        if "OFD.xml" not in self.parts:
            raise BlockedError("corrupt: not an OFD package", "OFD.xml is missing")
        # GM/T 0099 (OFD encryption) lists the encrypted parts in an Encryptions.xml entry.
        if (
            any(posixpath.basename(n) == "Encryptions.xml" for n in self.parts)
            or b"Encryptions>" in self.parts["OFD.xml"]
        ):
            raise BlockedError(
                "encrypted", "encrypted OFD (GM/T 0099); decrypt it in the issuing software and scan again"
            )

    def xml(self, name: str) -> etree._ElementTree:
        try:
            root = etree.fromstring(self.parts[name], _PARSER)
        except etree.XMLSyntaxError as exc:
            raise BlockedError("corrupt: bad XML", f"{name}: {exc.msg}") from None
        return root.getroottree()

    def write(self, out: BinaryIO, changed: dict[str, bytes]) -> None:
        with zipfile.ZipFile(out, "w", allowZip64=True) as zout:
            for info in self.infos:
                clone = _RawName(info)
                clone.compress_type = info.compress_type
                clone.external_attr = info.external_attr
                clone.create_system = info.create_system
                clone.comment = info.comment
                name = self.names[id(info)]
                data = b"" if info.is_dir() else changed.get(name, self.parts[name])
                zout.writestr(clone, data)


def part_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the OFD's paths spell it: UTF-8, or GBK as Windows producers
    store it without the UTF-8 flag; without a leading '/', with '/' separators."""
    if info.flag_bits & 0x800:
        name = info.filename
    else:
        raw = info.orig_filename.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            name = info.filename
    return name.replace("\\", "/").lstrip("/")


class _RawName(zipfile.ZipInfo):
    """A member written under the very name bytes and UTF-8 flag it was read with, so paths
    inside the OFD (BaseLoc, FileLoc) still find it. zipfile itself would write a non-ASCII
    name as UTF-8; overriding its (private, long-stable) name encoder is the only way."""

    def __init__(self, source: zipfile.ZipInfo) -> None:
        super().__init__(source.filename, date_time=source.date_time)
        utf8 = bool(source.flag_bits & 0x800)
        self._raw = source.orig_filename.encode("utf-8" if utf8 else "cp437")
        self._utf8 = utf8

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        flags = (self.flag_bits | 0x800) if self._utf8 else (self.flag_bits & ~0x800)
        return self._raw, flags


def serialize(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
