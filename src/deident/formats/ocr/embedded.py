"""Pictures inside a container file (.docx/.xlsx media, WPS cellimages, PDF image XObjects).

A scanned ID card pasted into a roster is the worst leak an attachment can carry, so every
picture that can hold a line of text is OCR'd like a stand-alone image: each OCR line becomes
a segment of the container document, located by the container's own key (zip part name, PDF
object) plus the image's own ``{"line", "bbox"}``. Masking repaints the picture (the policy's
replacement over the masked characters; an ID card photo blacked out whole) and hands back
new image bytes for the container to store in place of the old ones.

`EmbeddedImages` keeps the images of one container. The container gives it ids for the
segments (its own running counter), so one `write_masked` can route each replacement either to
its text places or to a picture.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deident.errors import BlockedError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.ocr.engine import OCR_MISSING

# A picture smaller than this cannot hold a readable line of digits (an 11-digit mobile needs
# about 5 px per digit at the smallest size OCR reads): icons, bullets, rules, spacer GIFs.
MIN_WIDTH = 48
MIN_HEIGHT = 12

# Raster formats Pillow decodes. Vector pictures (EMF/WMF/SVG) are listed in notes: their text,
# if any, is drawn by the viewer from records we do not read.
RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".jpe", ".gif", ".bmp", ".tif", ".tiff", ".webp")


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header only (no decoding), or None if Pillow cannot open it."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError as exc:
        raise BlockedError(
            OCR_MISSING, "a picture inside the file may hold text: install deident[ocr]"
        ) from exc

    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.width, im.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def too_small(size: tuple[int, int]) -> bool:
    return size[0] < MIN_WIDTH or size[1] < MIN_HEIGHT


@dataclass
class _Picture:
    key: str
    doc: Any  # image.ImageDocument
    where: Mapping[str, Any]
    # container segment id -> the picture's own segment id
    ids: dict[int, int] = field(default_factory=dict)


@dataclass
class EmbeddedImages:
    """The pictures of one container file that were OCR'd, and how to repaint them."""

    ctx: FormatContext
    notes: list[str] = field(default_factory=list)
    _pictures: dict[str, _Picture] = field(default_factory=dict)
    _by_digest: dict[str, str] = field(default_factory=dict)
    _owner: dict[int, str] = field(default_factory=dict)
    skipped: int = 0

    def read(
        self,
        key: str,
        data: bytes,
        where: Mapping[str, Any],
        next_id: Callable[[], int],
    ) -> list[Segment]:
        """OCR one picture; its lines as segments with ids from `next_id` and location
        ``{**where, **line_location}``. A picture too small to hold text, or one that is not a
        raster image, gives no segment and is counted in `skipped`. The same bytes stored under
        two keys are OCR'd once; both keys are repainted. BlockedError when OCR is unavailable
        or the picture is too large or corrupt: the container is then blocked, never clean."""
        size = image_size(data)
        if size is None or too_small(size):
            self.skipped += 1
            return []
        if not self.ctx.config.ocr:
            raise BlockedError(
                OCR_MISSING,
                f"{key}: a picture inside the file may hold text; OCR is turned off in the configuration",
            )
        digest = hashlib.sha256(data).hexdigest()
        first = self._by_digest.get(digest)
        if first is not None:
            # Same picture again (a logo on every page, a copied cell image): mask every copy
            # the same way as the first; its segments are already in the document.
            self._pictures[key] = self._pictures[first]
            return []
        from deident.formats.ocr.picture import ImageDocument

        try:
            doc = ImageDocument(data, self.ctx, name=key)
        except BlockedError as exc:
            raise BlockedError(exc.reason, f"{key}: {exc.detail}" if exc.detail else key) from exc
        picture = _Picture(key, doc, where)
        self._pictures[key] = picture
        self._by_digest[digest] = key
        out: list[Segment] = []
        for seg in doc.segments():
            seg_id = next_id()
            picture.ids[seg_id] = seg.id
            self._owner[seg_id] = key
            out.append(
                Segment(
                    id=seg_id,
                    text=seg.text,
                    location={**where, **seg.location},
                    hint_entity=seg.hint_entity,
                    hint_reason=seg.hint_reason,
                    maskable=seg.maskable,
                )
            )
        self.notes.extend(f"{key}: {n}" for n in doc.notes if n)
        return out

    @property
    def read_count(self) -> int:
        return len(self._by_digest)

    def masked(self, replacements: Mapping[int, Sequence[Replacement]]) -> dict[str, bytes]:
        """New bytes for every picture key with a replacement (same format as the original);
        keys that share bytes with a masked picture get the same new bytes."""
        per_picture: dict[str, dict[int, Sequence[Replacement]]] = {}
        for seg_id, reps in replacements.items():
            key = self._owner.get(seg_id)
            if key is None or not reps:
                continue
            per_picture.setdefault(key, {})[self._pictures[key].ids[seg_id]] = reps
        new: dict[str, bytes] = {}
        for key, reps_by_id in per_picture.items():
            buf = io.BytesIO()
            self._pictures[key].doc.write_masked(reps_by_id, buf)
            new[key] = buf.getvalue()
        for key, picture in self._pictures.items():
            if key not in new and picture.key in new:
                new[key] = new[picture.key]
        return new
