"""The patrol's parts on their own: URLs and sections, robots.txt and sitemaps, links inside
attachments, and the fetcher's bounds against a real server."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deident.model import Status
from deident.patrol import PatrolConfig, patrol
from deident.patrol.links import links_of
from deident.patrol.robots import parse_robots, sitemap_urls
from deident.patrol.urls import canonical, host_of, section_of
from tests.factories import office
from tests.factories.website import Page, Site, html, pdf_with_link, serve


@pytest.mark.parametrize(
    ("link", "base", "want"),
    [
        ("/a/b.html#frag", "http://Gov.Example/x/", "http://gov.example/a/b.html"),
        ("c.html", "http://gov.example/x/y.html", "http://gov.example/x/c.html"),
        ("HTTP://gov.example:80/", None, "http://gov.example/"),
        ("https://gov.example:8443/p?q=1", None, "https://gov.example:8443/p?q=1"),
        (
            "/附件/名单.xlsx",
            "http://gov.example/",
            "http://gov.example/%E9%99%84%E4%BB%B6/%E5%90%8D%E5%8D%95.xlsx",
        ),
        ("/a%20b.html", "http://gov.example/", "http://gov.example/a%20b.html"),
        ("mailto:a@b.cn", "http://gov.example/", None),
        # an IDN host and its ASCII form are one host
        ("http://政府.公司/a.html", None, "http://xn--mxtq1m.xn--55qx5d/a.html"),
        ("tel:12345", "http://gov.example/", None),
        ("javascript:void(0)", "http://gov.example/", None),
    ],
)
def test_canonical(link: str, base: str | None, want: str | None) -> None:
    assert canonical(link, base) == want


@given(st.text(alphabet="abc/%?=&.#中文 ", max_size=20))
def test_canonical_is_idempotent(path: str) -> None:
    once = canonical(path, "http://gov.example/dir/")
    if once is not None:
        assert canonical(once) == once
        if not path.lstrip().startswith("//"):  # //host/… is a link to another host
            assert host_of(once) == "gov.example"


@pytest.mark.parametrize(
    ("url", "depth", "want"),
    [
        ("http://g/xxgk/tzgg/2024/a.html", 1, "/xxgk/"),
        ("http://g/xxgk/tzgg/2024/a.html", 2, "/xxgk/tzgg/"),
        ("http://g/xxgk/", 1, "/xxgk/"),
        ("http://g/download.jsp?fileId=1", 1, None),
        ("http://g/", 1, None),
    ],
)
def test_section_of(url: str, depth: int, want: str | None) -> None:
    assert section_of(url, depth) == want


def test_robots_rules_sitemaps_and_delay() -> None:
    text = "User-agent: *\nDisallow: /private/\nCrawl-delay: 3\nSitemap: /sm.xml\nSitemap: http://g/sm2.xml\n"
    r = parse_robots(text, "http://g/robots.txt", "deident-patrol/0.1")
    assert not r.allows("deident-patrol/0.1", "http://g/private/a.html")
    assert r.allows("deident-patrol/0.1", "http://g/xxgk/a.html")
    assert r.sitemaps == ["http://g/sm.xml", "http://g/sm2.xml"]
    assert r.crawl_delay == 3.0


def test_sitemaps_index_gzip_and_text() -> None:
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://g/a.xml</loc></sitemap></sitemapindex>'
    assert sitemap_urls(index) == ([], ["http://g/a.xml"])
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> http://g/p.html </loc></url></urlset>'
    assert sitemap_urls(gzip.compress(urlset)) == (["http://g/p.html"], [])
    assert sitemap_urls(b"http://g/1.html\nhttp://g/2.html\n") == (["http://g/1.html", "http://g/2.html"], [])
    # An entity-expansion sitemap is not expanded (lxml with resolve_entities=False).
    bomb = b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "http://g/x">]><urlset><url><loc>&a;</loc></url></urlset>'
    pages, _ = sitemap_urls(bomb)
    assert pages in ([], [""]) or "http://g/x" not in pages


def test_links_inside_attachments(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(pdf_with_link(["hello"], "http://g/from-pdf.html"))
    assert links_of(pdf, ".pdf") == (["http://g/from-pdf.html"], None)
    d = office.Docx(body=[office.para(office.run("x"))])
    d.doc_rels.append(("rId9", f"{office.RT}/hyperlink", "http://g/from-docx.html", True))
    d.doc_rels.append(("rId8", f"{office.RT}/image", "media/a.png", False))  # internal: not a link
    docx = tmp_path / "a.docx"
    docx.write_bytes(d.to_bytes())
    assert links_of(docx, ".docx") == (["http://g/from-docx.html"], None)
    page = tmp_path / "a.html"
    page.write_bytes(
        b'<html><head><base href="/base/"><meta http-equiv="refresh" content="0; url=/next.html"></head>'
        b'<body><a href="x.html">x</a><iframe src="/f.html"></iframe><img src="/i.png"></body></html>'
    )
    links, base = links_of(page, ".html")
    assert base == "/base/" and set(links) == {"x.html", "/f.html", "/next.html"}
    assert "/i.png" in links_of(page, ".html", images=True)[0]


def _cfg(site: Site, **kw) -> PatrolConfig:
    opts = {"delay": 0, "timeout": 2, "retries": 0, "retry_backoff": 0.01, **kw}
    return PatrolConfig(seeds=(site.url("/index.html"),), **opts)


def test_bounds_size_budget_pages_and_retries(tmp_path: Path) -> None:
    with serve(Site()) as site:
        site.pages["/index.html"] = Page(
            html(
                "首页",
                '<a href="/big.pdf">big</a><a href="/flaky.html">f</a><a href="/a.html">a</a><a href="/b.html">b</a>',
            )
        )
        site.pages["/big.pdf"] = Page(b"%PDF-1.7\n" + b"0" * 50_000, "application/pdf")
        site.pages["/a.html"] = Page(html("a", "a"))
        site.pages["/b.html"] = Page(html("b", "b"))
        calls = {"n": 0}

        def flaky() -> tuple[int, dict[str, str]]:
            calls["n"] += 1
            return (503, {"Retry-After": "0"}) if calls["n"] == 1 else (200, {"Content-Type": "text/plain"})

        site.pages["/flaky.html"] = flaky
        res = patrol(_cfg(site, max_resource_bytes=10_000, retries=1), out_dir=tmp_path / "o1")
        got = {r.url.removeprefix(site.base): r for r in res.resources}
        assert (
            got["/big.pdf"].report.status is Status.BLOCKED and got["/big.pdf"].report.reason == "too large"
        )
        assert got["/flaky.html"].report.status is Status.CLEAN and calls["n"] == 2  # retried once
        # --max-pages: the rest is counted, not silently dropped
        res = patrol(_cfg(site, max_pages=2), out_dir=tmp_path / "o2")
        assert res.stats.resources == 2 and res.stats.not_visited >= 1 and res.notes
        # the byte budget stops the crawl
        res = patrol(_cfg(site, max_bytes=20_000), out_dir=tmp_path / "o3")
        assert res.stats.bytes <= 20_000 and any("budget" in n for n in res.notes)


def test_unreachable_robots_means_nothing_fetched_unless_overridden(tmp_path: Path) -> None:
    with serve(Site()) as site:
        site.pages["/robots.txt"] = Page(b"down", "text/plain", status=503, validators=False)
        site.pages["/index.html"] = Page(html("首页", "<p>x</p>"))
        res = patrol(_cfg(site), out_dir=tmp_path / "o1")
        assert res.resources == [] and res.stats.robots_disallowed == 1 and res.notes
        logs: list[str] = []
        res = patrol(_cfg(site, obey_robots=False), out_dir=tmp_path / "o2", log=logs.append)
        assert [r.report.status for r in res.resources] == [Status.CLEAN]
        assert res.robots_ignored and any("IGNORED" in m for m in logs)


def test_delay_between_requests_to_one_host(tmp_path: Path) -> None:
    import time

    with serve(Site()) as site:
        site.pages["/index.html"] = Page(html("首页", '<a href="/a.html">a</a>'))
        site.pages["/a.html"] = Page(html("a", "a"))
        started = time.monotonic()
        patrol(_cfg(site, delay=0.3, use_sitemaps=False), out_dir=tmp_path)
        # robots.txt, index, a: two pauses of at least the delay
        assert time.monotonic() - started >= 0.6


def test_an_undecodable_encoding_is_blocked_not_clean(tmp_path: Path) -> None:
    with serve(Site()) as site:
        site.pages["/index.html"] = Page(html("首页", '<a href="/z.html">z</a>'))
        site.pages["/z.html"] = Page(b"\x28\xb5\x2f\xfd\x00garbage", headers={"Content-Encoding": "zstd"})
        res = patrol(_cfg(site), out_dir=tmp_path)
        got = {r.url.removeprefix(site.base): r for r in res.resources}
        assert got["/z.html"].report.status is Status.BLOCKED
        assert "Content-Encoding" in (got["/z.html"].report.detail or "")


def test_time_window_and_private_evidence(tmp_path: Path) -> None:
    with serve(Site()) as site:
        site.pages["/index.html"] = Page(html("首页", '<a href="/a.html">a</a><a href="/b.html">b</a>'))
        site.pages["/a.html"] = Page(html("a", "a"))
        site.pages["/b.html"] = Page(html("b", "b"))
        res = patrol(_cfg(site, max_seconds=1e-6), out_dir=tmp_path / "out")
        assert res.stats.resources == 0 and res.stats.not_visited == 1  # the window closed before the seed
        assert any("--max-seconds" in n for n in res.notes)
        # The WARC holds what was published, personal data included: owner-only.
        assert res.warc.stat().st_mode & 0o077 == 0


def test_a_bug_on_one_resource_blocks_it_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deident.patrol.crawl as crawl

    real = crawl.scan_capture

    def flaky_scan(cap, url, *args):
        if url.endswith("/a.html"):
            raise RuntimeError("a bug")
        return real(cap, url, *args)

    def broken_links(*_a, **_k):
        raise RuntimeError("another bug")

    monkeypatch.setattr(crawl, "scan_capture", flaky_scan)
    with serve(Site()) as site:
        site.pages["/index.html"] = Page(html("首页", '<a href="/a.html">a</a>'))
        site.pages["/a.html"] = Page(html("a", "a"))
        site.pages["/sitemap.xml"] = Page(f"{site.base}/b.html\n".encode(), "text/plain")
        site.pages["/b.html"] = Page(html("b", "b"))
        monkeypatch.setattr(crawl, "links_of", broken_links)
        res = patrol(_cfg(site), out_dir=tmp_path)
    got = {r.url.removeprefix(site.base): r.report for r in res.resources}
    assert got["/b.html"].status is Status.CLEAN  # reached through the sitemap
    assert "/a.html" not in got  # the broken link reader lost the reach to it, and says so
    assert any("links of" in n for n in res.notes)
    monkeypatch.setattr(crawl, "links_of", links_of)
    with serve(Site()) as site:
        site.pages["/index.html"] = Page(html("首页", '<a href="/a.html">a</a><a href="/b.html">b</a>'))
        site.pages["/a.html"] = Page(html("a", "a"))
        site.pages["/b.html"] = Page(html("b", "b"))
        res = patrol(_cfg(site), out_dir=tmp_path / "2")
    got = {r.url.removeprefix(site.base): r.report for r in res.resources}
    assert got["/a.html"].status is Status.BLOCKED and got["/a.html"].reason == "internal error"
    assert "a bug" not in (got["/a.html"].detail or "")  # the type only: messages may quote text
    assert got["/b.html"].status is Status.CLEAN


def test_robots_behind_an_offsite_redirect_counts_as_missing(tmp_path: Path) -> None:
    with serve(Site()) as other, serve(Site()) as site:
        other.pages["/robots.txt"] = Page(b"User-agent: *\nDisallow: /\n", "text/plain")
        site.pages["/robots.txt"] = lambda: (301, {"Location": other.url("/robots.txt")})
        site.pages["/index.html"] = Page(html("首页", "<p>x</p>"))
        res = patrol(_cfg(site), out_dir=tmp_path)
        assert [r.report.status for r in res.resources] == [Status.CLEAN]
        assert other.hits == []  # never left the site, not even for robots.txt


def test_a_trickling_answer_is_cut_off(tmp_path: Path) -> None:
    with serve(Site()) as site:
        site.pages["/index.html"] = Page(html("首页", '<a href="/slow.html">s</a>'))
        site.pages["/slow.html"] = Page(b"<p>" + b"x" * 40 + b"</p>", trickle=0.05, validators=False)
        res = patrol(_cfg(site, resource_timeout=0.5), out_dir=tmp_path)
        got = {r.url.removeprefix(site.base): r.report for r in res.resources}
        assert got["/slow.html"].status is Status.BLOCKED and "timeout" in (got["/slow.html"].detail or "")
