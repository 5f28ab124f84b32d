"""robots.txt (RFC 9309) through the standard library's parser, and sitemaps (sitemaps.org).

An unreachable robots.txt (5xx, timeout) means "disallow everything" for the run, as RFC 9309
asks; a missing one (4xx) allows everything. Ignoring robots.txt is an explicit operator
override, logged and written into the report.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

from lxml import etree

from deident.patrol.urls import canonical

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # sitemaps.org: 50 MB uncompressed per file


@dataclass
class Robots:
    parser: RobotFileParser | None  # None: allow everything
    disallow_all: bool = False
    sitemaps: list[str] = field(default_factory=list)
    crawl_delay: float | None = None

    def allows(self, agent: str, url: str) -> bool:
        if self.disallow_all:
            return False
        return True if self.parser is None else self.parser.can_fetch(agent, url)


def parse_robots(text: str, base: str, agent: str) -> Robots:
    rp = RobotFileParser()
    rp.parse(text.splitlines())
    sitemaps = [u for u in (canonical(s, base) for s in (rp.site_maps() or [])) if u]
    delay = rp.crawl_delay(agent)
    return Robots(rp, False, sitemaps, float(delay) if delay is not None else None)


def sitemap_urls(data: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index, gzipped or not.
    Plain-text sitemaps (one URL per line) are read too."""
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_SITEMAP_BYTES + 1)[:MAX_SITEMAP_BYTES]
        except (OSError, EOFError, zlib.error):
            return [], []
    head = data.lstrip()[:1]
    if head != b"<":
        lines = data.decode("utf-8", "replace").splitlines()
        return [u.strip() for u in lines if u.strip().startswith(("http://", "https://"))], []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    locs = [(el.text or "").strip() for el in root.iter("{*}loc")]
    locs = [u for u in locs if u]
    if etree.QName(root).localname == "sitemapindex":
        return [], locs
    return locs, []
