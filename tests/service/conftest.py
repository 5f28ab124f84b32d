from __future__ import annotations

import http.client
import io
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from deident.review.keys import load_key
from deident.review.ledger import Ledger
from deident.service.server import DeidentServer, ServiceConfig, make_server

TOKENS = {"tok-wangfang-0001": "王芳", "tok-liqiang-0002": "李强"}


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Service:
    server: DeidentServer
    ledger: Ledger
    log: io.StringIO
    host: str = "127.0.0.1"
    port: int = 0
    fed: list[str] = field(default_factory=list)  # every personal value sent, for the log grep

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def upload(
        self, path: str, data: bytes, ctype: str = "application/octet-stream", token: str | None = None
    ) -> Reply:
        headers = {"Content-Type": ctype}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.request("POST", path, data, headers)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    key = load_key(tmp_path / "keys" / "hmac.key")
    ledger = Ledger(tmp_path / "repo" / ".deident" / "ledger.jsonl", key)
    cfg = ServiceConfig(ledger=ledger, tokens=dict(TOKENS), max_upload_bytes=256 * 1024, workers=4)
    yield from running(cfg)


def running(cfg: ServiceConfig) -> Iterator[Service]:
    """A real server on 127.0.0.1 with `cfg`, its log captured, shut down afterwards."""
    srv = make_server("127.0.0.1", 0, cfg)
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logger = logging.getLogger("deident.service")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield Service(srv, cfg.ledger, log, port=srv.server_address[1])
    finally:
        srv.shutdown()
        srv.server_close()
        logger.removeHandler(handler)
