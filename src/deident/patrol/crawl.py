"""The patrol: robots.txt and sitemaps first, then breadth-first over links, every page and
attachment fetched once, written to the run's WARC, and scanned by the same pipeline as
`deident scan` (`path` is the URL, each finding's location names its WARC record).

Fail closed: a resource that was linked but could not be fetched completely (timeout, 5xx,
redirect loop, too large, no reader) is a `blocked` file with a reason, never left out. Links
that leave the given hosts, robots.txt exclusions and 4xx answers are counted, not fetched.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import zlib
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deident.errors import BlockedError
from deident.model import FileReport, Status
from deident.patrol.capture import identify, open_capture, scan_capture
from deident.patrol.config import PatrolConfig
from deident.patrol.fetch import BudgetExhausted, Fetcher, Outcome, Response
from deident.patrol.links import links_of
from deident.patrol.model import PatrolResult, Resource, Stats
from deident.patrol.robots import MAX_SITEMAP_BYTES, Robots, parse_robots, sitemap_urls
from deident.patrol.state import Entry, State, fingerprint
from deident.patrol.urls import canonical, host_of, section_of
from deident.patrol.warc import Pointer, WarcLog, read_payload, run_name

MAX_SITEMAPS = 1_000
UNAVAILABLE = -1  # a crawl file behind redirects that cannot be followed
PROGRESS_EVERY = 500


class _Crawl:
    def __init__(self, cfg: PatrolConfig, out_dir: Path, state_dir: Path | None, log: Callable[[str], None]):
        from deident.api import engine_for

        self.cfg = cfg
        self.log = log
        self.hosts = cfg.hosts()
        self.agent = cfg.agent()
        self.engine = engine_for(cfg.scan)
        self.state = State.load(state_dir)
        self.fp = fingerprint(cfg)
        self.rescan_all = self.state.fingerprint is not None and self.state.fingerprint != self.fp
        self.tmp = Path(tempfile.mkdtemp(prefix="deident-patrol-"))
        self.fetcher = Fetcher(cfg, self.tmp, log=log)
        self.warc = WarcLog(out_dir / run_name(), software=f"deident {self.agent}", seeds=cfg.seeds)
        self.robots: dict[str, Robots] = {}
        self.queue: deque[tuple[str, int, str | None]] = deque()
        self.queued: set[str] = set()
        self.done: set[str] = set()
        self.resources: list[Resource] = []
        self.broken: list[tuple[str, int]] = []
        self.notes: list[str] = []
        self.stats = Stats()
        self._n = 0

    # -- robots and sitemaps ----------------------------------------------------------------
    def _robots_for(self, url: str) -> Robots:
        host = host_of(url)
        if host in self.robots:
            return self.robots[host]
        base = url.split("://", 1)[0] + "://" + host
        robots_url = base + "/robots.txt"
        self.robots[host] = Robots(None)  # while fetching robots.txt itself
        body, status = self._fetch_meta(robots_url, limit=512 * 1024)
        if body is not None:
            robots = parse_robots(body.decode("utf-8", "replace"), robots_url, self.agent)
        elif status == UNAVAILABLE or (status is not None and 400 <= status < 500):
            robots = Robots(None)
        else:
            robots = Robots(None, disallow_all=True)
            self.notes.append(f"{robots_url} unreachable: nothing on {host} fetched (RFC 9309)")
        if robots.crawl_delay:
            self.fetcher.set_delay(host, robots.crawl_delay)
            if robots.crawl_delay > self.cfg.delay:
                self.log(f"{host}: robots.txt asks for {robots.crawl_delay:g} s between requests")
        if not self.cfg.obey_robots:
            robots = Robots(None, False, robots.sitemaps, robots.crawl_delay)
        self.robots[host] = robots
        return robots

    def allowed(self, url: str) -> bool:
        return self._robots_for(url).allows(self.agent, url)

    def _fetch_meta(self, url: str, *, limit: int) -> tuple[bytes | None, int | None]:
        """Body of a crawl file (robots.txt, a sitemap), conditionally, via the WARC."""
        entry = self.state.get(url)
        outcome = self.fetcher.get(url, validators=self._validators)
        self._write_hops(outcome)
        resp = outcome.final
        if resp is None:
            # RFC 9309 2.3.1.2: redirects that cannot be followed make the file "unavailable" (as a
            # 4xx); timeouts and connection errors make it "unreachable" (None).
            error = outcome.error or ""
            unavailable = outcome.left_site or error == "redirect loop" or error.startswith("more than")
            return None, UNAVAILABLE if unavailable else None
        capture = self._capture(url, resp, entry)
        if capture is None or resp.truncated:
            return None, resp.status
        dst = self.tmp / f"meta-{self._next()}"
        try:
            headers = read_payload(capture, dst, limit)
            data = dst.read_bytes()
        except (BlockedError, OSError, zlib.error):
            return None, resp.status
        finally:
            dst.unlink(missing_ok=True)
        self.state.put(
            url,
            Entry(
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                capture=capture.to_dict(),
            ),
        )
        return data, resp.status

    def _sitemaps(self, seed: str) -> None:
        robots = self._robots_for(seed)
        base = seed.split("://", 1)[0] + "://" + host_of(seed)
        todo = deque(robots.sitemaps or [base + "/sitemap.xml"])
        seen: set[str] = set()
        while todo and len(seen) < MAX_SITEMAPS:
            url = todo.popleft()
            if url in seen or host_of(url) not in self.hosts or not self.allowed(url):
                continue
            seen.add(url)
            body, _ = self._fetch_meta(url, limit=MAX_SITEMAP_BYTES)
            if body is None:
                continue
            pages, children = sitemap_urls(body)
            todo.extend(u for u in (canonical(c) for c in children) if u)
            for page in pages:
                self._enqueue(page, None, 0, None)

    # -- the frontier -------------------------------------------------------------------------
    def _enqueue(self, link: str, base: str | None, depth: int, section: str | None) -> None:
        url = canonical(link, base)
        if url is None:
            return
        if host_of(url) not in self.hosts:
            self.stats.external_links += 1
            return
        if url in self.queued or depth > self.cfg.max_depth:
            return
        self.queued.add(url)
        self.queue.append((url, depth, section))

    def _next(self) -> int:
        self._n += 1
        return self._n

    def _validators(self, url: str) -> dict[str, str]:
        entry = self.state.get(url)
        if entry is None or entry.capture is None or not Path(entry.capture["warc"]).exists():
            return {}
        return entry.validators()

    def _write_hops(self, outcome: Outcome) -> None:
        for hop in outcome.hops:
            self.warc.response(hop)
            _drop(hop)

    def _capture(
        self, url: str, resp: Response, entry: Entry | None, *, keep: bool = False
    ) -> Pointer | None:
        """The record holding the payload: this run's response, or for a 304 the earlier one.
        With `keep`, a 2xx body sent without Content-Encoding stays on `resp` (it is the payload
        as written to the WARC), so it need not be read back."""
        if resp.status == 304:
            self.stats.not_modified += 1
            if entry is None or entry.capture is None:
                return None
            original = Pointer.from_dict(entry.capture)
            self.warc.revisit(resp, original)
            return original
        pointer = self.warc.response(resp)
        encoding = (resp.header("Content-Encoding") or "identity").strip().lower()
        if not (keep and 200 <= resp.status < 300 and encoding == "identity" and not resp.truncated):
            _drop(resp)
        return pointer if 200 <= resp.status < 300 else None

    # -- one resource ---------------------------------------------------------------------------
    def _blocked(self, url: str, section: str, reason: str, detail: str, status: int | None = None) -> None:
        report = FileReport(url, None, Status.BLOCKED, reason, detail=detail)
        self.resources.append(Resource(url, report, section, "unknown", "failed", status))

    def visit(self, url: str, depth: int, ref_section: str | None) -> None:
        section = section_of(url, self.cfg.section_depth) or ref_section or "/"
        if not self.allowed(url):
            self.stats.robots_disallowed += 1
            return
        outcome = self.fetcher.get(
            url, validators=self._validators, allowed=self.allowed, known=lambda u: u in self.done
        )
        self._write_hops(outcome)
        if outcome.duplicate is not None:
            return
        if outcome.left_site is not None:
            self.stats.external_links += 1
            return
        if outcome.robots_blocked is not None:
            self.stats.robots_disallowed += 1
            return
        if outcome.error is not None or outcome.final is None:
            what = outcome.error or "no answer"
            self._blocked(url, section, "fetch failed", f"{what}; the resource could not be read")
            return
        resp = outcome.final
        final_url = resp.url
        if final_url != url:
            if final_url in self.done:
                _drop(resp)
                return
            self.done.add(final_url)
            self.queued.add(final_url)
            section = section_of(final_url, self.cfg.section_depth) or section
        status = resp.status
        truncated = resp.truncated
        capture = self._capture(final_url, resp, self.state.get(final_url), keep=True)
        if capture is None:
            if status == 304:
                self._blocked(final_url, section, "fetch failed", "304 without an earlier capture", status)
            elif 400 <= status < 500:
                self.broken.append((final_url, status))
                self.state.drop(final_url)
            else:
                self._blocked(final_url, section, "fetch failed", f"HTTP {status}", status)
            return
        if truncated:
            detail = f"over the per-resource limit of {self.cfg.max_resource_bytes} bytes; captured truncated"
            self._blocked(final_url, section, "too large", detail, status)
            self.state.drop(final_url)
            return
        try:
            fresh = (resp.body, {k.lower(): v for k, v in resp.headers}) if resp.body is not None else None
            self._process(final_url, depth, section, capture, status, fresh)
        finally:
            _drop(resp)

    def _process(
        self,
        url: str,
        depth: int,
        section: str,
        capture: Pointer,
        status: int,
        fresh: tuple[Path, dict[str, str]] | None = None,
    ) -> None:
        entry = self.state.get(url)
        fetch = "not modified" if status == 304 else "fetched"
        dst = self.tmp / f"res-{self._next()}"
        try:
            if fresh is not None:  # the bytes just written to the WARC: no need to read them back
                cap = identify(fresh[0].rename(dst), fresh[1], url)
            else:
                cap = open_capture(capture, url, dst, self.cfg.scan.limits.max_file_bytes)
        except BlockedError as exc:
            report = FileReport(url, None, Status.BLOCKED, exc.reason, detail=exc.detail or "")
            self.resources.append(Resource(url, report, section, "unknown", fetch, status, capture))
            return
        unchanged = entry is not None and entry.sha256 == cap.sha256 and not self.rescan_all
        if unchanged and entry is not None and entry.verdict == Status.CLEAN.value and cap.file is not None:
            report, scanned = FileReport(url, cap.sha256, Status.CLEAN), False
        else:
            report, scanned = scan_capture(cap, url, capture, self.cfg.scan, self.engine), True
            self.stats.scanned += 1
        if cap.file is not None and cap.suffix is not None and depth < self.cfg.max_depth:
            try:
                links, base = links_of(cap.file, cap.suffix, images=self.cfg.follow_images)
            except Exception as exc:  # its verdict stands; only the reach through it is lost
                links, base = [], None
                self.notes.append(f"links of {url} could not be read ({type(exc).__name__})")
            page_base = canonical(base, url) if base else url
            for link in links:
                self._enqueue(link, page_base, depth + 1, section)
        cap.discard()
        old = entry or Entry()
        self.state.put(
            url,
            Entry(
                etag=cap.headers.get("etag") or (old.etag if status == 304 else None),
                last_modified=cap.headers.get("last-modified")
                or (old.last_modified if status == 304 else None),
                sha256=cap.sha256,
                verdict=report.status.value,
                findings=len(report.findings),
                suffix=cap.suffix,
                capture=capture.to_dict(),
            ),
        )
        change = self._change(entry, cap.sha256)
        self.resources.append(
            Resource(
                url, report, section, cap.kind, fetch, status, capture, scanned, cap.filename(url), change
            )
        )

    def _change(self, entry: Entry | None, sha: str) -> str | None:
        if self.state.path is None or self.state.fingerprint is None:
            return None  # no earlier run to compare with
        if entry is None or entry.sha256 is None:
            self.stats.new += 1
            return "new"
        if entry.sha256 != sha:
            self.stats.changed += 1
            return "changed"
        return "unchanged"

    def _stop(self, started: float) -> str | None:
        import time

        if self.stats.resources >= self.cfg.max_pages:
            return f"--max-pages {self.cfg.max_pages}"
        if self.cfg.max_seconds is not None and time.monotonic() - started > self.cfg.max_seconds:
            return f"--max-seconds {self.cfg.max_seconds:g}"
        return None

    def _progress(self) -> None:
        # Counts only: nothing read from the site.
        found = sum(1 for r in self.resources if r.report.status is Status.FINDINGS)
        blocked = sum(1 for r in self.resources if r.report.status is Status.BLOCKED)
        self.log(
            f"{self.stats.resources} resources, {found} with findings, {blocked} blocked, {len(self.queue)} queued"
        )

    # -- the run --------------------------------------------------------------------------------
    def run(self) -> PatrolResult:
        import time

        started = time.monotonic()
        if not self.cfg.obey_robots:
            self.log("robots.txt is IGNORED for this run (operator override); Crawl-delay still applies")
        if self.rescan_all:
            self.log("recognizers, policy or options changed since the last run: rescanning everything")
        try:
            for seed in self.cfg.seeds:
                self._enqueue(seed, None, 0, None)
            if self.cfg.use_sitemaps:
                for host_seed in {host_of(s): s for s in self.cfg.seeds}.values():
                    self._sitemaps(host_seed)
            while self.queue:
                stop = self._stop(started)
                if stop:
                    self.stats.not_visited = len(self.queue)
                    self.notes.append(f"{stop} reached: {len(self.queue)} not visited")
                    break
                url, depth, ref = self.queue.popleft()
                if url in self.done:
                    continue
                self.done.add(url)
                self.stats.resources += 1
                try:
                    self.visit(url, depth, ref)
                except BudgetExhausted:
                    raise
                except Exception as exc:  # one resource's bug must not lose the run's evidence and state
                    section = section_of(url, self.cfg.section_depth) or ref or "/"
                    detail = f"{type(exc).__name__} while patrolling; the resource was not fully read"
                    self._blocked(url, section, "internal error", detail)
                if self.stats.resources % PROGRESS_EVERY == 0:
                    self._progress()
        except BudgetExhausted:
            self.stats.not_visited = len(self.queue) + 1
            self.notes.append(
                f"byte budget of {self.cfg.max_bytes} spent: {self.stats.not_visited} not visited"
            )
        finally:
            self.fetcher.close()
            self.warc.close()
            self.state.save(self.fp, policy=self.cfg.policy)
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.stats.requests = self.fetcher.requests
        self.stats.conditional_requests = self.fetcher.conditional_requests
        self.stats.bytes = self.fetcher.bytes
        self.stats.seconds = round(time.monotonic() - started, 3)
        return PatrolResult(
            self.resources,
            self.warc.path,
            self.stats,
            not self.cfg.obey_robots,
            self.broken,
            self.notes,
            self.rescan_all,
        )


def _drop(resp: Response) -> None:
    if resp.body is not None:
        resp.body.unlink(missing_ok=True)
        resp.body = None


def patrol(
    cfg: PatrolConfig,
    *,
    out_dir: Path,
    state_dir: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> PatrolResult:
    """Crawl `cfg.seeds` and scan what is published. The WARC goes to `out_dir`; with
    `state_dir`, validators and verdicts are kept for the next run."""
    return _Crawl(cfg, out_dir, state_dir, log or (lambda _m: None)).run()


def as_dict(result: PatrolResult) -> dict[str, Any]:
    return dataclasses.asdict(result.stats)
