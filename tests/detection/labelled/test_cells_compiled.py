"""The compiled text-table cells (`_reading.TableCells`) give what the Python reference
(`text_tables.table_cells_python`: `cells_to_check`, `apply_hint`, the engine's keep rule and
`explain_id`) gives: the same findings down to the explanation, and the same cells left over,
for every table hypothesis writes and every set of findings around it."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.labelled.text_tables import TableCells, tables
from deident.detection.native import reading
from deident.detection.resolve import resolve_overlaps
from tests.factories import pii

if reading is None:  # pragma: no cover - test_native.py fails for that
    pytest.skip("the compiled engine loops are not installed", allow_module_level=True)

ENGINES = (
    Engine.create(ScanConfig()),
    Engine.create(
        ScanConfig(entities=frozenset({"CN_RESIDENT_ID", "CN_MOBILE", "CN_BANK_CARD", "EMAIL_ADDRESS"}))
    ),
    Engine.create(ScanConfig(entities=frozenset({"CN_RESIDENT_ID", "CN_LANDLINE"}))),
    Engine.create(ScanConfig(min_score=0.95)),
)
_HEADERS = ("序号", "姓名", "身份证号码", "证件号码", "联系电话", "手机", "银行账号", "订单编号", "流水号",
            "家庭住址", "护照号码", "备注", "金额（元）", "QQ", "车牌号")  # fmt: skip


def _value(rng: random.Random) -> str:
    makers = (
        pii.resident_id,
        pii.resident_id_15,
        lambda r: pii.resident_id(r)[:17],
        lambda r: pii.resident_id(r)[:17] + r.choice("0123456789"),
        pii.mobile,
        lambda r: "86" + pii.mobile(r),
        lambda r: "0086" + pii.mobile(r),
        lambda r: pii.landline(r, dash=r.random() < 0.5),
        pii.bank_card,
        pii.passport,
        pii.premasked_mobile,
        lambda r: r.choice(
            ("无", "略", "合计", "本人", "", " ", "\u3000", "-", "张三", "5,000.00", "12", "A1b2C3")
        ),
        lambda r: "".join(r.choice("0123456789 -Xx") for _ in range(r.randint(1, 24))),
    )
    value = rng.choice(makers)(rng)
    if value.isdigit() and rng.random() < 0.3:
        value = pii.render(value, rng.choice(("fullwidth", "spaces", "dashes")), rng)
    pad = rng.choice(("", " ", "\u3000", "  "))
    return pad + value + rng.choice(("", " ", pad))


def _table(rng: random.Random) -> str:
    sep = rng.choice(("\t", "|"))
    header = [rng.choice(_HEADERS) for _ in range(rng.randint(1, 5))]
    rows = [[_value(rng) for _ in header] for _ in range(rng.randint(1, 6))]
    if sep == "|":
        lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        lines = ["\t".join(header)] + ["\t".join(r[: rng.randint(1, len(r))]) for r in rows]
    return rng.choice(("", "名单如下：\n")) + "\n".join(lines) + rng.choice(("", "\n", "\n完"))


def _spans(rng: random.Random, n: int) -> tuple[list[int], list[int]]:
    """Sorted, non-overlapping spans: findings of any shape around and inside the cells."""
    cuts = sorted(rng.sample(range(n + 1), min(n + 1, 2 * rng.randint(0, 8))))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i] < cuts[i + 1]]
    return [a for a, _ in pairs], [b for _, b in pairs]


def _both(engine: Engine, text: str, starts: list[int], ends: list[int]) -> None:
    cells: TableCells = engine._cells
    found = tables(text)
    compiled = cells.read(text, found, starts, ends, compiled=True)
    python = cells.read(text, found, starts, ends, compiled=False)
    assert [f.to_dict() for f in compiled[0]] == [f.to_dict() for f in python[0]]
    assert compiled[1] == python[1]


@settings(max_examples=400, deadline=None)
@given(pii.rngs(), st.sampled_from(range(len(ENGINES))))
def test_compiled_cells_agree_with_random_findings(rng: random.Random, which: int) -> None:
    text = _table(rng)
    starts, ends = _spans(rng, len(text))
    _both(ENGINES[which], text, starts, ends)


@settings(max_examples=200, deadline=None)
@given(pii.rngs(), st.sampled_from(range(len(ENGINES))))
def test_compiled_cells_agree_with_the_engines_findings(rng: random.Random, which: int) -> None:
    engine = ENGINES[which]
    text = _table(rng)
    kept = resolve_overlaps(engine._kept(engine.candidates(text, prune=True)))
    _both(engine, text, [f.start for f in kept], [f.end for f in kept])


def test_cells_left_to_apply_cells() -> None:
    """A cell a finding touches is left to `hints.apply_cells`; the others are made here, an ID
    saying which check it fails."""
    text = "姓名\t身份证号码\t联系电话\n张三\t51010419940516084\t010-20786224\n"
    engine = ENGINES[0]
    at = text.index("010-")
    for compiled in (True, False):
        made, rest = engine._cells.read(text, tables(text), [at], [at + 3], compiled=compiled)
        assert [(f.entity_type, f.text, f.explanation.notes) for f in made] == [
            ("CN_RESIDENT_ID", "51010419940516084", ("column header", "fails: length 17"))
        ]
        assert [c[2] for c in rest] == ["CN_MOBILE"]
