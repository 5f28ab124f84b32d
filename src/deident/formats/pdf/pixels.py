"""Pixels of one PDF picture: what a reader shows, and writing repainted pixels back.

`decode` decodes an image XObject (or inline image) with pikepdf, and gives its `display`: the
picture as a viewer paints it on white paper (/Decode applied; /SMask, explicit /Mask and
colour-key masks composited; CMYK, Indexed, 1-bit, 16-bit and Lab turned into grey or RGB).
That is what OCR reads.

`repaint` stores the masked picture back. Only the pixels inside `region` (the masked lines,
grown a little) take the new display's values; every other pixel keeps its stored sample, in
the stored colour space where the stored samples can be kept (grey, RGB, CMYK, 1-bit, image
masks). Indexed, 16-bit and Lab pictures are written as RGB or grey. A soft mask or explicit
mask is made opaque inside the region: a picture whose text lives in its alpha channel (black
text on a transparent background) would otherwise keep the glyph shapes in the mask, where
``pdfimages`` finds them. The region is always rewritten as a whole rectangle for the same reason.

Re-encoding: Flate, or DCT for a picture that was a JPEG (a photo stays a photo-sized file).
"""

from __future__ import annotations

import io
import warnings
import zlib
from dataclasses import dataclass
from typing import Any

import pikepdf
from PIL import Image, ImageChops

from deident.errors import BlockedError

JPEG_QUALITY = 92
_DEVICE = {"L": pikepdf.Name.DeviceGray, "RGB": pikepdf.Name.DeviceRGB, "CMYK": pikepdf.Name.DeviceCMYK}
# Colour spaces whose samples we can write back unchanged, by the Pillow mode pikepdf decodes to.
_KEEP_SPACE = {
    "L": ("/DeviceGray", "/CalGray", "/ICCBased"),
    "1": ("/DeviceGray", "/CalGray", "/ICCBased"),
    "RGB": ("/DeviceRGB", "/CalRGB", "/ICCBased"),
    "CMYK": ("/DeviceCMYK", "/ICCBased"),
}


@dataclass(frozen=True, slots=True)
class Decoded:
    base: Image.Image  # the stored samples, /Decode applied, no mask
    display: Image.Image  # "L" or "RGB": what a reader shows over white paper


def _quiet(fn: Any, *args: Any, **kw: Any) -> Any:
    # pikepdf warns (to stderr) about masks it approximates; the warnings say nothing useful
    # to a reviewer and the picture is still read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def filters(pim: Any) -> list[str]:
    try:
        return [str(f) for f in pim.filters]
    except Exception:
        return []


def decode(pim: Any, what: str) -> Decoded:
    """Decode a picture (pikepdf PdfImage or PdfInlineImage); BlockedError when it cannot be."""
    try:
        base = _quiet(pim.as_pil_image, apply_mask=False)
        base.load()
        full = _quiet(pim.as_pil_image) if _has_mask(pim) else base
        return Decoded(base, flatten(full))
    except Exception as exc:  # pikepdf, Pillow and the codecs raise many types
        names = "/".join(f.lstrip("/") for f in filters(pim)) or "no filter"
        raise BlockedError("picture cannot be decoded", f"{what} ({names}, {type(exc).__name__})") from exc


def _has_mask(pim: Any) -> bool:
    obj = getattr(pim, "obj", None)
    return isinstance(obj, pikepdf.Stream) and ("/SMask" in obj or "/Mask" in obj)


def _to_8bit(im: Image.Image) -> Image.Image:
    """16- and 32-bit grey as 8-bit grey (the high byte)."""
    if im.mode not in ("I", "I;16", "I;16B", "I;16L"):
        return im
    import numpy as np

    arr = np.asarray(im).astype(np.int64) >> 8
    return Image.fromarray(np.clip(arr, 0, 255).astype("uint8"), mode="L")


def flatten(im: Image.Image) -> Image.Image:
    """The picture over white paper, as grey ("L") or "RGB"."""
    im = _to_8bit(im)
    if "A" in im.getbands():
        grey = im.mode in ("LA", "La")
        colour = im.convert("LA" if grey else "RGBA")
        paper = Image.new(colour.mode[:-1], im.size, 255 if grey else (255, 255, 255))
        paper.paste(colour.convert(paper.mode), mask=colour.getchannel("A"))
        return paper
    if im.mode in ("1", "L"):
        return im.convert("L")
    return im.convert("RGB")


def png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


# --- writing --------------------------------------------------------------------------------


def _target_mode(base: Image.Image) -> str:
    if base.mode in ("1", "L", "RGB", "CMYK"):
        return base.mode
    if base.mode in ("LA", "La", "I", "I;16", "I;16B", "I;16L"):
        return "L"
    return "RGB"  # Indexed, Lab, RGBA (a JPEG 2000 with its own alpha)


def _patch(base: Image.Image, new_display: Image.Image, region: Image.Image, mode: str) -> Image.Image:
    """`base` as `mode`, with the pixels inside `region` taken from the new display."""
    out = _to_8bit(base)
    out = out.convert(mode) if out.mode != mode else out.copy()
    if mode == "1":
        grey = new_display.convert("L").point(lambda v: 255 if v >= 128 else 0)
        patch = grey.convert("1", dither=Image.Dither.NONE)
    else:
        patch = new_display.convert(mode)
    out.paste(patch, mask=region)
    return out


def _encode(im: Image.Image, jpeg: bool) -> tuple[bytes, pikepdf.Name]:
    if jpeg and im.mode in ("L", "RGB"):
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=JPEG_QUALITY)
        return buf.getvalue(), pikepdf.Name.DCTDecode
    # Pillow's raw "1" rows are packed MSB first and padded to a byte, as PDF wants.
    return zlib.compress(im.tobytes(), 6), pikepdf.Name.FlateDecode


def _opaque(alpha: Image.Image, region: Image.Image) -> Image.Image:
    """`alpha` with the region fully opaque (the region scaled to the mask's own size)."""
    if region.size != alpha.size:
        # Any region pixel touching a mask pixel makes it opaque: never a thin uncovered edge.
        region = region.resize(alpha.size, Image.Resampling.BOX).point(lambda v: 255 if v else 0)
    out = alpha.convert("L")
    out.paste(255, mask=region)
    return out


def _mask_stream(pdf: pikepdf.Pdf, alpha: Image.Image, *, soft: bool) -> pikepdf.Stream:
    """A new /SMask (soft) or explicit /Mask (stencil) stream holding `alpha`."""
    if soft:
        data, extra = (
            zlib.compress(alpha.tobytes(), 6),
            {"ColorSpace": pikepdf.Name.DeviceGray, "BitsPerComponent": 8},
        )
    else:
        # An explicit mask paints where its sample is 0: opaque (alpha 255) -> sample 0.
        bits = ImageChops.invert(alpha).point(lambda v: 255 if v >= 128 else 0)
        data = zlib.compress(bits.convert("1", dither=Image.Dither.NONE).tobytes(), 6)
        extra = {"ImageMask": True, "BitsPerComponent": 1}
    return pdf.make_stream(
        data,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=alpha.width,
        Height=alpha.height,
        Filter=pikepdf.Name.FlateDecode,
        **extra,
    )


def _keeps_space(obj: pikepdf.Stream, base: Image.Image, mode: str) -> bool:
    """Whether the stored colour space still describes the written samples."""
    cs = obj.get("/ColorSpace")
    name = (
        str(cs)
        if isinstance(cs, pikepdf.Name)
        else str(cs[0])
        if isinstance(cs, pikepdf.Array) and len(cs)
        else None
    )
    if base.mode != mode or name not in _KEEP_SPACE.get(mode, ()):
        return False
    if name == "/ICCBased":
        return int(cs[1].get("/N", 0)) == {"1": 1, "L": 1, "RGB": 3, "CMYK": 4}[mode]
    return True


def repaint(
    pdf: pikepdf.Pdf,
    obj: pikepdf.Stream | None,
    pim: Any,
    new_display: Image.Image,
    region: Image.Image,
) -> pikepdf.Stream:
    """Write the masked picture. `obj` is the image XObject, rewritten in place; None for an
    inline image, which becomes a new image XObject (returned). `region` is an "L" mask of the
    display's size, 255 where the new display's pixels replace the stored ones."""
    base = decode(pim, "picture").base
    image_mask = bool(getattr(pim, "image_mask", False))
    mode = "1" if image_mask else _target_mode(base)
    own_alpha = base.getchannel("A") if "A" in base.getbands() else None
    new_base = _patch(base, new_display, region, mode)
    data, filt = _encode(new_base, filters(pim) == ["/DCTDecode"] and not image_mask)
    if obj is None:
        obj = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image)
        keep_space = False
    else:
        keep_space = _keeps_space(obj, base, mode)
        # /Decode was applied while decoding; /Alternates and /OPI point at other copies of
        # the unmasked picture.
        for key in ("/Decode", "/DecodeParms", "/SMaskInData", "/Alternates", "/OPI"):
            if key in obj:
                del obj[key]
    obj.write(data, filter=filt)
    obj.Width, obj.Height = new_base.width, new_base.height
    obj.BitsPerComponent = 1 if mode == "1" else 8
    if image_mask:
        obj.ImageMask = True
        if "/ColorSpace" in obj:
            del obj["/ColorSpace"]
    elif not keep_space:
        obj.ColorSpace = _DEVICE["L" if mode == "1" else mode]
    _repaint_mask(pdf, obj, pim, region, own_alpha)
    return obj


def _repaint_mask(
    pdf: pikepdf.Pdf, obj: pikepdf.Stream, pim: Any, region: Image.Image, own_alpha: Image.Image | None
) -> None:
    """Make the picture's mask opaque inside the region. A new mask stream is written: the old
    one may be shared with a picture that was not masked."""
    smask, mask = obj.get("/SMask"), obj.get("/Mask")
    if isinstance(smask, pikepdf.Stream):
        alpha = _quiet(pikepdf.PdfImage(smask).as_pil_image, apply_mask=False)
        new = _mask_stream(pdf, _opaque(_to_8bit(alpha), region), soft=True)
        if "/Matte" in smask:
            # Inside the region alpha is 1, where a pre-multiplied colour is the colour itself.
            new.Matte = smask.Matte
        obj.SMask = new
    elif isinstance(mask, pikepdf.Stream):
        stencil = _quiet(pikepdf.PdfImage(mask).as_pil_image, apply_mask=False).convert("L")
        obj.Mask = _mask_stream(pdf, _opaque(ImageChops.invert(stencil), region), soft=False)
    elif isinstance(mask, pikepdf.Array):
        # Colour-key masking keys on stored sample values, which repainted pixels may hit: the
        # transparency becomes an explicit soft mask instead.
        full = _quiet(pim.as_pil_image)
        if "A" not in full.getbands():
            raise BlockedError("picture cannot be repainted", "colour-key mask of an unsupported kind")
        del obj["/Mask"]
        obj.SMask = _mask_stream(pdf, _opaque(full.getchannel("A"), region), soft=True)
    elif own_alpha is not None:
        obj.SMask = _mask_stream(pdf, _opaque(own_alpha, region), soft=True)
