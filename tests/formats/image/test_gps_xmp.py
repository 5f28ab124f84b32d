"""A photo's position written in its XMP packet (Lightroom, Photoshop and phone galleries write
``exif:GPSLatitude="30,16.4526N"`` there, sometimes there only) is an address like EXIF's: both
readings report it (Pillow's packet parsed with lxml; the second reading's regular expression
over the raw bytes), and the masked copy holds none, checked on its raw bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

import deident
from deident.formats.ocr.gps import position, without_exif
from deident.geo import describe
from deident.verify.image import read_image
from tests.formats.pdf.test_gps import photo_page_pdf

pytest.importorskip("rapidocr_onnxruntime")

_RDF = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"{attrs}>{elements}'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def _coordinate(value: float, pos: str, neg: str) -> str:
    """XMP's GPSCoordinate "DDD,MM.mmmmmmk"."""
    d = int(abs(value))
    return f"{d},{(abs(value) - d) * 60:.6f}{pos if value >= 0 else neg}"


def xmp_packet(lat: float, lon: float, *, elements: bool = False) -> bytes:
    la, lo = _coordinate(lat, "N", "S"), _coordinate(lon, "E", "W")
    if elements:
        body = f"<exif:GPSLatitude>{la}</exif:GPSLatitude><exif:GPSLongitude>{lo}</exif:GPSLongitude>"
        return _RDF.format(attrs="", elements=body).encode()
    return _RDF.format(attrs=f' exif:GPSLatitude="{la}" exif:GPSLongitude="{lo}"', elements="").encode()


def xmp_photo(
    lat: float = 30.274210, lon: float = 120.152057, fmt: str = "JPEG", elements: bool = False
) -> bytes:
    """A photo whose position is in its XMP packet only (no EXIF GPS block)."""
    im = Image.new("RGB", (320, 200), (120, 160, 90))
    xmp = xmp_packet(lat, lon, elements=elements)
    buf = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        im.save(buf, "PNG", pnginfo=info)
    elif fmt == "TIFF":
        im.save(buf, "TIFF", tiffinfo={700: xmp})
    else:
        im.save(buf, fmt, xmp=xmp)
    return buf.getvalue()


def _second(data: bytes) -> list[str]:
    return [p.text for p in read_image(data) if p.hint == "CN_ADDRESS"]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF"])
@pytest.mark.parametrize("elements", [False, True], ids=["attributes", "elements"])
def test_the_xmp_position_is_found_by_both_readings_and_gone_from_the_copy(
    tmp_path: Path, fmt: str, elements: bool
) -> None:
    data = xmp_photo(fmt=fmt, elements=elements)
    src = tmp_path / f"入户走访.{fmt.lower()}"
    src.write_bytes(data)
    report = deident.scan_file(src)
    (f,) = report.findings
    assert f.entity_type == "CN_ADDRESS" and "北纬30.274210" in f.text and "东经120.152057" in f.text
    assert _second(data) == [f.text]  # the second reading reads the same position
    assert not any("second reading found" in n for n in report.notes)
    masked = deident.mask_file(src, tmp_path / f"out.{fmt.lower()}")
    assert masked.output is not None, masked.report.detail
    out = Path(masked.output).read_bytes()
    assert b"GPSLatitude" not in out and b"GPSLongitude" not in out
    assert position(Image.open(io.BytesIO(out))) is None and _second(out) == []


def test_south_and_west_are_negative() -> None:
    data = xmp_photo(-33.856784, -70.648274)
    where = position(Image.open(io.BytesIO(data)))
    assert where is not None and where[0] < 0 and where[1] < 0
    assert _second(data) == [describe(*where)] and "南纬33.856784" in _second(data)[0]


def test_a_packet_without_a_position_or_with_a_broken_one_is_no_position() -> None:
    for packet in (
        _RDF.format(attrs=' exif:GPSLatitude="30,16.45N"', elements="").encode(),  # latitude only
        _RDF.format(attrs=' exif:GPSLatitude="abc" exif:GPSLongitude="120,9E"', elements="").encode(),
        b"<x:xmpmeta GPSLatitude not xml",
    ):
        buf = io.BytesIO()
        Image.new("RGB", (32, 20)).save(buf, "JPEG", xmp=packet)
        assert position(Image.open(io.BytesIO(buf.getvalue()))) is None
        assert _second(buf.getvalue()) == []


def test_without_exif_drops_the_xmp_packet_and_keeps_the_picture() -> None:
    data = xmp_photo()
    bare = without_exif(data)
    assert b"ns.adobe.com/xap" not in bare and position(Image.open(io.BytesIO(bare))) is None
    assert Image.open(io.BytesIO(bare)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_a_pdf_photo_with_an_xmp_position(tmp_path: Path) -> None:
    """A page that is one photo (a scan tool's output): a DCTDecode stream holding the JPEG as it is."""
    src = photo_page_pdf(tmp_path / "走访.pdf", xmp_photo())
    report = deident.scan_file(src)
    assert [f.entity_type for f in report.findings] == ["CN_ADDRESS"], report.findings
    masked = deident.mask_file(src, tmp_path / "out.pdf")
    assert masked.output is not None, masked.report.detail
    out = Path(masked.output).read_bytes()
    with pikepdf.open(masked.output) as pdf:
        stored = [
            bytes(o.read_raw_bytes())
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == pikepdf.Name.Image
        ]
    assert stored and all(b"GPSLatitude" not in s for s in stored) and b"GPSLatitude" not in out


@settings(max_examples=40, deadline=None)
@given(
    lat=st.floats(-89.9, 89.9).filter(lambda v: abs(v) > 1e-3),
    lon=st.floats(-179.9, 179.9).filter(lambda v: abs(v) > 1e-3),
    elements=st.booleans(),
)
def test_property_both_readings_give_the_written_xmp_position(lat: float, lon: float, elements: bool) -> None:
    data = xmp_photo(lat, lon, elements=elements)
    first = position(Image.open(io.BytesIO(data)))
    assert first is not None
    assert _second(data) == [describe(*first)]
    assert abs(first[0] - lat) < 1e-5 and abs(first[1] - lon) < 1e-5
