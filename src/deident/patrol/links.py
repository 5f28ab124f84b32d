"""Where a resource links to: HTML pages (lxml), PDF link annotations (pikepdf) and Office
relationships marked TargetMode="External" (the zip read directly). Links inside attachments
count as reach: a PDF notice often links the roster that no page links any more.

Every function returns raw link strings; the crawler resolves and scopes them.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree, html

# (element, attribute) pairs that lead a visitor to another resource.
_HTML_LINKS = (
    ("a", "href"),
    ("area", "href"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
    ("object", "data"),
)
_META_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
_MAX_LINKS = 100_000  # per resource: a page is not allowed to flood the frontier


def html_links(path: Path, *, images: bool = False) -> tuple[list[str], str | None]:
    """(links, <base href>) of an HTML page."""
    try:
        doc = html.parse(str(path), parser=html.HTMLParser(recover=True, no_network=True))
    except (etree.ParserError, OSError, ValueError):
        return [], None
    root = doc.getroot()
    if root is None:
        return [], None
    base = next((b.get("href") for b in root.iter("base") if b.get("href")), None)
    pairs = [*_HTML_LINKS, ("img", "src")] if images else _HTML_LINKS
    out: list[str] = []
    for tag, attr in pairs:
        for el in root.iter(tag):
            value = el.get(attr)
            if value:
                out.append(value)
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            m = _META_REFRESH.search(meta.get("content") or "")
            if m:
                out.append(m.group(1))
    return out[:_MAX_LINKS], base


def pdf_links(path: Path) -> list[str]:
    """URIs of link annotations (/A /URI, /A /Launch with a URL) on every page."""
    import pikepdf

    out: list[str] = []
    try:
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for annot in page.obj.get("/Annots", None) or []:
                    action = annot.get("/A", None) if isinstance(annot, pikepdf.Dictionary) else None
                    if not isinstance(action, pikepdf.Dictionary):
                        continue
                    uri = action.get("/URI", None) or action.get("/F", None)
                    if isinstance(uri, pikepdf.String):
                        out.append(bytes(uri).decode("utf-8", "replace"))
                    if len(out) >= _MAX_LINKS:
                        return out
    except (pikepdf.PdfError, OSError, ValueError):
        return out  # the scan reports the file's own state; links are best effort
    return out


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def ooxml_links(path: Path) -> list[str]:
    """External relationship targets of every part of a .docx/.xlsx (hyperlinks, linked files)."""
    out: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.filename.endswith(".rels") or info.file_size > 20 * 1024 * 1024:
                    continue
                out.extend(_external_targets(zf.read(info)))
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return out
    return out[:_MAX_LINKS]


def _external_targets(data: bytes) -> Iterator[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return
    if root is None:
        return
    for rel in root.iter(_REL):
        if rel.get("TargetMode") == "External" and rel.get("Target"):
            yield rel.get("Target")


def links_of(path: Path, suffix: str, *, images: bool = False) -> tuple[list[str], str | None]:
    """(links, base override) of a resource saved at `path` and read as `suffix`."""
    if suffix in {".html", ".htm", ".shtml"}:
        return html_links(path, images=images)
    if suffix == ".pdf":
        return pdf_links(path), None
    if suffix in {".docx", ".docm", ".xlsx", ".xlsm"}:
        return ooxml_links(path), None
    return [], None
