"""The model's PER spans tidied before the judge reads them (`deident.detection.model.ner`): the
parts of one transliterated name joined (彼得·皮奥), a user handle's Latin letters cut off
(陈冠希Uncle), and a name the model cut one character short lengthened (金石开：)."""

from __future__ import annotations

from collections.abc import Sequence

from deident.detection.model.gate import ModelGate
from deident.detection.model.lac import Span
from deident.detection.names.person import NAME_DOTS
from deident.detection.names.surnames import surname_length

_DOTS = frozenset(NAME_DOTS)


def is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


JOINERS = frozenset("-－—")  # between the parts of a transliterated name (汤姆-克鲁斯)


def joined(piece: str, spans: Sequence[Span]) -> list[Span]:
    """The model's spans, with the parts of one name it read apart joined: 差猜 · 春哈旺, 彼得· 皮奥,
    汤姆 - 克鲁斯 (two names with one dot or dash between them, or a name ending with the dot)."""
    out: list[Span] = []
    for sp in spans:
        if out and sp[2] == "PER" == out[-1][2]:
            a, b, _, belief, rival = out[-1]
            gap = piece[b : sp[0]]
            joins = (len(gap) == 1 and (gap in _DOTS or gap in JOINERS)) or (
                not gap and piece[b - 1] in _DOTS
            )
            if joins and is_han(piece[b - 1] if gap else piece[b - 2]) and is_han(piece[sp[0]]):
                out[-1] = (a, sp[1], "PER", min(belief, sp[3]), max(rival, sp[4]))
                continue
        out.append(sp)
    # a name the model ends with a dot and nothing after it (彼得·) ends before the dot
    return [
        _handle(piece, (a, b - 1, *rest) if piece[b - 1] in _DOTS and b - a > 2 else (a, b, *rest))
        for a, b, *rest in out
    ]


_HANDLE_EDGE = frozenset("@_＠")


def _handle_char(c: str) -> bool:
    return (c.isascii() and c.isalnum()) or c in _HANDLE_EDGE


def _handle(piece: str, span: Span) -> Span:
    """A name the model reads with a user handle's Latin letters, digits or @ around it
    (陈冠希Uncle, 子琳Windy, @白举纲): its Han part, when that is two characters or more."""
    a, b, label, belief, rival = span
    if label != "PER" or all(is_han(c) for c in piece[a:b]):
        return span
    s, e = a, b
    while s < e and _handle_char(piece[s]):
        s += 1
    while e > s and _handle_char(piece[e - 1]):
        e -= 1
    if e - s >= 2 and (s, e) != (a, b) and all(is_han(c) for c in piece[s:e]):
        return (s, e, label, belief, rival)
    return span


def lengthened(det: ModelGate, t: str, s: int, e: int, stop: int) -> int:
    """The end of a name the model cut one character short (金石 of 金石开：, 季红 of 季红真指出,
    的吴冠 of 的吴冠中2.2亿元): a surname and one given character with no boundary after them,
    where one more given character stands apart on both sides (punctuation, 的, a cue before;
    a word that follows names after). Not 王芳 of 王芳说： (a word that follows names comes
    right after the name), nor 熊孩子 of 柜台熊孩子说 (no boundary before), nor where the two
    characters are written elsewhere without the third."""
    if not det.extend_short or e - s != 2 or e + 1 > stop or surname_length(t, s) != 1:
        return e
    c = t[e]
    if not is_han(c) or c in det.person.given_stop or det.person._ends_name(t, e):
        return e
    if t[s : e + 1] in det.words or t[e : e + 2] in det.words:
        return e
    # the two characters written elsewhere without the third: the name is those two (被害人田兵带到
    # … 趁田兵不备)
    i = t.find(t[s:e])
    while i >= 0:
        if not t.startswith(c, i + 2):
            return e
        i = t.find(t[s:e], i + 2)
    return e + 1 if det._bounded(t, s, e + 1, "both") else e
