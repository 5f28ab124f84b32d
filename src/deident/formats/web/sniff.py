"""Which reader a resource fetched from the web needs, when its URL has no telling suffix.

CMS attachments hide behind URLs like ``/download.jsp?fileId=8812``: the file name is in
Content-Disposition (RFC 6266, with RFC 5987 ``filename*=UTF-8''…`` for Chinese names), the
type in Content-Type, and the truth in the first bytes. The order of trust:

1. magic bytes that name a binary format (PDF, zip-based Office, OLE, images) — a server that
   calls a PDF ``text/html`` is wrong, the bytes are not;
2. the suffix of the Content-Disposition file name, then of the URL path, when a reader exists;
3. the Content-Type;
4. textual types no structured reader knows (XML, JSON, CSS, JavaScript) are read as plain text,
   which reads every character: nothing is skipped, nothing is half-read.

The answer is a suffix of the format registry (``.pdf``, ``.docx``…) or None (no reader: the
resource is blocked "unsupported type" by the caller, never called clean).
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

# Content-Type -> suffix (parameters and case stripped before lookup).
CONTENT_TYPES: dict[str, str] = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-word.document.macroenabled.12": ".docm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-works": ".wps",
    "application/kswps": ".wps",
    "application/vnd.ms-wps": ".wps",
    "application/rtf": ".rtf",
    "text/rtf": ".rtf",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
    "application/zip": ".zip",
    "application/x-zip-compressed": ".zip",
    "application/x-7z-compressed": ".7z",
    "application/vnd.rar": ".rar",
    "application/x-rar-compressed": ".rar",
    "application/ofd": ".ofd",
    "application/warc": ".warc",
}

# Types read as plain text when no structured reader exists: every character is read.
_TEXTUAL = re.compile(r"^(text/|application/(.+\+)?(xml|json|javascript|ecmascript)$)")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
    (b"BM", ".bmp"),
    (b"7z\xbc\xaf\x27\x1c", ".7z"),
    (b"Rar!\x1a\x07", ".rar"),
    (b"{\\rtf", ".rtf"),
    (b"WARC/", ".warc"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# Zip-based formats told apart by their members (the Content-Type of an OOXML file is often
# application/octet-stream or application/zip on CMS download URLs).
_ZIP_MEMBERS = (("word/", ".docx"), ("xl/", ".xlsx"), ("Doc_0/", ".ofd"), ("OFD.xml", ".ofd"))


_EXT_VALUE = re.compile(r"filename\*\s*=\s*([A-Za-z0-9_-]*)'[^']*'([^;\s]+)", re.I)


def filename_from_disposition(value: str | None) -> str | None:
    """The file name a Content-Disposition header gives, RFC 5987 ``filename*`` first
    (``attachment; filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx``). Path parts are dropped."""
    if not value:
        return None
    name = _extended_name(value)
    if name is None:
        name = _plain_name(value)
    if not name:
        return None
    return PurePosixPath(name.replace("\\", "/")).name or None


def _extended_name(value: str) -> str | None:
    # RFC 6266 4.3: filename* wins over filename when a client understands it.
    ext = _EXT_VALUE.search(value)
    if not ext:
        return None
    try:
        return unquote(ext.group(2).strip('"'), encoding=ext.group(1) or "utf-8", errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


def _plain_name(value: str) -> str | None:
    msg = Message()
    msg["content-disposition"] = value
    param = msg.get_param("filename", header="content-disposition")
    if isinstance(param, tuple):  # an RFC 2231 triple (charset, language, value)
        return unquote(param[2], encoding=param[0] or "utf-8", errors="replace")
    name = param if isinstance(param, str) else None
    if name is None:
        m = re.search(r"filename\s*=\s*([^;]+)", value, re.I)
        name = m.group(1).strip().strip('"') if m else None
    if not name:
        return None
    if "%" in name:
        # Servers percent-encode UTF-8 names in the plain parameter too.
        with contextlib.suppress(UnicodeDecodeError):
            return unquote(name, errors="strict")
        return name
    if not name.isascii():
        # A raw GBK or UTF-8 name read as latin-1 by the HTTP layer: recover the bytes.
        return _recover_bytes(name)
    return name


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _recover_bytes(name: str) -> str:
    """A name whose bytes were read as latin-1: UTF-8 when that decodes to Chinese, else GB18030
    (short GBK names often decode as UTF-8 too, into Greek or Hebrew letters)."""
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name  # already decoded properly
    candidates = []
    for enc in ("utf-8", "gb18030"):
        try:
            candidates.append(raw.decode(enc))
        except UnicodeDecodeError:
            continue
    for text in candidates:
        if _CJK.search(text):
            return text
    return candidates[0] if candidates else name


def _suffix(name: str | None) -> str | None:
    if not name:
        return None
    lower = name.lower()
    if lower.endswith(".warc.gz"):
        return ".warc.gz"
    suffix = PurePosixPath(lower).suffix
    return suffix or None


def _zip_kind(path_or_bytes: str | bytes) -> str | None:
    import io

    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    try:
        with zipfile.ZipFile(src) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for prefix, suffix in _ZIP_MEMBERS:
        if any(n.startswith(prefix) for n in names):
            return suffix
    return None


def magic_suffix(head: bytes, whole: str | bytes | None = None) -> str | None:
    """The suffix the first bytes prove; `whole` (a path or the bytes) lets zip-based formats
    be told apart by their members."""
    for sig, suffix in _MAGIC:
        if head.startswith(sig):
            return suffix
    if head.startswith(b"\x1f\x8b") and whole is not None:
        return None  # gzip: only meaningful with a name (.warc.gz); decided by the name
    if head.startswith(_ZIP):
        kind = _zip_kind(whole) if whole is not None else None
        return kind or ".zip"
    if head.startswith(_OLE):
        return ".ole"  # .doc / .xls / .wps: which one is left to the name or the type
    return None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def choose_suffix(
    *,
    url: str,
    content_type: str | None,
    content_disposition: str | None,
    head: bytes,
    whole: str | bytes | None = None,
    known: frozenset[str] | None = None,
) -> str | None:
    """The registry suffix to read this resource with, or None when no reader fits.
    `known` is the set of suffixes the registry reads (default: every suffix it names)."""
    if known is None:
        from deident.formats import supported_suffixes

        known = frozenset(supported_suffixes())
    by_name = _suffix(filename_from_disposition(content_disposition))
    by_url = _suffix(unquote(urlsplit(url).path))
    mtype = media_type(content_type)
    by_type = CONTENT_TYPES.get(mtype)
    magic = magic_suffix(head, whole)
    if magic == ".ole":
        # An OLE file: the name or the type says which legacy kind (.doc/.xls/.wps/.et).
        for s in (by_name, by_url, by_type):
            if s in {".doc", ".xls", ".wps", ".et", ".msg"} and s in known:
                return s
        return ".doc" if ".doc" in known else None  # LibreOffice reads any of them as such
    if magic == ".zip":
        for s in (by_name, by_url, by_type):
            if s is not None and s in known and s not in {".html", ".htm", ".txt"}:
                return s
    if magic is not None and magic != ".zip":
        return magic if magic in known else None
    if by_type == ".html" and _looks_like_markup(head):
        # A page at /files/x.pdf that is really an HTML error or landing page.
        return ".html"
    for s in (by_name, by_url):
        if s in known:
            return s
    if by_type in known:
        return by_type
    if magic == ".zip":
        return ".zip" if ".zip" in known else None
    if _TEXTUAL.match(mtype) and ".txt" in known:
        return ".txt"
    if not mtype and _looks_textual(head) and ".txt" in known:
        return ".txt"
    return None


def _looks_like_markup(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _looks_textual(head: bytes) -> bool:
    if not head:
        return True
    if b"\x00" in head[:4096]:
        return False
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > 4090  # a multi-byte character cut at the edge
    return True


def is_html(suffix: str | None) -> bool:
    return suffix in {".html", ".htm", ".shtml"}
