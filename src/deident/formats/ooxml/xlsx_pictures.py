"""Where a picture of an .xlsx is shown: the sheet and cell a reviewer has to look at.

Two ways a workbook shows a picture:

- a drawing (`xl/drawings/drawingN.xml`, linked from a sheet's relationships) anchors each
  picture at a cell: ``xdr:twoCellAnchor/xdr:from`` gives its zero-based column and row;
- WPS "pictures in cells" (嵌入单元格图片): `xl/cellimages.xml` names every picture
  (``xdr:cNvPr/@name`` = ``ID_…``), and each cell that shows one holds the formula
  ``_xlfn.DISPIMG("ID_…",1)``. One ID photo per row of a roster is the common case.

Both resolve to ``{"sheet": "名单", "cell": "F7"}`` places; a picture shown in several places
lists the others as ``"名单!F9"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

from deident.formats.ooxml.package import Package
from deident.formats.ooxml.xlsx_cells import column_letters

NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_X = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ANCHORS = frozenset(
    {f"{{{NS_XDR}}}twoCellAnchor", f"{{{NS_XDR}}}oneCellAnchor", f"{{{NS_XDR}}}absoluteAnchor"}
)
_BLIP = f"{{{NS_A}}}blip"
_REL_ATTRS = (f"{{{NS_R}}}embed", f"{{{NS_R}}}link")
# Any call, also inside a larger formula (IF(A2="",,DISPIMG("ID_…",1))).
_DISPIMG_CALL = re.compile(r'DISPIMG\(\s*"([^"]+)"')

Place = dict[str, str]


def _blip_targets(el: etree._Element, rels: Mapping[str, tuple[str, str, bool]]) -> list[str]:
    targets: list[str] = []
    for blip in el.iter(_BLIP):
        for attr in _REL_ATTRS:
            rel = rels.get(blip.get(attr) or "")
            if rel is not None and not rel[2] and rel[1] not in targets:
                targets.append(rel[1])
    return targets


def _anchor_cell(anchor: etree._Element) -> str | None:
    start = anchor.find(f"{{{NS_XDR}}}from")
    if start is None:
        return None  # an absolute anchor sits at a position, not at a cell
    try:
        col = int(start.findtext(f"{{{NS_XDR}}}col") or "")
        row = int(start.findtext(f"{{{NS_XDR}}}row") or "")
    except ValueError:
        return None
    return f"{column_letters(col + 1)}{row + 1}"


def drawing_anchors(package: Package, drawing: str, tree: etree._ElementTree) -> dict[str, list[str | None]]:
    """picture part -> the anchor cells (None for an absolute anchor) of `drawing`."""
    rels = package.relationships(drawing)
    out: dict[str, list[str | None]] = {}
    for anchor in tree.getroot():
        if anchor.tag not in _ANCHORS:
            continue
        cell = _anchor_cell(anchor)
        for target in _blip_targets(anchor, rels):
            out.setdefault(target, []).append(cell)
    return out


def cell_image_names(package: Package, part: str, tree: etree._ElementTree) -> dict[str, list[str]]:
    """picture part -> the names (``ID_…``) WPS gives it in `xl/cellimages.xml`."""
    rels = package.relationships(part)
    out: dict[str, list[str]] = {}
    for pic in tree.getroot().iter(f"{{{NS_XDR}}}pic"):
        c_nv = pic.find(f".//{{{NS_XDR}}}cNvPr")
        name = c_nv.get("name") if c_nv is not None else None
        if not name:
            continue
        for target in _blip_targets(pic, rels):
            out.setdefault(target, []).append(name)
    return out


def is_cell_images(tree: etree._ElementTree) -> bool:
    return etree.QName(tree.getroot()).localname == "cellImages"


def dispimg_cells(sheets: Mapping[str, etree._ElementTree]) -> dict[str, list[tuple[str, str]]]:
    """picture name -> (sheet, cell) of every cell whose DISPIMG formula (or its cached
    ``=DISPIMG(…)`` value) names it. `sheets`: sheet name -> parsed worksheet."""
    out: dict[str, list[tuple[str, str]]] = {}
    for sheet, tree in sheets.items():
        for c in tree.getroot().iter(f"{{{NS_X}}}c"):
            for child in c:
                text = child.text
                if text and "DISPIMG" in text:
                    for name in _DISPIMG_CALL.findall(text):
                        place = (sheet, c.get("r") or "")
                        if place not in out.setdefault(name, []):
                            out[name].append(place)
    return out


def describe(place: Place) -> str:
    """名单!F7 for a cell place, the part name otherwise."""
    if "cell" in place:
        return f"{place['sheet']}!{place['cell']}"
    return place.get("sheet") or place.get("shown_in", "")
