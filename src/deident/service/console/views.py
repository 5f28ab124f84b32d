"""The data of each console page, as plain JSON-able dicts: the JSON twin of a page is exactly
what its HTML is rendered from (datasette's model)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from deident.locale import terms, translation
from deident.model import Finding, Status
from deident.review.ledger import canonical
from deident.service.console import pictures
from deident.service.console.state import ConsoleState, Decided, FileState

ZH = translation("zh")
MAX_TEXT_CHARS = 300_000  # of places without findings shown in the reading view
CONTEXT = 40
# Parts of a location that may differ between a file and its masked copy (a number cell
# becomes text, a PDF line's box shifts): the masked place is found without them.
_VOLATILE = frozenset({"number", "bbox", "offset", "char_boxes", "boxes", "continued_on"})


def _loose(location: Mapping[str, Any]) -> str:
    return canonical({k: v for k, v in location.items() if k not in _VOLATILE})


def _file_summary(d: Decided) -> dict[str, Any]:
    f = d.file
    rep = f.report
    what, todo = terms.advice(ZH, rep.reason) if rep.status is Status.BLOCKED else (None, None)
    if rep.status is not Status.BLOCKED and f.masked.output is None:
        what, todo = terms.advice(ZH, rep.reason or "cannot mask")
    return {
        "id": f.id,
        "path": f.shown,
        "kind": pictures.kind_of(f.path),
        "status": d.status,
        "status_label": terms.status(ZH, d.status),
        "scan_status": rep.status.value,
        "sha256": rep.sha256,
        "reason": rep.reason,
        "detail": rep.detail,
        "problem": what,
        "what_to_do": todo,
        "notes": list(rep.notes),
        "counts": d.counts,
        "publish": {
            "kind": d.publish_kind,
            "sha256": d.publish_sha,
            "approvals": list(d.approvals),
            "required": d.required,
            "approved": d.approved,
        },
    }


def queue(state: ConsoleState, status: str | None = None) -> dict[str, Any]:
    files = state.refresh()
    index = state.index()
    rows = [_file_summary(state.decided(f, index)) for f in files]
    totals: dict[str, int] = {"files": len(rows)}
    for r in rows:
        totals[r["status"]] = totals.get(r["status"], 0) + 1
    totals["findings"] = sum(r["counts"]["findings"] for r in rows)
    totals["unreviewed_findings"] = sum(r["counts"]["unreviewed"] for r in rows)
    shown = [r for r in rows if not status or r["status"] == status]
    order = {"unreviewed": 0, "blocked": 1, "ready": 2, "approved": 3}
    shown.sort(key=lambda r: (order.get(r["status"], 9), r["path"]))
    return {
        "version": 1,
        "filter": status,
        "totals": totals,
        "files": shown,
        "publish_dir": state.publish_dir.as_posix(),
        "policy": state.policy_name,
    }


def _parts(text: str, spans: Sequence[tuple[int, int, str, str]]) -> list[dict[str, str]]:
    """Text cut into plain runs and marked findings (id, state); overlapping spans are skipped."""
    out: list[dict[str, str]] = []
    pos = 0
    for start, end, fid, st in sorted(spans):
        if start < pos or end > len(text):
            continue
        if start > pos:
            out.append({"t": text[pos:start]})
        out.append({"t": text[start:end], "f": fid, "s": st})
        pos = end
    if pos < len(text):
        out.append({"t": text[pos:]})
    return out


def _box(loc: Mapping[str, Any], f: Finding, seg_text: str | None, page: pictures.PageInfo) -> dict | None:
    bbox = loc.get("bbox")
    if not (isinstance(bbox, (list, tuple)) and len(bbox) == 4) or page.width <= 0 or page.height <= 0:
        return None
    x0, y0, x1, y1 = (float(v) for v in bbox)
    n = len(seg_text) if seg_text else 0
    if n and "\n" not in seg_text[: f.end]:
        # A line's box: the finding's share of its width (glyph widths are close in CJK text).
        w = x1 - x0
        x0, x1 = x0 + w * f.start / n, x0 + w * f.end / n
    top = (page.height - y1) if page.origin_bottom else y0
    return {
        "left": round(100 * x0 / page.width, 3),
        "top": round(100 * top / page.height, 3),
        "width": round(100 * (x1 - x0) / page.width, 3),
        "height": round(100 * abs(y1 - y0) / page.height, 3),
    }


def _context(text: str | None, f: Finding) -> tuple[str, str]:
    if text is None or text[f.start : f.end] != f.text:
        return "", ""
    return text[max(0, f.start - CONTEXT) : f.start], text[f.end : f.end + CONTEXT]


def file_page(state: ConsoleState, f: FileState) -> dict[str, Any]:
    d = state.decided(f)
    state.prepare(f)
    originals, masked = f.places or {}, f.masked_places or {}
    findings = []
    spans: dict[str, list[tuple[int, int, str, str]]] = {}
    for r in d.findings:
        g = r.finding
        key = canonical(dict(g.location))
        text = originals.get(key, (None, None))[1]
        before, after = _context(text, g)
        spans.setdefault(key, []).append((g.start, g.end, r.id, r.state))
        findings.append(
            {
                "id": r.id,
                "entity_type": g.entity_type,
                "entity_label": terms.entity(ZH, g.entity_type),
                "text": g.text,
                "masked": state.policy.replacement(g),
                "score": round(g.score, 2),
                "where": terms.place(ZH, g.location),
                "why": terms.why(ZH, g.explanation),
                "location": dict(g.location),
                "before": before,
                "after": after,
                "state": r.state,
                "state_label": terms.status(ZH, r.state),
                "reviewer": r.reviewer,
                "reason": r.reason,
            }
        )
    low = [_candidate_row(g, originals) for g in state.low_candidates(f)]
    residual = [_candidate_row(g, masked) for g in f.residual or ()]
    kind = pictures.kind_of(f.path)
    pages: list[dict[str, Any]] = []
    if kind != "text" and f.report.status is not Status.BLOCKED:
        infos = pictures.page_infos(f.path)
        by_page = {p.number: p for p in infos}
        boxes: dict[int, list[dict[str, Any]]] = {}
        for r in d.findings:
            loc = r.finding.location
            pno = int(loc.get("page", 1)) if kind == "pdf" else 1
            if kind == "pdf" and "image" in loc:
                continue  # boxes in a picture's pixels: listed, not drawn
            page = by_page.get(pno)
            seg = originals.get(canonical(dict(loc)), (None, None))[1]
            box = _box(loc, r.finding, seg, page) if page else None
            if box:
                boxes.setdefault(pno, []).append({**box, "finding": r.id, "state": r.state})
        has_masked = f.masked_path is not None and f.masked_path.exists()
        for p in infos:
            pages.append(
                {
                    "number": p.number,
                    "ratio": round(p.height / p.width, 4) if p.width else 1.0,
                    "original": f"/review/file/{f.id}/page/{p.number}.png",
                    "masked": f"/review/file/{f.id}/page/{p.number}.png?copy=masked" if has_masked else None,
                    "boxes": boxes.get(p.number, []),
                }
            )
    loose: dict[str, str | None] = {}
    for loc, text in masked.values():
        k = _loose(loc)
        loose[k] = None if k in loose else text  # ambiguous without the volatile parts: not shown
    places = []
    budget = MAX_TEXT_CHARS
    hidden = 0
    for key, (loc, text) in originals.items():
        marks = spans.get(key, [])
        if not marks:
            if budget <= 0 or kind != "text":
                hidden += 1
                continue
            budget -= len(text)
        m = masked.get(key)
        places.append(
            {
                "where": terms.place(ZH, loc),
                "parts": _parts(text, marks),
                "masked": m[1] if m else loose.get(_loose(loc)),
            }
        )
    return {
        "version": 1,
        "file": _file_summary(d),
        "findings": findings,
        "low_confidence": low,
        "masked_residual": residual,
        "min_score": state.config.min_score,
        "pages": pages,
        "places": places,
        "places_hidden": hidden,
        "masked_available": f.masked_path is not None,
    }


def _candidate_row(g: Any, texts: Mapping[Any, Any]) -> dict[str, Any]:
    """A finding listed for a look (low-confidence candidates, what the masked copy still shows)
    with its context in `texts` (place -> (segment, text))."""
    text = texts.get(canonical(dict(g.location)), (None, None))[1]
    before, after = _context(text, g)
    return {
        "entity_type": g.entity_type,
        "entity_label": terms.entity(ZH, g.entity_type),
        "text": g.text,
        "score": round(g.score, 2),
        "where": terms.place(ZH, g.location),
        "why": terms.why(ZH, g.explanation),
        "before": before,
        "after": after,
    }
