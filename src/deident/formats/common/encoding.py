"""Decode a text file exactly as written and write a masked copy back the same way.

Detection order: a byte-order mark; a declared charset (HTML only); strict UTF-8 over the
whole file; then a short list of Chinese encodings (GB18030, which covers GB2312/GBK, and
Big5), each verified strictly over the whole file. Single-byte codecs such as Latin-1 decode
any bytes at all, so accepting them would turn binary junk into "clean text": they are never
guessed (fail closed), only used when an HTML page declares one.

Text is decoded without newline translation, so ``\\r\\n`` survives the round trip, and the
BOM is kept apart from the codec so the masked copy gets the same BOM back.

`SourceMap` and `edits_for` / `apply_edits` turn a `Replacement` on a segment's text back
into edits of the decoded source: formats whose segment text differs from the source
(HTML entities, CSV quotes) map each character to the source span it came from.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from deident.errors import BlockedError, MaskError

UNDECODABLE = "binary or undecodable content"
READ_BYTES = 1 << 16
SAMPLE_BYTES = 1 << 16

# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Charset labels a page or charset-normalizer may give, folded onto the codec we decode with.
# GB18030 is a strict superset of GB2312 and GBK with the same bytes for their characters.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5",
    "big5hkscs": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cp950": "cp950",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf_8": "utf-8",
}
_GUESSABLE = frozenset({"gb18030", "big5", "big5hkscs", "cp950"})
# Control characters that do not occur in text (tab, newlines, form feed and escape do).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_UNLIKELY = re.compile(r"[\ue000-\uf8ff\ufff0-\uffff\U000f0000-\U0010ffff]")
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True, slots=True)
class TextEncoding:
    """How a file is encoded: `codec` never writes a BOM itself; `bom` is written back as found."""

    codec: str
    bom: bytes = b""

    @property
    def label(self) -> str:
        return f"{self.codec} with BOM" if self.bom else self.codec


def sniff_bom(head: bytes) -> TextEncoding | None:
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return TextEncoding(codec, bom)
    return None


def normalise_label(label: str) -> str | None:
    """The codec for a declared charset label, or None when Python does not know it."""
    name = label.strip().strip("\"'").lower()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    head = text[:SAMPLE_BYTES]
    if len(_CONTROL.findall(head)) > max(2, len(head) // 100):
        return True
    # GB18030 maps most byte pairs somewhere, often into the private use area: junk bytes
    # "decode", but real text has few such characters (a rare name character at most).
    return len(_UNLIKELY.findall(head)) > max(4, len(head) // 10)


def _utf16_without_bom(sample: bytes) -> str | None:
    """BOM-less UTF-16: ASCII characters leave NUL bytes all on one parity."""
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    total = even + odd
    if total < 2:
        return None
    if odd >= 0.95 * total:
        return "utf-16-le"
    if even >= 0.95 * total:
        return "utf-16-be"
    return None


def _broken_utf8(sample: bytes) -> bool:
    """Mostly valid UTF-8 with a few bad bytes: a damaged UTF-8 file, not GBK. Decoding it as
    GB18030 would succeed and silently turn names and addresses into mojibake."""
    high = len(_HIGH.findall(sample))
    if high < 8:
        return False
    in_seqs = sum(len(m) for m in _UTF8_SEQ.findall(sample))
    return in_seqs >= 0.9 * high


def _guess(sample: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(sample).best()
    return None if best is None else normalise_label(best.encoding)


# Frequent characters shared by simplified and traditional text: the decoding that yields
# more of them is the right one.
_COMMON = frozenset(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小"
    "么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民"
    "样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什"
    "打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处"
    "总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光"
    "王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百"
)


def _common_chars(sample: bytes, codec: str) -> int:
    return sum(1 for ch in sample.decode(codec, errors="ignore") if ch in _COMMON)


def _single_byte(codec: str) -> bool:
    try:
        return codecs.lookup(codec).name in _SINGLE_BYTE or codec.startswith(("iso8859", "cp125", "latin"))
    except LookupError:
        return False


_SINGLE_BYTE = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii", "windows-1252"})


def _fallbacks(sample: bytes) -> Iterator[str]:
    """Codecs to try after strict UTF-8 failed, most likely first. Lazy: charset-normalizer
    only runs for files that are not UTF-8."""
    if _broken_utf8(sample):
        return  # damaged UTF-8: no other codec is right
    # Mainland content is GB18030 far more often than Big5, and short samples fool
    # charset-normalizer; Big5 goes first only when it reads as more common characters.
    guess = _guess(sample)
    if (
        guess in _GUESSABLE
        and guess != "gb18030"
        and _common_chars(sample, guess) > _common_chars(sample, "gb18030")
    ):
        yield guess
    yield "gb18030"
    if guess != "big5":
        yield "big5"


def iter_decoded(
    path: Path, enc: TextEncoding, read_bytes: int | None = None, *, what: str = "file"
) -> Iterator[str]:
    """Decoded pieces of the file (BOM skipped), strictly: bad bytes raise BlockedError."""
    read_bytes = read_bytes or READ_BYTES
    decoder = codecs.getincrementaldecoder(enc.codec)(errors="strict")
    try:
        with path.open("rb") as fh:
            skip = fh.read(len(enc.bom)) if enc.bom else b""
            if skip != enc.bom:
                raise BlockedError(UNDECODABLE, f"{what} changed while being read")
            while True:
                block = fh.read(read_bytes)
                final = not block
                try:
                    piece = decoder.decode(block, final=final)
                except UnicodeDecodeError as exc:
                    raise BlockedError(UNDECODABLE, f"invalid {enc.codec} bytes in {what}") from exc
                if piece:
                    yield piece
                if final:
                    return
    except OSError as exc:
        raise BlockedError("unreadable", f"{what}: {exc.strerror or type(exc).__name__}") from exc


def _decodes_fully(path: Path, enc: TextEncoding) -> bool:
    try:
        for piece in iter_decoded(path, enc):
            if _looks_binary(piece):
                return False
    except BlockedError as exc:
        if exc.reason == "unreadable":
            raise
        return False
    return True


def detect_file(path: Path) -> TextEncoding:
    """The encoding of a text file of any size, verified over every byte (streaming)."""
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise BlockedError("unreadable", exc.strerror or type(exc).__name__) from exc
    if not sample:
        return TextEncoding("utf-8")
    found = sniff_bom(sample)
    if found is not None:
        if not _decodes_fully(path, found):
            raise BlockedError(UNDECODABLE, f"invalid {found.label} content")
        return found
    if b"\x00" in sample:
        codec = _utf16_without_bom(sample)
        if codec is not None and _decodes_fully(path, TextEncoding(codec)):
            return TextEncoding(codec)
        raise BlockedError(UNDECODABLE, "NUL bytes in a file that is not UTF-16")
    if _decodes_fully(path, TextEncoding("utf-8")):
        return TextEncoding("utf-8")
    for codec in _fallbacks(sample):
        if _decodes_fully(path, TextEncoding(codec)):
            return TextEncoding(codec)
    raise BlockedError(UNDECODABLE, "not valid UTF-8, UTF-16, GB18030 or Big5")


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, TextEncoding]:
    """Decode a whole file held in memory. `declared` is a charset label found in the file
    (HTML ``<meta charset>``); it is tried after a BOM and strict UTF-8."""
    if not data:
        return "", TextEncoding("utf-8")
    sample = data[:SAMPLE_BYTES]
    found = sniff_bom(data)
    for enc in _in_memory_candidates(sample, found, declared):
        try:
            text = data[len(enc.bom) :].decode(enc.codec, errors="strict")
        except (UnicodeDecodeError, LookupError):
            continue
        if not _looks_binary(text):
            return text, enc
    if found is None and b"\x00" in sample:
        raise BlockedError(UNDECODABLE, "NUL bytes in a file that is not UTF-16")
    raise BlockedError(UNDECODABLE, "not valid in its declared or any detected encoding")


def _in_memory_candidates(
    sample: bytes, bom: TextEncoding | None, declared: str | None
) -> Iterator[TextEncoding]:
    if bom is not None:
        yield bom
        return
    if b"\x00" in sample:
        codec = _utf16_without_bom(sample)
        if codec:
            yield TextEncoding(codec)
        return
    yield TextEncoding("utf-8")
    dec = normalise_label(declared) if declared else None
    if dec in ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32") or _broken_utf8(sample):
        dec = None  # a meta tag in ASCII bytes is not UTF-16; damaged UTF-8 is not GBK
    if dec and _single_byte(dec) and _common_chars(sample, "gb18030") >= 8:
        # Old CMS templates declare ISO-8859-1 over GBK content; a single-byte codec
        # would decode it into Latin mojibake and hide every name.
        dec = None
    if dec:
        yield TextEncoding(dec)
    for codec in _fallbacks(sample):
        if codec != dec:
            yield TextEncoding(codec)


class Encoder:
    """Streams text back into the file's encoding, BOM first."""

    def __init__(self, enc: TextEncoding) -> None:
        self._enc = enc
        self._encoder = codecs.getincrementalencoder(enc.codec)(errors="strict")
        self._started = False

    def encode(self, text: str, final: bool = False) -> bytes:
        head = b""
        if not self._started:
            head, self._started = self._enc.bom, True
        try:
            return head + self._encoder.encode(text, final)
        except UnicodeEncodeError as exc:
            raise MaskError(f"the replacement text cannot be written in {self._enc.codec}") from exc


# --- mapping segment text back to the source -------------------------------------------------


# (text_start, text_end, source_start, source_end, literal): a literal run maps character i
# to the source character at source_start + (i - text_start); any other run's characters
# stand for the whole source span together (a character reference, a %XX sequence, or the
# line break a <br> means, whose source span is empty).
Run = tuple[int, int, int, int, bool]


class SourceMap:
    """Where each character of a segment's text came from in the decoded source.

    A contiguous map (plain text, an unquoted CSV cell) stores only `base`. Otherwise the map
    is a list of runs, so a page of plain text costs a few tuples, not one per character.
    """

    __slots__ = ("_keys", "base", "runs")

    def __init__(self, base: int = 0, runs: Sequence[Run] | None = None):
        self.base = base
        self.runs = runs
        self._keys = [r[0] for r in runs] if runs is not None else None

    @classmethod
    def from_chars(cls, starts: Sequence[int], ends: Sequence[int]) -> SourceMap:
        """Character i came from source[starts[i]:ends[i]]."""
        runs: list[Run] = []
        for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
            literal = e == s + 1
            if literal and runs and runs[-1][4] and runs[-1][1] == i and runs[-1][3] == s:
                ts, _te, ss, _se, _lit = runs[-1]
                runs[-1] = (ts, i + 1, ss, e, True)
            else:
                runs.append((i, i + 1, s, e, literal))
        return cls(0, runs)

    def spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """Source spans of characters [start, end), merged where they touch, empty ones dropped."""
        if self.runs is None or self._keys is None:
            return [(self.base + start, self.base + end)] if end > start else []
        merged: list[tuple[int, int]] = []
        i = max(0, bisect.bisect_right(self._keys, start) - 1)
        runs = self.runs
        while i < len(runs) and runs[i][0] < end:
            ts, te, ss, se, literal = runs[i]
            i += 1
            lo, hi = max(start, ts), min(end, te)
            if lo >= hi:
                continue
            s, e = (ss + lo - ts, ss + hi - ts) if literal else (ss, se)
            if e <= s:
                continue
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged

    def source_start(self, i: int) -> int:
        """Where character i came from (for line numbers)."""
        spans = self.spans(i, i + 1)
        if spans:
            return spans[0][0]
        if self.runs:  # a synthetic character: where its run points
            k = max(0, bisect.bisect_right(self._keys or [], i) - 1)
            return self.runs[k][2]
        return self.base + i


Edit = tuple[int, int, str]


def edits_for(
    smap: SourceMap,
    replacements: Sequence[object],
    escape: Callable[[str], str] | None = None,
    *,
    length: int,
) -> list[Edit]:
    """Source edits for replacements on one segment: the replacement goes into the first
    character's source span and every other character of the span is emptied; markup between
    the characters (tags, quotes) is never touched."""
    edits: list[Edit] = []
    for rep in replacements:
        start, end, text = rep.start, rep.end, rep.text  # type: ignore[attr-defined]
        if not 0 <= start <= end <= length:
            raise MaskError("a replacement lies outside its segment")
        spans = smap.spans(start, end)
        if not spans:
            continue
        new = escape(text) if escape is not None else text
        edits.append((spans[0][0], spans[0][1], new))
        edits.extend((s, e, "") for s, e in spans[1:])
    return edits


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    if not edits:
        return source
    ordered = sorted(edits, key=lambda e: (e[0], e[1]))
    parts: list[str] = []
    pos = 0
    for s, e, text in ordered:
        if s < pos or e > len(source):
            raise MaskError("overlapping or out-of-range replacements")
        parts.append(source[pos:s])
        parts.append(text)
        pos = e
    parts.append(source[pos:])
    return "".join(parts)
