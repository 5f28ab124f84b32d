"""Han characters that everyday text is made of, to tell text from noise.

Binary data read as strings (pixels, compressed streams, signature values) decodes to Han
characters spread over the whole CJK block; the name model reads "names" into them. Readers of
binary strings (formats/common/strings.py, verify/strings.py) keep a run only when it could be text.
"""

from __future__ import annotations

import re


def _common_han() -> frozenset[str]:
    """The 3,755 characters of GB 2312 level 1: the Han characters of everyday text."""
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


_COMMON_HAN = _common_han()
_HAN = re.compile("[\u3400-\u9fff]")


def plausible_text(run: str) -> bool:
    """False for a run whose Han characters are mostly rare ones. Pixels and compressed data
    read as UTF-16 give Han characters spread over the whole block (a fifth of all 16-bit
    values), of which only about one in six is common; real text is nearly all common ones. The
    name model reads names into such noise, so it is left out (digits and Latin runs stay)."""
    han = _HAN.findall(run)
    if len(han) < 2:
        return True
    return sum(c in _COMMON_HAN for c in han) >= 0.6 * len(han)
