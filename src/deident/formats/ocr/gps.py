"""Where a photo was taken: the GPS position in its EXIF.

A phone photo of a home visit (入户走访) carries the position of the home to a few metres, which
is a 具体住址 in numbers: a reader of the published photo opens it on a map. The position is
reported as an address of the whole picture (the caller's segment, hinted CN_ADDRESS); the
masked picture is re-encoded without EXIF and XMP (`raster._encode`), so the position goes with
it. Editors (Lightroom, Photoshop, phone galleries) also write the position into the XMP packet
(``exif:GPSLatitude="30,16.4526N"``), sometimes there only: it is read from there too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from lxml import etree
from PIL import ExifTags, Image

from deident.geo import usable

_LAT, _LAT_REF, _LON, _LON_REF = 2, 1, 4, 3
_XMP_EXIF = "{http://ns.adobe.com/exif/1.0/}"
_XMP_TIFF_TAG = 700
# XMP's GPSCoordinate: "DDD,MM,SSk" or "DDD,MM.mmk" (k one of N S E W); a bare decimal is read too.
_XMP_COORD = re.compile(r"\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEWnsew]?)\s*")


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
    (no GPS block, one coordinate only, or 0,0: a camera without a fix writes zeros). EXIF's GPS
    block first, then the XMP packet's."""
    return _exif_position(image) or _xmp_position(image)


def _exif_position(image: Image.Image) -> tuple[float, float] | None:
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


def _xmp_packet(image: Image.Image) -> bytes | None:
    """The XMP packet Pillow kept: JPEG APP1 and WebP chunks as ``xmp``, PNG's iTXt under its
    keyword, TIFF's tag 700."""
    for key in ("xmp", "XML:com.adobe.xmp"):
        value = image.info.get(key)
        if value:
            return value.encode("utf-8") if isinstance(value, str) else bytes(value)
    tags = getattr(image, "tag_v2", None)
    value = tags.get(_XMP_TIFF_TAG) if tags is not None else None
    if value:
        return value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return None


def _xmp_coordinate(text: str | None, negative: str) -> float | None:
    match = _XMP_COORD.fullmatch(text or "")
    if match is None:
        return None
    d, m, s, ref = match.groups()
    value = float(d) + float(m or 0) / 60 + float(s or 0) / 3600
    return -value if ref.upper() == negative else value


def _xmp_position(image: Image.Image) -> tuple[float, float] | None:
    packet = _xmp_packet(image)
    if not packet or b"GPSL" not in packet:
        return None
    start = packet.find(b"<")
    try:
        root = etree.fromstring(packet[start:], etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return None
    found: dict[str, str] = {}
    for el in root.iter():
        for name in ("GPSLatitude", "GPSLongitude"):
            key = _XMP_EXIF + name
            value = el.get(key) if el.get(key) is not None else (el.text if el.tag == key else None)
            if value is not None and name not in found:
                found[name] = value
    lat = _xmp_coordinate(found.get("GPSLatitude"), "S")
    lon = _xmp_coordinate(found.get("GPSLongitude"), "W")
    if lat is None or lon is None or not usable(lat, lon):
        return None
    return lat, lon


def jpeg_position(data: bytes) -> tuple[float, float] | None:
    """The position in a JPEG's EXIF (a PDF's DCT picture stream), read from its header only."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            return position(im)
    except Exception:  # not a JPEG Pillow can open: no position to report from it
        return None


_POSITION_APP1 = (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/")


def without_exif(jpeg: bytes) -> bytes:
    """The JPEG with its EXIF and XMP (APP1 ``Exif``, standard and extended XMP) segments left
    out, every other byte as it was: the picture is not decoded again, so nothing of its look
    changes."""
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
        if not (marker == 0xE1 and jpeg[pos + 4 : pos + 40].startswith(_POSITION_APP1)):
            out.append(jpeg[pos:end])
        pos = end
    out.append(jpeg[pos:])
    return b"".join(out)
