"""Addresses alone in a cell, as people type them in a roster: 苏家浜235, 逸天广场52幢413,
丰盛九座13-2021, 安元佳苑2区8幢1128. Such a cell has no road-and-number anchor the address
grammar (`address`) reads, and no cue before it; what makes it an address is that it holds
nothing else: place words before its first number, numbers that are not dates, amounts or
counts, no sentence words, and it ends with its numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from deident.detection.numbers.normalise import is_masked_value

_HAN = "\u4e00-\u9fff"
_CELL = re.compile(rf"[{_HAN}0-9A-Za-z\-－—#()（）]{{6,60}}")
_PLACE = re.compile(
    rf"^[{_HAN}]*?(?:省|市|区|县|旗|镇|乡|村|街道|路|街|巷|弄|道|苑|园|城|广场|大厦|市场|中心|新村|小区)"
)
_SENTENCE = re.compile(r"位于|坐落|座落|地址|住址|项目|工程|[的在是将把被]")
# An agency or a company is no home (重庆市国家税务局1H0F in an invoice's signature certificate).
_AGENCY = re.compile(r"[局厅委署税]|政府|法院|检察院|公司|银行|医院|学校|大学|协会|集团|办公室|管理处")
_END = re.compile(r"[0-9][^0-9]{0,4}$")  # …52幢413, …67号, …4564档
_NOT = re.compile(r"[0-9][年月日时分秒元角万亿岁周天人个件次项名户期批%％ｍ米吨度克升]|[0-9]{11}|^[0-9]")


def address_cells(folded: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each cell of `folded` that holds an address and nothing else: the whole
    text when it is one line, or each tab-separated cell of a table row."""
    if "\t" not in folded and "\n" in folded.strip():
        return  # running text, not a cell
    for m in re.finditer(r"[^\t\n]+", folded):
        pos, end = m.span()
        while pos < end and folded[pos] in " \u3000\r":
            pos += 1
        while end > pos and folded[end - 1] in " \u3000\r":
            end -= 1
        cell = folded[pos:end]
        if (
            _CELL.fullmatch(cell)
            and _END.search(cell)
            and _PLACE.match(cell)
            and not _NOT.search(cell)
            and not _SENTENCE.search(cell)
            and not _AGENCY.search(cell)
            and not is_masked_value(cell)
        ):
            yield pos, end
