from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from deident.api import policy_for
from deident.config import ScanConfig
from deident.model import FileReport, Status
from deident.pipeline import scan_path
from deident.review.sarif import BLOCKED_RULE, sarif_log
from tests.factories.workflow import make_leak, write_clean, write_corrupt_docx, write_leaking

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _validate(doc: dict) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)


@pytest.fixture
def reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[FileReport], Path]:
    site = tmp_path / "site"
    leak = write_leaking(site / "公示" / "救助名单.txt", make_leak())
    clean = write_clean(site / "clean.txt")
    bad = write_corrupt_docx(site / "附件.docx")
    monkeypatch.chdir(tmp_path)
    cfg = ScanConfig()
    reps = [scan_path(p, cfg, display_path=str(p)) for p in (leak, clean, bad)]
    assert [r.status for r in reps] == [Status.FINDINGS, Status.CLEAN, Status.BLOCKED]
    return reps, site


def test_sarif_validates_against_the_official_schema(reports: tuple[list[FileReport], Path]) -> None:
    reps, site = reports
    doc = sarif_log(reps, root=site)
    _validate(doc)
    json.dumps(doc)  # serialisable
    run = doc["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert {r["ruleId"] for r in results} == set(rule_ids)
    assert all(r["level"] == "error" for r in results)
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in results)
    finding_results = [r for r in results if r["ruleId"] != BLOCKED_RULE]
    assert sorted(r["ruleId"] for r in finding_results) == ["CN_MOBILE", "CN_RESIDENT_ID", "PERSON"]
    blocked = [r for r in results if r["ruleId"] == BLOCKED_RULE]
    assert len(blocked) == 1 and "corrupt" in blocked[0]["message"]["text"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1 and notes[0]["level"] == "error"


def test_uris_are_relative_to_the_root(reports: tuple[list[FileReport], Path]) -> None:
    reps, site = reports
    doc = sarif_log(reps, root=site)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert uris == {"%E5%85%AC%E7%A4%BA/%E6%95%91%E5%8A%A9%E5%90%8D%E5%8D%95.txt", "%E9%99%84%E4%BB%B6.docx"}
    assert not any(u.startswith(("/", "file:")) for u in uris)


def test_fingerprints_are_stable_and_unique(reports: tuple[list[FileReport], Path]) -> None:
    reps, site = reports
    a = sarif_log(reps, root=site)
    again = [scan_path(Path(r.path), ScanConfig(), display_path=r.path) for r in reps]
    b = sarif_log(again, root=site)
    fa = [r["partialFingerprints"] for r in a["runs"][0]["results"]]
    fb = [r["partialFingerprints"] for r in b["runs"][0]["results"]]
    assert fa == fb
    flat = [v for d in fa for v in d.values()]
    assert len(set(flat)) == len(flat)


def test_no_plaintext_personal_data_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    leak = make_leak(3)
    p = write_leaking(tmp_path / "a.txt", leak)
    monkeypatch.chdir(tmp_path)
    rep = scan_path(p, ScanConfig(), display_path="a.txt")
    plain = json.dumps(sarif_log([rep], root=tmp_path), ensure_ascii=False)
    for v in leak.values:
        assert v not in plain
    redacted_doc = sarif_log([rep], root=tmp_path, redact=policy_for("gov").replacement)
    _validate(redacted_doc)
    redacted = json.dumps(redacted_doc, ensure_ascii=False)
    for v in leak.values:
        assert v not in redacted
    assert f"{leak.mobile[:3]}****{leak.mobile[-4:]}" in redacted


def test_text_files_get_line_regions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = write_leaking(tmp_path / "a.txt", make_leak())
    monkeypatch.chdir(tmp_path)
    rep = scan_path(p, ScanConfig(), display_path="a.txt")
    doc = sarif_log([rep], root=tmp_path)
    regions = [r["locations"][0]["physicalLocation"].get("region") for r in doc["runs"][0]["results"]]
    assert all(reg is not None and reg["startLine"] == 2 for reg in regions)


def test_cli_scan_format_sarif_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's `scan --format sarif` (which calls sarif_log) produces a valid log."""
    from typer.testing import CliRunner

    from deident.cli.app import app

    leak = make_leak(13)
    write_leaking(tmp_path / "docs" / "a.txt", leak)
    write_corrupt_docx(tmp_path / "docs" / "b.docx")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["scan", "docs", "--format", "sarif"])
    assert r.exit_code == 1
    doc = json.loads(r.output)
    _validate(doc)
    uris = {
        x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in doc["runs"][0]["results"]
    }
    assert uris == {"docs/a.txt", "docs/b.docx"}
    for v in leak.values:
        assert v not in r.output
