"""Safe access to OOXML packages (.docx/.xlsx): open the zip, refuse what cannot be read
completely, parse parts with a hardened XML parser, and write a copy where only the parts we
changed differ.

Why not python-docx/openpyxl for writing: a load/save round trip drops parts it does not
model and keeps stale caches (DESIGN.md section 3). We edit the XML of the parts that hold
personal data and copy every other member with the same name, order, timestamp, compression
method and content.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from deident.config import Limits
from deident.errors import BlockedError
from deident.formats.common.zipread import read_member

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")

NS_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
# A part smaller than this cannot be a meaningful bomb; tiny parts of repeated bytes reach
# high ratios legitimately.
_RATIO_MIN_BYTES = 64 * 1024

# No DTDs, no entity expansion (billion laughs), no network (XXE), default size limits.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_blank_text=False
)


# Legacy VML drawings written by Excel are often not well-formed (unclosed <br>); they hold
# shapes, not cell text, so a recovering parse is acceptable there and only there.
_RECOVER_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=True
)


def parse_xml(data: bytes, part: str, *, recover: bool = False) -> etree._ElementTree:
    try:
        root = etree.fromstring(data, _RECOVER_PARSER if recover else _PARSER)
    except etree.XMLSyntaxError as exc:
        # Not exc.msg: libxml2 quotes tag and entity names, which a document can fill with values.
        raise BlockedError("corrupt: bad XML", f"{part}: not well-formed (line {exc.lineno})") from None
    if root is None:
        raise BlockedError("corrupt: bad XML", f"{part}: empty document")
    return root.getroottree()


def serialize_xml(tree: etree._ElementTree) -> bytes:
    standalone = tree.docinfo.standalone
    kwargs = {} if standalone is None else {"standalone": standalone}
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", **kwargs)


def _check_cfb(head: bytes, data: bytes) -> None:
    """A CFB (OLE) container under an OOXML suffix is a password-protected file (the zip is
    encrypted inside `EncryptedPackage`) or a legacy binary file with the wrong name."""
    if not head.startswith(CFB_MAGIC):
        return
    try:
        import olefile

        ole = olefile.OleFileIO(io.BytesIO(data))
        encrypted = ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo")
        ole.close()
    except Exception:  # an unreadable CFB is still not something we can scan
        encrypted = True
    if encrypted:
        raise BlockedError("encrypted", "password-protected Office file; remove the password and scan again")
    raise BlockedError(
        "corrupt: legacy binary Office file",
        "the file is a .doc/.xls; rename it so the legacy reader is used",
    )


class Package:
    """An OOXML zip read completely into memory after the safety checks.

    Every member is read once (bounded by the declared sizes, which were checked against
    `limits`); a CRC error or a truncated member is `corrupt`, an encrypted member `encrypted`.
    """

    def __init__(self, data: bytes, limits: Limits, *, name: str = "file") -> None:
        self.name = name
        self._data = data
        if len(data) > limits.max_file_bytes:
            raise BlockedError("too large", f"{len(data)} bytes > limit {limits.max_file_bytes}")
        _check_cfb(data[:8], data)
        if not data.startswith(ZIP_MAGICS):
            raise BlockedError("corrupt: not a zip archive", "an Office Open XML file is a zip archive")
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise BlockedError("corrupt: bad zip", type(exc).__name__) from None
        self._check_limits(infos, limits)
        self.infos: list[zipfile.ZipInfo] = infos
        self.parts: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise BlockedError("encrypted", f"zip member {info.filename} is encrypted")
            self.parts[info.filename] = read_member(zf, info)
        if "[Content_Types].xml" not in self.parts:
            raise BlockedError("corrupt: not an Office Open XML package", "[Content_Types].xml is missing")
        self.content_types = self._content_types()
        self.xml_parts_set = frozenset(self.xml_parts())

    @classmethod
    def open(cls, path: Path, limits: Limits) -> Package:
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                raise BlockedError("too large", f"{size} bytes > limit {limits.max_file_bytes}")
            data = path.read_bytes()
        except OSError as exc:
            raise BlockedError("corrupt: cannot read file", exc.strerror or type(exc).__name__) from None
        return cls(data, limits, name=path.name)

    @staticmethod
    def _check_limits(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
        if len(infos) > limits.max_zip_entries:
            raise BlockedError("too large: too many zip entries", f"{len(infos)} > {limits.max_zip_entries}")
        total = sum(i.file_size for i in infos)
        if total > limits.max_uncompressed_bytes:
            raise BlockedError(
                "too large: uncompressed size", f"{total} bytes > limit {limits.max_uncompressed_bytes}"
            )
        for info in infos:
            if info.file_size >= _RATIO_MIN_BYTES:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limits.max_compression_ratio:
                    raise BlockedError(
                        "too large: compression ratio",
                        f"member {info.filename}: {ratio:.0f} > limit {limits.max_compression_ratio:.0f}",
                    )

    def _content_types(self) -> dict[str, str]:
        """part name -> content type (overrides, else by extension defaults)."""
        tree = parse_xml(self.parts["[Content_Types].xml"], "[Content_Types].xml")
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for el in tree.getroot():
            if el.tag == f"{{{NS_CT}}}Default":
                defaults[(el.get("Extension") or "").lower()] = el.get("ContentType") or ""
            elif el.tag == f"{{{NS_CT}}}Override":
                overrides[(el.get("PartName") or "").lstrip("/")] = el.get("ContentType") or ""
        result: dict[str, str] = {}
        for name in self.parts:
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            result[name] = overrides.get(name, defaults.get(ext, ""))
        return result

    def main_part(self, fallback: str) -> str:
        """The officeDocument part named by _rels/.rels (word/document.xml, xl/workbook.xml)."""
        rels = self.relationships("")
        for _rid, (rtype, target, external) in rels.items():
            if rtype == REL_OFFICE_DOCUMENT and not external and target in self.parts:
                return target
        if fallback in self.parts:
            return fallback
        raise BlockedError("corrupt: main part missing", f"{fallback} not found")

    def relationships(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """rId -> (type, resolved target part or external URL, is_external) for `part`."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
        data = self.parts.get(rels_name)
        if data is None:
            return {}
        result: dict[str, tuple[str, str, bool]] = {}
        for el in parse_xml(data, rels_name).getroot():
            target = el.get("Target") or ""
            external = el.get("TargetMode") == "External"
            if not external:
                if target.startswith("/"):
                    target = target.lstrip("/")
                else:
                    target = posixpath.normpath(posixpath.join(folder, target))
            result[el.get("Id") or ""] = (el.get("Type") or "", target, external)
        return result

    def xml_parts(self) -> Iterator[str]:
        for name in self.parts:
            ct = self.content_types.get(name, "")
            if name.endswith((".xml", ".rels", ".vml")) or ct.endswith("+xml") or ct.endswith("/xml"):
                yield name

    def write(self, out: BinaryIO, changed: dict[str, bytes]) -> None:
        """Write the package with `changed` parts replaced; every other member keeps its
        name, position, timestamp, attributes, compression method and content (its raw
        compressed bytes when the archive allows a raw copy)."""
        from deident.formats.ooxml.zipsafe import copy_zip

        buf = io.BytesIO()
        if copy_zip(self._data, self.infos, changed, buf):
            out.write(buf.getvalue())
            return
        with zipfile.ZipFile(out, "w", allowZip64=True) as zout:
            for info in self.infos:
                if info.is_dir():
                    zout.writestr(_clone_info(info), b"")
                    continue
                data = changed.get(info.filename, self.parts[info.filename])
                zout.writestr(_clone_info(info), data)

    def to_bytes(self, changed: dict[str, bytes]) -> bytes:
        buf = io.BytesIO()
        self.write(buf, changed)
        return buf.getvalue()


def _clone_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    # A fresh ZipInfo: writestr mutates sizes and offsets; extra fields (zip64 sizes) would be
    # stale for a rewritten member, so they are not copied.
    clone = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    clone.compress_type = info.compress_type
    clone.comment = info.comment
    clone.create_system = info.create_system
    clone.external_attr = info.external_attr
    clone.internal_attr = info.internal_attr
    return clone
