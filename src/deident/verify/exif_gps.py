"""The second reading of a photo's GPS position: EXIF's TIFF structure walked from the bytes
(IFD0 -> the GPS IFD -> latitude and longitude rationals), without Pillow, so a position the
structured reader misses (or a copy it wrote with one left in) is still seen; and the XMP
packet's ``GPSLatitude`` / ``GPSLongitude`` found in the raw text, without an XML parser."""

from __future__ import annotations

import re
import struct

from deident.geo import GPS_REASON, describe, usable
from deident.verify.piece import Piece

_GPS_IFD = 0x8825
_RATIONAL = 5
_ASCII = 2
_MAX_ENTRIES = 1000  # an IFD with more entries is not EXIF's


def _ifd(tiff: bytes, at: int, order: str) -> dict[int, tuple[int, int, int]]:
    """tag -> (type, count, value-or-offset) of the IFD at `at`."""
    if at <= 0 or at + 2 > len(tiff):
        return {}
    (n,) = struct.unpack_from(order + "H", tiff, at)
    out = {}
    for k in range(min(n, _MAX_ENTRIES)):
        pos = at + 2 + 12 * k
        if pos + 12 > len(tiff):
            break
        tag, typ, count, value = struct.unpack_from(order + "HHII", tiff, pos)
        out[tag] = (typ, count, value)
    return out


def _degrees(tiff: bytes, entry: tuple[int, int, int] | None, order: str) -> float | None:
    if entry is None or entry[0] != _RATIONAL or entry[1] < 1:
        return None
    parts = []
    for k in range(min(entry[1], 3)):
        pos = entry[2] + 8 * k
        if pos + 8 > len(tiff):
            return None
        num, den = struct.unpack_from(order + "II", tiff, pos)
        if den == 0:
            return None
        parts.append(num / den)
    parts += [0.0] * (3 - len(parts))
    return parts[0] + parts[1] / 60 + parts[2] / 3600


def _ref(entry: tuple[int, int, int] | None, order: str) -> str:
    """A one-letter reference (N/S, E/W) is stored inside the entry's value field."""
    if entry is None or entry[0] != _ASCII:
        return ""
    return struct.pack(order + "I", entry[2])[:1].decode("latin-1").upper()


def gps_piece(tiff: bytes, place: dict[str, str]) -> Piece | None:
    """The GPS position in a TIFF-structured EXIF block (starting at its byte-order mark)."""
    if tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    (first,) = struct.unpack_from(order + "I", tiff, 4)
    pointer = _ifd(tiff, first, order).get(_GPS_IFD)
    if pointer is None:
        return None
    gps = _ifd(tiff, pointer[2], order)
    lat, lon = _degrees(tiff, gps.get(2), order), _degrees(tiff, gps.get(4), order)
    if lat is None or lon is None or not usable(lat, lon):
        return None
    lat = -lat if _ref(gps.get(1), order) == "S" else lat
    lon = -lon if _ref(gps.get(3), order) == "W" else lon
    return Piece({**place, "exif": "GPS"}, describe(lat, lon), hint="CN_ADDRESS", hint_reason=GPS_REASON)


# exif:GPSLatitude="30,16.4526N" (an attribute) or <exif:GPSLatitude>30,16.4526N</…> (an element).
_XMP_GPS = re.compile(rb"GPS(Latitude|Longitude)\s*(?:=\s*[\"']|>)\s*([0-9.,]+)\s*([NSEWnsew]?)")


def _xmp_degrees(text: bytes) -> float | None:
    parts = text.split(b",")
    if not 1 <= len(parts) <= 3:
        return None
    try:
        values = [float(p) for p in parts] + [0.0, 0.0]
    except ValueError:
        return None
    return values[0] + values[1] / 60 + values[2] / 3600


def xmp_gps_piece(raw: bytes, place: dict[str, str]) -> Piece | None:
    """The GPS position written in an XMP packet anywhere in `raw`."""
    if b"GPSL" not in raw:
        return None
    seen: dict[bytes, float] = {}
    for m in _XMP_GPS.finditer(raw):
        value = _xmp_degrees(m.group(2))
        if value is None or m.group(1) in seen:
            continue
        seen[m.group(1)] = -value if m.group(3).upper() in (b"S", b"W") else value
    lat, lon = seen.get(b"Latitude"), seen.get(b"Longitude")
    if lat is None or lon is None or not usable(lat, lon):
        return None
    return Piece({**place, "xmp": "GPS"}, describe(lat, lon), hint="CN_ADDRESS", hint_reason=GPS_REASON)
