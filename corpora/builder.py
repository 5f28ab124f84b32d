"""Building blocks of the labelled corpus: a document that records its labels as it is
written, values rendered in every variant, and real government prose as filler.

A label is the exact span of the rendered value in the document text (`text[start:end]`
is the label's `text`), so labels cannot drift from the documents.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.factories import pii

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@dataclass
class Doc:
    doc_type: str
    parts: list[str] = field(default_factory=list)
    spans: list[dict[str, Any]] = field(default_factory=list)
    _len: int = 0

    def add(self, *texts: str) -> Doc:
        for t in texts:
            self.parts.append(t)
            self._len += len(t)
        return self

    def pii(self, shown: str, entity_type: str, variant: str, **extra: Any) -> Doc:
        start = self._len
        self.add(shown)
        span = {
            "start": start,
            "end": self._len,
            "entity_type": entity_type,
            "text": shown,
            "variant": variant,
        }
        span.update(extra)
        self.spans.append(span)
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Cycler:
    """Variants in a shuffled round robin per key, so that every variant occurs even in a
    small corpus, in an order that differs between documents."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._queues: dict[str, list[str]] = {}

    def next(self, key: str, variants: Sequence[str]) -> str:
        q = self._queues.get(key)
        if not q:
            q = list(variants)
            self._rng.shuffle(q)
            self._queues[key] = q
        return q.pop()


# --- Values per entity and variant ---------------------------------------------------
# Each maker returns (rendered text, extra label fields). "in_han" renders the plain value;
# the template then writes Han characters directly around it, without punctuation.

ID_VARIANTS = ("plain", "plain", "fullwidth", "spaces", "dashes", "zero_width", "in_han", "lower_x",
               "15_digit", "abolished_region", "permit", "checksum_invalid", "groups4",
               "ideographic_space")  # fmt: skip
MOBILE_VARIANTS = ("plain", "plain", "fullwidth", "dashes", "spaces", "plus86", "zero_width", "in_han",
                   "unallocated", "ideographic_space", "fullwidth_dashes")  # fmt: skip
CARD_VARIANTS = ("plain", "plain", "spaces", "fullwidth", "in_han", "len19", "luhn_invalid")
EMAIL_VARIANTS = ("plain", "plain", "in_han")
LANDLINE_VARIANTS = ("plain", "no_dash", "in_han", "parens")
PASSPORT_VARIANTS = ("E8", "G8", "EL7")
PERMIT_VARIANTS = ("hk_macau", "home_return", "taiwan")
PLATE_VARIANTS = ("fuel", "fuel_dot", "new_energy", "new_energy_dot", "fuel_space")
NAME_VARIANTS = ("single", "single", "two", "compound", "minority", "minority_alt")
ADDRESS_VARIANTS = ("street", "estate", "village", "short")


def make_id(rng: random.Random, variant: str) -> tuple[str, dict[str, Any]]:
    checksum = "valid"
    if variant == "15_digit":
        v = pii.resident_id_15(rng)
        checksum = "n/a"
    elif variant == "checksum_invalid":
        v = pii.resident_id_bad_checksum(rng)
        checksum = "invalid"
    elif variant == "permit":
        v = pii.residence_permit_id(rng)
    elif variant == "abolished_region":
        v = pii.resident_id(rng, region=pii.region_code(rng, abolished=True))
    elif variant == "lower_x":
        v = pii.resident_id(rng, want_x=True, lower_x=True)
    else:
        v = pii.resident_id(rng, region=pii.region_code(rng, abolished=False))
    shown = variant if variant in _ID_RENDERINGS else "plain"
    return pii.render(v, shown, rng), {"value": v.upper(), "checksum": checksum}


_ID_RENDERINGS = ("fullwidth", "spaces", "dashes", "zero_width", "groups4", "ideographic_space")


def make_mobile(rng: random.Random, variant: str) -> tuple[str, dict[str, Any]]:
    if variant == "unallocated":
        v = pii.mobile(rng, prefix=rng.choice(pii.UNALLOCATED_MOBILE_PREFIXES))
        return v, {"value": v, "checksum": "unknown"}
    v = pii.mobile(rng)
    return pii.render(v, variant, rng), {"value": v, "checksum": "n/a"}


def make_card(rng: random.Random, variant: str) -> tuple[str, dict[str, Any]]:
    luhn = variant != "luhn_invalid"
    v = pii.bank_card(rng, length=19 if variant == "len19" else None, luhn=luhn)
    shown = pii.render(v, variant, rng) if variant in ("spaces", "fullwidth") else v
    return shown, {"value": v, "checksum": "valid" if luhn else "invalid"}


def make_email(rng: random.Random, variant: str) -> tuple[str, dict[str, Any]]:
    v = pii.email(rng)
    return v, {"value": v}


def make_landline(rng: random.Random, variant: str) -> tuple[str, dict[str, Any]]:
    v = pii.landline(rng, dash=variant != "no_dash")
    return (pii.render(v, "parens", rng) if variant == "parens" else v), {"value": v.replace("-", "")}


def make_passport(rng: random.Random, variant: str) -> tuple[str, dict[str, Any]]:
    v = pii.passport(rng, kind=variant)
    return v, {"value": v}


def make_permit(rng: random.Random, variant: str) -> tuple[str, dict[str, Any]]:
    v = pii.travel_permit(rng, kind=variant)
    return v, {"value": v}


def make_plate(rng: random.Random, variant: str) -> tuple[str, dict[str, Any]]:
    v = pii.plate(rng, new_energy=variant.startswith("new_energy"), dot=variant.endswith("_dot"))
    if variant == "fuel_space":  # 粤B 12345
        return f"{v[:2]} {v[2:]}", {"value": v}
    return v, {"value": v}


MAKERS: dict[str, tuple[Callable[[random.Random, str], tuple[str, dict[str, Any]]], Sequence[str]]] = {
    "CN_RESIDENT_ID": (make_id, ID_VARIANTS),
    "CN_MOBILE": (make_mobile, MOBILE_VARIANTS),
    "CN_BANK_CARD": (make_card, CARD_VARIANTS),
    "EMAIL_ADDRESS": (make_email, EMAIL_VARIANTS),
    "CN_LANDLINE": (make_landline, LANDLINE_VARIANTS),
    "CN_PASSPORT": (make_passport, PASSPORT_VARIANTS),
    "CN_TRAVEL_PERMIT": (make_permit, PERMIT_VARIANTS),
    "CN_LICENSE_PLATE": (make_plate, PLATE_VARIANTS),
}


class Writer:
    """Writes labelled values into a `Doc`, choosing variants round robin."""

    def __init__(self, rng: random.Random, filler: Filler) -> None:
        self.rng = rng
        self.cycler = Cycler(rng)
        self.filler = filler
        self._name_kinds: dict[str, str] = {}

    def value(self, doc: Doc, entity: str, *, variant: str | None = None, key: str | None = None) -> str:
        """Append one value; returns its variant (the template puts Han around "in_han")."""
        maker, variants = MAKERS[entity]
        variant = variant or self.cycler.next(key or entity, variants)
        text, extra = maker(self.rng, variant)
        doc.pii(text, entity, variant, **extra)
        return variant

    def field(
        self, doc: Doc, label: str, entity: str, end: str = "，", *, variant: str | None = None
    ) -> None:
        """`label：value，` — or `labelvalue` + Han when the variant is in_han."""
        variants = MAKERS[entity][1]
        variant = variant or self.cycler.next(entity, variants)
        doc.add(label if variant == "in_han" else label + self.rng.choice(("：", "：", ":", "为")))
        self.value(doc, entity, variant=variant)
        if variant == "in_han":
            doc.add(self.rng.choice(("的", "和", "且", "现", "请")))
        else:
            doc.add(end)

    def name(
        self, doc: Doc, *, variant: str | None = None, cue: str = "cue", value: str | None = None
    ) -> str:
        """Append a private person's name (`value` repeats a name already in the document)."""
        if value is not None:  # a repeated name keeps the kind it was drawn with
            variant = self._name_kinds[value]
        variant = variant or self.cycler.next("PERSON", NAME_VARIANTS)
        v = value or pii.person_name(self.rng, kind=variant)
        self._name_kinds[v] = variant
        doc.pii(v, "PERSON", cue if cue == "table" else variant, kind=variant)
        return v

    def address(self, doc: Doc, *, variant: str | None = None, table: bool = False) -> str:
        variant = variant or self.cycler.next("CN_ADDRESS", ADDRESS_VARIANTS)
        v, detail = pii.address(self.rng, kind=variant)
        start = doc._len
        doc.pii(v, "CN_ADDRESS", "table" if table else variant, kind=variant, detail_start=start + detail)
        return v

    def para(self, doc: Doc, max_chars: int = 220) -> None:
        doc.add(self.filler.excerpt(self.rng, max_chars), "\n")


# --- Filler: real government prose --------------------------------------------------

_FALLBACK = (
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。",
    "各地、各部门要按照“谁起草、谁解读”的原则，做到政策性文件与解读方案、解读材料同步组织、同步审签、同步部署。",
    "进一步规范政府信息公开申请办理工作，依法保障人民群众合理信息需求，提升政府信息公开工作质量。",
)
_TABLE_ROW = re.compile(r"\t")


class Filler:
    """Paragraphs of the seed documents (real government texts without private data)."""

    def __init__(self, seeds_dir: Path = SEEDS_DIR) -> None:
        paras: list[str] = []
        for p in sorted(seeds_dir.glob("*.txt")) if seeds_dir.is_dir() else ():
            for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
                line = line.strip()
                # Prose only: table rows and short headings make poor filler.
                if len(line) >= 40 and not _TABLE_ROW.search(line) and "彩票" not in line:
                    paras.append(line)
        self.paragraphs: tuple[str, ...] = tuple(paras) or _FALLBACK

    def excerpt(self, rng: random.Random, max_chars: int = 220) -> str:
        p = rng.choice(self.paragraphs)
        if len(p) <= max_chars:
            return p
        cut = p.rfind("。", 0, max_chars)
        return p[: cut + 1] if cut > 20 else p[:max_chars] + "。"
