"""Mask, in a written copy, what only the second reading sees, where that can be done safely by
locating the value literally; everything else is left for verification to block.

- zip packages: the value's text (and its XML-escaped form) in the XML or text member the
  second reading named, wherever it stands: character data, attribute, comment, processing
  instruction; the zip comment and bytes after the end record are dropped;
- PDF: every string object holding the value (link URIs, /ActualText, /Opt, page labels);
  old revisions, trailing bytes and unreferenced objects go with a full rewrite;
- HTML and text: the value's bytes in the file's own encoding;
- images: metadata chunks and segments (PNG text chunks, JPEG COM and APPn) are dropped.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from deident.model import Finding
from deident.verify.piece import kind_of
from deident.verify.text import decode_text

Replace = Callable[[Finding], str]


_GAP = r"(?:[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]|&shy;|&#x?0*(?:ad|173|200[b-f]|820[3-7]|2060|8288|feff|65279);)*"


def _char(c: str) -> str:
    """A character as markup can write it: itself, a decimal or hex character reference, a CSS escape."""
    n = ord(c)
    forms = [re.escape(c), f"&#0*{n};", f"&#[xX]0*{n:x};", f"\\\\0*{n:x}(?:\\s|(?![0-9a-fA-F]))"]
    if c in "&<>\"'":
        forms.append(re.escape(html.escape(c, quote=True)))
    return "(?:" + "|".join(forms) + ")"


def locator(value: str) -> re.Pattern[str]:
    """The value wherever it stands in a source, however its characters are written and
    whatever invisible characters split it."""
    return re.compile(_GAP.join(_char(c) for c in value), re.IGNORECASE)


def _replace_all(text: str, found: Sequence[Finding], replace: Replace) -> str:
    for f in sorted(found, key=lambda f: -len(f.text)):
        new = replace(f)
        text = text.replace(f.text, new)
        esc = html.escape(f.text, quote=True)
        if esc != f.text:
            text = text.replace(esc, html.escape(new, quote=True))
        value = re.sub(r"[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]", "", f.text)
        if value:
            text = locator(value).sub(html.escape(new, quote=False).replace("\\", "\\\\"), text)
    return text


def _zip(data: bytes, found: Sequence[Finding], replace: Replace) -> bytes | None:
    by_member: dict[str, list[Finding]] = {}
    for f in found:
        member = f.location.get("member")
        nested = set(f.location) & {"embedded file", "member names", "data uri", "page", "object", "revision"}
        if not isinstance(member, str) or nested:
            if f.location.get("zip") in ("comment", "bytes after the end record"):
                by_member.setdefault("", []).append(f)
                continue
            return None  # nested or not a member: cannot be located here
        by_member.setdefault(member, []).append(f)
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    # Rewritten without the zip comment and without bytes before or after the members.
    with zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            fs = by_member.get(info.filename)
            if fs:
                if any("png chunk" in f.location or "jpeg segment" in f.location for f in fs):
                    body = strip_image_metadata(body)
                else:
                    try:
                        text = body.decode("utf-8")
                    except UnicodeDecodeError:
                        text = ""
                    if not text or "\x00" in text:
                        body = _binary(body, fs, replace)
                        if body is None:
                            return None
                        out.writestr(info, body, compress_type=info.compress_type)
                        continue
                    new = _replace_all(text, fs, replace)
                    if new == text:
                        return None
                    if _well_formed(text) and not _well_formed(new):
                        # The value stood in an element or attribute name: mask with name characters.
                        new = _replace_all(text, fs, lambda f: _NOT_NAME.sub("_", replace(f)))
                    body = new.encode("utf-8")
            out.writestr(info, body, compress_type=info.compress_type)
    return buf.getvalue()


def _binary(body: bytes, found: Sequence[Finding], replace: Replace) -> bytes | None:
    """Mask values in a binary part as UTF-8 or UTF-16LE, keeping every length (offsets inside
    the part stay valid): the masked form is cut or padded with '*' to the value's length."""
    new = body
    for f in found:
        masked = (replace(f) + "*" * len(f.text))[: len(f.text)]
        for enc in ("utf-8", "utf-16-le"):
            value, rep = f.text.encode(enc), masked.encode(enc)
            if len(value) == len(rep):
                new = new.replace(value, rep)
    return new if new != body else None


_NOT_NAME = re.compile(r"[^\w.-]")


def _well_formed(text: str) -> bool:
    from xml.parsers import expat

    if not text.lstrip("\ufeff \r\n\t").startswith("<"):
        return False
    parser = expat.ParserCreate()
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError:
        return False
    return True


def strip_image_metadata(data: bytes) -> bytes:
    if data.startswith(b"\x89PNG"):
        out, pos = bytearray(data[:8]), 8
        while pos + 8 <= len(data):
            (length,) = struct.unpack(">I", data[pos : pos + 4])
            ctype = data[pos + 4 : pos + 8]
            chunk = data[pos : pos + 12 + length]
            pos += 12 + length
            if ctype in (
                b"IHDR",
                b"PLTE",
                b"IDAT",
                b"IEND",
                b"tRNS",
                b"gAMA",
                b"sRGB",
                b"pHYs",
                b"cHRM",
                b"sBIT",
            ):
                out += chunk
            if ctype == b"IEND":
                break
        return bytes(out)
    if data.startswith(b"\xff\xd8"):
        out, pos = bytearray(b"\xff\xd8"), 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            marker = data[pos + 1]
            (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
            if marker == 0xDA:
                end = data.rfind(b"\xff\xd9")
                out += data[pos : end + 2 if end > pos else len(data)]
                return bytes(out)
            keep = not (marker == 0xFE or 0xE1 <= marker <= 0xEF)  # APP0 (JFIF) stays
            if keep:
                out += data[pos : pos + 2 + length]
            pos += 2 + length
        return bytes(out)
    return data


def _pdf(data: bytes, found: Sequence[Finding], replace: Replace) -> bytes | None:
    import pikepdf

    on_pages = [f for f in found if "page" in f.location and "revision" not in f.location]
    attachments = any("embedded file" in f.location for f in found)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if on_pages and not _marked_content(pdf, on_pages, replace):
            return None  # text shown on a page is the structured reader's to mask

        def fix(container: object, depth: int = 0) -> None:
            if depth > 64:
                return
            if attachments and isinstance(container, pikepdf.Dictionary):
                for key in ("/AF", "/EmbeddedFiles", "/EF"):
                    if key in container:
                        del container[key]
            items = container.items() if isinstance(container, pikepdf.Dictionary) else enumerate(container)
            for k, v in list(items):
                if isinstance(v, pikepdf.String):
                    s = str(v)
                    new = _replace_all(s, found, replace)
                    if new != s:
                        container[k] = pikepdf.String(new)
                elif isinstance(v, (pikepdf.Dictionary, pikepdf.Array)) and not v.is_indirect:
                    fix(v, depth + 1)

        streams = {f.location["object"] for f in found if f.location.get("text") == "stream strings"}
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and f"{obj.objgen[0]} {obj.objgen[1]}" in streams:
                _stream_literals(obj, found, replace)
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
                fix(obj)
            elif isinstance(obj, pikepdf.Stream):
                fix(obj.stream_dict)
        # Saving writes only what the trailer reaches: old revisions, bytes after %%EOF and
        # unreferenced objects are gone.
        buf = io.BytesIO()
        pdf.save(buf)
    return buf.getvalue()


_PROPERTY = re.compile(
    rb"/(ActualText|Alt|E|Lang)\s*(\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)|<[0-9A-Fa-f\s]*>)"
)


def _marked_content(pdf: Any, found: Sequence[Finding], replace: Replace) -> bool:
    """Mask values in the properties of marked content (/ActualText, /Alt, /E) of page content
    streams: text a reader extracts that the page does not show. True when anything changed."""
    import pikepdf

    from deident.verify.pdf import operand_strings

    changed = False
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            if stream is None:
                continue
            body = stream.read_bytes()

            def sub(m: re.Match[bytes]) -> bytes:
                nonlocal changed
                text = operand_strings(m.group(2))
                new = _replace_all(text, found, replace)
                if new == text:
                    return m.group()
                changed = True
                return b"/" + m.group(1) + b" <FEFF" + new.encode("utf-16-be").hex().encode() + b">"

            new_body = _PROPERTY.sub(sub, body)
            if new_body != body:
                stream.write(new_body)
    return changed


def _stream_literals(stream: Any, found: Sequence[Finding], replace: Replace) -> None:
    """Mask values written literally in a stream's string operands (a tiling pattern or a form
    XObject no page shows; simple fonts draw the bytes as they stand)."""
    body = stream.read_bytes()
    new = body
    for f in found:
        try:
            value, masked = f.text.encode("latin-1"), replace(f).encode("latin-1")
        except UnicodeEncodeError:
            continue
        new = new.replace(value, masked)
    if new != body:
        stream.write(new)


def scrub(path: Path, found: Sequence[Finding], replace: Replace) -> bool:
    """Mask `found` (second-reading findings in the copy at `path`) in place. False when one of
    them cannot be located by this means; the caller then refuses the copy."""
    data = path.read_bytes()
    kind = kind_of(data, path.suffix)
    new: bytes | None
    if kind == "zip":
        new = _zip(data, found, replace)
    elif kind == "pdf":
        new = _pdf(data, found, replace)
    elif kind == "image":
        new = (
            strip_image_metadata(data)
            if all("png chunk" in f.location or "jpeg segment" in f.location for f in found)
            else None
        )
    elif kind in ("html", "text"):
        text = decode_text(data)
        out = _replace_all(text, found, replace)
        new = out.encode(_encoding_of(data)) if out != text else None
    else:
        new = None
    if new is None or new == data:
        return False
    path.write_bytes(new)
    return True


def _encoding_of(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"
