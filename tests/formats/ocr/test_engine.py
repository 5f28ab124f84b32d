"""OCR wrapper: per-character boxes, engine selection, ID-card recognition, and the functions the
Office/PDF readers call for embedded images."""

from __future__ import annotations

import io
import itertools
import random
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from deident.detection.engine import Engine
from deident.errors import BlockedError
from deident.formats.ocr import engine as ocr
from deident.formats.ocr import lines, rapid, tesseract
from deident.formats.ocr.raster import mask_image_bytes
from tests.factories import scans

try:
    import rapidocr_onnxruntime  # noqa: F401

    HAVE_RAPID = True
except ImportError:
    HAVE_RAPID = False
needs_rapid = pytest.mark.skipif(not HAVE_RAPID, reason="rapidocr-onnxruntime not installed")
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def _line(text: str, y: float = 0.0) -> ocr.OcrLine:
    box = (0.0, y, 10.0 * len(text), y + 20.0)
    return ocr.OcrLine(text, 0.99, box, lines.split_quad(lines.quad_of(box), text))


# --- geometry --------------------------------------------------------------------------------


@given(
    text=st.text(alphabet="身份证号码0123456789Xx ：", min_size=1, max_size=40),
    x0=st.floats(0, 500),
    y0=st.floats(0, 500),
    w=st.floats(10, 2000),
    h=st.floats(5, 200),
    slant=st.floats(-0.05, 0.05),
)
@settings(max_examples=200, deadline=None)
def test_split_quad_gives_one_ordered_box_per_character_covering_the_line(
    text: str, x0: float, y0: float, w: float, h: float, slant: float
) -> None:
    quad = ((x0, y0), (x0 + w, y0 + slant * w), (x0 + w, y0 + h + slant * w), (x0, y0 + h))
    boxes = lines.split_quad(quad, text)
    assert len(boxes) == len(text)
    lefts = [b[0] for b in boxes]
    assert lefts == sorted(lefts)
    # consecutive boxes touch: no character of the line falls between two boxes
    for a, b in itertools.pairwise(boxes):
        assert b[0] <= a[2] + 1e-6
    assert boxes[0][0] == pytest.approx(x0)
    assert boxes[-1][2] == pytest.approx(x0 + w)


def test_han_characters_get_wider_boxes_than_digits() -> None:
    boxes = lines.split_quad(((0, 0), (300, 0), (300, 20), (0, 20)), "号12")
    widths = [b[2] - b[0] for b in boxes]
    assert widths[0] > 1.5 * widths[1]


def test_word_boxes_with_spaces_are_aligned_to_characters() -> None:
    text = "电话 138"
    quads = [
        [[0, 0], [20, 0], [20, 20], [0, 20]],
        [[20, 0], [40, 0], [40, 20], [20, 20]],
        [[60, 0], [90, 0], [90, 20], [60, 20]],
    ]
    boxes = rapid._align_words(text, quads, ["电", "话", "138"])
    assert boxes is not None and len(boxes) == len(text)
    assert boxes[2][0] == pytest.approx(40) and boxes[2][2] == pytest.approx(60)  # the space: the gap
    assert boxes[3][0] == pytest.approx(60) and boxes[5][2] == pytest.approx(90)
    assert rapid._align_words(text, quads, ["电", "话", "139"]) is None  # not the line's text


def test_masking_boxes_cover_masked_characters_only() -> None:
    line = _line("电话13812345678")
    boxes = lines.masking_boxes(line, range(5, 9))
    x_min = min(b[0] for b in boxes)
    x_max = max(b[2] for b in boxes)
    assert x_min < line.char_boxes[5][0] + 1 and x_max > line.char_boxes[8][2] - 1
    assert x_min > line.char_boxes[3][2] and x_max < line.char_boxes[10][0]


def test_reading_order_is_rows_then_columns() -> None:
    a = ocr.OcrLine("右", 1, (300, 12, 320, 32), ((300, 12, 320, 32),))
    b = ocr.OcrLine("左", 1, (10, 10, 30, 30), ((10, 10, 30, 30),))
    c = ocr.OcrLine("下", 1, (10, 60, 30, 80), ((10, 60, 30, 80),))
    assert [ln.text for ln in ocr.reading_order([c, a, b])] == ["左", "右", "下"]


def test_tesseract_tsv_is_grouped_into_lines_with_character_boxes() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t10\t20\t20\t95\t电",
        "5\t1\t1\t1\t1\t2\t31\t10\t20\t20\t93\t话",
        "5\t1\t1\t1\t1\t3\t90\t10\t110\t20\t90\t13812345678",
        "5\t1\t1\t1\t2\t1\t10\t50\t20\t20\t96\t完",
    ]
    lines = tesseract.parse_tesseract_tsv("\n".join([header, *rows]))
    assert [ln.text for ln in lines] == ["电话 13812345678", "完"]
    assert len(lines[0].char_boxes) == len(lines[0].text)
    assert lines[0].score == pytest.approx((0.95 + 0.93 + 0.90) / 3)


# --- ID cards --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "is_card"),
    [
        (
            [
                "姓名 张三",
                "性别男 民族汉",
                "出生1990年1月1日",
                "住址广东省廉江市",
                "公民身份号码440881199001011233",
            ],
            True,
        ),
        (["中华人民共和国", "居民身份证", "签发机关廉江市公安局", "有效期限2010.01.01-2030.01.01"], True),
        (["申请人：张三，身份证号码：440881199001011233", "住址：广州市天河区"], False),  # a form
        (["公民身份号码440881199001011233"], False),  # a number alone is no card
        (["请携带居民身份证原件办理", "有效期限内可办理"], False),
    ],
)
def test_id_card_fields(texts: list[str], is_card: bool) -> None:
    lines = [_line(t, 30.0 * k) for k, t in enumerate(texts)]
    assert bool(ocr.id_card_fields(lines)) is is_card


# --- engines ---------------------------------------------------------------------------------


def test_without_any_engine_ocr_is_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoRapid:
        def __init__(self) -> None:
            raise ImportError("rapidocr_onnxruntime")

    monkeypatch.setattr(ocr, "RapidOcrBackend", NoRapid)
    monkeypatch.setattr(ocr, "tesseract_has", lambda lang: False)
    ocr.load_backend.cache_clear()
    try:
        with pytest.raises(BlockedError) as err:
            ocr.load_backend()
        assert err.value.reason == ocr.OCR_MISSING
    finally:
        ocr.load_backend.cache_clear()


def test_an_engine_crash_blocks_instead_of_passing() -> None:
    class Broken:
        name = "broken"

        def recognize(self, image: Image.Image) -> list[ocr.OcrLine]:
            raise RuntimeError("onnx failure")

    with pytest.raises(BlockedError) as err:
        ocr.run_ocr(Image.new("L", (50, 50), 255), backend=Broken())
    assert err.value.reason == "OCR failed"


def _clean_line_image(text: str, size: int = 48) -> Image.Image:
    image = Image.new("L", (size * len(text), size * 3), 255)
    ImageDraw.Draw(image).text((size // 2, size), text, font=scans.font(size), fill=0)
    return image


@needs_rapid
def test_rapidocr_reads_an_id_with_a_box_per_character() -> None:
    rid = "440881199001011233"
    result = ocr.run_ocr(_clean_line_image(f"身份证号码{rid}"), backend=ocr.RapidOcrBackend())
    assert result.engine == "rapidocr"
    line = next(ln for ln in result.lines if rid in ln.text)
    assert len(line.char_boxes) == len(line.text)
    start = line.text.index(rid)
    digits = line.char_boxes[start : start + len(rid)]
    assert all(b[0] < c[0] for b, c in itertools.pairwise(digits))


@needs_tesseract
def test_tesseract_fallback_reads_a_mobile() -> None:
    if not tesseract.tesseract_has("chi_sim"):
        pytest.skip("tesseract-ocr-chi-sim not installed")
    result = ocr.run_ocr(_clean_line_image("联系电话13812345678", 60), backend=ocr.TesseractBackend())
    assert result.engine == "tesseract"
    text = "".join(result.text.split())
    assert "13812345678" in text
    assert all(len(ln.char_boxes) == len(ln.text) for ln in result.lines)


# --- the functions for embedded images -----------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.create()


def _independent_ocr(data: bytes) -> str:
    """Read an image with rapidocr directly, not through deident's wrapper."""
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR

    image = Image.open(io.BytesIO(data)).convert("RGB")
    result, _ = RapidOCR()(np.asarray(image)[:, :, ::-1])
    return "".join("".join(str(r[1]).split()) for r in result or ())


@needs_rapid
def test_embedded_image_findings_and_masking(engine: Engine) -> None:
    page = scans.scan_page(random.Random(11), dpi=200, rows=3)
    buf = io.BytesIO()
    page.image.save(buf, format="PNG")
    findings = ocr.ocr_image_findings(buf.getvalue(), engine)
    found = {f.text for f in findings}
    assert set(page.ids) <= found and set(page.mobiles) <= found
    for f in findings:
        assert {"line", "bbox", "boxes"} <= set(f.location)
    boxes = [b for f in findings for b in f.location["boxes"]]
    masked = mask_image_bytes(buf.getvalue(), boxes)
    assert Image.open(io.BytesIO(masked)).format == "PNG"
    text = _independent_ocr(masked)
    assert not [v for v in page.ids + page.mobiles if v in text]


@needs_rapid
def test_embedded_id_card_gives_a_whole_image_finding(engine: Engine) -> None:
    card = scans.id_card(random.Random(4))
    buf = io.BytesIO()
    card.image.save(buf, format="JPEG", quality=92)
    findings = ocr.ocr_image_findings(buf.getvalue(), engine)
    whole = [f for f in findings if f.attributes.get("whole_image")]
    assert len(whole) == 1
    assert whole[0].entity_type == "CN_RESIDENT_ID"
    assert whole[0].location["boxes"] == [[0, 0, card.image.width, card.image.height]]
    masked = Image.open(io.BytesIO(mask_image_bytes(buf.getvalue(), whole[0].location["boxes"])))
    assert masked.convert("L").getextrema()[1] < 40  # all dark: nothing of the card is left


def test_undecodable_embedded_image_is_blocked(engine: Engine) -> None:
    with pytest.raises(BlockedError) as err:
        ocr.ocr_image_findings(b"\x89PNG\r\n\x1a\n broken", engine)
    assert err.value.reason.startswith("corrupt")


@needs_rapid
def test_embedded_image_masked_with_the_policy_reads_as_masked(engine: Engine) -> None:
    from deident.formats.ocr.raster import mask_image_findings
    from deident.masking.policy import Policy

    page = scans.scan_page(random.Random(13), dpi=200, rows=3)
    buf = io.BytesIO()
    page.image.save(buf, format="PNG")
    findings = ocr.ocr_image_findings(buf.getvalue(), engine)
    assert all(len(f.location["char_boxes"]) == len(f.text) for f in findings)
    policy = Policy.load("gov")
    masked = mask_image_findings(buf.getvalue(), [(f, policy.replacement(f)) for f in findings])
    text = _independent_ocr(masked)
    assert not [v for v in page.ids + page.mobiles if v in text]
    assert "****" in text  # the policy's stars are written where the digits were
    # the masked copy gives no new findings of the values' types
    again = ocr.ocr_image_findings(masked, engine)
    assert [f.entity_type for f in again if f.entity_type in ("CN_RESIDENT_ID", "CN_MOBILE")] == []


@needs_rapid
def test_rapidocr_reads_upright_and_upside_down_scans() -> None:
    # Lines are read without the direction classifier (it flipped upright digit lines and lost
    # them); weak lines are read again with it, so a page scanned upside down is still read.
    page = scans.scan_page(random.Random(5), dpi=200, rows=3)
    backend = ocr.RapidOcrBackend()
    for image in (page.image, page.image.rotate(180, expand=True)):
        text = "".join(line.text for line in ocr.run_ocr(image, backend).lines).replace(" ", "")
        assert all(v in text for v in page.ids + page.mobiles)
