"""Free text a reviewer types (the reviewer's name, a decision's reason) goes into the ledger
and every report: it must not carry personal data, in any rendering the detector reads."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from deident.detection.numbers.normalise import fold

if TYPE_CHECKING:
    from deident.detection.engine import Engine

# Chinese numerals read as digits (一三八…), one character for one, so offsets hold.
_NUMERALS = str.maketrans("〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖", "00123456789123456789")
_SEPARATORS = re.compile(r"[\s\-\u200b_.()（）/:：,，、·]")


def _squeeze(text: str) -> str:
    return _SEPARATORS.sub("", fold(text).translate(_NUMERALS)).lower()


def personal_data_in(
    text: str, engine: Engine, *, values: Iterable[str] = (), own_name: bool = False
) -> list[str]:
    """The entity types of personal data in `text` (empty when none): what the engine finds in
    the text as written and with Chinese numerals read as digits, and any of `values` (the
    findings of the file decided on) however it is spaced, hyphenated or written full-width.
    With `own_name`, a person's name is allowed (a reviewer signs with theirs)."""
    found = {f.entity_type for t in (text, text.translate(_NUMERALS)) for f in engine.analyze(t)}
    if own_name:
        found.discard("PERSON")
    squeezed = _squeeze(text)
    for v in values:
        sv = _squeeze(v)
        if len(sv) >= 2 and sv in squeezed:
            found.add("a value of this file")
    return sorted(found)


def refuse_personal_data(
    text: str | None, what: str, engine: Engine, *, values: Iterable[str] = (), own_name: bool = False
) -> str | None:
    """None when `text` is fine, else the refusal message (naming what, never the value)."""
    if not text:
        return None
    kinds = personal_data_in(text, engine, values=values, own_name=own_name)
    if not kinds:
        return None
    return f"the {what} contains personal data ({', '.join(kinds)}); write it without quoting any"
