"""Where a photo was taken: the GPS position in its EXIF.

A phone photo of a home visit (入户走访) carries the position of the home to a few metres, which
is a 具体住址 in numbers: a reader of the published photo opens it on a map. The position is
reported as an address of the whole picture (the caller's segment, hinted CN_ADDRESS); the
masked picture is re-encoded without EXIF (`raster._encode`), so the position goes with it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import ExifTags, Image

from deident.geo import usable

_LAT, _LAT_REF, _LON, _LON_REF = 2, 1, 4, 3


def _degrees(value: Any) -> float | None:
    """Degrees from EXIF's (degrees, minutes, seconds) rationals, or None when malformed."""
    try:
        parts: Sequence[Any] = tuple(value)
        d, m, s = (float(p) for p in (*parts, 0, 0)[:3])
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return d + m / 60 + s / 3600


def position(image: Image.Image) -> tuple[float, float] | None:
    """(latitude, longitude) in degrees, south and west negative; None without a usable position
    (no GPS block, one coordinate only, or 0,0: a camera without a fix writes zeros)."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # a malformed EXIF block: Pillow raises several types
        return None
    lat, lon = _degrees(gps.get(_LAT)), _degrees(gps.get(_LON))
    if lat is None or lon is None or not usable(lat, lon):
        return None
    if str(gps.get(_LAT_REF, "N")).strip().upper().startswith("S"):
        lat = -lat
    if str(gps.get(_LON_REF, "E")).strip().upper().startswith("W"):
        lon = -lon
    return lat, lon


def jpeg_position(data: bytes) -> tuple[float, float] | None:
    """The position in a JPEG's EXIF (a PDF's DCT picture stream), read from its header only."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            return position(im)
    except Exception:  # not a JPEG Pillow can open: no position to report from it
        return None


def without_exif(jpeg: bytes) -> bytes:
    """The JPEG with its EXIF (APP1 ``Exif``) segments left out, every other byte as it was:
    the picture is not decoded again, so nothing of its look changes."""
    if not jpeg.startswith(b"\xff\xd8"):
        return jpeg
    out, pos = [jpeg[:2]], 2
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF:
        marker = jpeg[pos + 1]
        if marker == 0xDA:  # start of scan: the entropy-coded data follows to the end
            break
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            out.append(jpeg[pos : pos + 2])
            pos += 2
            continue
        end = pos + 2 + int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
        if not (marker == 0xE1 and jpeg[pos + 4 : pos + 10] == b"Exif\x00\x00"):
            out.append(jpeg[pos:end])
        pos = end
    out.append(jpeg[pos:])
    return b"".join(out)
