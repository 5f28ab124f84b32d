"""PDF attachments: text per glyph with pdfminer.six, masking by glyph removal with pikepdf.

Reading. The file is opened with pikepdf (qpdf repairs broken xref tables and decrypts
owner-password-only files) and saved to memory once; pdfminer reads that normalised copy, so
the reader and the redactor see the same objects. Every page's glyphs are rebuilt into
blocks (lines, wrapped table cells, wrapped paragraphs; see `pdf_text`), one segment each,
located as ``{"page": n, "bbox": [x0, y0, x1, y1]}`` (PDF points in the page's own
coordinates, origin bottom left, before any /Rotate of the display). Metadata, outlines, annotations and form fields are
segments too (`pdf_sanitize`). Earlier revisions kept by incremental updates are read and
their text is reported where the latest revision does not have it (``"revision": k``).
Pictures (image XObjects, inline images, in forms and annotations too) are read by OCR
(`pdf_images`), located ``{"page": n, "image": "obj 12 0", "line": k, "bbox": [pixels]}``.

Failing closed: a user password -> ``encrypted``; glyphs without a unicode mapping
(``(cid:N)``) or pages that are images without text -> ``no readable text layer`` (handed to
`deident.formats.pdf.scanned` for OCR when it is installed and OCR is on); anything pdfminer
or qpdf cannot parse -> ``corrupt: ...``; a picture that can hold text with OCR off or missing
-> ``OCR is needed to read images``.

Masking. Masked glyphs are removed from the content streams (`pdf_redact`), the place
is kept by a spacing adjustment and ``*`` (or the policy's ASCII character) is drawn there.
Masked pictures are repainted in place in the same save. On a searchable scan (a picture of
the page under an invisible OCR text layer) masked glyphs also paint the picture under them.
The copy is written as one revision (full rewrite: no ``/Prev``, one ``%%EOF``), without
JavaScript, embedded files, XMP metadata or the Info author.
"""

from __future__ import annotations

import importlib
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.pdf.edits import apply_text, char_edits
from deident.formats.pdf.text import Block, PageText, build_blocks, extract_pages
from deident.verify import handoff
from deident.verify.pdf import hidden_objects

_MAX_REVISIONS = 8
# A page is a scan when images cover this much of it and it has almost no text.
_SCAN_AREA = 0.5
_SCAN_MAX_GLYPHS = 20


@dataclass(slots=True)
class _PageSeg:
    text: str
    refs: list[tuple[int, int] | None]  # per character: (page index, glyph index)
    location: dict[str, Any]
    hint_entity: str | None
    hint_reason: str | None


def open_document(path: Path, ctx: FormatContext) -> Any:
    try:
        return PdfDocument(path, ctx)
    except BlockedError as exc:
        if exc.reason == "no readable text layer" and ctx.config.ocr:
            try:
                scanned = importlib.import_module("deident.formats.pdf.scanned")
            except ModuleNotFoundError:
                raise exc from None
            return scanned.open_scanned_pdf(path, ctx)
        raise


def _open_pikepdf(source: Path | io.BytesIO) -> Any:
    import pikepdf

    try:
        return pikepdf.open(source)
    except pikepdf.PasswordError as exc:
        raise BlockedError("encrypted", "the PDF needs a password to open") from exc
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise BlockedError("corrupt: not a readable PDF", type(exc).__name__) from exc


class PdfDocument:
    output_suffix: str | None = None
    # A masked copy is always rewritten: that drops JavaScript, embedded files, old revisions
    # and scrubs the metadata even when no text finding was made.
    always_rewrite = True

    def __init__(self, path: Path, ctx: FormatContext) -> None:
        import pikepdf

        limits = ctx.limits
        if path.stat().st_size > limits.max_file_bytes:
            raise BlockedError("too large", f"limit {limits.max_file_bytes} bytes")
        raw = path.read_bytes()
        notes: list[str] = []
        pdf = _open_pikepdf(path)
        try:
            if len(pdf.pages) > limits.max_pdf_pages:
                raise BlockedError("too large", f"{len(pdf.pages)} pages, limit {limits.max_pdf_pages}")
            if pdf.is_encrypted:
                # Only an owner password (no user password): anyone can read the text, the
                # restrictions only ask viewers not to edit or copy. We read it, and the masked
                # copy is written without encryption (re-encrypting needs a password we lack).
                notes.append(
                    "encrypted with an owner password only; read without one, masked copy not encrypted"
                )
            _check_fonts(pdf)
            repaired = bool(pdf.get_warnings())  # (qpdf hands its warnings out once)
            if repaired:
                notes.append("damaged PDF structure repaired while reading")
            buf = io.BytesIO()
            try:
                pdf.save(buf)
            except pikepdf.PdfError as exc:
                raise BlockedError("corrupt: PDF cannot be rewritten", type(exc).__name__) from exc
            # Scanning, PDFium's page texts of the copy stand for the file's in the second reading
            # when the two cannot differ in their pages (`verify.handoff`).
            repaired = bool(pdf.get_warnings()) or repaired  # and those of the save
            texts: list[str] | None = (
                [] if ctx.read_only and not repaired and _pages_as_filed(raw, pdf) else None
            )
            from deident.formats.pdf.sanitize import active_content, collect_places

            # Text and location only: the objects belong to this Pdf, which is closed below.
            self._places = [(p.text, p.location) for p in collect_places(pdf)]
            notes.extend(active_content(pdf))
        finally:
            pdf.close()
        self._data = buf.getvalue()
        self._read_only = ctx.read_only
        self._pages = _read_pages(self._data, limits.max_pdf_pages, fast=ctx.read_only, texts=texts)
        _check_text_layer(self._pages)
        for p in self._pages:
            if p.image_area >= _SCAN_AREA:
                notes.append(
                    f"page {p.number} is a picture with a text layer (a searchable scan?): both are "
                    "read; masking cuts the text layer and paints the picture under it"
                )
        self._segs = _page_segments(self._pages)
        self._old = _old_revisions(
            raw, "\n".join(s.text for s in self._segs), limits.max_pdf_pages, fast=ctx.read_only
        )
        if self._old:
            notes.append(
                "earlier revisions (incremental updates) read; the masked copy keeps only the latest"
            )
        # Pictures last: OCR is the slow part, and a file blocked above never pays for it.
        from deident.formats.pdf.images import PdfPictures

        self._pictures = PdfPictures(ctx)
        with _open_pikepdf(io.BytesIO(self._data)) as pdf:
            self._pictures.read(pdf)
        notes.extend(self._pictures.notes)
        self.notes: tuple[str, ...] = tuple(notes)
        if texts is not None and len(texts) == len(self._pages):  # read whole, by PDFium
            handoff.offer(raw, texts)

    # --- reading ------------------------------------------------------------------------

    def segments(self) -> Iterable[Segment]:
        sid = 0
        for s in self._segs:
            yield Segment(sid, s.text, s.location, s.hint_entity, s.hint_reason)
            sid += 1
        for text, location in self._old:
            yield Segment(sid, text, location)
            sid += 1
        for text, location in self._places:
            yield Segment(sid, text, location)
            sid += 1
        for seg in self._pictures.segments:
            yield replace(seg, id=self._first_picture_id + seg.id)

    @property
    def _first_picture_id(self) -> int:
        return len(self._segs) + len(self._old) + len(self._places)

    def locate(self, segment_id: int, start: int, end: int) -> dict[str, Any] | None:
        """The location of text[start:end] of a page segment: its page and the box of its own
        glyphs (a finding's place, tighter than the segment's line or cell)."""
        if not 0 <= segment_id < len(self._segs):
            return None
        seg = self._segs[segment_id]
        refs = [r for r in seg.refs[start:end] if r is not None]
        if not refs:
            return None
        page = refs[0][0]
        gs = [self._pages[page].glyphs[g] for p, g in refs if p == page]
        box = [min(g.x0 for g in gs), min(g.y0 for g in gs), max(g.x1 for g in gs), max(g.y1 for g in gs)]
        return {"page": page + 1, "bbox": [round(v, 1) for v in box]}

    # --- writing ------------------------------------------------------------------------

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        import pikepdf

        if self._read_only:
            raise MaskError("the document was opened for reading only")

        from deident.formats.pdf.redact import Redactor, redact_pages
        from deident.formats.pdf.sanitize import collect_places, mask_place, scrub

        n_page, n_old = len(self._segs), len(self._old)
        marks: dict[int, dict[int, str]] = {}
        for sid, repls in replacements.items():
            if sid < n_page and repls:
                seg = self._segs[sid]
                for ci, draw in char_edits(seg.text, repls).items():
                    ref = seg.refs[ci]
                    if ref is not None:
                        page_marks = marks.setdefault(ref[0], {})
                        if ref[1] not in page_marks or not page_marks[ref[1]]:
                            page_marks[ref[1]] = draw
        first = self._first_picture_id
        pictures = {sid - first: repls for sid, repls in replacements.items() if sid >= first and repls}
        with pikepdf.open(io.BytesIO(self._data)) as pdf:
            # Pictures first: an inline picture becomes an XObject drawn in its place, and the
            # redactor then walks the content streams as they will be saved.
            self._pictures.repaint(pdf, pictures, self._under_text(marks))
            texts = {i: [g.text for g in self._pages[i].glyphs] for i in marks}
            advs = {i: [g.adv for g in self._pages[i].glyphs] for i in marks}
            redact_pages(pdf, marks, texts, advs)
            red = Redactor(pdf)
            places = collect_places(pdf, red)
            if [p.location for p in places] != [loc for _, loc in self._places]:
                raise MaskError("metadata and annotations changed between reading and writing")
            for sid, repls in replacements.items():
                k = sid - n_page - n_old
                if 0 <= k < len(places) and repls:
                    mask_place(places[k], repls)
            red.apply()
            scrub(pdf)
            buf = io.BytesIO()
            # A full rewrite: one revision, no /Prev, unreferenced objects (old revisions) dropped.
            pdf.save(buf, linearize=False, deterministic_id=True)
        out.write(buf.getvalue())

    def _under_text(self, marks: Mapping[int, Mapping[int, str]]) -> dict[str, Any]:
        """Paint for the pictures under masked glyphs of searchable-scan pages: the text layer
        of a scan is an invisible copy of what the picture shows."""
        out: dict[str, Any] = {}
        for i, page_marks in marks.items():
            page = self._pages[i]
            glyphs = [
                ((g.x0, g.y0, g.x1, g.y1), draw)
                for gi, draw in page_marks.items()
                for g in (page.glyphs[gi],)
            ]
            for key, m in self._pictures.under_text(i, (page.width, page.height), glyphs).items():
                if key in out:
                    out[key].blank.extend(m.blank)
                    out[key].write.extend(m.write)
                else:
                    out[key] = m
        return out


def _read_pages(
    data: bytes, max_pages: int, *, fast: bool = False, texts: list[str] | None = None
) -> list[PageText]:
    """The pages' glyphs: PDFium's when `fast` (then PDFium's text of each page goes to `texts`,
    and `texts` is left empty when pdfminer reads the file after all), else pdfminer's."""
    try:
        if fast:
            from deident.formats.pdf.fast_text import NeedsGlyphWalk, extract_pages_fast

            try:
                return list(extract_pages_fast(data, max_pages=max_pages, texts=texts))
            except NeedsGlyphWalk:
                if texts is not None:
                    texts.clear()
        return list(extract_pages(data, max_pages=max_pages))
    except OverflowError as exc:
        raise BlockedError("too large", f"more than {max_pages} pages") from exc
    except BlockedError:
        raise
    except Exception as exc:  # pdfminer raises many types; their messages may quote content
        raise BlockedError("corrupt: text layer cannot be read", type(exc).__name__) from exc


def _pages_as_filed(raw: bytes, pdf: Any) -> bool:
    """PDFium reads the same pages from the file `raw` as from qpdf's copy of it (`pdf`, saved):
    one revision (one ``startxref``, one ``%%EOF``, nothing after it), not encrypted, every
    object written once and listed in the cross-reference table (the caller knows whether qpdf
    repaired anything: its warnings are handed out once). A file that two parsers may read
    apart (repaired, updated, objects twice or unlisted) is read by PDFium twice, the copy and
    the file itself."""
    if pdf.is_encrypted or raw.count(b"startxref") != 1:
        return False
    eofs = raw.count(b"%%EOF")
    if eofs != 1 or raw[raw.rfind(b"%%EOF") + 5 :].strip():
        return False
    return not hidden_objects(raw, set(), pdf)


def _check_fonts(pdf: Any) -> None:
    """Fonts whose text cannot be trusted (`fonts.unreadable_font`: a private encoding, a
    Type3 font without names or map, a ToUnicode map that lies about digits): any reader would
    read plausible wrong text, so the page is not readable (OCR reads it when it is on)."""
    import pikepdf

    from deident.formats.pdf.fonts import unreadable_font
    from deident.formats.pdf.redact import inherited

    checked: set[tuple[int, int]] = set()  # fonts shared by many pages are checked once
    for n, page in enumerate(pdf.pages, start=1):
        res = inherited(page.obj, "/Resources")
        pending = [res] if isinstance(res, pikepdf.Dictionary) else []
        seen = 0
        while pending and seen < 64:
            r = pending.pop()
            seen += 1
            fonts = r.get("/Font")
            if isinstance(fonts, pikepdf.Dictionary):
                for f in fonts.values():
                    key = f.objgen if isinstance(f, pikepdf.Object) else (0, 0)
                    if key != (0, 0) and key in checked:
                        continue
                    checked.add(key)
                    why = unreadable_font(f)
                    if why is not None:
                        raise BlockedError("no readable text layer", f"page {n}: {why}")
            xobjects = r.get("/XObject")
            if isinstance(xobjects, pikepdf.Dictionary):
                for x in xobjects.values():
                    xr = x.get("/Resources") if isinstance(x, pikepdf.Stream) else None
                    if isinstance(xr, pikepdf.Dictionary) and xr is not r:
                        pending.append(xr)


def _check_text_layer(pages: Sequence[PageText]) -> None:
    for p in pages:
        if p.undecodable:
            raise BlockedError(
                "no readable text layer",
                f"page {p.number}: {p.undecodable} glyphs have no unicode mapping (font without ToUnicode)",
            )
        if p.image_area <= 0.02:
            continue  # no picture to speak of: what the glyphs say is read
        visible = sum(1 for g in p.glyphs if g.text.strip())
        if visible == 0 or (p.image_area >= _SCAN_AREA and visible < _SCAN_MAX_GLYPHS):
            raise BlockedError(
                "no readable text layer", f"page {p.number} is an image without text (a scan?)"
            )


def _page_segments(pages: Sequence[PageText]) -> list[_PageSeg]:
    segs: list[_PageSeg] = []
    headers: dict[tuple[int, ...], tuple[float, str, str]] = {}
    prev_blocks: Sequence[Block] = ()
    prev_seg_of: dict[int, int] = {}
    prev_rules: Sequence[tuple[float, float, float]] = ()
    for pi, page in enumerate(pages):
        blocks = build_blocks(page, headers)
        # A number wrapped across the page break: the top block of a column here continues
        # the previous page's bottom cell of the same column (the location names both pages).
        joined = dict(_join_across_pages(prev_blocks, prev_rules, prev_seg_of, blocks, page.hrules))
        seg_of: dict[int, int] = {}
        for bi, b in enumerate(blocks):
            refs: list[tuple[int, int] | None] = [None if g is None else (pi, g) for g in b.glyph_of]
            bbox = [round(v, 1) for v in b.bbox]
            if bi in joined:
                seg = segs[joined[bi]]
                seg.text += b.text
                seg.refs += refs
                seg.location = {**seg.location, "continued_on": {"page": page.number, "bbox": bbox}}
                continue
            seg_of[bi] = len(segs)
            segs.append(
                _PageSeg(b.text, refs, {"page": page.number, "bbox": bbox}, b.hint_entity, b.hint_reason)
            )
        prev_blocks, prev_rules, prev_seg_of = blocks, page.hrules, seg_of
    return segs


def _edge_row(blocks: Sequence[Block], rules: Sequence[tuple[float, float, float]], top: bool) -> dict:
    """The table row at the top (or bottom) of a page: column -> block index, for blocks
    between the page edge and the first horizontal ruling inside the table."""
    cells = [(i, b) for i, b in enumerate(blocks) if b.column is not None]
    if not cells:
        return {}
    if top:
        edge = max(b.bbox[3] for _, b in cells)
        below = [y for _, _, y in rules if y < edge - 1]
        limit = max(below) if below else -math.inf
        row = [(i, b) for i, b in cells if b.bbox[1] > limit]
    else:
        edge = min(b.bbox[1] for _, b in cells)
        above = [y for _, _, y in rules if y > edge + 1]
        limit = min(above) if above else math.inf
        row = [(i, b) for i, b in cells if b.bbox[3] < limit]
    out: dict[tuple[int, int], int] = {}
    for i, b in row:
        if b.column is not None and b.column not in out:
            out[b.column] = i
    return out


def _join_across_pages(
    prev: Sequence[Block],
    prev_rules: Sequence[tuple[float, float, float]],
    prev_seg_of: Mapping[int, int],
    cur: Sequence[Block],
    cur_rules: Sequence[tuple[float, float, float]],
) -> Iterable[tuple[int, int]]:
    """(this page's top-row block, segment of the previous page's bottom-row block) for a table
    row split by the page break. A continued row has no text in some column of the row it
    continues (the 序号 column is printed once), whereas a new row fills them all."""
    bottom = _edge_row(prev, prev_rules, top=False)
    top = _edge_row(cur, cur_rules, top=True)
    if not top or not bottom or not set(top) < set(bottom):
        return
    for col, bi in top.items():
        if bottom[col] in prev_seg_of:
            yield bi, prev_seg_of[bottom[col]]


def _old_revisions(
    raw: bytes, current: str, max_pages: int, *, fast: bool = False
) -> list[tuple[str, dict[str, Any]]]:
    """Text that only an earlier revision holds (not found anywhere in the current text, so a
    line rebuilt differently is not reported twice). Each %%EOF before the last one may end a
    revision; a prefix that does not open as a PDF is not one (a linearized file's first part)."""
    ends = [m.end() for m in re.finditer(rb"%%EOF", raw)]
    found: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for rev, end in enumerate(ends[:-1][:_MAX_REVISIONS], start=1):
        if raw[end:].strip() == b"":
            continue
        try:
            pdf = _open_pikepdf(io.BytesIO(raw[:end]))
        except BlockedError:
            continue
        try:
            buf = io.BytesIO()
            pdf.save(buf)
        except Exception:
            continue
        finally:
            pdf.close()
        try:
            pages = _read_pages(buf.getvalue(), max_pages, fast=fast)
        except BlockedError:
            continue
        for s in _page_segments(pages):
            if s.text not in seen and s.text not in current:
                seen.add(s.text)
                found.append((s.text, {"revision": rev, **s.location}))
    return found


__all__ = ["PdfDocument", "apply_text", "char_edits", "open_document"]
