"""Patrol of a real site on 127.0.0.1 (tests/factories/website.py): reach, politeness,
fail-closed fetch errors, evidence in the WARC, and the incremental second run."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from deident.config import ScanConfig
from deident.model import Status
from deident.patrol import PatrolConfig, patrol
from deident.patrol.state import STATE_FILE
from tests.factories.website import Page, Site, build_site, html, serve


@dataclasses.dataclass
class Runs:
    site: Site
    other: Site
    planted: object
    cfg: PatrolConfig
    tmp: Path
    first: object
    second: object
    second_hits: list
    third: object
    third_hits: list
    logs: list[str]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("patrol")
    other = Site()
    with serve(other), serve(Site()) as site:
        planted = build_site(site, outside=other.url("/leak.html"), slow_delay=3.0)
        cfg = PatrolConfig(
            seeds=(site.url("/index.html"),), delay=0, timeout=0.5, retries=1, retry_backoff=0.05
        )
        logs: list[str] = []
        first = patrol(cfg, out_dir=tmp / "out", state_dir=tmp / "state", log=logs.append)
        site.reset()
        second = patrol(cfg, out_dir=tmp / "out", state_dir=tmp / "state", log=logs.append)
        hits = list(site.hits)
        site.reset()
        # The site changes one page, and another policy changes the state's fingerprint
        # (as new recognizers would).
        site.pages["/xxgk/tzgg/clean.html"] = Page(html("政策解读", "<p>本政策自2025年1月1日起施行。</p>"))
        third = patrol(
            dataclasses.replace(cfg, policy="strict"), out_dir=tmp / "out", state_dir=tmp / "state"
        )
        yield Runs(site, other, planted, cfg, tmp, first, second, hits, third, list(site.hits), logs)


def _by_path(result, site: Site) -> dict[str, object]:
    return {r.url.removeprefix(site.base): r for r in result.resources}


def test_every_planted_value_is_reported_at_its_url(runs: Runs) -> None:
    for result in (runs.first, runs.second):
        got = _by_path(result, runs.site)
        for path, values in runs.planted.values.items():
            assert path in got, f"{path} not reached"
            texts = {f.text for f in got[path].report.findings}
            missing = [v for v in values if v not in texts]
            assert not missing, f"{path}: {len(missing)} planted values not reported"
            assert got[path].report.path == runs.site.url(path)


def test_clean_pages_are_clean(runs: Runs) -> None:
    got = _by_path(runs.first, runs.site)
    for path in runs.planted.clean:
        assert got[path].report.status is Status.CLEAN, path


def test_reach_covers_sitemap_and_links_inside_attachments(runs: Runs) -> None:
    got = _by_path(runs.first, runs.site)
    # Only the sitemap names this page; only the PDF and the Word file link these two.
    for path in ("/xxgk/gsgg/orphan.html", "/xxgk/frompdf.html", "/xxgk/fromdocx.html"):
        assert path in got
    # Extension-less downloads were read by the reader their bytes and headers name.
    locations = {p: [dict(f.location) for f in got[p].report.findings] for p in got}
    assert all("sheet" in loc for loc in locations["/download.jsp?fileId=8812"])
    assert all("page" in loc for loc in locations["/download.jsp?fileId=8813"])
    assert all("part" in loc for loc in locations["/download.jsp?fileId=8814"])
    assert got["/download.jsp?fileId=8813"].kind == "attachment"
    # An attachment at the site root belongs to the section of the page that links it.
    assert got["/download.jsp?fileId=8813"].section == "/xxgk/"


def test_never_leaves_the_site_nor_enters_what_robots_forbids(runs: Runs) -> None:
    assert runs.other.hits == []
    assert runs.first.stats.external_links >= 1
    fetched = {h.path for h in runs.site.hits} | {r.url for r in runs.first.resources}
    for path in runs.planted.never_fetched:
        assert not any(path in u for u in fetched)
    assert runs.first.stats.robots_disallowed >= 1


def test_fetch_failures_are_blocked_never_clean(runs: Runs) -> None:
    got = _by_path(runs.first, runs.site)
    assert got["/bszn/slow.html"].report.status is Status.BLOCKED
    assert "timeout" in got["/bszn/slow.html"].report.detail
    assert "HTTP 500" in got["/bszn/fail.html"].report.detail
    assert "redirect loop" in got["/loop/a"].report.detail
    assert (runs.site.url("/gone.html"), 404) in runs.first.broken
    # The redirect to a page the crawl already had is not a second resource.
    assert "/moved" not in got


def test_each_finding_points_at_its_warc_record(runs: Runs) -> None:
    records: dict[str, tuple[str, bytes]] = {}
    for warc in sorted((runs.tmp / "out").glob("*.warc.gz")):
        with warc.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    rid = rec.rec_headers.get_header("WARC-Record-ID")
                    records[rid] = (
                        rec.rec_headers.get_header("WARC-Target-URI"),
                        rec.content_stream().read(),
                    )
    for result in (runs.first, runs.second):
        for r in result.resources:
            for f in r.report.findings:
                assert Path(f.location["warc"]).exists()
                url, payload = records[f.location["record_id"]]
                assert url == r.url
                assert hashlib.sha256(payload).hexdigest() == r.report.sha256


def test_second_run_makes_only_conditional_requests(runs: Runs) -> None:
    ok_first = {r.url.removeprefix(runs.site.base) for r in runs.first.resources if r.report.sha256}
    ok_first |= {"/robots.txt", "/sitemap.xml"}
    to_ok = [h for h in runs.second_hits if h.path in ok_first]
    assert len(to_ok) >= len(ok_first)
    assert all(h.conditional and h.status == 304 for h in to_ok), [h for h in to_ok if not h.conditional]
    assert runs.second.stats.not_modified == len(to_ok)
    # Unchanged clean resources keep their verdict without a rescan; findings are re-read from evidence.
    for r in runs.second.resources:
        if r.report.status is Status.CLEAN:
            assert not r.scanned
    assert not runs.second.rescanned_all


def test_state_and_logs_hold_no_planted_value(runs: Runs) -> None:
    state = (runs.tmp / "state" / STATE_FILE).read_text(encoding="utf-8")
    assert json.loads(state)["policy"] == "strict"  # the last run's
    values = [v for vs in runs.planted.values.values() for v in vs]
    assert not [v for v in values if v in state]
    assert "/xxgk/" not in state and "fileId" not in state  # URLs are kept as digests
    assert not [v for v in values if any(v in line for line in runs.logs)]


def test_changed_recognizers_or_policy_rescan_everything(runs: Runs) -> None:
    from deident.patrol.state import fingerprint

    assert fingerprint(dataclasses.replace(runs.cfg, scan=ScanConfig(min_score=0.9))) != fingerprint(runs.cfg)
    assert runs.third.rescanned_all
    read = [r for r in runs.third.resources if r.report.sha256]
    assert read and all(r.scanned for r in read)
    # Still conditional: the bytes come from the evidence, not from the site again.
    assert all(h.conditional for h in runs.third_hits if h.path in {"/index.html", "/xxgk/tzgg/clean.html"})
    got = _by_path(runs.third, runs.site)
    for path, values in runs.planted.values.items():
        assert {f.text for f in got[path].report.findings} >= set(values)


def test_what_changed_since_the_last_run(runs: Runs) -> None:
    assert all(r.change is None for r in runs.first.resources)  # nothing to compare with
    read = [r for r in runs.second.resources if r.report.sha256]
    assert read and all(r.change == "unchanged" for r in read)
    changed = {r.url.removeprefix(runs.site.base) for r in runs.third.resources if r.change == "changed"}
    assert changed == {"/xxgk/tzgg/clean.html"} and runs.third.stats.changed == 1
