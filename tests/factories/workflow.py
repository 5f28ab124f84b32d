"""Files for the 先审后发 workflow tests: a leaking notice, a clean one, a masked one, a broken
attachment, and the personal values each hides (so tests can grep ledgers and logs for them)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from tests.factories import pii

SEED_TEXT = "关于2024年度城乡居民医疗救助资金发放情况的公示。本通知自发布之日起施行，咨询电话：12345。\n"


@dataclass(frozen=True)
class Leak:
    name: str
    mobile: str
    resident_id: str

    @property
    def values(self) -> tuple[str, ...]:
        return (self.name, self.mobile, self.resident_id)


def make_leak(seed: int = 7) -> Leak:
    rng = random.Random(seed)
    # Names with a cue word (申请人) are reported by the engine; keep them two characters.
    name = rng.choice(pii.SURNAMES) + rng.choice(pii.GIVEN_CHARS)
    return Leak(name, pii.mobile(rng, prefix="138"), pii.resident_id(rng))


def leak_text(leak: Leak) -> str:
    return (
        "关于发放困难群众临时救助金的公示\n"
        f"申请人：{leak.name}，联系电话：{leak.mobile}，身份证号码：{leak.resident_id}。\n"
        "公示期为五个工作日。\n"
    )


def write_leaking(path: Path, leak: Leak) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(leak_text(leak), encoding="utf-8")
    return path


def write_clean(path: Path, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SEED_TEXT + extra, encoding="utf-8")
    return path


def write_corrupt_docx(path: Path) -> Path:
    """A .docx that is not a zip: must be blocked ('corrupt'), never clean."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive" + bytes(range(256)))
    return path


def variants(value: str) -> tuple[str, ...]:
    """Forms of a value that must not appear in a ledger or log (as is, and its digits' parts)."""
    out = {value}
    if value.isdigit() and len(value) == 11:
        out.add(f"{value[:3]}-{value[3:7]}-{value[7:]}")
    return tuple(out)
