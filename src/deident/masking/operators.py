"""Masking operators. Each turns a finding's text into its masked form.

Positions count *significant* characters only (digits, letters, Han): separators inside a
value stay where they are, so ``138-1234-5678`` becomes ``138-****-5678``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from deident.detection.names import surnames
from deident.errors import PolicyError
from deident.model import Finding

ADDRESS_LEVELS = ("province", "city", "county", "township")


def _significant(c: str) -> bool:
    return c.isalnum()


def mask_keep(
    value: str, keep_first: int = 0, keep_last: int = 0, char: str = "*", mask_last: int | None = None
) -> str:
    """Mask significant characters except the first `keep_first` and last `keep_last`.
    With `mask_last`, mask only the last N significant characters. At least one significant
    character is always masked."""
    idx = [i for i, c in enumerate(value) if _significant(c)]
    n = len(idx)
    if n == 0:
        return value
    if mask_last is not None:
        lo, hi = max(0, n - mask_last), n
    else:
        while keep_first + keep_last >= n and (keep_first or keep_last):
            if keep_last >= keep_first and keep_last:
                keep_last -= 1
            else:
                keep_first -= 1
        lo, hi = keep_first, n - keep_last
    chars = list(value)
    for k in range(lo, hi):
        chars[idx[k]] = char
    return "".join(chars)


def _area_code_len(digits: str) -> int:
    return 3 if digits.startswith(("010", "02")) else 4


def op_mask(finding: Finding, params: Mapping[str, Any]) -> str:
    p = dict(params)
    by_len = p.pop("by_length", None) or {}
    sig = sum(1 for c in finding.text if _significant(c))
    p.update(by_len.get(sig, {}) or by_len.get(str(sig), {}))
    keep_first = p.get("keep_first", 0)
    if keep_first == "area_code":
        keep_first = _area_code_len("".join(c for c in finding.text if c.isdigit()))
    return mask_keep(
        finding.text, int(keep_first), int(p.get("keep_last", 0)), str(p.get("char", "*")), p.get("mask_last")
    )


def op_email(finding: Finding, params: Mapping[str, Any]) -> str:
    local, at, domain = finding.text.rpartition("@")
    if not at:
        return mask_keep(finding.text, 1, 0, str(params.get("char", "*")))
    keep = int(params.get("keep_first", 1))
    char = str(params.get("char", "*"))
    fixed = params.get("fixed")
    masked_local = local[:keep] + (char * int(fixed) if fixed else char * max(1, len(local) - keep))
    return masked_local + "@" + domain


def surname_length(name: str) -> int:
    """Characters of `name` to keep as its surname: 2 for a compound surname (欧阳明), else 1."""
    return 2 if name[:2] in surnames.COMPOUND and len(name) > 2 else 1


def op_name(finding: Finding, params: Mapping[str, Any]) -> str:
    """张三 -> 张*, 张三明 -> 张*明, 欧阳明 -> 欧阳*, 欧阳小明 -> 欧阳*明; `fixed: 2` -> 张**."""
    name = finding.text
    char = str(params.get("char", "*"))
    if "·" in name or "•" in name:  # minority names: keep the first character and the dots
        return name[0] + "".join(c if c in "·•" else char for c in name[1:])
    s = surname_length(name)
    if params.get("fixed"):
        return name[:s] + char * int(params["fixed"])
    rest = len(name) - s
    keep_last = bool(params.get("keep_last", True)) and rest >= 2
    return name[:s] + char * (rest - (1 if keep_last else 0)) + (name[-1] if keep_last else "")


def op_surname_mou(finding: Finding, params: Mapping[str, Any]) -> str:
    """最高人民法院 2016 rules: 张三 -> 张某."""
    name = finding.text
    return name[: surname_length(name)] + str(params.get("text", "某"))


def op_address(finding: Finding, params: Mapping[str, Any]) -> str:
    """Keep the administrative prefix down to `keep_level`, mask the rest character by character."""
    level = str(params.get("keep_level", "township"))
    if level not in ADDRESS_LEVELS:
        raise PolicyError(f"address keep_level must be one of {', '.join(ADDRESS_LEVELS)}, not '{level}'")
    levels = (finding.attributes or {}).get("levels") or {}
    keep = 0
    for name in ADDRESS_LEVELS[: ADDRESS_LEVELS.index(level) + 1]:
        if name in levels:
            keep = max(keep, int(levels[name]))
    char = str(params.get("char", "*"))
    text = finding.text
    if not any(_significant(c) for c in text[keep:]):
        # Nothing below the kept level (or only a separator, 广东省深圳市，): mask the last
        # significant character at least, so a finding is never published as it was.
        last = [i for i, c in enumerate(text) if _significant(c)]
        keep = last[-1] if last else len(text)
    return text[:keep] + "".join(char if _significant(c) else c for c in text[keep:])


def op_bank_card(finding: Finding, params: Mapping[str, Any]) -> str:
    """Hutool's bank-card form: the first `keep_first` digits, the middle masked in groups of
    `group` after a space each, then a space and the last digits (the count left over by the
    groups, or a whole group): 6227880100100105123 -> 6227 **** **** **** 123. The value's own
    spaces go; other separators are kept as characters to mask."""
    char = str(params.get("char", "*"))
    keep, group = int(params.get("keep_first", 4)), int(params.get("group", 4))
    compact = "".join(finding.text.split())
    n = len(compact)
    if n <= keep + 1:
        return mask_keep(finding.text, 1, 0, char)
    tail = n % group or group
    tail = min(tail, n - keep - 1)
    middle = n - keep - tail
    out = [compact[:keep]]
    for i in range(middle):
        if i % group == 0:
            out.append(" ")
        out.append(char)
    out.append(" " + compact[n - tail :])
    return "".join(out)


def op_replace(finding: Finding, params: Mapping[str, Any]) -> str:
    return str(params.get("text", "***"))


def op_delete(finding: Finding, params: Mapping[str, Any]) -> str:
    return ""


Operator = Callable[[Finding, Mapping[str, Any]], str]

OPERATORS: dict[str, Operator] = {
    "mask": op_mask,
    "email": op_email,
    "name": op_name,
    "surname_mou": op_surname_mou,
    "address": op_address,
    "bank_card": op_bank_card,
    "replace": op_replace,
    "delete": op_delete,
}
