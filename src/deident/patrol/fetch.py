"""HTTP fetching, polite and bounded: one request at a time, a delay per host, timeouts,
retries with backoff, redirects followed by hand (each hop checked against the site's hosts
and robots.txt), a size limit per resource and a byte budget per run.

The body is kept as transferred (Content-Encoding intact), because that is what the WARC
records; decoding happens when the payload is read back from the WARC (see `warc.py`).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deident.patrol.config import PatrolConfig
from deident.patrol.urls import canonical, host_of

REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CHUNK = 1 << 16
_MAX_RETRY_AFTER = 60.0


@dataclass
class Response:
    """One HTTP exchange: what the WARC records."""

    url: str
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    body: Path | None = None  # raw bytes as transferred (no body for 304 or HEAD-like answers)
    size: int = 0
    truncated: str | None = None  # "length" when cut at the size limit (the WARC says so)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class Outcome:
    """The end of a fetch: the final response, the redirect hops before it, or an error."""

    requested: str
    final: Response | None = None
    hops: list[Response] = field(default_factory=list)
    error: str | None = None  # timeout, connection error, redirect loop, too many redirects …
    left_site: str | None = None  # a redirect to a host outside the patrol (not followed)
    robots_blocked: str | None = None  # a redirect into a path robots.txt disallows
    duplicate: str | None = None  # a redirect to a resource the crawl already has


class TooSlow(Exception):
    """One answer took longer than the resource timeout (a server trickling bytes)."""


class BudgetExhausted(Exception):
    """The run's byte budget is spent: the crawl stops."""


class Fetcher:
    def __init__(self, cfg: PatrolConfig, tmp: Path, *, log: Callable[[str], None] | None = None) -> None:
        self.cfg = cfg
        self.tmp = tmp
        self.log = log or (lambda _msg: None)
        self.hosts = cfg.hosts()
        self.client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(cfg.timeout),
            headers={"User-Agent": cfg.agent(), "Accept-Encoding": "gzip, deflate"},
            # Requests are made one at a time; the pool only keeps one connection per host alive.
            limits=httpx.Limits(
                max_connections=max(1, len(self.hosts)), max_keepalive_connections=len(self.hosts)
            ),
            trust_env=False,
            verify=cfg.verify_tls,
        )
        self.delays: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self.requests = 0
        self.conditional_requests = 0
        self.bytes = 0

    def close(self) -> None:
        self.client.close()

    def set_delay(self, host: str, seconds: float) -> None:
        self.delays[host] = max(self.cfg.delay, seconds)

    def _wait(self, url: str) -> None:
        host = host_of(url)
        delay = self.delays.get(host, self.cfg.delay)
        last = self._last.get(host)
        if last is not None and delay > 0:
            pause = last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        self._wait(url)
        self.requests += 1
        if any(k in headers for k in ("If-None-Match", "If-Modified-Since")):
            self.conditional_requests += 1
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                resp = Response(
                    url=url,
                    status=r.status_code,
                    reason=r.reason_phrase,
                    http_version=r.http_version,
                    headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in r.headers.raw],
                    request_headers=[
                        (k.decode("latin-1"), v.decode("latin-1")) for k, v in r.request.headers.raw
                    ],
                )
                if r.status_code == 304:
                    r.read()  # an unread response closes its connection instead of keeping it alive
                else:
                    self._read_body(r, resp)
        finally:
            self._last[host_of(url)] = time.monotonic()
        return resp

    def _read_body(self, r: httpx.Response, resp: Response) -> None:
        fd, name = tempfile.mkstemp(prefix="body-", dir=self.tmp)
        resp.body = Path(name)
        limit = self.cfg.max_resource_bytes
        deadline = time.monotonic() + self.cfg.resource_timeout
        with open(fd, "wb") as out:
            for chunk in r.iter_raw(_CHUNK):
                if time.monotonic() > deadline:
                    raise TooSlow()
                if self.bytes + len(chunk) > self.cfg.max_bytes:
                    raise BudgetExhausted()
                take = chunk[: max(0, limit - resp.size)]
                out.write(take)
                resp.size += len(take)
                self.bytes += len(chunk)
                if len(take) < len(chunk):
                    resp.truncated = "length"
                    break

    def _with_retries(self, url: str, headers: dict[str, str]) -> Response | str:
        wait = self.cfg.retry_backoff
        error = "fetch failed"
        for attempt in range(self.cfg.retries + 1):
            if attempt:
                time.sleep(wait)
                wait *= 2
            try:
                resp = self._once(url, headers)
            except (httpx.TimeoutException, TooSlow):
                error = "timeout"
                continue
            except (httpx.TransportError, httpx.DecodingError) as exc:
                error = f"connection error ({type(exc).__name__})"
                continue
            if resp.status in RETRY_STATUSES and attempt < self.cfg.retries:
                error = f"HTTP {resp.status}"
                wait = max(wait, _retry_after(resp.header("Retry-After")))
                _drop(resp)
                continue
            return resp
        return error

    def get(
        self,
        url: str,
        *,
        validators: Callable[[str], dict[str, str]] = lambda _u: {},
        allowed: Callable[[str], bool] = lambda _u: True,
        known: Callable[[str], bool] = lambda _u: False,
    ) -> Outcome:
        """GET `url`, following redirects inside the patrol's hosts. `validators(url)` are the
        conditional headers (If-None-Match / If-Modified-Since) for each request; `allowed(url)`
        is robots.txt's answer and `known(url)` the crawl's for each redirect target."""
        outcome = Outcome(requested=url)
        current, headers, seen = url, validators(url), {url}
        for _ in range(self.cfg.max_redirects + 1):
            got = self._with_retries(current, headers)
            if isinstance(got, str):
                outcome.error = got
                return outcome
            location = got.header("Location") if got.status in REDIRECTS else None
            if location is None:
                outcome.final = got
                return outcome
            outcome.hops.append(got)
            target = canonical(location, current)
            if target is None or host_of(target) not in self.hosts:
                outcome.left_site = target or location
                return outcome
            if target in seen:
                outcome.error = "redirect loop"
                return outcome
            if not allowed(target):
                outcome.robots_blocked = target
                return outcome
            if known(target):
                outcome.duplicate = target
                return outcome
            seen.add(target)
            current, headers = target, validators(target)
        outcome.error = f"more than {self.cfg.max_redirects} redirects"
        return outcome


def _drop(resp: Response) -> None:
    if resp.body is not None:
        resp.body.unlink(missing_ok=True)
        resp.body = None


def _retry_after(value: str | None) -> float:
    try:
        return min(_MAX_RETRY_AFTER, max(0.0, float(value))) if value else 0.0
    except ValueError:
        return 0.0
