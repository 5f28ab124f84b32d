"""Decoded text with a per-character map back to the HTML source, and escaping for writing back.

``138&#49;234<span>5678</span>`` must be scanned as one number, so character references are
decoded and every decoded character remembers the source span it came from. URLs in
attributes are percent-decoded the same way (``?name=%E5%BC%A0%E4%B8%89``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.entities import html5
from urllib.parse import quote

from deident.errors import MaskError
from deident.formats.common.encoding import Run, SourceMap

_REF = re.compile(r"&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*;?))")
_LONGEST_LEGACY = max(len(k) for k in html5 if not k.endswith(";"))


class MappedText:
    """Text being built from pieces of the source, with the source span of every character
    kept as runs (see `SourceMap`)."""

    __slots__ = ("length", "parts", "runs")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.runs: list[Run] = []
        self.length = 0

    def __len__(self) -> int:
        return self.length

    def add_literal(self, src: str, a: int, b: int) -> None:
        if b <= a:
            return
        self.parts.append(src[a:b])
        n = self.length
        last = self.runs[-1] if self.runs else None
        if last is not None and last[4] and last[1] == n and last[3] == a:
            self.runs[-1] = (last[0], n + b - a, last[2], b, True)
        else:
            self.runs.append((n, n + b - a, a, b, True))
        self.length = n + b - a

    def add(self, text: str, a: int, b: int) -> None:
        """Characters that stand for source[a:b] together (a character reference, or the
        line break a <br> means, with a == b)."""
        if text:
            self.parts.append(text)
            self.runs.append((self.length, self.length + len(text), a, b, False))
            self.length += len(text)

    def raw_text(self) -> str:
        return "".join(self.parts)

    def text(self) -> str:
        # A no-break space separates digit groups like a space does; the engine knows spaces.
        return self.raw_text().replace("\xa0", " ")

    def smap(self) -> SourceMap:
        return SourceMap(0, self.runs)

    def chars(self) -> tuple[str, list[int], list[int]]:
        """Per-character form, for short texts that are decoded further (URLs)."""
        starts: list[int] = []
        ends: list[int] = []
        for ts, te, ss, se, literal in self.runs:
            if literal:
                starts.extend(range(ss, se))
                ends.extend(range(ss + 1, se + 1))
            else:
                starts.extend([ss] * (te - ts))
                ends.extend([se] * (te - ts))
        return self.raw_text(), starts, ends

    @classmethod
    def from_chars(cls, text: str, starts: list[int], ends: list[int]) -> MappedText:
        out = cls()
        out.parts = [text]
        out.runs = list(SourceMap.from_chars(starts, ends).runs or [])
        out.length = len(text)
        return out

    def slice(self, i: int) -> MappedText:
        text, starts, ends = self.chars()
        return MappedText.from_chars(text[i:], starts[i:], ends[i:])


def _named(name: str, in_attribute: bool, following: str) -> tuple[str, int] | None:
    """(value, characters consumed after '&') for a named reference, or None."""
    if name.endswith(";") and name in html5:
        return html5[name], len(name)
    bare = name.rstrip(";")
    for k in range(min(len(bare), _LONGEST_LEGACY), 1, -1):
        if bare[:k] in html5:  # the legacy names that work without a semicolon
            nxt = (bare[k:] or following)[:1]
            if in_attribute and (nxt.isalnum() or nxt == "="):
                return None  # "?a=1&copy=2" is a query string, not a copyright sign
            return html5[bare[:k]], k
    return None


def decode_into(out: MappedText, src: str, a: int, b: int, *, in_attribute: bool = False) -> None:
    """Append source[a:b] to `out` with character references decoded."""
    pos = a
    for m in _REF.finditer(src, a, b):
        s = m.start()
        if m.group(3) is not None:
            found = _named(m.group(3), in_attribute, src[m.end() : m.end() + 1])
            if found is None:
                continue
            value, consumed = found
            end = s + 1 + consumed
        else:
            value = html.unescape(m.group())
            end = m.end()
        out.add_literal(src, pos, s)
        out.add(value, s, end)
        pos = end
    out.add_literal(src, pos, b)


_JS_ESCAPE = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")


def decode_js_escapes(out: MappedText, src: str, a: int, b: int) -> None:
    """Append source[a:b] with JSON/JavaScript \\uXXXX escapes (and surrogate pairs) decoded."""
    pos = a
    for m in _JS_ESCAPE.finditer(src, a, b):
        if m.start() > 0 and src[m.start() - 1] == "\\":
            continue  # an escaped backslash: "\\\\u0031" is not a digit
        if m.group(3) is not None:
            ch = chr(int(m.group(3), 16))
            if 0xD800 <= ord(ch) <= 0xDFFF:
                continue  # a lone surrogate: leave the text as it is
        else:
            hi, lo = int(m.group(1), 16), int(m.group(2), 16)
            ch = chr(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
        out.add_literal(src, pos, m.start())
        out.add(ch, m.start(), m.end())
        pos = m.end()
    out.add_literal(src, pos, b)


def percent_decode(mt: MappedText) -> MappedText:
    """Decode %XX runs that form UTF-8; other text (and broken runs) stays as it is."""
    full, src_starts, src_ends = mt.chars()
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(full)
    while i < n:
        j = i
        raw = bytearray()
        while j + 2 < n and full[j] == "%" and _hex2(full[j + 1 : j + 3]):
            raw.append(int(full[j + 1 : j + 3], 16))
            j += 3
        if not raw:
            text.append(full[i])
            starts.append(src_starts[i])
            ends.append(src_ends[i])
            i += 1
            continue
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            decoded = None
        if decoded is None:
            text.extend(full[i:j])
            starts.extend(src_starts[i:j])
            ends.extend(src_ends[i:j])
        else:
            k = i
            for ch in decoded:
                width = 3 * len(ch.encode("utf-8"))
                text.append(ch)
                starts.append(src_starts[k])
                ends.append(src_ends[k + width - 1])
                k += width
        i = j
    return MappedText.from_chars("".join(text), starts, ends)


def _hex2(s: str) -> bool:
    return len(s) == 2 and all(c in "0123456789abcdefABCDEF" for c in s)


# --- escaping replacement text for the place it is written to ---------------------------------


def _encodable(text: str, codec: str) -> str:
    """Characters the page's encoding cannot hold become character references."""
    try:
        text.encode(codec)
        return text
    except UnicodeEncodeError:
        return text.encode(codec, "xmlcharrefreplace").decode(codec)


def text_escape(codec: str) -> Callable[[str], str]:
    def escape(text: str) -> str:
        return _encodable(html.escape(text, quote=False), codec)

    return escape


def attr_escape(codec: str, quote_char: str, url: bool = False) -> Callable[[str], str]:
    def escape(text: str) -> str:
        if url:
            text = quote(text, safe="*#-_.~+@!$'()=,;:/?")
        t = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if quote_char != "'":
            t = t.replace('"', "&quot;")
        if quote_char != '"':
            t = t.replace("'", "&#39;")
        if not quote_char:
            t = re.sub(r"[\t\n\f\r =`]", lambda m: f"&#{ord(m.group())};", t)
        return _encodable(t, codec)

    return escape


def raw_escape(codec: str, closing: str) -> Callable[[str], str]:
    """Script, style and comment bodies: no references are decoded there, so nothing can be
    escaped; refuse text that would end the element early."""

    def escape(text: str) -> str:
        if closing in text.lower() or "--" in text or "\x00" in text:
            raise MaskError("the replacement text would end a script or comment early")
        try:
            text.encode(codec)
        except UnicodeEncodeError as exc:
            raise MaskError(f"the replacement text cannot be written in {codec}") from exc
        return text

    return escape
