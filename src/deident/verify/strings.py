"""Text helpers of the second reading: invisible characters, printable runs of binary data,
markup flattened to text. Nothing here knows a file format's structure (that is the point)."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

from deident.hanzi import plausible_text

# Characters a viewer does not show but that split a value for a reader: soft hyphen,
# zero-width space/joiners, word joiner, invisible operators, BOM, Mongolian vowel separator.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
# Printable runs (at least 4 characters) in UTF-8 / Latin-1 and in UTF-16LE.
_RUN8 = re.compile(rb"(?:[\x20-\x7e\t]|[\xc2-\xf4][\x80-\xbf]{1,3}){4,}")
_RUN16 = re.compile(rb"(?:[\x20-\x7e][\x00]|[\x00-\xff][\x4e-\x9f]|[\x00-\xff][\x30\xff]){4,}")
# Markup: a closing or empty element of these names ends a line (paragraph, cell, row, break).
_BLOCK = re.compile(
    r"</?(?:[\w.-]+:)?(?:p|tc|tr|c|row|si|td|th|li|div|br|tab|cr|h[1-6]|table|tbody|ul|ol|dd|dt|"
    r"section|article|header|footer|title|option|txBody|body|head|pre|blockquote)\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"<(?:!--.*?--|!\[CDATA\[.*?\]\]|\?.*?\?|![^>]*|[^<>]*)>", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
_HTML_BLOCK_CONTENT = re.compile(r"<!--(.*?)-->|<!\[CDATA\[(.*?)\]\]>|<\?(.*?)\?>", re.DOTALL)


def visible(text: str) -> str:
    """`text` as a reader of the rendered page sees it: NFC, invisible characters removed."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _INVISIBLE.sub("", text)


def printable_runs(data: bytes, limit: int = 8 * 1024 * 1024) -> str:
    """Every printable run of binary data (UTF-8 and UTF-16LE), one per line; runs of Han
    characters that cannot be text (see `_plausible`) are dropped."""
    data = data[:limit]
    out = [r for m in _RUN8.finditer(data) if plausible_text(r := m.group().decode("utf-8", "replace"))]
    for m in _RUN16.finditer(data):
        s = m.group()
        if len(s) % 2:
            s = s[:-1]
        run = s.decode("utf-16-le", "replace")
        if plausible_text(run):
            out.append(run)
    return "\n".join(out)


def css_unescape(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        cp = int(m.group(1), 16)
        return chr(cp) if 0 < cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF else ""

    return _CSS_ESCAPE.sub(sub, text)


def markup_text(source: str) -> str:
    """The character data of XML/HTML `source`, entities decoded. Text separated only by inline
    markup (a Word run boundary, a <span>) is joined; block ends become line breaks."""
    parts: list[str] = []
    pos = 0
    for m in _TAG.finditer(source):
        parts.append(html.unescape(source[pos : m.start()]))
        tag = m.group()
        inner = _HTML_BLOCK_CONTENT.fullmatch(tag)
        if inner:  # comments, CDATA and processing instructions are text too
            parts.append("\n" + html.unescape(next(g for g in inner.groups() if g is not None)) + "\n")
        elif _BLOCK.match(tag):
            parts.append("\n")
        pos = m.end()
    parts.append(html.unescape(source[pos:]))
    return "".join(parts)


_ATTR = re.compile(r"""([^\s=<>/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_NAME = re.compile(r"<[/!?]?\s*([^\s<>/!?=\"']+)")


def attribute_values(source: str) -> Iterator[str]:
    """Every attribute value inside every tag of `source`, entities decoded."""
    for m in _TAG.finditer(source):
        tag = m.group()
        if tag.startswith(("<!--", "<![CDATA[")):
            continue
        for a in _ATTR.finditer(tag):
            yield html.unescape(a.group(2) or a.group(3) or a.group(4) or "")


def names(source: str) -> set[str]:
    """Element and attribute names used in `source` (an attacker can name an element 张三)."""
    found = {m.group(1) for m in _NAME.finditer(source)}
    for m in _TAG.finditer(source):
        if not m.group().startswith(("<!--", "<![CDATA[")):
            found.update(a.group(1) for a in _ATTR.finditer(m.group()))
    return found
