"""A forgiving HTML tokenizer that keeps source offsets.

A masked page must be byte-identical to its source outside the masked characters, so the page
is never re-serialised: this lexer only says where things are. It follows the HTML standard's
tokenizer where that matters for finding text (raw-text elements, comments, attribute
quoting, unterminated constructs run to the end of the file) and never fails: any string is a
sequence of tokens that covers it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

# Content is not markup up to the matching end tag. <noscript> is parsed as markup: a page
# read with scripting off shows it, so its text and attributes are scanned like any other.
RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes"})
RCDATA = frozenset({"title", "textarea"})  # raw, but character references are decoded

_WS = "\t\n\f\r "
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_ATTR_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*")
_SKIP = re.compile(r"[\t\n\f\r /]*")
_SPACE = re.compile(r"[\t\n\f\r ]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
_COMMENT_END = re.compile(r"--!?>")


# Not frozen: frozen dataclasses are several times slower to build, and a page has many tags.
@dataclass(slots=True)
class Attr:
    name: str  # lower case
    value_start: int  # -1 when the attribute has no value
    value_end: int
    quote: str  # '"', "'" or "" (unquoted or no value)


@dataclass(slots=True)
class Token:
    kind: str  # "text" | "start" | "end" | "comment" | "raw" | "doctype"
    start: int
    end: int
    name: str = ""  # tag name, lower case (for "raw": the element it belongs to)
    attrs: tuple[Attr, ...] = ()
    body_start: int = 0  # comments: the text between the delimiters
    body_end: int = 0


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _is_letter(ch: str) -> bool:
    return ch in _LETTERS


@lru_cache(maxsize=16)
def _closing(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}(?=[\t\n\f\r />]|$)", re.IGNORECASE)


def _start_tag(src: str, lt: int) -> Token:
    n = len(src)
    m = _TAG_NAME.match(src, lt + 1)
    name = m.group().lower()
    i = m.end()
    attrs: list[Attr] = []
    while True:
        i = _SKIP.match(src, i).end()
        if i >= n:
            break
        if src[i] == ">":
            i += 1
            break
        am = _ATTR_NAME.match(src, i)
        aname = am.group().lower()
        i = am.end()
        j = _SPACE.match(src, i).end()
        if j < n and src[j] == "=":
            j = _SPACE.match(src, j + 1).end()
            if j < n and src[j] in "\"'":
                q = src[j]
                k = src.find(q, j + 1)
                k = n if k == -1 else k
                attrs.append(Attr(aname, j + 1, k, q))
                i = min(k + 1, n)
            else:
                vm = _UNQUOTED.match(src, j)
                attrs.append(Attr(aname, j, vm.end(), ""))
                i = vm.end()
        else:
            attrs.append(Attr(aname, -1, -1, ""))
    return Token("start", lt, i, name, tuple(attrs))


def _to_gt(src: str, pos: int) -> int:
    gt = src.find(">", pos)
    return len(src) if gt == -1 else gt + 1


def _bogus(src: str, lt: int, body: int) -> Token:
    """A bogus comment ("<!x", "</ x"): its text runs to the next ">" or the end of the file."""
    gt = src.find(">", body)
    body_end, end = (gt, gt + 1) if gt != -1 else (len(src), len(src))
    return Token("comment", lt, end, body_start=body, body_end=body_end)


def tokenize(src: str) -> Iterator[Token]:
    pos = 0
    n = len(src)
    while pos < n:
        lt = src.find("<", pos)
        if lt == -1:
            yield Token("text", pos, n)
            return
        if lt > pos:
            yield Token("text", pos, lt)
        nxt = src[lt + 1 : lt + 2]
        if _is_letter(nxt):
            tok = _start_tag(src, lt)
            yield tok
            pos = tok.end
            if tok.name in RAW_TEXT or tok.name in RCDATA or tok.name == "plaintext":
                close = None if tok.name == "plaintext" else _closing(tok.name).search(src, pos)
                body_end = close.start() if close else n
                yield Token("raw", pos, body_end, tok.name, tok.attrs)
                pos = body_end
        elif nxt == "/":
            after = src[lt + 2 : lt + 3]
            if _is_letter(after):
                m = _TAG_NAME.match(src, lt + 2)
                end = _to_gt(src, m.end())
                yield Token("end", lt, end, m.group().lower())
                pos = end
            elif after == ">":
                pos = lt + 3  # "</>" is dropped by browsers
                yield Token("doctype", lt, pos)
            else:
                tok = _bogus(src, lt, lt + 2)
                yield tok
                pos = tok.end
        elif nxt == "!":
            if src.startswith("<!--", lt):
                body = lt + 4
                if src.startswith(">", body) or src.startswith("->", body):
                    end = body + (1 if src[body] == ">" else 2)  # "<!-->" and "<!--->" are empty
                    yield Token("comment", lt, end, body_start=body, body_end=body)
                else:
                    m = _COMMENT_END.search(src, body)
                    body_end, end = (m.start(), m.end()) if m else (n, n)
                    yield Token("comment", lt, end, body_start=body, body_end=body_end)
                pos = end
            elif src.startswith("<![CDATA[", lt):
                k = src.find("]]>", lt + 9)
                body_end, end = (k, k + 3) if k != -1 else (n, n)
                yield Token("comment", lt, end, body_start=lt + 9, body_end=body_end)
                pos = end
            elif src[lt + 2 : lt + 9].upper() == "DOCTYPE":
                pos = _to_gt(src, lt + 2)
                yield Token("doctype", lt, pos)
            else:
                tok = _bogus(src, lt, lt + 2)
                yield tok
                pos = tok.end
        elif nxt == "?":
            end = _to_gt(src, lt + 2)
            yield Token("doctype", lt, end)  # <?xml ...?>: a processing instruction, no text
            pos = end
        else:
            yield Token("text", lt, lt + 1)
            pos = lt + 1
