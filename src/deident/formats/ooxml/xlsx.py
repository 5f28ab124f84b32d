"""Excel .xlsx/.xlsm: every sheet (hidden and very hidden too), shared and inline strings,
numbers, formulas, comments (legacy and threaded, with persons), headers/footers, data
validation lists, defined names, drawings, chart caches, pivot caches, external links,
document properties, and pictures (drawings, WPS cell images) read by OCR.

Cells are located as {"sheet": "名单", "cell": "D5"}; other places as {"part": ..., ...};
the OCR lines of a picture as {"part": "xl/media/image1.png", "sheet": …, "cell": "F7", "line", "bbox"}.
Pivot caches that held personal data are masked and set to refresh when the file is opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from deident.detection.tables import header_entity, is_value_cell
from deident.formats.base import FormatContext, Replacement
from deident.formats.ooxml.document import NS_X, OoxmlDocument, Opener
from deident.formats.ooxml.package import Package
from deident.formats.ooxml.text import AttrTarget, CallbackTarget, local
from deident.formats.ooxml.xlsx_cells import MIN_NUMBER_DIGITS, SharedStrings, SheetScanner, render_number
from deident.formats.ooxml.xlsx_pictures import (
    cell_image_names,
    describe,
    dispimg_cells,
    drawing_anchors,
    is_cell_images,
)

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_R = RT
CT_PIVOT_DEF = "pivotCacheDefinition"
CT_PIVOT_REC = "pivotCacheRecords"


class XlsxDocument(OoxmlDocument):
    main_fallback = "xl/workbook.xml"

    def __init__(
        self, package: Package, ctx: FormatContext, *, depth: int = 0, opener: Opener | None = None
    ) -> None:
        super().__init__(package, ctx, depth=depth, opener=opener)
        self.sheet_parts: dict[str, str] = {}  # sheet name -> part
        self._part_sheet: dict[str, tuple[str, str | None]] = {}  # part -> (sheet, state)
        self._comment_sheet: dict[str, str] = {}  # comments part -> sheet name
        self._pivot_fields: dict[str, list[tuple[str, str] | None]] = {}  # records part -> field hints
        self._pivot_defs: list[str] = []
        self._drawing_sheet: dict[str, tuple[str, str | None]] | None = None  # drawing -> sheet
        self._anchors: dict[str, dict[str, list[str | None]]] = {}  # drawing -> picture -> cells
        self._dispimg: dict[str, list[tuple[str, str]]] | None = None  # WPS picture name -> cells

    def prepare(self) -> None:
        wb = self.tree(self.main).getroot()
        rels = self.package.relationships(self.main)
        sst_part = next(
            (t for _t, (rt, t, ext) in rels.items() if rt.endswith("/sharedStrings") and not ext), None
        )
        if sst_part is None and "xl/sharedStrings.xml" in self.package.parts:
            sst_part = "xl/sharedStrings.xml"
        sst = SharedStrings(sst_part if sst_part in self.package.parts else None)
        if sst.part is not None:
            for si in self.tree(sst.part).getroot().iterchildren(f"{{{NS_X}}}si"):
                streams = self.group_streams(si) or []
                sst.items.append(si)
                sst.streams.append(streams)
                sst.texts.append(streams[0][1].text if streams else "")
        scanner = SheetScanner(self, sst)
        hidden = 0
        for sheet in wb.iter(f"{{{NS_X}}}sheet"):
            name = sheet.get("name") or ""
            state = sheet.get("state")
            if state in ("hidden", "veryHidden"):
                hidden += 1
            else:
                state = None
            # A sheet name cannot hold `*` in Excel and formulas refer to it: it is reported
            # but not rewritten (a finding there makes masking refuse).
            self.add(name, {"part": self.main, "sheet_name": True}, None, maskable=False)
            rel = rels.get(sheet.get(f"{{{NS_R}}}id") or "")
            if rel is None or rel[1] not in self.package.parts:
                continue  # a sheet without its part: nothing to read
            part = rel[1]
            if not rel[0].endswith("/worksheet"):
                continue  # chartsheets and dialog sheets: their parts go through the generic walk
            self.sheet_parts[name] = part
            self._part_sheet[part] = (name, state)
            scanner.scan(part, name, state)
            for rtype, target, external in self.package.relationships(part).values():
                if not external and rtype.endswith("/comments"):
                    self._comment_sheet[target] = name
        scanner.finish_shared()
        if sst.part is not None:
            self._part_sheet.setdefault(sst.part, ("", None))
        if hidden:
            self.note(f"contains {hidden} hidden sheet(s): scanned like the others")
        self._prepare_pivots()

    def scan_part(self, name: str) -> bool:
        if name == self.main:
            self.scan_generic(name)
            return True
        if name in self._part_sheet:
            sheet, state = self._part_sheet[name]
            if sheet:  # a worksheet: cells were scanned in prepare; the rest goes generic
                base: dict[str, Any] = {"sheet": sheet, **({"state": state} if state else {})}
                self.scan_generic(name, base)
            return True  # the shared-string table was scanned in prepare
        ctype = self.package.content_types.get(name, "")
        if CT_PIVOT_DEF in ctype or CT_PIVOT_REC in ctype:
            self._scan_pivot(name, ctype)
            return True
        if name in self._comment_sheet:
            self.note("contains comments")
            self.scan_generic(name, {"sheet": self._comment_sheet[name]})
            return True
        return False

    def skip_subtree(self, part: str, el: etree._Element) -> bool:
        # Cells were scanned by SheetScanner; the workbook's <sheets> by prepare.
        if el.tag == f"{{{NS_X}}}sheetData":
            return part in self._part_sheet  # external links have a sheetData of their own
        return el.tag == f"{{{NS_X}}}sheets" and part == self.main

    def locate_group(self, part: str, el: etree._Element, index: int) -> tuple[dict[str, Any], Any]:
        parent = el.getparent()
        if local(el.tag) == "text" and parent is not None and local(parent.tag) == "comment":
            return {"part": part, "comment": parent.get("ref")}, None
        return super().locate_group(part, el, index)

    # ------------------------------------------------------------------ pictures
    def locate_picture(self, part: str, sources: list[str]) -> dict[str, Any]:
        """The sheet and cell that show picture `part` (drawing anchor or WPS DISPIMG cell)."""
        places = [p for src in sources if src for p in self._picture_places(part, src)]
        if not places:
            return {}
        location: dict[str, Any] = dict(places[0])
        if len(places) > 1:
            location["also_shown_in"] = [describe(p) for p in places[1:]]
        return location

    def _picture_places(self, part: str, src: str) -> list[dict[str, str]]:
        if self._drawing_sheet is None:
            self._drawing_sheet = {}
            for sheet_part, (sheet, state) in self._part_sheet.items():
                for rtype, target, external in self.package.relationships(sheet_part).values():
                    if sheet and not external and rtype.endswith(("/drawing", "/vmlDrawing")):
                        self._drawing_sheet[target] = (sheet, state)
        if src in self._drawing_sheet:
            sheet, state = self._drawing_sheet[src]
            base = {"sheet": sheet, **({"state": state} if state else {})}
            if src not in self._anchors:
                is_dml = src in self.package.xml_parts_set and not src.endswith(".vml")
                self._anchors[src] = drawing_anchors(self.package, src, self.tree(src)) if is_dml else {}
            cells = self._anchors[src].get(part) or [None]
            return [{**base, "cell": c} if c else {**base, "shown_in": src} for c in cells]
        if src in self.package.xml_parts_set and is_cell_images(self.tree(src)):
            if self._dispimg is None:
                self._dispimg = dispimg_cells({s: self.tree(p) for s, p in self.sheet_parts.items()})
            names = cell_image_names(self.package, src, self.tree(src)).get(part, [])
            places = [
                {"sheet": sheet, "cell": cell, "cell_image": name}
                for name in names
                for sheet, cell in self._dispimg.get(name, [])
            ]
            if places:
                return places
        return [{"shown_in": src}]

    # ------------------------------------------------------------------ pivot caches
    def _prepare_pivots(self) -> None:
        for name, ctype in self.package.content_types.items():
            if CT_PIVOT_DEF not in ctype or name not in self.package.parts:
                continue
            self._pivot_defs.append(name)
            fields = self._pivot_field_hints(name)
            for rtype, target, external in self.package.relationships(name).values():
                if not external and rtype.endswith("/pivotCacheRecords"):
                    self._pivot_fields[target] = fields

    def _pivot_field_hints(self, part: str) -> list[tuple[str, str] | None]:
        hints: list[tuple[str, str] | None] = []
        for cf in self.tree(part).getroot().iter(f"{{{NS_X}}}cacheField"):
            name = cf.get("name") or ""
            entity = header_entity(name)
            hints.append((entity, f"pivot field {name.strip()}") if entity else None)
        return hints

    def _scan_pivot(self, part: str, ctype: str) -> None:
        self.note("contains a pivot cache: masked and set to refresh when opened")
        root = self.tree(part).getroot()
        if CT_PIVOT_DEF in ctype:
            hints = self._pivot_field_hints(part)
            for f_index, cf in enumerate(root.iter(f"{{{NS_X}}}cacheField")):
                hint = hints[f_index]
                shared = cf.find(f"{{{NS_X}}}sharedItems")
                if shared is None:
                    continue
                for i, item in enumerate(shared):
                    loc = {"part": part, "field": f_index + 1, "item": i + 1}
                    self._pivot_value(part, item, loc, hint)
        else:
            hints = self._pivot_fields.get(part, [])
            for r_index, record in enumerate(root.iterchildren(f"{{{NS_X}}}r"), start=1):
                for f_index, item in enumerate(record):
                    hint = hints[f_index] if f_index < len(hints) else None
                    loc = {"part": part, "record": r_index, "field": f_index + 1}
                    self._pivot_value(part, item, loc, hint)

    def _pivot_value(self, part: str, item: etree._Element, loc: dict[str, Any], hint: Any) -> None:
        value = item.get("v")
        kind = local(item.tag)
        if not value or kind not in ("s", "n"):
            return
        if kind == "s":
            seg_hint = hint if hint and is_value_cell(value) else None
            self.add(value, loc, AttrTarget(part, item, "v", self._mark(part)), hint=seg_hint)
            return
        digits = render_number(value)
        if digits is None or (len(digits) < MIN_NUMBER_DIGITS and not hint):
            return

        def to_string(reps: Sequence[Replacement], digits: str = digits) -> None:
            from deident.formats.ooxml.text import apply_to_string

            self.dirty.add(part)
            item.tag = f"{{{NS_X}}}s"  # a masked number is a string now
            item.set("v", apply_to_string(digits, reps))

        self.add(digits, {**loc, "number": True}, CallbackTarget(part, to_string), hint=hint)

    def before_write(self) -> None:
        if any(p in self.dirty for p in (*self._pivot_defs, *self._pivot_fields)):
            for part in self._pivot_defs:
                root = self.tree(part).getroot()
                root.set("refreshOnLoad", "1")
                # The cached items no longer match their declared types; Excel rebuilds them.
                for shared in root.iter(f"{{{NS_X}}}sharedItems"):
                    if any(local(i.tag) == "s" for i in shared) and shared.get("containsNumber") == "1":
                        shared.set("containsSemiMixedTypes", "1")
                        shared.set("containsString", "1")
                        shared.set("containsMixedTypes", "1")
                self.dirty.add(part)
