"""Values a reviewer decided are not personal data stay readable in the masked copy, and only
those: `mask_path(keep=…)`, `kept_values`, and the decisions carried to the copy's bytes."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import deident
from deident.review.carry import carry_decisions, kept_values
from deident.review.decisions import CONFIRMED, NOT_PII, UNREVIEWED, LedgerIndex, review_findings
from deident.review.keys import load_key
from deident.review.ledger import Ledger
from tests.factories import office, pii

_OFFICIAL = "张建国"  # cleared by the reviewer: the clerk named in his office (经办人)
_LINES = (
    "经办人：{official}，联系电话：010-65123456。\n"
    "申请人：{name}，身份证号码：{rid}，联系电话：{mobile}。\n"
    "复核人：{official}。\n"
)


def _letter(seed: int) -> tuple[str, dict[str, str]]:
    rng = random.Random(seed)
    values = {
        "official": _OFFICIAL,
        "name": rng.choice(pii.SURNAMES) + rng.choice(pii.GIVEN_CHARS) + rng.choice(pii.GIVEN_CHARS),
        "rid": pii.resident_id(rng),
        "mobile": pii.mobile(rng, prefix="139"),
    }
    return _LINES.replace("{official}", _OFFICIAL).format(**values), values


def test_kept_values_stay_and_everything_else_is_masked(tmp_path: Path) -> None:
    text, v = _letter(1)
    src = tmp_path / "公示.txt"
    src.write_text(text, encoding="utf-8")
    full = deident.mask_file(src, tmp_path / "all.txt")
    kept = deident.mask_file(src, tmp_path / "kept.txt", keep=[v["official"], "010-65123456"])
    out = Path(kept.output).read_text(encoding="utf-8")
    assert out.count(v["official"]) == 2 and "010-65123456" in out  # every occurrence kept
    assert all(v[k] not in out for k in ("name", "rid", "mobile"))
    # The report is the source's: every finding listed, kept or not; the count is what was masked.
    assert [f.text for f in kept.report.findings] == [f.text for f in full.report.findings]
    assert kept.masked == full.masked - 3
    # Nothing else differs from the fully masked copy: only characters of kept values.
    other = Path(full.output).read_text(encoding="utf-8")
    spans = [
        range(m.start(), m.end())
        for value in (v["official"], "010-65123456")
        for m in re.finditer(value, text)
    ]
    assert len(out) == len(other) == len(text)
    assert all(any(i in r for r in spans) for i, (a, b) in enumerate(zip(out, other, strict=True)) if a != b)


def test_a_docx_keeps_the_cleared_value_in_every_part(tmp_path: Path) -> None:
    data, values = office.docx_table()
    good, _bad, phone = values
    src = tmp_path / "名单.docx"
    src.write_bytes(data)
    kept = deident.mask_file(src, tmp_path / "out.docx", keep=[phone])
    assert kept.output is not None, kept.report.detail
    with zipfile.ZipFile(io.BytesIO(Path(kept.output).read_bytes())) as z:
        xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert phone in xml and good not in xml and "张三" not in xml


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), which=st.sets(st.sampled_from(["official", "name", "rid", "mobile"])))
def test_property_the_copy_shows_exactly_the_kept_values(
    tmp_path_factory, seed: int, which: set[str]
) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("keep")
    text, v = _letter(seed)
    src = tmp / "a.txt"
    src.write_text(text, encoding="utf-8")
    m = deident.mask_file(src, tmp / "b.txt", keep=[v[k] for k in which])
    assert m.output is not None, m.report.detail
    out = Path(m.output).read_text(encoding="utf-8")
    for k, value in v.items():
        assert (value in out) == (k in which), k
    # A copy that keeps values is still verified by both readings: a fresh scan of it finds
    # the kept values and nothing else.
    again = {f.text for f in deident.scan_file(Path(m.output)).findings}
    assert again <= {v[k] for k in which}


def _rows(report: deident.FileReport, ledger: Ledger, verdicts: dict[str, str]) -> list:
    from deident.review.decisions import record_decisions

    for f in report.findings:
        verdict = verdicts.get(f.text)
        if verdict:
            ids = [
                r.id
                for r in review_findings(report, LedgerIndex.build(ledger.entries()), ledger.key)
                if r.finding is f
            ]
            reason = "公职人员履职信息" if verdict == NOT_PII else None
            record_decisions(
                ledger, report, ids, verdict=verdict, reviewer="王芳", reason=reason, path=report.path
            )
    return review_findings(report, LedgerIndex.build(ledger.entries()), ledger.key)


def test_a_value_confirmed_anywhere_is_masked_everywhere_and_decisions_carry(tmp_path: Path) -> None:
    text, v = _letter(3)
    src = tmp_path / "公示.txt"
    src.write_text(text, encoding="utf-8")
    ledger = Ledger(tmp_path / "ledger.jsonl", load_key(tmp_path / "k" / "hmac.key"))
    report = deident.scan_file(src)
    rows = _rows(report, ledger, {v["official"]: NOT_PII, v["rid"]: CONFIRMED, v["mobile"]: CONFIRMED})
    # The name is undecided: not kept. The official is cleared at both places: kept.
    assert {r.state for r in rows} == {NOT_PII, CONFIRMED, UNREVIEWED}
    assert kept_values(rows) == {v["official"]}
    # Confirmed at one place and cleared at the other: masked at both.
    first = next(r for r in rows if r.finding.text == v["official"])
    mixed = [r if r is not first else type(r)(r.finding, r.id, r.value_hmac, CONFIRMED) for r in rows]
    assert kept_values(mixed) == frozenset()

    m = deident.mask_file(src, tmp_path / "out.txt", keep=kept_values(rows))
    copy = deident.scan_file(Path(m.output))
    carried = carry_decisions(ledger, rows, copy)
    assert len(carried) == 2 and all(e["verdict"] == NOT_PII and "公职人员" in e["reason"] for e in carried)
    after = review_findings(copy, LedgerIndex.build(ledger.entries()), ledger.key)
    assert after and all(r.resolved for r in after)
    assert ledger.verify().ok and v["official"] not in ledger.path.read_text(encoding="utf-8")
