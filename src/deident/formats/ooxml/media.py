"""Pictures inside an OOXML package: which parts are pictures, where each one is shown, and
OCR of every raster picture through `EmbeddedImages`.

A scanned ID card pasted into a Word roster, or a WPS sheet with one ID photo per row
(`xl/cellimages.xml`, shown in cells by ``=DISPIMG("ID_…",1)``), holds its personal data in
pixels. Every raster part (``*/media/*``, any part typed ``image/*``) is OCR'd; its lines become segments of the document located by the part name plus
where the picture is shown. Masking hands back repainted bytes that are stored under the same
member name, in the same image format, so content types and relationships stay valid.

Not read: vector pictures (EMF/WMF, whose text is drawn from records we do not parse) and
audio/video parts; both are listed in the notes. SVG is XML and is read as text with the
other XML parts. A part typed as a picture that cannot be decoded is blocked, never skipped.

The package thumbnail (``docProps/thumbnail.*``) is a rendering of the first page, whose text is
read from the document itself: it is not OCR'd (at 256-512 px its print is not legible to OCR),
and a masked copy gets a blank one, since the original would still show the unmasked values.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deident.errors import BlockedError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.ocr.embedded import RASTER_SUFFIXES, EmbeddedImages
from deident.formats.ooxml.package import Package
from deident.formats.ooxml.text import Target

VECTOR_SUFFIXES = (".emf", ".wmf", ".emz", ".wmz", ".eps", ".pict")
VECTOR_TYPES = frozenset(
    {"image/x-emf", "image/emf", "image/x-wmf", "image/wmf", "image/x-eps", "application/postscript"}
)
# Pillow identifies these but draws nothing we could OCR (or needs Ghostscript for EPS).
VECTOR_FORMATS = frozenset({"WMF", "EMF", "EPS"})
# Formats the masked picture can be written back in; anything else is stored as PNG bytes
# (Word, Excel, WPS and LibreOffice sniff the bytes, not the name).
_WRITABLE = {
    "PNG": "PNG",
    "JPEG": "JPEG",
    "MPO": "JPEG",
    "GIF": "GIF",
    "BMP": "BMP",
    "TIFF": "TIFF",
    "WEBP": "WEBP",
}


def is_thumbnail(name: str) -> bool:
    """The package thumbnail (``docProps/thumbnail.jpeg``/``.wmf``/``.emf``): a picture of the
    first page that Word, WPS or python-docx saved with the file."""
    return name.lower().startswith("docprops/thumbnail")


def blank_like(data: bytes) -> bytes:
    """A white picture of the same size and format as `data` (a 1x1 white PNG if `data`
    cannot be decoded). The thumbnail shows the first page as it was before masking: the
    masked copy must not keep it, and blanking keeps its relationship and content type valid."""
    from PIL import Image

    fmt = picture_format(data)
    size = (1, 1)
    if fmt is not None:
        with Image.open(io.BytesIO(data)) as im:
            size = im.size
    return _save(Image.new("RGB", size, "white"), _WRITABLE.get(fmt or "PNG", "PNG"))


def is_picture_part(name: str, content_type: str) -> bool:
    """Media parts (pictures, audio, video) and any part typed as an image (the thumbnail)."""
    return "/media/" in f"/{name}" or content_type.startswith("image/")


def picture_format(data: bytes) -> str | None:
    """Pillow's name for the image format (from the header only), or None."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            return str(im.format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    except ArithmeticError:  # Pillow's EMF/WMF header parser divides by fields of the file
        return None


def classify(name: str, content_type: str, data: bytes) -> str:
    """ "raster", "vector" or "other" (audio, video). BlockedError for a part that says it is a
    raster picture but cannot be decoded: it may show text we cannot read."""
    lower = name.lower()
    if lower.endswith(VECTOR_SUFFIXES) or content_type in VECTOR_TYPES:
        return "vector"
    fmt = picture_format(data)
    if fmt in VECTOR_FORMATS:
        return "vector"
    if fmt is not None:
        return "raster"
    if content_type.startswith("image/") or lower.endswith(RASTER_SUFFIXES):
        raise BlockedError(
            "picture cannot be read",
            f"{name}: {content_type or 'image'} that cannot be decoded; "
            "compress or re-insert the picture as PNG/JPEG (Word: Picture Format > Reset Picture), or remove it",
        )
    return "other"


def rels_owner(rels_name: str) -> str:
    """The part a relationships part belongs to: word/_rels/document.xml.rels ->
    word/document.xml; _rels/.rels -> "" (the package)."""
    folder, base = posixpath.split(rels_name)
    parent = posixpath.dirname(folder)
    owner = base.removesuffix(".rels")
    return posixpath.join(parent, owner) if owner else ""


def picture_sources(package: Package, pictures: Iterable[str]) -> dict[str, list[str]]:
    """picture part -> the parts whose relationships point at it (document, header, drawing,
    chart, cellimages …), in package order."""
    wanted = set(pictures)
    sources: dict[str, list[str]] = {}
    for name in package.parts:
        if not name.endswith(".rels") or "_rels/" not in f"/{name}":
            continue
        owner = rels_owner(name)
        for _rtype, target, external in package.relationships(owner).values():
            if not external and target in wanted and owner not in sources.setdefault(target, []):
                sources[target].append(owner)
    return sources


class PictureTarget(Target):
    """A segment read by OCR from a picture; rewritten by `PackagePictures.masked`."""

    def __init__(self, part: str) -> None:
        self.part = part

    def apply(self, replacements: Sequence[Replacement]) -> None:  # handled by masked_bytes
        raise AssertionError("picture segments are repainted by PackagePictures.masked")


@dataclass
class PackagePictures:
    """The pictures of one package: OCR'd, skipped, or not read (vector, audio/video)."""

    ctx: FormatContext
    images: EmbeddedImages = field(init=False)
    vector: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    _sources: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.images = EmbeddedImages(self.ctx)

    def read(
        self,
        package: Package,
        names: Sequence[str],
        locate: Callable[[str, list[str]], Mapping[str, Any]],
        next_id: Callable[[], int],
    ) -> list[Segment]:
        """OCR every raster picture of `names`; `locate(part, sources)` says where it is shown."""
        sources = picture_sources(package, names)
        raster: list[str] = []
        for name in names:
            kind = classify(name, package.content_types.get(name, ""), package.parts[name])
            {"vector": self.vector, "other": self.other, "raster": raster}[kind].append(name)
        # The same picture stored twice (Excel copies a pasted picture per anchor) is OCR'd once
        # by EmbeddedImages; its findings name the other parts, so a reviewer sees every copy.
        copies: dict[bytes, list[str]] = {}
        for name in raster:
            copies.setdefault(hashlib.sha256(package.parts[name]).digest(), []).append(name)
        out: list[Segment] = []
        for name in raster:
            data = package.parts[name]
            self._sources[name] = data
            where: dict[str, Any] = {"part": name, **locate(name, sources.get(name, []))}
            others = [n for n in copies[hashlib.sha256(data).digest()] if n != name]
            if others:
                where["copies"] = others
            out.extend(self.images.read(name, data, where, next_id))
        return out

    def notes(self) -> list[str]:
        read, skipped = self.images.read_count, self.images.skipped
        if not (read or skipped or self.vector or self.other):
            return []
        summary = f"{read} picture(s) read by OCR"
        if skipped:
            summary += f", {skipped} skipped as too small to hold text"
        notes = [summary]
        if self.vector:
            notes.append(
                f"{len(self.vector)} vector picture(s) (EMF/WMF) not read: check them by eye "
                f"({', '.join(self.vector[:5])}{' …' if len(self.vector) > 5 else ''})"
            )
        if self.other:
            notes.append(f"{len(self.other)} audio/video part(s) not read")
        return notes + self.images.notes

    def masked(self, replacements: Mapping[int, Sequence[Replacement]]) -> dict[str, bytes]:
        """New bytes for every repainted picture part, in the part's own image format and
        layout."""
        return {
            key: same_layout(data, self._sources[key])
            for key, data in self.images.masked(replacements).items()
        }


def same_format(data: bytes, fmt: str) -> bytes:
    """`data` re-encoded as `fmt` when the repainting wrote another format (GIF and WebP
    pictures come back as PNG), so the member still matches its name and content type."""
    target = _WRITABLE.get(fmt)
    if target is None or picture_format(data) in (fmt, target):
        return data
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return _save(im, target)


def same_layout(data: bytes, source: bytes) -> bytes:
    """The repainted picture laid out like its source. OCR works on the upright picture and
    the repainted copy is saved upright without EXIF (a phone photo's EXIF holds GPS and
    owner). A phone photo stored sideways with an EXIF orientation would then change shape
    inside the frame Word or Excel drew for it: turn the pixels back to the stored layout and
    keep only the orientation tag."""
    from PIL import Image

    with Image.open(io.BytesIO(source)) as src:
        fmt = str(src.format)
        orientation = (
            src.getexif().get(_ORIENTATION, 1) if fmt in ("JPEG", "MPO", "TIFF", "WEBP", "PNG") else 1
        )
    if orientation not in _UNDO:
        return same_format(data, fmt)
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        stored = im.transpose(getattr(Image.Transpose, _UNDO[orientation]))
        stored.info = dict(im.info)
    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    return _save(stored, _WRITABLE.get(fmt, "PNG"), exif=exif.tobytes())


_ORIENTATION = 0x0112
# The inverse of what ImageOps.exif_transpose applies for each EXIF orientation value.
_UNDO = {
    2: "FLIP_LEFT_RIGHT",
    3: "ROTATE_180",
    4: "FLIP_TOP_BOTTOM",
    5: "TRANSPOSE",
    6: "ROTATE_90",
    7: "TRANSVERSE",
    8: "ROTATE_270",
}


def _save(im: Any, target: str, **extra: object) -> bytes:
    frame = im
    if target == "JPEG" and im.mode not in ("RGB", "L", "CMYK"):
        frame = im.convert("RGB")
    elif target == "GIF" and im.mode not in ("P", "L"):
        frame = im.convert("RGB").quantize(256)
    params: dict[str, object] = {"quality": 95} if target in ("JPEG", "WEBP") else {}
    for key in ("dpi", "icc_profile"):
        if key in im.info:
            params[key] = im.info[key]
    buf = io.BytesIO()
    frame.save(buf, format=target, **params, **extra)
    return buf.getvalue()
