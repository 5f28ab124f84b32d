"""What a patrol returns: each published resource with its verdict, and the run's facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from deident.model import FileReport
from deident.patrol.warc import Pointer


@dataclass(frozen=True, slots=True)
class Resource:
    """One published resource and its verdict."""

    url: str
    report: FileReport  # report.path is the URL
    section: str
    kind: str  # page | attachment | unknown
    fetch: str  # fetched | not modified | failed
    http_status: int | None = None
    capture: Pointer | None = None
    scanned: bool = True  # False when an unchanged resource kept its clean verdict
    filename: str | None = None  # Content-Disposition's name, else the URL's last segment
    # Since the last run (with --state): new (first seen), changed (other bytes), unchanged;
    # None without a state or when nothing was read.
    change: str | None = None


@dataclass
class Stats:
    requests: int = 0
    conditional_requests: int = 0
    not_modified: int = 0
    bytes: int = 0
    resources: int = 0
    scanned: int = 0
    robots_disallowed: int = 0
    external_links: int = 0
    not_visited: int = 0
    new: int = 0  # resources first seen in this run (with a state from an earlier run)
    changed: int = 0  # resources whose bytes differ from the last run's
    seconds: float = 0.0


@dataclass
class PatrolResult:
    resources: list[Resource]
    warc: Path
    stats: Stats
    robots_ignored: bool
    broken: list[tuple[str, int]] = field(default_factory=list)  # (url, 4xx status) linked but gone
    notes: list[str] = field(default_factory=list)
    rescanned_all: bool = False  # the recognizers, policy or options changed since the last run
