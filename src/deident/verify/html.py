"""Second reading of HTML: the raw source, not the parsed page.

Character data with entities decoded (script, style and comments included), every attribute
value (URLs percent-decoded, so a path /uploads/张三_<ID>.pdf or a fragment is read),
CSS escapes decoded, srcdoc documents and data: URIs read by their own kind.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from urllib.parse import unquote, unquote_to_bytes

from deident.errors import BlockedError
from deident.verify.piece import MAX_DEPTH, Piece, Recurse
from deident.verify.strings import attribute_values, css_unescape, markup_text, visible

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_DATA = re.compile(r"data:([^,;\s\"']*)((?:;[^,;\s\"']*)*),([^\s\"'<>)]*)", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, "replace")
    m = _META.search(data[:4096])
    candidates = [m.group(1).decode("ascii").lower()] if m else []
    for enc in [*candidates, "utf-8", "gb18030"]:
        try:
            return data.decode("gb18030" if enc in ("gb2312", "gbk") else enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def _data_uris(text: str, recurse: Recurse) -> Iterator[Piece]:
    for m in _DATA.finditer(text):
        mime, params, payload = m.group(1).lower(), m.group(2).lower(), m.group(3)
        try:
            body = (
                base64.b64decode(unquote(payload) + "===")
                if "base64" in params
                else unquote_to_bytes(payload)
            )
        except ValueError:
            continue
        suffix = {"text/html": ".html", "text/plain": ".txt", "application/pdf": ".pdf"}.get(mime, "")
        if mime.startswith("image/"):
            suffix = ".png"
        for p in recurse(body, suffix):
            yield Piece({"data uri": mime or "text/plain", **p.place}, p.text)


def read_html(data: bytes, recurse: Recurse) -> Iterator[Piece]:
    yield from read_html_source(decode_html(data), recurse)


def read_html_source(source: str, recurse: Recurse, depth: int = 0) -> Iterator[Piece]:
    if depth > MAX_DEPTH:
        raise BlockedError("too deeply nested", f"documents nested in attributes more than {MAX_DEPTH} deep")
    yield Piece({"html": "character data"}, visible(markup_text(source)))
    values = list(attribute_values(source))
    urls = [unquote(v) for v in values if "%" in v]
    yield Piece({"html": "attribute values"}, visible("\n".join([*values, *urls])))
    if "\\" in source:
        unescaped = css_unescape(source)
        if unescaped != source:
            text = "\n".join([markup_text(unescaped), *attribute_values(unescaped)])
            yield Piece({"html": "CSS escapes decoded"}, visible(text))
    for v in values:
        if "<" in v and ">" in v:  # srcdoc and other markup carried in an attribute
            for p in read_html_source(v, recurse, depth + 1):
                yield Piece({"html": "document inside an attribute", "inner": dict(p.place)}, p.text)
    yield from _data_uris(source, recurse)
