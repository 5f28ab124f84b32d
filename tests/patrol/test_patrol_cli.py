"""`deident patrol` and `deident scan site.warc.gz` through the real CLI app, on a real site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deident.cli.app import app
from tests.factories.website import Site, build_site, serve

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def site():
    other = Site()
    with serve(other), serve(Site()) as s:
        planted = build_site(s, outside=other.url("/leak.html"), slow_delay=2.0)
        yield s, planted, other


def _patrol(site: Site, out: Path, *extra: str) -> tuple[int, dict, str]:
    code, stdout, stderr = run(
        "patrol", site.url("/index.html"), "--format", "json", "--out", str(out),
        "--delay", "0", "--timeout", "0.5", "--retries", "0", *extra,
    )  # fmt: skip
    return code, json.loads(stdout), stderr


def test_patrol_json_is_the_scan_contract_with_urls(site, tmp_path: Path) -> None:
    s, planted, other = site
    code, doc, stderr = _patrol(s, tmp_path / "out", "--state", str(tmp_path / "state"))
    assert code == 1
    assert {"version", "files", "findings", "summary", "patrol"} <= set(doc)
    assert all(f["path"].startswith(s.base + "/") for f in doc["files"])
    found = {(f["path"], f["text"]) for f in doc["findings"]}
    for path, values in planted.values.items():
        assert all((s.url(path), v) in found for v in values), path
    assert all({"warc", "record_id"} <= set(f["location"]) for f in doc["findings"])
    sections = {row["section"]: row for row in doc["patrol"]["sections"]}
    assert sections["/xxgk/"]["with_findings"] >= 5 and sections["/bszn/"]["blocked"] == 2
    assert doc["summary"]["blocked"] == 3 and doc["summary"]["unreviewed"] is None
    assert doc["patrol"]["robots"] == "obeyed"
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "按栏目统计" in html and "/xxgk/" in html
    values = [v for vs in planted.values.values() for v in vs]
    assert not [v for v in values if v in stderr]
    assert other.hits == []


def test_redact_and_ledger_cross_check(site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from deident.config import ScanConfig
    from deident.review.approve import approve_file
    from deident.review.keys import load_key
    from deident.review.ledger import Ledger

    s, planted, _ = site
    monkeypatch.setenv("DEIDENT_KEY_FILE", str(tmp_path / "key" / "hmac.key"))
    ledger = Ledger(tmp_path / "ledger.jsonl", load_key())
    clean = tmp_path / "clean.html"
    clean.write_bytes(s.pages["/xxgk/tzgg/clean.html"].body)  # the bytes a reviewer approved
    approve_file(clean, ledger=ledger, config=ScanConfig(), reviewer="王芳")
    # The roster as it was approved (masked, or an earlier version): the site serves other bytes.
    from tests.factories import office

    approved = office.Xlsx()
    approved.sheets.append(office.Sheet("公示名单", [["序号", "补贴金额"]]))
    (tmp_path / "uploads").mkdir()
    roster = tmp_path / "uploads" / "公示名单.xlsx"
    roster.write_bytes(approved.to_bytes())
    approve_file(roster, ledger=ledger, config=ScanConfig(), reviewer="王芳")
    code, doc, _ = _patrol(s, tmp_path / "out", "--ledger", str(tmp_path / "ledger.jsonl"), "--redact")
    assert code == 1
    unrev = {u["url"]: u for u in doc["patrol"]["unreviewed"]}
    assert s.url("/xxgk/tzgg/clean.html") not in unrev
    assert s.url("/index.html") in unrev and s.url("/download.jsp?fileId=8812") in unrev
    assert all(u["status"] == "published without review" for u in unrev.values())
    assert unrev[s.url("/download.jsp?fileId=8812")]["reason"].startswith("changed after approval")
    assert unrev[s.url("/index.html")]["reason"] == "never approved"
    assert doc["summary"]["unreviewed"] == len(unrev)
    assert sum(row["unreviewed"] for row in doc["patrol"]["sections"]) == len(unrev)
    values = [v for vs in planted.values.values() for v in vs]
    assert not [v for v in values if v in json.dumps(doc, ensure_ascii=False)]


def test_scan_reads_the_warc_of_a_patrol(site, tmp_path: Path) -> None:
    s, planted, _ = site
    _patrol(s, tmp_path / "out")
    (warc,) = (tmp_path / "out").glob("*.warc.gz")
    code, stdout, _ = run("scan", str(warc), "--format", "json")
    assert code == 1
    doc = json.loads(stdout)
    found = {(f["location"]["url"], f["text"]) for f in doc["findings"]}
    for path, values in planted.values.items():
        assert all((s.url(path), v) in found for v in values), path
    assert all(f["location"]["record_id"].startswith("<urn:uuid:") for f in doc["findings"])


def test_sarif_names_the_urls(site, tmp_path: Path) -> None:
    s, _, _ = site
    code, stdout, _ = run(
        "patrol", s.url("/xxgk/tzgg/notice1.html"), "--format", "sarif", "--out", str(tmp_path),
        "--delay", "0", "--max-depth", "0", "--no-sitemaps",
    )  # fmt: skip
    assert code == 1
    results = json.loads(stdout)["runs"][0]["results"]
    assert results and all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == s.url("/xxgk/tzgg/notice1.html")
        for r in results
    )


def test_bad_url_is_a_usage_error(tmp_path: Path) -> None:
    code, _, _ = run("patrol", "ftp://example.org/", "--out", str(tmp_path))
    assert code == 2


def test_replay_of_a_warc_reports_by_url_without_a_request(site, tmp_path: Path) -> None:
    s, planted, _ = site
    _, live, _ = _patrol(s, tmp_path / "out")
    (warc,) = (tmp_path / "out").glob("*.warc.gz")
    s.reset()
    code, stdout, _ = run("patrol", "--replay", str(warc), "--format", "json", "--out", str(tmp_path / "r"))
    # (the slow page may still be answering the live run's timed-out request)
    assert code == 1 and [h for h in s.hits if h.path != "/bszn/slow.html"] == []
    doc = json.loads(stdout)
    found = {(f["path"], f["text"]) for f in doc["findings"]}
    for path, values in planted.values.items():
        assert all((s.url(path), v) in found for v in values), path
    # Same verdicts and sections as the live run, for every resource that was read.
    live_files = {f["path"]: (f["status"], f["section"], f["sha256"]) for f in live["files"] if f["sha256"]}
    replayed = {f["path"]: (f["status"], f["section"], f["sha256"]) for f in doc["files"]}
    assert live_files.items() <= replayed.items()


def test_replay_and_urls_exclude_each_other(tmp_path: Path) -> None:
    assert run("patrol", "--out", str(tmp_path))[0] == 2
    assert run("patrol", "http://127.0.0.1:9/", "--replay", str(tmp_path / "x.warc.gz"))[0] == 2


def test_table_jsonl_and_a_hostile_url_in_the_html_report(site, tmp_path: Path) -> None:
    s, _, _ = site
    code, stdout, _ = run(
        "patrol", s.url("/xxgk/tzgg/notice1.html"), "--format", "jsonl", "--out", str(tmp_path),
        "--delay", "0", "--max-depth", "0", "--no-sitemaps",
    )  # fmt: skip
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert (
        code == 1 and lines[0]["path"] == s.url("/xxgk/tzgg/notice1.html") and lines[0]["section"] == "/xxgk/"
    )
    assert "patrol" in lines[-1] and lines[-1]["summary"]["files"] == 1
    code, stdout, _ = run(
        "patrol", s.url("/xxgk/tzgg/notice1.html"), "--format", "table", "--out", str(tmp_path),
        "--delay", "0", "--max-depth", "0", "--no-sitemaps",
    )  # fmt: skip
    assert code == 1 and "/xxgk/" in stdout and "CN_RESIDENT_ID" in stdout
    from deident.patrol.html import render

    page = render(
        {
            "patrol": {"seeds": ['http://g/"><script>'], "robots": "obeyed", "warc": "w", "sections": [],
                       "unreviewed": None, "stats": {"resources": 0, "requests": 0, "conditional_requests": 0,
                                                      "not_modified": 0}},
            "files": [], "findings": [],
        }
    )  # fmt: skip
    assert "<script>" not in page
