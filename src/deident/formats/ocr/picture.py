"""A picture read as a document: every OCR line a segment, a photo of an ID card one more
segment over the whole image, the GPS position in its EXIF one more (`gps`), and the masked
picture painted and encoded in its own format (without EXIF)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from deident.errors import BlockedError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.ocr.engine import (
    ID_CARD_TEXT,
    OcrResult,
    id_card_fields,
    id_card_reason,
    run_ocr,
)
from deident.formats.ocr.gps import position
from deident.formats.ocr.raster import Marks, _encode, _frames, _open
from deident.geo import GPS_REASON, describe


@dataclass(frozen=True, slots=True)
class _Place:
    frame: int
    line: int | None  # None: the whole-image ID-card segment
    gps: bool = False  # the EXIF position: nothing to paint (the masked picture has no EXIF)


class ImageDocument:
    output_suffix: str | None = None

    def __init__(self, data: bytes, ctx: FormatContext, *, name: str = "image") -> None:
        if not ctx.config.ocr:
            raise BlockedError("OCR is needed to read images", "OCR is turned off in the configuration")
        self._source = _open(data, ctx.limits.max_image_pixels)
        self._frames = _frames(self._source)
        self._results: list[OcrResult] = [run_ocr(f) for f in self._frames]
        self._segments: list[Segment] = []
        self._places: list[_Place] = []
        notes: list[str] = []
        multi = len(self._frames) > 1
        for k, result in enumerate(self._results):
            prefix = f"page {k + 1}: " if multi else ""
            notes.append(prefix + result.confidence_note())
            for n, line in enumerate(result.lines):
                loc: dict[str, object] = {"line": n, "bbox": [round(v, 1) for v in line.box]}
                if multi:
                    loc = {"frame": k, **loc}
                self._add(Segment(id=len(self._segments), text=line.text, location=loc), _Place(k, n))
            fields = id_card_fields(result.lines)
            if fields:
                reason = id_card_reason(fields)
                notes.append(prefix + reason + ": the whole image is personal data")
                loc = {"image": "whole", "bbox": [0, 0, result.width, result.height]}
                if multi:
                    loc = {"frame": k, **loc}
                seg = Segment(
                    id=len(self._segments),
                    text=ID_CARD_TEXT,
                    location=loc,
                    hint_entity="CN_RESIDENT_ID",
                    hint_reason=reason,
                )
                self._add(seg, _Place(k, None))
        where = position(self._source)
        if where is not None:
            seg = Segment(
                id=len(self._segments),
                text=describe(*where),
                location={"exif": "GPS"},
                hint_entity="CN_ADDRESS",
                hint_reason=GPS_REASON,
            )
            self._add(seg, _Place(0, None, gps=True))
        self.notes: tuple[str, ...] = tuple(notes)

    def _add(self, seg: Segment, place: _Place) -> None:
        self._segments.append(seg)
        self._places.append(place)

    def segments(self) -> Iterable[Segment]:
        return iter(self._segments)

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        marks: dict[int, Marks] = {}
        for seg_id, reps in replacements.items():
            if not reps:
                continue
            place = self._places[seg_id]
            if place.gps:
                continue
            frame = self._frames[place.frame]
            m = marks.setdefault(place.frame, Marks())
            if place.line is None:
                m.black.append((0, 0, frame.width, frame.height))
            else:
                m.add_line(self._results[place.frame].lines[place.line], reps)
        frames = [marks[k].apply(f) if k in marks else f for k, f in enumerate(self._frames)]
        _encode(frames, self._source, out)
