"""The attacker's images: values in metadata a viewer shows (PNG text chunks, JPEG COM, EXIF
ImageDescription and UserComment). Reported, and stripped by mask."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

from PIL import Image

from deident.config import ScanConfig
from tests.factories import pii
from tests.verify.attack import assert_caught

# Images are read by OCR (the structured reading) and by their metadata (the second).
WITH_OCR = ScanConfig()

RNG = random.Random(1719)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_text(text: dict[str, str], *, itxt: str | None = None, ztxt: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    data = buf.getvalue()
    end = data.rindex(b"IEND") - 4
    extra = b"".join(
        _chunk(b"tEXt", k.encode("latin-1") + b"\x00" + v.encode("latin-1")) for k, v in text.items()
    )
    if itxt is not None:
        extra += _chunk(b"iTXt", b"Description\x00\x00\x00zh\x00\x00" + itxt.encode("utf-8"))
    if ztxt is not None:
        extra += _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(ztxt.encode("latin-1")))
    return data[:end] + extra + data[end:]


def test_png_text_chunks(tmp_path: Path) -> None:
    v1, v2, v3 = pii.mobile(RNG), pii.resident_id(RNG), pii.mobile(RNG)
    p = tmp_path / "chunks.png"
    p.write_bytes(png_with_text({"Author": f"tel {v1}"}, itxt=f"身份证 {v2}", ztxt=f"call {v3}"))
    assert_caught(p, [v1, v2, v3], config=WITH_OCR)


def test_jpeg_comment_and_exif(tmp_path: Path) -> None:
    v1, v2, v3 = pii.mobile(RNG), pii.resident_id(RNG), pii.mobile(RNG)
    im = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x010E] = f"owner {v1}"  # ImageDescription
    exif.get_ifd(0x8769)[0x9286] = b"UNICODE\x00" + f"身份证 {v2}".encode("utf-16-le")  # UserComment
    buf = io.BytesIO()
    im.save(buf, format="JPEG", exif=exif, comment=f"tel {v3}".encode())
    p = tmp_path / "exif.jpg"
    p.write_bytes(buf.getvalue())
    assert_caught(p, [v1, v2, v3], config=WITH_OCR)
