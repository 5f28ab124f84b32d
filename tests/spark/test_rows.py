"""Rows carry the masked form and a keyed HMAC of each value; plaintext only when asked."""

from __future__ import annotations

import json

from hypothesis import given, settings

from deident.api import engine_for, policy_for
from deident.model import FileReport, Status
from deident.review.keys import Key
from deident.spark.rows import FILE_COLUMNS, FINDING_COLUMNS, blocked_row, file_row
from tests.factories.pii import mobiles, resident_ids

KEY = Key(b"k" * 32)
GOV = policy_for("gov")


def _report(text: str) -> FileReport:
    findings = tuple(engine_for().analyze(text))
    return FileReport(
        "hdfs://nn/a/名单.txt", "0" * 64, Status.FINDINGS if findings else Status.CLEAN, None, findings
    )


@settings(max_examples=40, deadline=None)
@given(resident_ids(), mobiles())
def test_no_value_is_stored_in_plaintext_unless_asked(rid: str, mobile: str) -> None:
    values = [rid, mobile]
    text = f"申请人身份证号码：{values[0]}，联系电话：{values[1]}。"
    report = _report(text)
    row = file_row(report, size=len(text), policy=GOV, key=KEY, with_values=False)
    dumped = json.dumps(row, ensure_ascii=False)
    assert not any(v in dumped for v in values)
    assert [f["value_hmac"] for f in row["found"]] == [
        KEY.value_hmac(f.entity_type, f.text) for f in report.findings
    ]
    with_values = file_row(report, size=len(text), policy=GOV, key=KEY, with_values=True)
    assert sorted(f["value"] for f in with_values["found"]) == sorted(f.text for f in report.findings)


def test_a_row_has_every_column_and_counts_per_entity() -> None:
    report = _report("张三，身份证号码440881199001011234，手机13812345678，李四手机13912345678")
    row = file_row(report, size=1, policy=GOV, key=KEY, with_values=False)
    assert set(FILE_COLUMNS) - {"run_id"} <= set(row)
    assert all(set(f) == set(FINDING_COLUMNS) for f in row["found"])
    assert row["findings"] == len(report.findings) == sum(row["entities"].values())
    assert row["entities"]["CN_MOBILE"] == 2
    assert {f["masked_text"] for f in row["found"] if f["entity_type"] == "CN_MOBILE"} == {
        "138****5678",
        "139****5678",
    }
    assert json.loads(row["found"][0]["location"]) == dict(report.findings[0].location)


def test_a_blocked_row_is_never_clean() -> None:
    row = blocked_row("file:/a.pdf", None, 3, "timeout", "stopped")
    assert (row["status"], row["findings"], row["found"]) == ("blocked", 0, [])
