"""What a patrol may do: where, how much, how fast. Parsed once, frozen, passed down."""

from __future__ import annotations

from dataclasses import dataclass, field

from deident.config import ScanConfig

DEFAULT_USER_AGENT = "deident-patrol/{version} (site patrol for personal data)"


@dataclass(frozen=True, slots=True)
class PatrolConfig:
    seeds: tuple[str, ...]
    # Hosts the crawl may fetch from; the seeds' hosts are always included.
    allowed_hosts: frozenset[str] = frozenset()
    max_pages: int = 10_000  # resources fetched (pages and attachments), robots and sitemaps aside
    max_depth: int = 20  # link hops from a seed or a sitemap entry
    max_bytes: int = 2 * 1024**3  # total budget of bytes downloaded in one run
    max_resource_bytes: int = 100 * 1024**2  # one resource; a larger one is blocked "too large"
    delay: float = 1.0  # seconds between two requests to one host (robots Crawl-delay if larger)
    timeout: float = 30.0  # seconds per connect / read
    resource_timeout: float = 600.0  # seconds for one whole answer: a trickling server is cut off
    retries: int = 2  # further tries after a timeout, a connection error, 429 or 5xx
    retry_backoff: float = 1.0  # seconds, doubled at every try
    max_redirects: int = 5
    max_seconds: float | None = None  # stop taking new resources after this long (a daily window)
    verify_tls: bool = True  # False only by an explicit, logged operator choice (--insecure)
    user_agent: str = ""  # empty: DEFAULT_USER_AGENT
    obey_robots: bool = True  # False only by an explicit, logged operator override
    use_sitemaps: bool = True
    follow_images: bool = False  # <img src>: scanned with OCR when on (slow on large sites)
    section_depth: int = 1  # path segments that name a section (栏目)
    policy: str = "gov"  # part of the state fingerprint: a new policy rescans everything
    scan: ScanConfig = field(default_factory=ScanConfig)

    def hosts(self) -> frozenset[str]:
        from deident.patrol.urls import host_of

        return frozenset({*(host_of(s) for s in self.seeds), *(h.lower() for h in self.allowed_hosts)})

    def agent(self) -> str:
        from deident import __version__

        return self.user_agent or DEFAULT_USER_AGENT.format(version=__version__)
