"""A photo's GPS position is where it was taken: a home visit's photo gives the home's position.
Both readings report it (Pillow's EXIF and the second reading's own TIFF walk), the masked copy
has none (checked with Pillow, the second reading and exiftool-like raw bytes), and a photo
without a position stays clean."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image

import deident
from deident.formats.ocr.gps import position
from deident.geo import describe
from deident.model import Status
from deident.verify.image import read_image
from tests.factories import office

pytest.importorskip("rapidocr_onnxruntime")

_GPS_TAG = (0x8825).to_bytes(2, "little")  # the GPS IFD pointer's tag, little-endian EXIF


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    return (float(d), float(m), round((value - d - m / 60) * 3600, 4))


def photo(lat: float | None = 31.230417, lon: float | None = 121.473694, fmt: str = "JPEG") -> bytes:
    """A phone-like photo (no text on it) whose EXIF holds a camera make and, unless None, a position."""
    im = Image.new("RGB", (320, 200), (120, 160, 90))
    ex = Image.Exif()
    ex[0x010F] = "HUAWEI"
    if lat is not None and lon is not None:
        gps = ex.get_ifd(ExifTags.IFD.GPSInfo)
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    buf = io.BytesIO()
    im.save(buf, fmt, exif=ex.tobytes())
    return buf.getvalue()


def _second(data: bytes) -> list[str]:
    return [p.text for p in read_image(data) if p.hint == "CN_ADDRESS"]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF"])
def test_the_position_is_an_address_and_the_masked_copy_has_none(tmp_path: Path, fmt: str) -> None:
    src = tmp_path / f"入户走访.{fmt.lower()}"
    src.write_bytes(photo(fmt=fmt))
    report = deident.scan_file(src)
    (f,) = report.findings
    assert f.entity_type == "CN_ADDRESS" and f.location == {"exif": "GPS"}
    assert "北纬31.23" in f.text and "东经121.47" in f.text
    assert not any("second reading found" in n for n in report.notes)  # both readings agree
    masked = deident.mask_file(src, tmp_path / f"out.{fmt.lower()}")
    assert masked.output is not None, masked.report.detail
    out = Path(masked.output).read_bytes()
    assert position(Image.open(io.BytesIO(out))) is None and _second(out) == []
    assert _GPS_TAG not in out or fmt == "TIFF"  # TIFF's own tags may hold those two bytes
    assert Image.open(io.BytesIO(out)).size == (320, 200)
    assert deident.scan_file(Path(masked.output)).status is Status.CLEAN


def test_a_photo_without_a_position_stays_clean(tmp_path: Path) -> None:
    for name, data in {"无定位.jpg": photo(None, None), "零点.jpg": photo(0.0, 0.0)}.items():
        (tmp_path / name).write_bytes(data)
        assert deident.scan_file(tmp_path / name).status is Status.CLEAN, name


def test_a_reviewer_can_keep_the_position_of_a_public_place(tmp_path: Path) -> None:
    """An event photo at the government building: decided not personal data, it is published
    as it is (the original bytes, EXIF included)."""
    src = tmp_path / "会议.jpg"
    src.write_bytes(photo())
    (f,) = deident.scan_file(src).findings
    kept = deident.mask_file(src, tmp_path / "out.jpg", keep=[f.text])
    assert kept.output is not None and Path(kept.output).read_bytes() == src.read_bytes()


def test_a_photo_inside_a_docx(tmp_path: Path) -> None:
    src = tmp_path / "走访记录.docx"
    src.write_bytes(office.docx_pictures([photo()], text="2024年3月入户走访情况"))
    report = deident.scan_file(src)
    assert [f.entity_type for f in report.findings] == ["CN_ADDRESS"], report.findings
    masked = deident.mask_file(src, tmp_path / "out.docx")
    assert masked.output is not None, masked.report.detail
    with zipfile.ZipFile(masked.output) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert media and all(position(Image.open(io.BytesIO(m))) is None and not _second(m) for m in media)


@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(-89.9, 89.9).filter(lambda v: abs(v) > 1e-3),
    lon=st.floats(-179.9, 179.9).filter(lambda v: abs(v) > 1e-3),
    fmt=st.sampled_from(["JPEG", "PNG"]),
)
def test_property_both_readings_give_the_same_position(lat: float, lon: float, fmt: str) -> None:
    data = photo(lat, lon, fmt)
    first = position(Image.open(io.BytesIO(data)))
    assert first is not None
    assert _second(data) == [describe(*first)]
    # And it is the position written, to the precision EXIF's rationals keep.
    assert abs(first[0] - lat) < 1e-4 and abs(first[1] - lon) < 1e-4
