"""Patrol of a published site (值班读网 / 日常巡查): crawl it as visitors and search engines do,
keep a WARC of what was fetched, scan every page and attachment with the same pipeline as
`deident scan`, remember validators so a daily run fetches only what changed, and cross-check
what is online against the approvals in the review ledger.

    from deident.patrol import PatrolConfig, patrol
    result = patrol(PatrolConfig(seeds=("https://www.example.gov.cn/",)), out_dir=Path("patrol"))
"""

from __future__ import annotations

from deident.patrol.config import PatrolConfig
from deident.patrol.crawl import patrol
from deident.patrol.model import PatrolResult, Resource

__all__ = ["PatrolConfig", "PatrolResult", "Resource", "patrol"]
