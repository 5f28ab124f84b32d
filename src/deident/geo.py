"""A photo's GPS position written as a reviewer reads it, the same by both readings (the
structured reader's Pillow and the second reading's own EXIF parser), so one position is one
value to decide on."""

from __future__ import annotations

GPS_TEXT = "照片拍摄位置（GPS）：{lat}，{lon}"
GPS_REASON = "the photo's EXIF holds the GPS position where it was taken"


def usable(lat: float, lon: float) -> bool:
    """A position, not a camera without a fix (0, 0) nor malformed rationals."""
    ok = lat == lat and lon == lon and abs(lat) <= 90 and abs(lon) <= 180  # NaN != NaN
    return ok and not (lat == 0 and lon == 0)


def describe(lat: float, lon: float) -> str:
    """北纬/南纬 and 东经/西经 with six decimals (about 0.1 m)."""
    ns = "北纬" if lat >= 0 else "南纬"
    ew = "东经" if lon >= 0 else "西经"
    return GPS_TEXT.format(lat=f"{ns}{abs(lat):.6f}°", lon=f"{ew}{abs(lon):.6f}°")
