"""The words every screen shares: entity names, places in a file, states, and for each reason a
file is blocked, what the reviewer can do about it. English source, translated by the catalog.

Used by the CLI (either language), the review report and the console (Chinese).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from typing import Any

from deident.locale import N_

ENTITIES: Mapping[str, str] = {
    "CN_RESIDENT_ID": N_("resident ID number"),
    "CN_MOBILE": N_("mobile number"),
    "CN_LANDLINE": N_("landline number"),
    "CN_BANK_CARD": N_("bank card number"),
    "CN_PASSPORT": N_("passport number"),
    "CN_TRAVEL_PERMIT": N_("travel permit number"),
    "CN_LICENSE_PLATE": N_("licence plate"),
    "EMAIL_ADDRESS": N_("e-mail address"),
    "PERSON": N_("name of a person"),
    "CN_ADDRESS": N_("home address"),
}

STATUSES: Mapping[str, str] = {
    "clean": N_("clean"),
    "findings": N_("findings"),
    "blocked": N_("blocked"),
    "unreviewed": N_("to review"),
    "not_pii": N_("not personal data"),
    "confirmed": N_("confirmed personal data"),
    "approved": N_("approved"),
    "ready": N_("reviewed, to approve"),
    "written": N_("written"),
    "not written": N_("not written"),
}

# Keys of a finding's location, in the order they are shown; "{}" is the value.
PLACES: tuple[tuple[str, str], ...] = (
    ("sheet", N_("sheet {}")),
    ("cell", N_("cell {}")),
    ("part", N_("part {}")),
    ("page", N_("page {}")),
    ("table", N_("table {}")),
    ("row", N_("row {}")),
    ("column", N_("column {}")),
    ("header", N_("column “{}”")),
    ("line", N_("line {}")),
    ("paragraph", N_("paragraph {}")),
    ("element", N_("element <{}>")),
    ("attribute", N_("attribute {}")),
    ("image", N_("picture {}")),
    ("revision", N_("earlier revision {}")),
    ("member", N_("member {}")),
    ("field", N_("field {}")),
)
_SKIP = {"bbox", "offset", "char_boxes", "boxes", "continued_on", "number"}

# Blocked reasons (the stable `reason` strings, matched by prefix) and what to do about each.
ADVICE: tuple[tuple[str, str, str], ...] = (
    (
        "encrypted",
        N_("the file is password-protected"),
        N_("open it with the password, remove the password and save it again, then upload that copy"),
    ),
    (
        "corrupt",
        N_("the file is damaged or not what its name says"),
        N_("open it in its program and save it again (or export it again), then upload that copy"),
    ),
    (
        "unsupported type",
        N_("deident cannot read this type of file"),
        N_("save it as PDF, Word (.docx), Excel (.xlsx) or text; unpack archives (.zip, .rar) first"),
    ),
    (
        "no readable text layer",
        N_("the PDF is a scan or its fonts cannot be read as text"),
        N_("export the scan with a text layer (OCR) or install the ocr extra, then scan again"),
    ),
    (
        "OCR is needed",
        N_("the file contains pictures that may hold text"),
        N_("install the ocr extra (pip install 'deident[ocr]') and scan again"),
    ),
    (
        "OCR failed",
        N_("the text in a picture could not be read"),
        N_("check the picture by eye; replace it with a clearer one or remove it"),
    ),
    (
        "picture cannot",
        N_("a picture in the file cannot be read or repainted"),
        N_("replace the picture (save it again as PNG or JPEG) or remove it"),
    ),
    (
        "too large",
        N_("the file is larger than the configured limits"),
        N_("split the file, or raise the limit if the file is known to be safe to read"),
    ),
    (
        "unreadable",
        N_("the file cannot be opened"),
        N_("check that the file exists and that you may read it"),
    ),
    (
        "cannot mask",
        N_("a masked copy could not be written safely"),
        N_("remove the personal data by hand in the original program, then scan again"),
    ),
    (
        "internal error",
        N_("deident failed while reading this file"),
        N_("report it to the maintainers (rerun with DEIDENT_DEBUG=1); check the file by hand meanwhile"),
    ),
)


def entity(t: gettext.NullTranslations, entity_type: str) -> str:
    label = ENTITIES.get(entity_type)
    return t.gettext(label) if label else entity_type


def status(t: gettext.NullTranslations, value: str) -> str:
    label = STATUSES.get(value)
    return t.gettext(label) if label else value


def place(t: gettext.NullTranslations, location: Mapping[str, Any]) -> str:
    """'sheet 名单, cell D5' / '工作表 名单，单元格 D5'; the whole file when there is no place."""
    known = dict(PLACES)
    parts: list[str] = []
    for key, template in PLACES:
        if key in location and not isinstance(location[key], (list, dict)):
            parts.append(t.gettext(template).format(location[key]))
    for key, value in location.items():
        if key not in known and key not in _SKIP and not isinstance(value, (list, dict)):
            parts.append(f"{key} {value}")
    sep = t.gettext(", ")
    return sep.join(parts) or t.gettext("whole file")


def advice(t: gettext.NullTranslations, reason: str | None) -> tuple[str, str]:
    """(what is wrong, what to do) for a blocked reason, in the language of `t`."""
    r = (reason or "").strip()
    for prefix, what, todo in ADVICE:
        if r.startswith(prefix):
            return t.gettext(what), t.gettext(todo)
    return (r or t.gettext("the file cannot be read")), t.gettext(
        "check the file by hand; it cannot be published until deident can read it"
    )


def checksum(t: gettext.NullTranslations, verdict: str) -> str:
    return {
        "valid": t.gettext("check digit valid"),
        "invalid": t.gettext("check digit invalid"),
        "unknown": t.gettext("check digit cannot be checked"),
    }.get(verdict, "")


def why(t: gettext.NullTranslations, explanation: Any) -> str:
    """Why a finding was reported: recognizer, checksum, the word that raised or lowered it."""
    bits = [t.gettext("recognizer {}").format(explanation.recognizer)]
    c = checksum(t, explanation.checksum)
    if c:
        bits.append(c)
    if explanation.context_word:
        bits.append(t.gettext("context word “{}”").format(explanation.context_word))
    if explanation.anti_context_word:
        bits.append(t.gettext("counter word “{}”").format(explanation.anti_context_word))
    bits.extend(explanation.notes)
    return t.gettext("; ").join(bits)


# Notes formats attach to a file (English, some with a number): pattern -> template.
NOTES: tuple[tuple[str, str], ...] = (
    (
        r"contains (\d+) hidden sheet\(s\): scanned like the others",
        N_("contains {} hidden sheet(s): scanned like the others"),
    ),
    (r"contains comments", N_("contains comments")),
    (r"contains macros", N_("contains macros")),
    (
        r"contains tracked changes.*",
        N_("contains tracked changes: deleted and inserted text is scanned and masked"),
    ),
    (r"contains JavaScript.*", N_("contains JavaScript (removed from the masked copy)")),
    (
        r"contains (\d+) embedded file\(s\).*",
        N_("contains {} embedded file(s), not scanned (removed from the masked copy)"),
    ),
    (r"encoding: (.+)", N_("encoding: {}")),
    (
        r"thumbnail \(a picture of the first page\).*",
        N_("thumbnail (a picture of the first page): not read by OCR, blanked in the masked copy"),
    ),
    (r"damaged PDF structure repaired while reading", N_("damaged PDF structure repaired while reading")),
    (r"masked copy written as (\S+)", N_("masked copy written as {}")),
)


def note(t: gettext.NullTranslations, text: str) -> str:
    """A format's note in the language of `t` (as it is when no translation is known)."""
    for pattern, template in NOTES:
        m = re.fullmatch(pattern, text)
        if m:
            return t.gettext(template).format(*m.groups())
    return text
