"""The HTTP server: stdlib ThreadingHTTPServer, a bounded number of requests processed at once.

Endpoints (see openapi.py): POST /v1/scan, POST /v1/mask, GET /v1/gate/{sha256},
POST /v1/approvals (bearer token), GET /openapi.json, GET /healthz.

Slots: a request body is read completely (within `body_timeout_s` and `max_upload_bytes`)
*before* the request waits for one of the `workers` slots, so slow clients cannot starve the
workers; /healthz and /openapi.json need no slot. A client that goes away is a log line, never
a traceback.

Logs carry the method, the path without its query string, the status and sizes: never the
body, the file name, the query (it may hold a file name) or a token.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from deident.config import ScanConfig
from deident.errors import DeidentError
from deident.model import FileReport, Status
from deident.review.ledger import Ledger
from deident.service import review_api
from deident.service.auth import reviewer_for
from deident.service.openapi import spec
from deident.service.upload import HttpError, Upload, parse_upload

log = logging.getLogger("deident.service")
_DRAIN_BYTES = 16 * 1024 * 1024
_SHA = re.compile(r"^/v1/gate/([0-9a-fA-F]{64})$")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# Answered without a worker slot: cheap, and a health check must answer under load.
_NO_SLOT = frozenset({"/healthz", "/openapi.json"})
# Authenticated before their body is read.
_AUTH_FIRST = frozenset({"/v1/approvals", "/v1/decisions"})
_GONE = (ConnectionError, TimeoutError)
_BUSY_BODY = b'{"error": "too many connections; retry later", "status": 503}'
_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 5\r\n"
    b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(_BUSY_BODY), _BUSY_BODY)
)


@dataclass
class ServiceConfig:
    scan: ScanConfig = field(default_factory=ScanConfig)
    ledger: Ledger | None = None  # None: gate and approvals are unavailable
    tokens: dict[str, str] = field(default_factory=dict)  # token -> reviewer
    max_upload_bytes: int = 50 * 1024 * 1024
    workers: int = 4
    policy: str = "gov"
    queue_timeout_s: float = 60.0  # a request waiting longer for a worker gets 503
    body_timeout_s: float = 30.0  # the whole body must arrive within this, or 408
    max_connections: int = 512  # open connections (one thread each); beyond, 503 at once


def findings_document(report: FileReport, *, redact: Any = None) -> dict[str, Any]:
    """Findings JSON of one file: exactly what `deident scan --format json` prints."""
    from deident.cli.render import scan_json

    return scan_json([report], redact)


class DeidentServer(ThreadingHTTPServer):
    daemon_threads = True
    # Connections waiting to be accepted: bursts of clients are queued, not reset.
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], cfg: ServiceConfig) -> None:
        from deident.api import engine_for, policy_for

        self.cfg = cfg
        self.engine = engine_for(cfg.scan)
        self.policy = policy_for(cfg.policy)
        self.slots = threading.BoundedSemaphore(cfg.workers)
        self.connections = threading.BoundedSemaphore(cfg.max_connections)
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One thread per connection, up to `max_connections`: a flood of idle connections
        gets 503 straight away instead of a thread each."""
        if not self.connections.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(_BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Never a traceback on stderr (it may quote a request): one log line with the type."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, _GONE):
            log.info("client went away (%s)", type(exc).__name__)
        else:
            log.error("internal error %s outside a request", type(exc).__name__)


def make_server(host: str, port: int, cfg: ServiceConfig) -> DeidentServer:
    return DeidentServer((host, port), cfg)


class Handler(BaseHTTPRequestHandler):
    server: DeidentServer
    server_version = "deident"
    sys_version = ""
    # A client that stops sending mid-request must not hold a thread forever.
    timeout = 60
    _raw_body: bytes | None = None

    def parse_request(self) -> bool:
        # A client sending an unencoded UTF-8 query (?filename=张三.txt) gets an answer: the
        # stdlib splits the request line on U+00A0 and U+0085, which such bytes decode to.
        # Spaces inside the target (?filename=通知 2024.txt) are read as part of it.
        line = _HIGH_BYTE.sub(lambda m: b"%%%02X" % m.group()[0], self.raw_requestline)
        words = line.rstrip(b"\r\n").split(b" ")
        if len(words) > 3 and words[-1].startswith(b"HTTP/"):
            line = b" ".join([words[0], b"%20".join(words[1:-1]), words[-1]]) + b"\r\n"
        self.raw_requestline = line
        return super().parse_request()

    # -- logging: no query strings, bodies, names or tokens ------------------------------
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        raw = getattr(self, "path", None)
        path = urlsplit(raw).path if isinstance(raw, str) else "-"
        if _SHA.match(path):
            path = "/v1/gate/{sha256}"
        log.info("%s %s %s %s", self.command, path, code, size)

    def log_message(self, format: str, *args: Any) -> None:
        # The stdlib logs the raw request line on errors; it may carry a file name in the query.
        log.info("request error %s", args[0] if args and isinstance(args[0], int) else "")

    # -- responses -----------------------------------------------------------------------
    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, doc: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._json(status, {"error": message, "status": status}, headers)

    # -- dispatch ------------------------------------------------------------------------
    def _console(self) -> bool:
        """The reviewer console (service/console) answers /review/ when it is mounted."""
        console = getattr(self.server, "console", None)
        return console is not None and console.handle(self)

    def do_GET(self) -> None:
        if self._console():
            return
        self._dispatch(
            {"/openapi.json": self._openapi, "/healthz": self._health},
            gate=True,
        )

    def do_POST(self) -> None:
        if self._console():
            return
        self._dispatch(
            {
                "/v1/scan": self._scan,
                "/v1/mask": self._mask,
                "/v1/approvals": lambda: review_api.approve(self),
                "/v1/decisions": lambda: review_api.decide(self),
            }
        )

    def _dispatch(self, routes: dict[str, Any], gate: bool = False) -> None:
        url = urlsplit(self.path)
        self.query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        handler = routes.get(url.path)
        sha = _SHA.match(url.path) if gate else None
        if sha is not None:
            handler = lambda digest: review_api.gate(self, digest)  # noqa: E731
        try:
            if handler is None and sha is None:
                if url.path.startswith("/v1/gate/") and gate:
                    raise HttpError(400, "the gate takes a sha256: 64 hexadecimal characters")
                raise HttpError(404, "no such endpoint; see /openapi.json")
            if url.path in _NO_SLOT:
                handler()
                return
            if self.command == "POST":
                if url.path in _AUTH_FIRST:
                    self._reviewer()  # authenticate before reading a possibly large body
                self._raw_body = self._read_body()  # before taking a slot: slow clients wait alone
            if not self.server.slots.acquire(timeout=self.server.cfg.queue_timeout_s):
                raise HttpError(503, "busy; retry later", {"Retry-After": "5"})
            try:
                if sha is not None:
                    handler(sha.group(1).lower())
                else:
                    handler()
            finally:
                self.server.slots.release()
        except _GONE as e:
            self.close_connection = True
            log.info("client went away (%s) on %s", type(e).__name__, url.path)
        except HttpError as r:
            self._answer_error(r.status, r.message, r.headers)
        except DeidentError as e:
            # Library messages never carry personal data (errors.py), but keep them off the log.
            self._answer_error(422, str(e))
        except Exception as e:  # fail closed, and never echo internals that might quote a document
            log.error("internal error %s on %s", type(e).__name__, url.path)
            self._answer_error(500, f"internal error: {type(e).__name__}")

    def _answer_error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        try:
            self._error(status, message, headers)
        except _GONE as e:
            self.close_connection = True
            log.info("client went away (%s)", type(e).__name__)

    # -- helpers -------------------------------------------------------------------------
    def _body(self) -> bytes:
        if self._raw_body is None:
            self._raw_body = self._read_body()
        return self._raw_body

    def _read_body(self) -> bytes:
        """The whole body, within `max_upload_bytes` and `body_timeout_s` (a client trickling
        bytes gets 408, however slowly it trickles)."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise HttpError(411, "send a Content-Length; chunked uploads are not accepted")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise HttpError(411, "Content-Length required")
        n = int(length)
        if n > self.server.cfg.max_upload_bytes:
            self.close_connection = True  # the unread body must not be parsed as a request
            if n <= _DRAIN_BYTES:
                # Read (and drop) a moderately oversized body, so that closing the socket with
                # unread data does not reset the connection before the client sees the 413.
                remaining = n
                while remaining > 0:
                    chunk = self.rfile.read(min(remaining, 1 << 16))
                    if not chunk:
                        break
                    remaining -= len(chunk)
            raise HttpError(413, f"upload too large: limit {self.server.cfg.max_upload_bytes} bytes")
        return self._read_exactly(n)

    def _read_exactly(self, n: int) -> bytes:
        deadline = time.monotonic() + self.server.cfg.body_timeout_s
        parts: list[bytes] = []
        remaining = n
        try:
            while remaining > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self.connection.settimeout(left)
                chunk = self.rfile.read1(min(remaining, 1 << 16))
                if not chunk:
                    raise HttpError(400, "the body ended before Content-Length bytes")
                parts.append(chunk)
                remaining -= len(chunk)
        except TimeoutError:
            self.close_connection = True
            raise HttpError(
                408, f"the body did not arrive within {self.server.cfg.body_timeout_s:g} s"
            ) from None
        finally:
            self.connection.settimeout(self.timeout)
        return b"".join(parts)

    def _upload(self) -> Upload:
        body = self._body()
        return parse_upload(
            self.headers.get("Content-Type"), body, self.query.get("filename"), self.headers.get("X-Filename")
        )

    def _reviewer(self) -> str:
        if not self.server.cfg.tokens:
            raise HttpError(403, "write endpoints are disabled: the server has no tokens configured")
        header = self.headers.get("Authorization")
        if not header:
            raise HttpError(401, "bearer token required", {"WWW-Authenticate": 'Bearer realm="deident"'})
        who = reviewer_for(header, self.server.cfg.tokens)
        if who is None:
            raise HttpError(403, "invalid token")
        return who

    def _scan_upload(self, up: Upload, tmp: Path) -> tuple[FileReport, Path]:
        from deident.pipeline import scan_path

        src = tmp / ("upload" + Path(up.filename or "upload.bin").suffix.lower())
        src.write_bytes(up.data)
        return scan_path(src, self.server.cfg.scan, engine=self.server.engine, display_path=up.filename), src

    # -- endpoints -----------------------------------------------------------------------
    def _openapi(self) -> None:
        self._json(200, spec())

    def _health(self) -> None:
        self._json(200, {"status": "ok"})

    def _scan(self) -> None:
        up = self._upload()
        redact = self.server.policy.replacement if self.query.get("redact") in ("1", "true") else None
        if up.text is not None:
            found = self.server.engine.analyze(up.text)
            status = Status.FINDINGS if found else Status.CLEAN
            sha = hashlib.sha256(up.text.encode("utf-8")).hexdigest()
            self._json(
                200, findings_document(FileReport("<text>", sha, status, None, tuple(found)), redact=redact)
            )
            return
        with tempfile.TemporaryDirectory(prefix="deident-serve-") as d:
            report, _ = self._scan_upload(up, Path(d))
        # A corrupt or unsupported file is a verdict (blocked), not a failed request.
        doc = findings_document(report, redact=redact)
        if self.server.cfg.ledger is not None:
            review_api.annotate(doc, report, self.server.cfg.ledger)
        self._json(200, doc)

    def _mask(self) -> None:
        from deident.api import policy_for
        from deident.masking.rewrite import apply
        from deident.pipeline import mask_path

        up = self._upload()
        policy = policy_for(self.query.get("policy") or up.fields.get("policy") or self.server.cfg.policy)
        if up.text is not None:
            found = self.server.engine.analyze(up.text)
            masked = apply(up.text, found, policy)
            self._send(
                200,
                masked.encode("utf-8"),
                "text/plain; charset=utf-8",
                {"X-Deident-Findings": str(len(found))},
            )
            return
        with tempfile.TemporaryDirectory(prefix="deident-serve-") as d:
            tmp = Path(d)
            src = tmp / ("upload" + Path(up.filename or "upload.bin").suffix.lower())
            src.write_bytes(up.data)
            out_dir = tmp / "out"
            args = (src, out_dir / src.name, self.server.cfg.scan, policy)
            if self.server.cfg.ledger is not None:
                # Values decided not personal data (POST /v1/decisions) stay readable in the copy.
                from deident.review.carry import mask_decided

                res = mask_decided(
                    *args,
                    ledger=self.server.cfg.ledger,
                    engine=self.server.engine,
                    display_path=up.filename,
                    copy_display=up.filename,
                )
            else:
                res = mask_path(*args, engine=self.server.engine, display_path=up.filename)
            if res.output is None:
                doc = findings_document(res.report, redact=policy.replacement)
                self._json(422, {"error": f"cannot mask: {res.report.reason}", **doc})
                return
            out = Path(res.output)
            data = out.read_bytes()
        from deident.naming import masked_file_name

        name = masked_file_name(
            Path(Path(up.filename or "upload").stem + out.suffix), self.server.engine, policy
        ).name
        headers = {
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Deident-Findings": str(res.masked),
            "X-Deident-Sha256": hashlib.sha256(data).hexdigest(),
        }
        self._send(200, data, "application/octet-stream", headers)
