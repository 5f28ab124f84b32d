"""Glyph codes of PDF strings, decoded the way pdfminer.six decodes them.

The redactor must cut a shown string at the exact bytes of one glyph and must see the same
glyph sequence pdfminer saw when the text was read. So the byte splitting follows pdfminer's
own CMap objects (Identity-H: 2 bytes; predefined CMaps: pdfminer's trie; simple fonts: 1
byte), and the unicode of a glyph is computed the same way (ToUnicode first, then the simple
font's encoding) only to *verify* the alignment: a glyph whose unicode we cannot tell is
`None` and is accepted by position.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pikepdf


@dataclass(frozen=True, slots=True)
class Code:
    cid: int
    start: int  # byte range of the code in the shown string
    end: int


class FontInfo:
    def __init__(self, font: Any | None) -> None:
        self.multibyte = False
        self.vertical = False
        self._cmap: Any = None  # pdfminer CMap for Type0 fonts
        self._identity = 0  # bytes per code for identity CMaps (0: not identity)
        self._tounicode: Any = None
        self._encoding: dict[int, str] | None = None
        self._widths: dict[int, float] = {}
        self._width_ranges: list[tuple[int, int, float]] = []
        self._default_width: float | None = None
        self._std_metrics: dict[str, float] | None = None
        if font is None:
            return
        try:
            self._load_widths(font)
        except (TypeError, ValueError, IndexError, pikepdf.PdfError):
            self._widths, self._width_ranges, self._default_width = {}, [], None
        subtype = str(font.get("/Subtype", ""))
        self._load_tounicode(font)
        if subtype == "/Type0":
            self._load_cmap(font)
        else:
            self._load_encoding(font, subtype)

    def _load_tounicode(self, font: Any) -> None:
        from pdfminer.cmapdb import CMapParser, FileUnicodeMap

        tu = font.get("/ToUnicode")
        if not isinstance(tu, pikepdf.Stream):
            return
        umap = FileUnicodeMap()
        try:
            CMapParser(umap, io.BytesIO(tu.read_bytes())).run()
        except Exception:  # a broken map: we cannot verify through it, position still counts
            return
        self._tounicode = umap

    def _load_cmap(self, font: Any) -> None:
        from pdfminer.cmapdb import CMap, CMapDB, IdentityCMap, IdentityCMapByte

        self.multibyte = True
        enc = font.get("/Encoding")
        name = "unknown"
        if isinstance(enc, pikepdf.Name):
            name = str(enc)[1:]
        elif isinstance(enc, (pikepdf.Dictionary, pikepdf.Stream)) and "/CMapName" in enc:
            name = str(enc.get("/CMapName"))[1:]
        try:
            cmap = CMapDB.get_cmap(name)
        except CMapDB.CMapNotFound:
            cmap = CMap()  # pdfminer decodes nothing with it; so do we
        self.vertical = bool(cmap.is_vertical())
        if isinstance(cmap, IdentityCMapByte):
            self._identity = 1
        elif isinstance(cmap, IdentityCMap):
            self._identity = 2
        self._cmap = cmap

    def _load_encoding(self, font: Any, subtype: str) -> None:
        from pdfminer.encodingdb import EncodingDB
        from pdfminer.psparser import LIT

        default = "WinAnsiEncoding" if subtype == "/TrueType" else "StandardEncoding"
        enc = font.get("/Encoding")
        desc = font.get("/FontDescriptor")
        if enc is None and subtype == "/Type1" and desc is not None and "/FontFile" in desc:
            # pdfminer reads the builtin encoding of the embedded Type1 program; we do not.
            return
        if enc is None:
            self._encoding = EncodingDB.get_encoding(default)
        elif isinstance(enc, (pikepdf.Dictionary, pikepdf.Stream)):
            base = str(enc.get("/BaseEncoding", "/" + default))[1:]
            diff: list[object] = []
            for x in enc.get("/Differences", []):
                diff.append(LIT(str(x)[1:]) if isinstance(x, pikepdf.Name) else int(x))
            self._encoding = EncodingDB.get_encoding(base, diff)
        elif isinstance(enc, pikepdf.Name):
            self._encoding = EncodingDB.get_encoding(str(enc)[1:])

    def _load_widths(self, font: Any) -> None:
        """Advance widths (1/1000 em) as the font declares them: /W and /DW of a CID font,
        /Widths of a simple font, else the AFM of a standard-14 font."""
        if str(font.get("/Subtype", "")) == "/Type0":
            kids = font.get("/DescendantFonts")
            desc = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else None
            if not isinstance(desc, pikepdf.Dictionary):
                return
            self._default_width = float(desc.get("/DW", 1000))
            w = list(desc.get("/W", []))
            i = 0
            while i + 1 < len(w):
                first = int(w[i])
                if isinstance(w[i + 1], pikepdf.Array):
                    for k, v in enumerate(w[i + 1]):
                        self._widths[first + k] = float(v)
                    i += 2
                elif i + 2 < len(w):
                    self._width_ranges.append((first, int(w[i + 1]), float(w[i + 2])))
                    i += 3
                else:
                    break
            return
        widths = font.get("/Widths")
        if isinstance(widths, pikepdf.Array):
            first = int(font.get("/FirstChar", 0))
            for k, v in enumerate(widths):
                self._widths[first + k] = float(v)
            desc = font.get("/FontDescriptor")
            if isinstance(desc, pikepdf.Dictionary) and "/MissingWidth" in desc:
                self._default_width = float(desc["/MissingWidth"])
            return
        from pdfminer.fontmetrics import FONT_METRICS

        base = str(font.get("/BaseFont", ""))[1:].split("+")[-1]
        if base in FONT_METRICS:
            self._std_metrics = {k: float(v) for k, v in FONT_METRICS[base][1].items()}

    def width(self, cid: int) -> float | None:
        """The glyph's advance in 1/1000 em, or None when the font does not say."""
        if cid in self._widths:
            return self._widths[cid]
        for first, last, w in self._width_ranges:
            if first <= cid <= last:
                return w
        if self._std_metrics is not None:
            u = self.unicode(cid)
            if u is not None and u in self._std_metrics:
                return self._std_metrics[u]
            return None
        return self._default_width

    def codes(self, data: bytes) -> Iterator[Code]:
        if not self.multibyte:
            for i, b in enumerate(data):
                yield Code(b, i, i + 1)
        elif self._identity:
            n = self._identity
            for i in range(0, len(data) - n + 1, n):
                yield Code(int.from_bytes(data[i : i + n], "big"), i, i + n)
        else:
            # pdfminer's CMap.decode, keeping where each code starts.
            root = self._cmap.code2cid
            d = root
            start = 0
            for i, b in enumerate(data):
                if d is root:
                    start = i
                if b in d:
                    x = d[b]
                    if isinstance(x, int):
                        yield Code(x, start, i + 1)
                        d = root
                    else:
                        d = x
                else:
                    d = root

    def unicode(self, cid: int) -> str | None:
        if self._tounicode is not None:
            try:
                return self._tounicode.get_unichr(cid)
            except KeyError:
                pass
        if self.multibyte:
            return None
        if self._encoding is not None:
            return self._encoding.get(cid)
        return None


# Helvetica advance widths (AFM, 1/1000 em) of the printable ASCII characters we draw.
_HELV_WIDTHS = {
    " ": 278, "*": 389, "#": 556, "-": 333, ".": 278, "@": 1015, "_": 556, "X": 667, "x": 500,
    **dict.fromkeys("0123456789", 556),
}  # fmt: skip


def helvetica_width(ch: str) -> float:
    """Advance of `ch` in Helvetica. Letters are named after themselves in the AFM; anything
    else a policy token might hold is in the table above or gets a digit's width."""
    if ch in _HELV_WIDTHS:
        return _HELV_WIDTHS[ch]
    if ch.isascii() and ch.isalpha():
        from pdfminer.fontmetrics import FONT_METRICS

        return float(FONT_METRICS["Helvetica"][1].get(ch, 556))
    return 556.0


def private_encoding(font: Any) -> bool:
    """A simple font whose codes mean nothing without its ToUnicode map: an embedded,
    subset, symbolic font with no map and no named glyphs (/Differences). pdfminer would read
    its codes through a standard encoding and produce plausible-looking wrong text, not
    ``(cid:N)``, so this is checked on the font itself."""
    if not isinstance(font, pikepdf.Dictionary) or "/ToUnicode" in font:
        return False
    if str(font.get("/Subtype", "")) not in ("/TrueType", "/Type1", "/MMType1"):
        return False
    base = str(font.get("/BaseFont", ""))[1:]
    desc = font.get("/FontDescriptor")
    if not isinstance(desc, pikepdf.Dictionary):
        return False
    embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    subset = len(base) > 7 and base[6] == "+" and base[:6].isupper() and base[:6].isalpha()
    try:
        symbolic = bool(int(desc.get("/Flags", 0)) & 4)
    except (TypeError, ValueError):
        symbolic = False
    enc = font.get("/Encoding")
    named = isinstance(enc, pikepdf.Dictionary) and "/Differences" in enc
    return embedded and subset and symbolic and not named


def unreadable_font(font: Any) -> str | None:
    """Why the text of `font` cannot be trusted, or None: a private encoding (above), a Type3
    font whose glyph names say nothing and that has no ToUnicode map, or a ToUnicode map that
    contradicts the font's own encoding for digits and letters (a 7 drawn, an ``a`` read)."""
    if not isinstance(font, pikepdf.Dictionary):
        return None
    if private_encoding(font):
        return "a font has no ToUnicode map and a private encoding"
    subtype = str(font.get("/Subtype", ""))
    if subtype == "/Type3" and "/ToUnicode" not in font and not _named_glyphs(font):
        return "a Type3 font has no ToUnicode map and its glyph names say nothing"
    if subtype in ("/Type1", "/TrueType", "/MMType1", "/Type3") and "/ToUnicode" in font:
        return _lying_map(font)
    return None


def _named_glyphs(font: Any) -> bool:
    from pdfminer.glyphlist import glyphname2unicode

    enc = font.get("/Encoding")
    names = [str(x)[1:] for x in enc.get("/Differences", [])] if isinstance(enc, pikepdf.Dictionary) else []
    names = [n for n in names if n and not n.isdigit()]
    return bool(names) and all(n in glyphname2unicode or n.startswith("uni") for n in names)


def _lying_map(font: Any) -> str | None:
    enc = font.get("/Encoding")
    desc = font.get("/FontDescriptor")
    embedded = isinstance(desc, pikepdf.Dictionary) and any(
        k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")
    )
    if enc is None and embedded:
        return None  # the font program's own encoding: nothing to compare with
    info = FontInfo(font)
    if info._encoding is None or info._tounicode is None:
        return None
    for code, drawn in info._encoding.items():
        read = info._tounicode.cid2unichr.get(code)
        if read is None or not drawn or not read:
            continue
        if (drawn.isdigit() or read.isdigit()) and drawn.isascii() and drawn != read:
            return "a font's ToUnicode map reads its digits as other characters"
    return None
