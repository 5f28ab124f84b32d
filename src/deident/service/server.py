"""The HTTP server: stdlib ThreadingHTTPServer, a bounded number of requests processed at once.

Endpoints (see openapi.py): POST /v1/scan, POST /v1/mask, GET /v1/gate/{sha256},
POST /v1/approvals (bearer token), GET /openapi.json, GET /healthz.

Logs carry the method, the path without its query string, the status and sizes: never the
body, the file name, the query (it may hold a file name) or a token.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from deident.config import ScanConfig
from deident.errors import DeidentError
from deident.model import FileReport, Status
from deident.review.ledger import Ledger
from deident.service.auth import reviewer_for
from deident.service.openapi import spec
from deident.service.upload import HttpError, Upload, parse_upload

log = logging.getLogger("deident.service")
_DRAIN_BYTES = 16 * 1024 * 1024
_SHA = re.compile(r"^/v1/gate/([0-9a-fA-F]{64})$")


@dataclass
class ServiceConfig:
    scan: ScanConfig = field(default_factory=ScanConfig)
    ledger: Ledger | None = None  # None: gate and approvals are unavailable
    tokens: dict[str, str] = field(default_factory=dict)  # token -> reviewer
    max_upload_bytes: int = 50 * 1024 * 1024
    workers: int = 4
    policy: str = "gov"
    queue_timeout_s: float = 60.0  # a request waiting longer for a worker gets 503


def findings_document(report: FileReport, *, redact: Any = None) -> dict[str, Any]:
    """Findings JSON of one file: exactly what `deident scan --format json` prints."""
    from deident.cli.render import scan_json

    return scan_json([report], redact)


class DeidentServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], cfg: ServiceConfig) -> None:
        from deident.api import engine_for, policy_for

        self.cfg = cfg
        self.engine = engine_for(cfg.scan)
        self.policy = policy_for(cfg.policy)
        self.slots = threading.BoundedSemaphore(cfg.workers)
        super().__init__(address, Handler)


def make_server(host: str, port: int, cfg: ServiceConfig) -> DeidentServer:
    return DeidentServer((host, port), cfg)


class Handler(BaseHTTPRequestHandler):
    server: DeidentServer
    server_version = "deident"
    sys_version = ""
    # A client that stops sending mid-request must not hold a thread forever.
    timeout = 120

    # -- logging: no query strings, bodies, names or tokens ------------------------------
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = urlsplit(self.path).path if isinstance(self.path, str) else "-"
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
        from deident.service import review_api

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
            from deident.service import review_api

            handler = lambda digest: review_api.gate(self, digest)  # noqa: E731
        try:
            if handler is None and sha is None:
                if url.path.startswith("/v1/gate/") and gate:
                    raise HttpError(400, "the gate takes a sha256: 64 hexadecimal characters")
                raise HttpError(404, "no such endpoint; see /openapi.json")
            if not self.server.slots.acquire(timeout=self.server.cfg.queue_timeout_s):
                raise HttpError(503, "busy; retry later", {"Retry-After": "5"})
            try:
                if sha is not None:
                    handler(sha.group(1).lower())
                else:
                    handler()
            finally:
                self.server.slots.release()
        except HttpError as r:
            self._error(r.status, r.message, r.headers)
        except DeidentError as e:
            # Library messages never carry personal data (errors.py), but keep them off the log.
            self._error(422, str(e))
        except Exception as e:  # fail closed, and never echo internals that might quote a document
            log.error("internal error %s on %s", type(e).__name__, url.path)
            self._error(500, f"internal error: {type(e).__name__}")

    # -- helpers -------------------------------------------------------------------------
    def _body(self) -> bytes:
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
        return self.rfile.read(n)

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
            from deident.service.review_api import annotate

            annotate(doc, report, self.server.cfg.ledger)
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
            res = mask_path(
                src,
                out_dir / src.name,
                self.server.cfg.scan,
                policy,
                engine=self.server.engine,
                display_path=up.filename,
            )
            if res.output is None:
                doc = findings_document(res.report, redact=policy.replacement)
                self._json(422, {"error": f"cannot mask: {res.report.reason}", **doc})
                return
            out = Path(res.output)
            data = out.read_bytes()
        name = Path(up.filename or "upload").stem + out.suffix
        headers = {
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Deident-Findings": str(res.masked),
            "X-Deident-Sha256": hashlib.sha256(data).hexdigest(),
        }
        self._send(200, data, "application/octet-stream", headers)
