"""Scanned pages, ID-card photos and legacy Office files for the OCR and legacy tests.

`scan_page` renders government-notice-like text holding IDs and mobiles onto an A4-width
image at a chosen dpi, then adds what a scanner adds: a slight rotation, noise and JPEG
artefacts. It returns the image and the values that were printed (the ground truth for
recall). `id_card` draws the front of a 居民身份证-like card. `make_doc` / `make_xls` build
real .doc/.xls files by converting a .docx/.xlsx with LibreOffice.

Usage::

    from tests.factories import scans
    page = scans.scan_page(random.Random(1), dpi=200, rows=4)
    page.image.save(tmp / "scan.png"); page.ids; page.mobiles
"""

from __future__ import annotations

import html
import io
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.factories import pii

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
A4_WIDTH_IN = 8.27

TITLES = (
    "关于2024年度城乡居民最低生活保障对象的公示",
    "关于发放困难群众临时救助金的公示",
    "廉江市2023年农村危房改造补助对象名单公示",
    "关于征收补偿对象信息核对的通知",
)
FOOTERS = (
    "公示期间如有异议，请向镇人民政府民政办反映。监督电话：12345",
    "公示时间：2024年3月1日至2024年3月7日。",
    "特此公示。",
)


def font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size_px)


@dataclass(frozen=True)
class ScanPage:
    image: Image.Image
    lines: tuple[str, ...]
    ids: tuple[str, ...]
    mobiles: tuple[str, ...]
    dpi: int


def _row(rng: random.Random) -> tuple[str, str, str]:
    name = pii.person_name(rng, kind="single")
    rid = pii.resident_id(rng)
    mob = pii.mobile(rng)
    style = rng.randrange(3)
    if style == 0:
        text = f"申请人：{name}，身份证号码：{rid}，联系电话：{mob}"
    elif style == 1:
        text = f"{name}  公民身份号码 {rid}  手机 {mob}"
    else:
        text = f"户主{name}（身份证号{rid}），电话{mob}，家庭人口3人"
    return text, rid, mob


def degrade(
    image: Image.Image, rng: random.Random, *, angle: float | None = None, noise: float = 12.0
) -> Image.Image:
    """What a scanner does: rotate slightly, blur a little, add grain, compress as JPEG."""
    import numpy as np

    angle = rng.uniform(-1.5, 1.5) if angle is None else angle
    out = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    out = out.filter(ImageFilter.GaussianBlur(radius=0.6))
    arr = np.asarray(out.convert("L"), dtype=np.float32)
    noise_rng = np.random.default_rng(rng.randrange(1 << 30))
    arr = arr + noise_rng.normal(0.0, noise, arr.shape)
    # Paper is not pure white: a faint grey cast, as flatbed scans have.
    arr = np.clip(arr * 0.96 + 4, 0, 255).astype("uint8")
    buf = io.BytesIO()
    Image.fromarray(arr, mode="L").save(buf, format="JPEG", quality=80)
    buf.seek(0)
    return Image.open(buf).convert("L")


def scan_page(
    rng: random.Random, *, dpi: int = 200, rows: int = 5, angle: float | None = None, noise: float = 12.0
) -> ScanPage:
    """An A4-width page (height fitted to the text) of a 公示 with `rows` people, at `dpi`."""
    size = round(12 / 72 * dpi)  # 12 pt body text (小四)
    width = round(A4_WIDTH_IN * dpi)
    margin = round(0.8 * dpi)
    lines = [rng.choice(TITLES), "根据有关规定，现将审核结果公示如下："]
    ids: list[str] = []
    mobiles: list[str] = []
    for _ in range(rows):
        text, rid, mob = _row(rng)
        lines.append(text)
        ids.append(rid)
        mobiles.append(mob)
    lines.append(rng.choice(FOOTERS))
    f = font(size)
    height = margin * 2 + round(len(lines) * size * 1.9)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = margin
    for text in lines:
        draw.text((margin, y), text, font=f, fill=0)
        y += round(size * 1.9)
    image = degrade(image, rng, angle=angle, noise=noise)
    image.info["dpi"] = (dpi, dpi)
    return ScanPage(image=image, lines=tuple(lines), ids=tuple(ids), mobiles=tuple(mobiles), dpi=dpi)


def blank_page(dpi: int = 150) -> Image.Image:
    return Image.new("L", (round(A4_WIDTH_IN * dpi), round(3 * dpi)), 255)


@dataclass(frozen=True)
class IdCard:
    image: Image.Image
    id_number: str
    name: str


def id_card(rng: random.Random, *, scale: float = 1.0) -> IdCard:
    """The front of a 居民身份证-like card (856 x 540 px at scale 1, i.e. ~254 dpi)."""
    w, h = round(856 * scale), round(540 * scale)
    image = Image.new("RGB", (w, h), (236, 240, 246))
    draw = ImageDraw.Draw(image)
    small, big = font(round(26 * scale)), font(round(32 * scale))
    name = pii.person_name(rng, kind="single")
    rid = pii.resident_id(rng)
    addr, _ = pii.address(rng, kind="village")
    birth = rid[6:14]
    label = (90, 110, 140)
    x0, x1 = round(50 * scale), round(160 * scale)

    def put(y: float, lab: str, value: str, x: int = x1, f: ImageFont.FreeTypeFont = big) -> None:
        draw.text((x0, round(y * scale)), lab, font=small, fill=label)
        draw.text((x, round(y * scale)), value, font=f, fill=(20, 20, 20))

    put(50, "姓名", name)
    put(120, "性别", "男")
    draw.text((round(300 * scale), round(120 * scale)), "民族", font=small, fill=label)
    draw.text((round(400 * scale), round(120 * scale)), "汉", font=big, fill=(20, 20, 20))
    put(190, "出生", f"{birth[:4]}年{int(birth[4:6])}月{int(birth[6:])}日")
    put(260, "住址", addr[:12])
    draw.text((x1, round(310 * scale)), addr[12:], font=big, fill=(20, 20, 20))
    put(440, "公民身份号码", rid, x=round(300 * scale))
    # The portrait: a grey silhouette where the photo is.
    draw.rectangle(
        (round(600 * scale), round(60 * scale), round(810 * scale), round(330 * scale)), fill=(180, 186, 196)
    )
    draw.ellipse(
        (round(650 * scale), round(90 * scale), round(760 * scale), round(210 * scale)), fill=(120, 124, 130)
    )
    return IdCard(image=image, id_number=rid, name=name)


def encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    """The image as file bytes (PNG, JPEG quality 90 unless given, GIF …), for pasting into a
    container (.docx/.xlsx media, PDF image XObjects)."""
    buf = io.BytesIO()
    if fmt == "JPEG":
        params.setdefault("quality", 90)
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    image.save(buf, format=fmt, **params)
    return buf.getvalue()


def logo(size: int = 32) -> Image.Image:
    """A small coloured emblem, too small to hold a line of text: pictures like it are skipped."""
    image = Image.new("RGB", (size, size), (200, 30, 30))
    ImageDraw.Draw(image).ellipse((4, 4, size - 5, size - 5), fill=(250, 210, 0))
    return image


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(src: Path, target: str, dst: Path, *, infilter: str | None = None) -> Path:
    """Convert with LibreOffice directly (not deident's runner: the factory must not trust
    the code under test)."""
    binary = _soffice()
    if binary is None:
        raise RuntimeError("LibreOffice is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        filters = {
            "doc": "doc:MS Word 97",
            "xls": "xls:MS Excel 97",
            "odt": "odt",
            "ods": "ods",
            "rtf": "rtf",
        }
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                *([f"--infilter={infilter}"] if infilter else []),
                "--convert-to",
                filters[target],
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        out = Path(tmp) / (src.stem + "." + target)
        shutil.copyfile(out, dst)
    return dst


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    doc.save(str(path))
    return path


def make_xlsx(path: Path, rows: list[list[str]], sheet: str = "名单") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(str(path))
    return path


def make_doc(
    path: Path, paragraphs: list[str], table: list[list[str]] | None = None, *, fmt: str = "doc"
) -> Path:
    """A real .doc (or .odt/.rtf with `fmt`) made by LibreOffice from a python-docx file.

    With a table the source is HTML instead: LibreOffice 7.4 flattens a python-docx table into
    one paragraph when it exports .doc, and a flattened table is not what real files hold."""
    with tempfile.TemporaryDirectory() as tmp:
        if not table:
            return _convert(make_docx(Path(tmp) / "source.docx", paragraphs), fmt, path)
        src = Path(tmp) / "source.html"
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in table)
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) + f'<table border="1">{rows}</table>'
        src.write_text(
            f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>', encoding="utf-8"
        )
        return _convert(src, fmt, path, infilter="HTML (StarWriter)")


def make_xls(path: Path, rows: list[list[str]], *, fmt: str = "xls") -> Path:
    """A real .xls (or .ods with `fmt`) made by LibreOffice from an openpyxl file."""
    with tempfile.TemporaryDirectory() as tmp:
        src = make_xlsx(Path(tmp) / "source.xlsx", rows)
        return _convert(src, fmt, path)


def people(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """(name, resident id, mobile) for `n` synthetic people."""
    return [(pii.person_name(rng, kind="single"), pii.resident_id(rng), pii.mobile(rng)) for _ in range(n)]


# --- Pages rendered from the labelled corpus (benchmarks/ocr.py) -----------------------------

TARGET_TYPES = ("CN_RESIDENT_ID", "CN_MOBILE")
# Deliberately invalid values are not PII a scanner must find; they stay out of the truth.
OFF_TARGET = ("checksum_invalid", "unallocated")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class CorpusPage:
    image: Image.Image
    truth: tuple[tuple[str, str], ...]  # (entity type, normalised value) printed on the page
    dpi: int
    source: str


def _wrap(units: list[str], f: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy wrap that never splits a unit (a labelled value is one unit)."""
    lines, cur = [], ""
    for u in units:
        if cur and f.getlength(cur + u) > width:
            lines.append(cur)
            cur = u.lstrip()
        else:
            cur += u
    if cur.strip():
        lines.append(cur)
    return lines


def corpus_pages(
    corpus: Path, *, dpi: int, rng: random.Random, limit: int, lines_per_page: int = 9
) -> list[CorpusPage]:
    """Scans of the corpus lines that hold resident IDs and mobiles, at `dpi`, each page
    rotated, blurred, grained and JPEG-compressed like a flatbed scan."""
    import json

    size = round(12 / 72 * dpi)
    width = round(A4_WIDTH_IN * dpi)
    margin = round(0.6 * dpi)
    f = font(size)
    pages: list[CorpusPage] = []
    docs = [json.loads(line) for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    rng.shuffle(docs)
    for doc in docs:
        text = (corpus / doc["file"]).read_text(encoding="utf-8")
        spans = sorted(
            (s for s in doc["spans"] if s["entity_type"] in TARGET_TYPES and s["variant"] not in OFF_TARGET),
            key=lambda s: s["start"],
        )
        if not spans:
            continue
        rendered: list[str] = []
        truth: list[tuple[str, str]] = []
        pos = 0
        for line in text.splitlines(keepends=True):
            start, end = pos, pos + len(line)
            pos = end
            inside = [s for s in spans if start <= s["start"] and s["end"] <= end]
            if not inside:
                continue
            units: list[str] = []
            cur = start
            for s in inside:
                units.extend(text[cur : s["start"]])
                units.append(text[s["start"] : s["end"]])
                cur = s["end"]
            units.extend(text[cur:end].rstrip("\n"))
            units = [u.replace("\t", "    ").translate(_INVISIBLE) for u in units]
            rendered.extend(_wrap([u for u in units if u], f, width - 2 * margin))
            truth.extend((s["entity_type"], s.get("value", s["text"])) for s in inside)
            if len(rendered) >= lines_per_page:
                break
        if not truth:
            continue
        height = margin * 2 + round(len(rendered) * size * 1.9)
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        y = margin
        for line in rendered:
            draw.text((margin, y), line, font=f, fill=0)
            y += round(size * 1.9)
        image = degrade(image, rng)
        pages.append(CorpusPage(image=image, truth=tuple(truth), dpi=dpi, source=doc["file"]))
        if len(pages) >= limit:
            break
    return pages
