"""Table hints: a cell under a header that names an entity (身份证号码, 姓名 …) is that entity,
even when no pattern or checksum matches it."""

from __future__ import annotations

import dataclasses
import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter, le, sub

from deident.detection.names.surnames import COMPOUND
from deident.detection.numbers.normalise import is_masked_value
from deident.detection.numbers.validators import id_problem
from deident.detection.tables import NOT_PERSONAL, is_value_cell
from deident.model import Explanation, Finding, changed, new_finding

HINT_SCORE = 0.9
_SERIAL = re.compile(r"\s*[0-9]{1,4}[\s.、．)）]*(?=\D)")
# Entities a header may name interchangeably: a landline in a 联系电话 column stays a landline.
# A 证件号码 column holds ID numbers, passports and permits alike.
_FAMILIES = {
    "CN_MOBILE": "phone",
    "CN_LANDLINE": "phone",
    "CN_RESIDENT_ID": "document",
    "CN_PASSPORT": "document",
    "CN_TRAVEL_PERMIT": "document",
}

_START = attrgetter("start")
_END = attrgetter("end")
NameSpan = Callable[[str], "tuple[int, int] | None"]


_NOT_DIGITS = re.compile(r"[^0-9]")
_MOBILE = re.compile(r"(?:0{0,2}86)?1[3-9][0-9]{9}")


def _phone_kind(cell: str) -> str:
    """A phone column holds mobiles and landlines alike: the cell's digits say which."""
    return "CN_MOBILE" if _MOBILE.fullmatch(_NOT_DIGITS.sub("", cell)) else "CN_LANDLINE"


# A cell that is one value: letters and digits with separators inside, nothing else.
_ONE_VALUE = re.compile(
    r"(?:tel:)?[+(（]?[0-9A-Za-z\uff10-\uff19](?:[ \-.\u200b)）]{0,3}[0-9A-Za-z\uff10-\uff19])*"
)


def _whole_value(
    text: str,
    found: list[Finding],
    start: int,
    end: int,
    entity: str,
    note: str,
    owners: Mapping[str, str] | None = None,
) -> list[Finding]:
    """A cell that holds one value is masked whole: findings that read only part of it (a
    19-digit window of a 25-digit account, 8 digits of a landline read as a permit) give way to
    one finding of the header's entity over the cell."""
    inside = [f for f in found if f.start < end and f.end > start]
    if not inside or any(f.start <= start and f.end >= end for f in inside):
        return found
    kind = (
        inside[0].entity_type
        if len(inside) == 1 and family(inside[0].entity_type) == family(entity)
        else entity
    )
    if family(kind) == "phone":
        kind = _phone_kind(text[start:end])
    rest = [f for f in found if not (f.start < end and f.end > start)]
    explanation = _header_explanation(note, "whole value")
    recognizer = _recognizer(owners, kind)
    return [*rest, new_finding(kind, start, end, text[start:end], HINT_SCORE, recognizer, explanation)]


# A name column's cell that holds one name: Han characters and a minority name's dot.
_ONE_NAME = re.compile(r"[\u3400-\u9fff\uf900-\ufaff][\u3400-\u9fff\uf900-\ufaff·•・.．]{1,14}")


def _whole_name(text: str, found: list[Finding], start: int, end: int) -> list[Finding]:
    """A cell under a name header that holds one name is masked whole: a name the model read
    short (欧阳桂 of 欧阳桂超) grows to the cell, or the rest of the name would stay readable."""
    lead = _SERIAL.match(text, start, end)
    s = lead.end() if lead else start
    inside = [f for f in found if f.start < end and f.end > start]
    if len(inside) != 1 or not _ONE_NAME.fullmatch(text, s, end):
        return found
    f = inside[0]
    if f.entity_type != "PERSON" or not s <= f.start <= f.end <= end or (f.start, f.end) == (s, end):
        return found  # not a name, a name running past the cell, or the whole name already
    grown = dataclasses.replace(f, start=s, end=end, text=text[s:end])
    return [grown if g is f else g for g in found]


# A name column's cell that is one name and nothing else: two or three Han characters, four after
# a compound surname (欧阳桂超), or Han parts joined by name dots (阿依古丽·吐尔逊).
_HAN = "\u3400-\u9fff\uf900-\ufaff"
_PLAIN_NAME = re.compile(f"[{_HAN}]{{2,3}}")
_FOUR_NAME = re.compile(f"[{_HAN}]{{4}}")
_DOTTED_NAME = re.compile(f"[{_HAN}]{{1,10}}(?:[·•・‧⋅･∙．.][{_HAN}]{{1,10}}){{1,2}}")


def clean_name_span(cell: str) -> tuple[int, int] | None:
    """(start, end) of the name when `cell` (under a name header) is one clean name shape, after
    a serial number printed in front of it; else None."""
    if not is_value_cell(cell) or is_masked_value(cell):
        return None
    start, end = len(cell) - len(cell.lstrip()), len(cell.rstrip())
    lead = _SERIAL.match(cell, start, end)
    s = lead.end() if lead else start
    if (
        _PLAIN_NAME.fullmatch(cell, s, end)
        or (_FOUR_NAME.fullmatch(cell, s, end) and cell[s : s + 2] in COMPOUND)
        or _DOTTED_NAME.fullmatch(cell, s, end)
    ):
        return s, end
    return None


def whole_name_cell(cell: str, found: list[Finding], reason: str | None) -> list[Finding] | None:
    """The findings of a name column's `cell` with the cell's name masked whole, when the cell is
    one clean name (`clean_name_span`) and the rules found nothing in it but at most one name
    inside that name: then the name model has nothing to add (whatever it reads there lies inside
    the name taken whole). None when the model must read the cell: other content, another finding
    (an address, a number), two names, or a name running past the cell's name."""
    span = clean_name_span(cell)
    if span is None:
        return None
    s, e = span
    if len(found) > 1 or any(f.entity_type != "PERSON" or f.start < s or f.end > e for f in found):
        return None
    if found:
        f = found[0]
        if (f.start, f.end) == (s, e):
            return found
        return [dataclasses.replace(f, start=s, end=e, text=cell[s:e])]
    explanation = _header_explanation(reason or "column header", "whole name")
    return [new_finding("PERSON", s, e, cell[s:e], HINT_SCORE, "table_header", explanation)]


def _recognizer(owners: Mapping[str, str] | None, entity: str) -> str:
    """Who reports a cell: the recognizer of its entity when the caller names one (a text
    table in `scan_text`), else "table_header" (a format reader's table)."""
    return "table_header" if owners is None else owners.get(entity, "table_header")


@functools.lru_cache(maxsize=1024)
def _header_explanation(*notes: str) -> Explanation:
    """Shared: a header's explanation differs only by its notes (the header's name)."""
    return Explanation("table_header", "column header", HINT_SCORE, "n/a", notes=notes)


def family(entity: str) -> str:
    return _FAMILIES.get(entity, entity)


def name_in_cell(text: str, start: int, end: int, name_spans: Iterable[NameSpan]) -> tuple[int, int]:
    """A name column's cell trimmed to the name: a serial number printed in front of it
    (``1 龚洋`` in a PDF whose columns have no rulings) is not part of the name."""
    lead = _SERIAL.match(text, start, end)
    s = lead.end() if lead else start
    for name_span in name_spans:
        span = name_span(text[s:end])
        if span is not None:
            return s + span[0], s + span[1]
    return (s, end) if s < end else (start, end)


def apply_cells(
    text: str,
    found: list[Finding],
    cells: Iterable[tuple[int, int, str]],
    reason: str | None,
    name_spans: Iterable[NameSpan],
    strong: float = 2.0,
    starts: list[int] | None = None,
    owners: Mapping[str, str] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """`apply_hint` for every cell (start, end, entity) of the tables inside `text`: (the
    findings no cell touched, the cells' findings). Findings are swept in order (`starts`: their
    starts, when the caller has them), so each cell looks only at the few findings that can
    touch it. A cell whose findings are all of its family and score `strong` or more is left as
    it is. `owners` ({entity: recognizer id}) names who reports a cell's new finding."""
    if starts is None or len(starts) != len(found):
        found = (
            found if all(map(le, map(_START, found), map(_START, found[1:]))) else sorted(found, key=_START)
        )
        starts = [f.start for f in found]
    ordered = found
    longest = max(map(sub, map(_END, ordered), starts), default=0)
    taken: set[int] = set()
    out: list[Finding] = []
    for a, b, entity in cells:
        lo = bisect_left(starts, a - longest)
        hi = bisect_left(starts, b)
        idx = [i for i in range(lo, hi) if ordered[i].end > a]
        if idx and entity != NOT_PERSONAL:
            fam = family(entity)
            if all(ordered[i].score >= strong and family(ordered[i].entity_type) == fam for i in idx):
                continue
        taken.update(idx)
        out.extend(apply_hint(text, [ordered[i] for i in idx], entity, reason, name_spans, a, b, owners))
    if not taken:
        return ordered, out
    rest: list[Finding] = []
    prev = 0
    for i in sorted(taken):  # slices between the few taken findings, not a loop over all
        rest.extend(ordered[prev:i])
        prev = i + 1
    rest.extend(ordered[prev:])
    return rest, out


def apply_hint(
    text: str,
    found: list[Finding],
    entity: str,
    reason: str | None,
    name_spans: Iterable[NameSpan],
    lo: int = 0,
    hi: int | None = None,
    owners: Mapping[str, str] | None = None,
) -> list[Finding]:
    """The cell text[lo:hi] is what `entity` says; `found` are the findings of the text. NOT_PERSONAL
    drops what was found in the cell (an order number is no bank card)."""
    hi = len(text) if hi is None else hi
    cell = text[lo:hi]
    if not is_value_cell(cell) or is_masked_value(cell):
        return found
    start = lo + len(cell) - len(cell.lstrip())
    end = lo + len(cell.rstrip())
    if entity == NOT_PERSONAL:
        return [f for f in found if not (f.start < end and f.end > start)]
    note = reason or "column header"
    if found and _ONE_VALUE.fullmatch(text, start, end):  # (with nothing found, nothing to join)
        found = _whole_value(text, found, start, end, entity, note, owners)
    if found and entity == "PERSON":
        found = _whole_name(text, found, start, end)
    out: list[Finding] = []
    covered = False
    for f in found:
        if f.start < end and f.end > start:
            covered = True
            if (
                f.entity_type != entity
                and family(f.entity_type) != family(entity)
                and (f.end - f.start >= (end - start) * 0.8)
            ):
                # The cell is what its header says: 17 digits under 身份证号码 are a mistyped ID,
                # not a bank card, and must be masked as an ID.
                f = changed(f, entity_type=entity)
            if f.score < HINT_SCORE:
                f = changed(f, score=HINT_SCORE, explanation=_noted(f.explanation, note))
        out.append(f)
    if not covered:
        if entity in ("CN_MOBILE", "CN_LANDLINE"):
            entity = _phone_kind(text[start:end])
        if entity == "PERSON":
            start, end = name_in_cell(text, start, end, name_spans)
        recognizer = _recognizer(owners, entity)
        explanation = _header_explanation(note)
        out.append(new_finding(entity, start, end, text[start:end], HINT_SCORE, recognizer, explanation))
    return out


# (id of an explanation, note) -> (that explanation, the one with the note): keyed by identity,
# as hashing a dataclass hashes all its fields; the entry keeps its key's object alive, and is
# used only when the object is the same.
_EXPLAINED: dict[tuple[int, str], tuple[Explanation, Explanation]] = {}
_NOTED: dict[tuple[int, str], tuple[Explanation, Explanation]] = {}


def _noted(explanation: Explanation, note: str) -> Explanation:
    """`explanation` with `note` added to its notes; shared (a table's cells add the same note
    to the few explanations of its findings)."""
    key = (id(explanation), note)
    entry = _NOTED.get(key)
    if entry is not None and entry[0] is explanation:
        return entry[1]
    if len(_NOTED) > 4096:
        _NOTED.clear()
    noted = dataclasses.replace(explanation, notes=(*explanation.notes, note))
    _NOTED[key] = (explanation, noted)
    return noted


def explain_id(f: Finding) -> Finding:
    """An ID reported without passing GB 11643 says which check it fails (region code, birth
    date, check digit, length): "checksum invalid" alone hides whether the number is mistyped
    or merely from an unknown region."""
    problem = id_problem(f.text)
    if problem is None:
        return f
    note = f"fails: {problem}"
    if note in f.explanation.notes:
        return f
    key = (id(f.explanation), note)
    entry = _EXPLAINED.get(key)
    if entry is not None and entry[0] is f.explanation:
        explanation = entry[1]
    else:  # few distinct ones (recognizer x context x problem): shared
        if len(_EXPLAINED) > 4096:
            _EXPLAINED.clear()
        notes = (*(n for n in f.explanation.notes if n != "checksum invalid"), note)
        explanation = dataclasses.replace(f.explanation, notes=notes)
        _EXPLAINED[key] = (f.explanation, explanation)
    if f.attributes or f.location:
        return dataclasses.replace(f, explanation=explanation)
    return new_finding(f.entity_type, f.start, f.end, f.text, f.score, f.recognizer, explanation)
