"""Builders for realistic and hostile PDF test inputs.

Realistic: LibreOffice exports of .docx files (embedded subset CJK TrueType fonts as
Type0/Identity-H with ToUnicode), rosters whose narrow table columns wrap ID numbers across
lines inside a cell, multi-page. Hostile: no ToUnicode, scans (image only), encrypted,
broken xref, incremental updates whose old revision holds personal data, object streams.

LibreOffice needs a private user profile per call (concurrent soffice processes sharing a
profile fail or hang), so every conversion gets its own ``-env:UserInstallation``.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.factories import pii

CJK_FONT = "WenQuanYi Zen Hei"
A4_WIDTH_PT = 595


def have_soffice() -> bool:
    return shutil.which("soffice") is not None


@dataclass(frozen=True)
class RosterRow:
    name: str
    resident_id: str
    mobile: str
    address: str


def roster_rows(rng: random.Random, n: int) -> list[RosterRow]:
    rows = []
    for _ in range(n):
        addr, _split = pii.address(rng)
        rows.append(RosterRow(pii.person_name(rng), pii.resident_id(rng), pii.mobile(rng), addr))
    return rows


def _set_cjk_font(run, size_pt: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = CJK_FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), CJK_FONT)
    if size_pt:
        run.font.size = Pt(size_pt)


def roster_docx(
    path: Path,
    rows: Sequence[RosterRow],
    *,
    title: str = "2024年城乡居民最低生活保障对象公示名单",
    body: Sequence[str] = (),
    id_col_cm: float = 1.6,
    author: str | None = None,
) -> Path:
    """A Word roster: title, body paragraphs, a bordered table 序号/姓名/身份证号码/联系电话/家庭住址.
    `id_col_cm` narrow enough makes LibreOffice wrap the ID digits inside the cell."""
    import docx
    from docx.shared import Cm

    d = docx.Document()
    if author is not None:
        d.core_properties.author = author
    _set_cjk_font(d.add_paragraph().add_run(title), 14)
    for text in body:
        _set_cjk_font(d.add_paragraph().add_run(text), 10.5)
    table = d.add_table(rows=1 + len(rows), cols=5)
    table.style = "Table Grid"
    table.autofit = False
    widths = (Cm(1.0), Cm(1.8), Cm(id_col_cm), Cm(2.8), Cm(6.0))
    header = ("序号", "姓名", "身份证号码", "联系电话", "家庭住址")
    for r, values in enumerate(
        [header, *[(str(i + 1), x.name, x.resident_id, x.mobile, x.address) for i, x in enumerate(rows)]]
    ):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = widths[c]
            cell.paragraphs[0].text = ""
            _set_cjk_font(cell.paragraphs[0].add_run(value), 10.5)
    d.add_paragraph("")
    _set_cjk_font(d.add_paragraph().add_run("公示期为2024年3月1日至3月7日，监督电话：0750-5512345。"), 10.5)
    d.save(str(path))
    return path


def docx_to_pdf(src: Path, out_dir: Path, *, timeout: float = 180) -> Path:
    """Convert with LibreOffice headless, private profile per call."""
    profile = Path(tempfile.gettempdir()) / f"lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = out_dir / (src.stem + ".pdf")
    if not out.exists():
        raise RuntimeError(f"LibreOffice did not write {out}")
    return out


# Full-width characters a line of body text holds at 10.5 pt in python-docx's default page.
BODY_LINE_CHARS = 41


def paragraphs_pdf(tmp: Path, paragraphs: Sequence[str], name: str = "paragraphs") -> Path:
    """A Word document of body paragraphs (10.5 pt, the CJK font) exported by LibreOffice: a
    paragraph longer than `BODY_LINE_CHARS` full-width characters wraps onto the next line."""
    import docx

    d = docx.Document()
    for text in paragraphs:
        _set_cjk_font(d.add_paragraph().add_run(text), 10.5)
    src = tmp / f"{name}.docx"
    d.save(str(src))
    return docx_to_pdf(src, tmp)


def roster_pdf(tmp: Path, rows: Sequence[RosterRow], **kw) -> Path:
    src = roster_docx(tmp / "roster.docx", rows, **kw)
    return docx_to_pdf(src, tmp)


# --- hand-built PDFs (exact control over objects and offsets) ---------------------------


def _pdf_string(text: str) -> bytes:
    return (
        b"("
        + text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


def build_pdf(objects: dict[int, bytes], root: int, *, info: int | None = None) -> bytes:
    """Assemble numbered objects into a classic-xref PDF (one revision)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    trailer = b"<< /Size %d /Root %d 0 R" % (size, root)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_ops(
    lines: Sequence[str], *, x: float = 72, y: float = 760, size: float = 12, lead: float = 18
) -> bytes:
    ops = [b"BT /F1 %g Tf %g TL %g %g Td" % (size, lead, x, y)]
    for i, line in enumerate(lines):
        ops.append((b"" if i == 0 else b"T* ") + _pdf_string(line) + b" Tj")
    ops.append(b"ET")
    return b"\n".join(ops)


def helvetica_pdf(
    pages: Sequence[Sequence[str]],
    *,
    rotate: int = 0,
    media: tuple[float, float] = (612, 792),
    info_author: str | None = None,
    compress: bool = True,
) -> bytes:
    """Latin/digit text in the standard Helvetica font (WinAnsi), one page per line list."""
    objs: dict[int, bytes] = {}
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    kids = []
    n = 10
    for lines in pages:
        objs[n] = _stream(text_ops(lines), compress=compress)
        objs[n + 1] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Rotate %d /Contents %d 0 R >>" % (
            media[0],
            media[1],
            rotate,
            n,
        )
        kids.append(b"%d 0 R" % (n + 1))
        n += 2
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d /Resources << /Font << /F1 3 0 R >> >> >>" % (
        b" ".join(kids),
        len(kids),
    )
    info = None
    if info_author is not None:
        objs[4] = b"<< /Author <FEFF%s> /Producer (test) >>" % info_author.encode("utf-16-be").hex().encode()
        info = 4
    return build_pdf(objs, 1, info=info)


def incremental_update(base: bytes, page_obj: int, content_obj: int, new_lines: Sequence[str]) -> bytes:
    """Append an incremental update replacing one page's content stream. The old stream (with
    whatever it said) stays in the file before the first %%EOF, as real editors leave it."""
    m = re.findall(rb"startxref\s+(\d+)", base)
    prev = int(m[-1])
    size = int(re.findall(rb"/Size (\d+)", base)[-1])
    root = int(re.findall(rb"/Root (\d+) 0 R", base)[-1])
    page_src = re.search(rb"\n%d 0 obj\n(.*?)\nendobj" % page_obj, base, re.S)
    assert page_src is not None
    new_page = re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % size, page_src.group(1))
    out = bytearray(base)
    if not out.endswith(b"\n"):
        out += b"\n"
    off_content = len(out)
    out += b"%d 0 obj\n" % size + _stream(text_ops(new_lines)) + b"\nendobj\n"
    off_page = len(out)
    out += b"%d 0 obj\n" % page_obj + new_page + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n%d 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (page_obj, off_page, size, off_content)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1,
        root,
        prev,
        xref_at,
    )
    del content_obj
    return bytes(out)


def scanned_pdf(*, text_too: str | None = None) -> bytes:
    """One page that is only an image (a scan): grey noise 200x100 drawn over the page."""
    rng = random.Random(3)
    w, h = 200, 100
    pixels = bytes(rng.randrange(256) for _ in range(w * h))
    objs: dict[int, bytes] = {}
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"
    objs[3] = _stream(
        pixels,
        b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        % (w, h),
    )
    ops = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
    res = b"/XObject << /Im1 3 0 R >>"
    if text_too is not None:
        ops += b"\n" + text_ops([text_too])
        objs[6] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        res += b" /Font << /F1 6 0 R >>"
    objs[5] = _stream(ops)
    objs[4] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << %s >> >>" % res
    )
    return build_pdf(objs, 1)


def broken_xref(pdf: bytes) -> bytes:
    """Point startxref at garbage and shift every xref offset: readers must reconstruct."""
    out = re.sub(rb"startxref\s+\d+", b"startxref\n999999", pdf)
    return re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), out)


# --- transformations of existing PDFs with pikepdf --------------------------------------


def strip_tounicode(src: Path, dst: Path) -> Path:
    import pikepdf

    with pikepdf.open(src) as pdf:
        for obj in pdf.objects:
            if (
                isinstance(obj, pikepdf.Dictionary)
                and obj.get("/Type") == pikepdf.Name.Font
                and "/ToUnicode" in obj
            ):
                del obj["/ToUnicode"]
        pdf.save(dst)
    return dst


def rotate_pages(src: Path, dst: Path, angle: int = 90) -> Path:
    import pikepdf

    with pikepdf.open(src) as pdf:
        for page in pdf.pages:
            page.obj["/Rotate"] = angle
        pdf.save(dst)
    return dst


def encrypt(src: Path, dst: Path, *, user: str = "", owner: str = "owner-secret") -> Path:
    import pikepdf

    with pikepdf.open(src) as pdf:
        pdf.save(dst, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))
    return dst


def with_object_streams(src: Path, dst: Path) -> Path:
    import pikepdf

    with pikepdf.open(src) as pdf:
        pdf.save(dst, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return dst


def add_annotation_outline_js(
    src: Path, dst: Path, *, note: str, outline: str, field_value: str, xmp_creator: str = "张三丰"
) -> Path:
    """A text annotation whose /Contents holds `note`, an outline titled `outline`, a form
    field whose value is `field_value`, XMP metadata naming `xmp_creator`, document
    JavaScript and an embedded file."""
    import pikepdf

    with pikepdf.open(src) as pdf:
        page = pdf.pages[0]
        annot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Text,
                Rect=[100, 100, 120, 120],
                Contents=pikepdf.String(note),
                T=pikepdf.String("审核人"),
            )
        )
        field = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                FT=pikepdf.Name.Tx,
                T=pikepdf.String("phone"),
                V=pikepdf.String(field_value),
                Rect=[100, 200, 300, 220],
                P=page.obj,
            )
        )
        page.obj["/Annots"] = pdf.make_indirect(pikepdf.Array([annot, field]))
        pdf.Root["/AcroForm"] = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
        with pdf.open_outline() as ol:
            ol.root.append(pikepdf.OutlineItem(outline, 0))
        js = pdf.make_stream(b"app.alert('hi');")
        pdf.Root["/Names"] = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(
                Names=pikepdf.Array(
                    [pikepdf.String("a"), pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=js)]
                )
            )
        )
        pdf.attachments["secret.txt"] = pikepdf.AttachedFileSpec(pdf, b"attached data")
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = [xmp_creator]
        pdf.save(dst)
    return dst


# --- Type0 / Identity-H font, hand-built --------------------------------------------------


def _tounicode_cmap(cid_of: dict[str, int]) -> bytes:
    items = sorted((cid, ch) for ch, cid in cid_of.items())
    out = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for i in range(0, len(items), 100):
        chunk = items[i : i + 100]
        out.append(b"%d beginbfchar" % len(chunk))
        out += [b"<%04X> <%s>" % (cid, ch.encode("utf-16-be").hex().upper().encode()) for cid, ch in chunk]
        out.append(b"endbfchar")
    out.append(b"endcmap CMapName currentdict /CIDInit /ProcSet findresource pop end end")
    return b"\n".join(out)


def identity_h_pdf(
    lines: Sequence[str],
    *,
    xobject_lines: Sequence[str] = (),
    tounicode: bool = True,
    char_spacing: float = 0.0,
    kern_every: int = 0,
    quote_op: bool = False,
) -> bytes:
    """Text in a Type0 font with Identity-H encoding (2-byte CIDs, the usual export of CJK
    fonts), widths in /W (Han 1000, others 500), a ToUnicode map, optionally some lines drawn
    inside a form XObject, TJ kerning numbers, char spacing and the ' operator. The font
    program is not embedded (viewers substitute); extraction goes through ToUnicode."""
    chars = sorted({c for line in [*lines, *xobject_lines] for c in line})
    cid_of = {c: i + 1 for i, c in enumerate(chars)}
    widths = b" ".join(b"%d [%d]" % (cid_of[c], 1000 if ord(c) > 0x2E80 else 500) for c in chars)

    def show(line: str) -> bytes:
        if not kern_every:
            return b"<" + "".join(f"{cid_of[c]:04X}" for c in line).encode() + b"> Tj"
        parts = []
        for i in range(0, len(line), kern_every):
            parts.append(b"<" + "".join(f"{cid_of[c]:04X}" for c in line[i : i + kern_every]).encode() + b">")
            parts.append(b"-20")
        return b"[" + b" ".join(parts[:-1]) + b"] TJ"

    def body(ls: Sequence[str], y: float) -> bytes:
        ops = [b"BT /F1 12 Tf %g Tc 16 TL 72 %g Td" % (char_spacing, y)]
        for i, line in enumerate(ls):
            if i and quote_op and not kern_every:
                ops.append(b"<" + "".join(f"{cid_of[c]:04X}" for c in line).encode() + b"> '")
            else:
                ops.append((b"T* " if i else b"") + show(line))
        ops.append(b"ET")
        return b"\n".join(ops)

    objs: dict[int, bytes] = {}
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    fonts = b"/Font << /F1 5 0 R >>"
    content = body(lines, 740)
    xo = b""
    if xobject_lines:
        objs[9] = _stream(
            body(xobject_lines, 300),
            b" /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << %s >>" % fonts,
        )
        content += b"\nq /X1 Do Q"
        xo = b" /XObject << /X1 9 0 R >>"
    objs[4] = _stream(content)
    objs[3] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << %s%s >> >>"
        % (
            fonts,
            xo,
        )
    )
    tu = b" /ToUnicode 8 0 R" if tounicode else b""
    objs[5] = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R]%s >>"
        % tu
    )
    objs[6] = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 /W [%s] >>" % widths
    )
    objs[7] = (
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 "
        b"/Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>"
    )
    if tounicode:
        objs[8] = _stream(_tounicode_cmap(cid_of))
    return build_pdf(objs, 1)


# --- independent extractors for attacker-style checks -----------------------------------


def have_poppler() -> bool:
    return shutil.which("pdftotext") is not None and shutil.which("pdftoppm") is not None


def poppler_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, timeout=120
    ).stdout.decode("utf-8")


def pdfium_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        parts = []
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            parts.append(tp.get_text_range())
        return "\n".join(parts)
    finally:
        doc.close()


def leaked(path: Path, values: Sequence[str]) -> list[tuple[str, str]]:
    """(extractor, value) for every personal value either extractor can still find, also with
    whitespace removed (a value split over lines or spaced glyphs)."""
    found = []
    for name, text in (("pdftotext", poppler_text(path)), ("pdfium", pdfium_text(path))):
        squeezed = re.sub(r"\s+", "", text)
        for v in values:
            if v in text or re.sub(r"\s+", "", v) in squeezed:
                found.append((name, v))
    return found


def page_boxes(path: Path) -> list[tuple[float, float, int]]:
    """(width, height, rotate) of every page, read with pikepdf."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            box = [float(v) for v in page.mediabox]
            out.append((box[2] - box[0], box[3] - box[1], int(page.obj.get("/Rotate", 0))))
        return out


def glyph_positions(path: Path) -> list[list[tuple[str, float, float]]]:
    """(text, x0, y0) of every glyph per page, straight from pdfminer without deident."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer, LTPage

    pages = []
    for layout in extract_pages(str(path)):
        assert isinstance(layout, LTPage)
        out: list[tuple[str, float, float]] = []

        def walk(c, out=out) -> None:
            for o in c:
                if isinstance(o, LTChar):
                    out.append((o.get_text(), round(o.x0, 2), round(o.y0, 2)))
                elif isinstance(o, LTContainer):
                    walk(o)

        walk(layout)
        pages.append(out)
    return pages


def render_gray(path: Path, page: int, dpi: int = 50) -> tuple[int, int, bytes]:
    """Render one page (1-based) with poppler to 8-bit grey: (width, height, pixels)."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "p"
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(path), str(prefix)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        (out,) = Path(tmp).glob("p*.pgm")
        data = out.read_bytes()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert m is not None
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end() : m.end() + w * h]


def revisions(data: bytes) -> int:
    return data.count(b"%%EOF")


def all_stream_bytes(path: Path) -> bytes:
    """Every object of the file, streams decoded: what a forensic reader sees."""
    import pikepdf

    chunks = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    chunks.append(obj.read_raw_bytes())
            else:
                chunks.append(repr(obj).encode("utf-8", "replace"))
    return b"\n".join(chunks)


# --- text PDFs with pictures (pikepdf) ------------------------------------------------------


@dataclass(frozen=True)
class TextRun:
    """One string of the text layer: Helvetica at (x, y) in points, `scale` percent wide (Tz)."""

    x: float
    y: float
    size: float
    text: str
    scale: float = 100.0


def text_lines(lines: Sequence[str], *, x: float = 72, y: float = 800, size: float = 12) -> list[TextRun]:
    return [TextRun(x, y - 18 * i, size, line) for i, line in enumerate(lines)]


@dataclass(frozen=True)
class Drawn:
    """A picture for `pictures_pdf`: drawn at `rect` (x, y, width, height in points) on every
    page of `pages` (one object drawn on all of them). "L"/"RGB" images are stored as they are,
    "RGBA" as RGB with an /SMask, "1" as 1-bit grey; `encoding` "flate", "dct" (JPEG) or
    "cmyk" (Flate CMYK, the ink in K).
    `inline` draws it as an inline image (BI … ID … EI), `in_form` inside a form XObject."""

    image: object  # PIL.Image.Image
    rect: tuple[float, float, float, float]
    pages: tuple[int, ...] = (0,)
    encoding: str = "flate"
    inline: bool = False
    in_form: bool = False


def _image_stream(pdf, image, encoding: str):
    import io

    import pikepdf

    spaces = {
        "L": pikepdf.Name.DeviceGray,
        "1": pikepdf.Name.DeviceGray,
        "RGB": pikepdf.Name.DeviceRGB,
        "CMYK": pikepdf.Name.DeviceCMYK,
    }
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    base = image.convert("RGB") if alpha is not None else image
    if encoding == "dct":
        buf = io.BytesIO()
        base.save(buf, format="JPEG", quality=90)
        data, filt = buf.getvalue(), pikepdf.Name.DCTDecode
    elif encoding == "cmyk":
        # Ink in the K channel, as print workflows store black text.
        from PIL import Image, ImageOps

        zero = Image.new("L", base.size, 0)
        ink = ImageOps.invert(base.convert("L"))
        base = Image.merge("CMYK", (zero, zero, zero, ink))
        data, filt = zlib.compress(base.tobytes()), pikepdf.Name.FlateDecode
    else:
        data, filt = zlib.compress(base.tobytes()), pikepdf.Name.FlateDecode
    stream = pdf.make_stream(
        data,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=base.width,
        Height=base.height,
        ColorSpace=spaces[base.mode],
        BitsPerComponent=1 if base.mode == "1" else 8,
        Filter=filt,
    )
    if alpha is not None:
        stream.SMask = pdf.make_stream(
            zlib.compress(alpha.tobytes()),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=alpha.width,
            Height=alpha.height,
            ColorSpace=pikepdf.Name.DeviceGray,
            BitsPerComponent=8,
            Filter=pikepdf.Name.FlateDecode,
        )
    return stream


def _inline_ops(image) -> bytes:
    # ASCIIHex over Flate: the data holds no "EI" a parser could take for the end.
    cs = {"L": b"/G", "RGB": b"/RGB"}[image.mode]
    data = zlib.compress(image.tobytes()).hex().encode() + b">"
    return (
        b"BI /W %d /H %d /CS %s /BPC 8 /F [/AHx /Fl] ID\n" % (image.width, image.height, cs) + data + b"\nEI"
    )


def pictures_pdf(
    pages: Sequence[Sequence[TextRun]],
    pictures: Sequence[Drawn],
    *,
    media: tuple[float, float] = (595, 842),
    invisible_text: bool = False,
) -> bytes:
    """A PDF with a text layer (Helvetica runs, drawn over the pictures; invisible with
    `invisible_text`, as a scanner's OCR layer is) and pictures."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    streams = [
        None if d.inline else pdf.make_indirect(_image_stream(pdf, d.image, d.encoding)) for d in pictures
    ]
    for p, runs in enumerate(pages):
        xobjects = pikepdf.Dictionary()
        ops: list[bytes] = []
        for n, (d, stream) in enumerate(zip(pictures, streams, strict=True)):
            if p not in d.pages:
                continue
            x, y, w, h = d.rect
            place = b"q %g 0 0 %g %g %g cm " % (w, h, x, y)
            if d.inline:
                ops.append(place + _inline_ops(d.image) + b" Q")
            elif d.in_form:
                form = pdf.make_stream(
                    place + b"/Im0 Do Q",
                    Type=pikepdf.Name.XObject,
                    Subtype=pikepdf.Name.Form,
                    BBox=[0, 0, media[0], media[1]],
                    Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
                )
                xobjects[f"/Fm{n}"] = form
                ops.append(b"/Fm%d Do" % n)
            else:
                xobjects[f"/Im{n}"] = stream
                ops.append(place + b"/Im%d Do Q" % n)
        text = [b"BT /F1 12 Tf" + (b" 3 Tr" if invisible_text else b"")]
        for r in runs:
            text.append(
                b"/F1 %g Tf %g Tz 1 0 0 1 %g %g Tm %s Tj" % (r.size, r.scale, r.x, r.y, _pdf_string(r.text))
            )
        text.append(b"ET")
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, media[0], media[1]],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font), XObject=xobjects),
            Contents=pdf.make_stream(b"\n".join([*ops, *text])),
        )
        pdf.pages.append(pikepdf.Page(page))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


PICTURE_KINDS = (
    "gray",
    "gray-decode",
    "gray16",
    "cmyk",
    "indexed",
    "1bit",
    "imagemask",
    "smask",
    "mask",
    "dct-gray",
    "dct-rgb",
    "inline",
)


def encoded_picture_pdf(
    grey, kind: str, *, rect: tuple[float, float, float, float] = (40, 600, 450, 60)
) -> bytes:
    """One page with a text line and `grey` (a "L" picture, dark ink on white) stored the way
    `kind` says, each of which a reader shows as `grey` (1-bit kinds: thresholded at 128):
    /Decode [1 0] over inverted samples, 16-bit grey, CMYK (ink in K), Indexed over a grey
    ramp, 1-bit grey, a stencil /ImageMask, black under an /SMask or explicit /Mask that holds
    the ink, JPEG grey and RGB, an inline image."""
    import io

    import pikepdf
    from PIL import Image, ImageOps

    pdf = pikepdf.new()
    w, h = grey.size
    ink = ImageOps.invert(grey)
    bits = grey.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
    image = {"Type": pikepdf.Name.XObject, "Subtype": pikepdf.Name.Image, "Width": w, "Height": h}
    gray8 = {"ColorSpace": pikepdf.Name.DeviceGray, "BitsPerComponent": 8}

    def flate(data: bytes, **kw):
        return pdf.make_stream(zlib.compress(data), Filter=pikepdf.Name.FlateDecode, **image, **kw)

    def jpeg(im) -> bytes:
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=92)
        return buf.getvalue()

    inline = b""
    if kind == "gray":
        x = flate(grey.tobytes(), **gray8)
    elif kind == "gray-decode":
        x = flate(ink.tobytes(), Decode=[1, 0], **gray8)
    elif kind == "gray16":
        x = flate(
            b"".join(bytes((v, v)) for v in grey.tobytes()),
            ColorSpace=pikepdf.Name.DeviceGray,
            BitsPerComponent=16,
        )
    elif kind == "cmyk":
        zero = Image.new("L", grey.size, 0)
        x = flate(
            Image.merge("CMYK", (zero, zero, zero, ink)).tobytes(),
            ColorSpace=pikepdf.Name.DeviceCMYK,
            BitsPerComponent=8,
        )
    elif kind == "indexed":
        ramp = bytes(v for g in range(256) for v in (g, g, g))
        space = pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, 255, pikepdf.String(ramp)])
        x = flate(grey.tobytes(), ColorSpace=space, BitsPerComponent=8)
    elif kind == "1bit":
        x = flate(bits.tobytes(), ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=1)
    elif kind == "imagemask":
        # Samples 0 are painted with the fill colour (black): the ink.
        x = flate(bits.tobytes(), ImageMask=True, BitsPerComponent=1)
    elif kind == "smask":
        x = flate(bytes(w * h), **gray8)
        x.SMask = flate(ink.tobytes(), **gray8)
    elif kind == "mask":
        x = flate(bytes(w * h), **gray8)
        x.Mask = flate(bits.tobytes(), ImageMask=True, BitsPerComponent=1)
    elif kind == "dct-gray":
        x = pdf.make_stream(jpeg(grey), Filter=pikepdf.Name.DCTDecode, **image, **gray8)
    elif kind == "dct-rgb":
        x = pdf.make_stream(
            jpeg(grey.convert("RGB")),
            Filter=pikepdf.Name.DCTDecode,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            **image,
        )
    elif kind == "inline":
        x = None
        inline = _inline_ops(grey)
    else:
        raise ValueError(kind)
    place = b"q %g 0 0 %g %g %g cm " % (rect[2], rect[3], rect[0], rect[1])
    draw = place + (inline if x is None else b"/Im0 Do") + b" Q"
    text = b"BT /F1 12 Tf 72 780 Td (Attached picture) Tj ET"
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type1,
        BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding,
    )
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    if x is not None:
        resources.XObject = pikepdf.Dictionary(Im0=x)
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Resources=resources,
        Contents=pdf.make_stream(draw + b"\n" + text),
    )
    pdf.pages.append(pikepdf.Page(page))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def text_picture(text: str, *, px: int = 32, mode: str = "L", margin: int = 10):
    """`text` drawn black with the CJK font on white ("L", "RGB", "1") or on transparent
    ("RGBA": the glyphs live in the alpha channel only)."""
    from PIL import Image, ImageDraw

    from tests.factories import scans

    f = scans.font(px)
    width = round(f.getlength(text)) + 2 * margin
    height = round(px * 1.4) + 2 * margin
    if mode == "RGBA":
        im = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        ImageDraw.Draw(im).text((margin, margin), text, font=f, fill=(0, 0, 0, 255))
        return im
    im = Image.new("L", (width, height), 255)
    ImageDraw.Draw(im).text((margin, margin), text, font=f, fill=0)
    if mode == "1":
        return im.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
    return im.convert(mode)


@dataclass(frozen=True)
class SearchableScan:
    """A scanned page (a picture the size of the page) and the OCR text layer a scanner lays
    over it: each ID and mobile as invisible text at its place in the picture."""

    image: object  # PIL.Image.Image, mode "L"
    media: tuple[float, float]  # the page in points
    runs: tuple[TextRun, ...]
    ids: tuple[str, ...]
    mobiles: tuple[str, ...]


def searchable_scan(rng: random.Random, *, dpi: int = 200, rows: int = 3) -> SearchableScan:
    from PIL import Image, ImageDraw

    from tests.factories import scans

    px = round(12 / 72 * dpi)
    f = scans.font(px)
    ascent = f.getmetrics()[0]
    margin = round(0.6 * dpi)
    lines = ["关于城乡居民最低生活保障对象的公示"]
    ids, mobiles = [], []
    for _ in range(rows):
        name, rid, mob = pii.person_name(rng, kind="single"), pii.resident_id(rng), pii.mobile(rng)
        lines.append(f"申请人{name}，身份证号码{rid}，联系电话{mob}")
        ids.append(rid)
        mobiles.append(mob)
    width = round(A4_WIDTH_PT * dpi / 72)
    height = 2 * margin + round(len(lines) * px * 1.9)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    runs: list[TextRun] = []
    scale = 72 / dpi
    for i, line in enumerate(lines):
        top = margin + round(i * px * 1.9)
        draw.text((margin, top), line, font=f, fill=0)
        for value in (v for v in (*ids, *mobiles) if v in line):
            start = margin + f.getlength(line[: line.index(value)])
            span = f.getlength(value)
            size = px * scale
            runs.append(
                TextRun(
                    x=start * scale,
                    y=(height - top - ascent) * scale,
                    size=size,
                    text=value,
                    scale=100 * span * scale / (0.556 * size * len(value)),
                )
            )
    image = scans.degrade(image, rng, angle=0.0)
    return SearchableScan(image, (width * scale, height * scale), tuple(runs), tuple(ids), tuple(mobiles))


def docx_with_picture_pdf(tmp: Path, rows: Sequence[RosterRow], picture, *, width_cm: float = 15.0) -> Path:
    """A LibreOffice export of a Word roster with a picture pasted below the table (as clerks
    paste a scanned list or an ID card photo)."""
    import docx
    from docx.shared import Cm

    src = roster_docx(tmp / "roster_picture.docx", rows)
    image_path = tmp / "pasted.png"
    picture.save(image_path)
    d = docx.Document(str(src))
    d.add_picture(str(image_path), width=Cm(width_cm))
    d.save(str(src))
    return docx_to_pdf(src, tmp)


# --- an attacker's view of pictures: poppler extracts or renders, tesseract reads ----------


def have_tesseract() -> bool:
    if shutil.which("tesseract") is None:
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=60, check=False)
    return "chi_sim" in langs.stdout.decode("utf-8", "replace").split()


def tesseract_text(image: Path) -> str:
    """Debian's tesseract CLI with chi_sim (not deident's OCR engine). A dark picture (a soft
    mask holds light glyphs on black) is inverted first, as an attacker would."""
    from PIL import Image, ImageOps, ImageStat

    with Image.open(image) as im:
        grey = im.convert("L")
    if ImageStat.Stat(grey).mean[0] < 128:
        image = image.with_name(image.stem + "-inverted.png")
        ImageOps.invert(grey).save(image)
    return subprocess.run(
        ["tesseract", str(image), "stdout", "-l", "chi_sim"], check=True, capture_output=True, timeout=300
    ).stdout.decode("utf-8", "replace")


def extracted_pictures(path: Path, out_dir: Path, *, min_side: int = 12) -> list[Path]:
    """Every picture `pdfimages -png` extracts (soft masks included), big enough to read."""
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdfimages", "-png", str(path), str(out_dir / "x")], check=True, capture_output=True, timeout=120
    )
    found = []
    for p in sorted(out_dir.glob("x-[0-9][0-9][0-9].png")):
        with Image.open(p) as im:
            if min(im.size) >= min_side:
                found.append(p)
    return found


def rendered_pages(path: Path, out_dir: Path, *, dpi: int = 200) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(path), str(out_dir / "p")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return sorted(out_dir.glob("p*.png"))


def readable(text: str, values: Sequence[str]) -> set[str]:
    """The values an OCR text shows: with white space removed, or as the digits of one line
    (OCR puts spaces and stray marks inside long numbers)."""
    squeezed = re.sub(r"\s+", "", text)
    digit_lines = [re.sub(r"[^0-9Xx]", "", line) for line in text.splitlines()]
    return {v for v in values if v in squeezed or any(v in d for d in digit_lines)}
