"""The service against hostile clients, over real sockets on 127.0.0.1: slow uploads, bursts,
clients that vanish, deep JSON, raw UTF-8 request lines."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from deident.review.keys import load_key
from deident.review.ledger import Ledger
from deident.service.server import ServiceConfig, make_server
from tests.factories.workflow import leak_text, make_leak
from tests.service.conftest import Service, running


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[Service]:
    """Two workers, a 2 s body deadline and a 20 s queue: starvation shows as a 503."""
    ledger = Ledger(tmp_path / "ledger.jsonl", load_key(tmp_path / "k" / "hmac.key"))
    cfg = ServiceConfig(ledger=ledger, workers=2, body_timeout_s=2.0, queue_timeout_s=20.0)
    yield from running(cfg)


def _raw(svc: Service, data: bytes, timeout: float = 30) -> bytes:
    with socket.create_connection((svc.host, svc.port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def _post(path: str, body: bytes, ctype: str = "text/plain; charset=utf-8") -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\nConnection: close\r\n"
    return head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def test_slow_uploads_do_not_starve_the_workers(strict: Service) -> None:
    """Eight slowloris clients (more than the two workers) trickle their bodies; a normal
    request is answered meanwhile, and each slow client gets 408 at the body deadline."""
    slow: list[socket.socket] = []
    stop = threading.Event()
    for _ in range(8):
        s = socket.create_connection((strict.host, strict.port), timeout=30)
        s.sendall(
            b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\na"
        )
        slow.append(s)

    def trickle() -> None:
        while not stop.is_set():
            for s in slow:
                with contextlib.suppress(OSError):
                    s.send(b"a")
            stop.wait(0.3)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    try:
        leak = make_leak(61)
        r = strict.upload("/v1/scan", leak_text(leak).encode(), "text/plain; charset=utf-8")
        assert r.status == 200 and r.json()["summary"]["findings"] >= 3
        assert strict.request("GET", "/healthz").status == 200
        answers = []
        for s in slow:
            s.settimeout(30)
            answers.append(s.recv(4096))
    finally:
        stop.set()
        t.join()
        for s in slow:
            s.close()
    assert all(a.startswith(b"HTTP/1.0 408") for a in answers), answers[:1]


@pytest.mark.parametrize("n", [50, 200])
def test_concurrent_scans_are_all_answered(strict: Service, n: int) -> None:
    """All clients connect at once: the listen backlog queues them (with the stdlib's 5, 192
    of 200 connections here waited for SYN retries and about half timed out)."""
    texts = [leak_text(make_leak(200 + i)).encode() for i in range(n)]
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def one(i: int) -> None:
        try:
            barrier.wait(30)
            reply = _raw(strict, _post("/v1/scan", texts[i]), timeout=120)
            head, _, body = reply.partition(b"\r\n\r\n")
            results[i] = (head.split(b" ", 2)[1], json.loads(body)["summary"]["findings"])
        except Exception as exc:  # a reset or a refused connection is the failure measured
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert all(isinstance(r, tuple) and r[0] == b"200" and r[1] >= 3 for r in results), [
        r for r in results if not (isinstance(r, tuple) and r[0] == b"200")
    ][:3]


def _reset(s: socket.socket) -> None:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def test_clients_that_vanish_leave_no_traceback(strict: Service, capfd: pytest.CaptureFixture[str]) -> None:
    big = ("公开信息。" * 200_000).encode()  # a masked answer far larger than socket buffers
    for body in (big, b"x"):
        s = socket.create_connection((strict.host, strict.port))
        s.sendall(_post("/v1/mask", body))
        time.sleep(0.3)
        _reset(s)
    s = socket.create_connection((strict.host, strict.port))
    s.sendall(
        b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n\r\nab"
    )
    _reset(s)  # mid-body
    s = socket.create_connection((strict.host, strict.port))
    s.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
    _reset(s)
    time.sleep(1.0)
    assert strict.request("GET", "/healthz").status == 200  # still serving
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Exception occurred" not in out + err
    assert "internal error" not in strict.log.getvalue()


def test_deeply_nested_json_is_a_400(strict: Service) -> None:
    deep = b'{"text": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    r = strict.upload("/v1/scan", deep, "application/json")
    assert r.status == 400 and "nested" in r.json()["error"]


def test_unencoded_utf8_query_is_answered(strict: Service) -> None:
    leak = make_leak(62)
    body = leak_text(leak).encode()
    head = "POST /v1/scan?filename=通知 2024.txt HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
    reply = _raw(
        strict, head.encode() + f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    )
    status, _, rest = reply.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.0 200")
    doc = json.loads(rest.partition(b"\r\n\r\n")[2])
    assert doc["summary"]["findings"] >= 3
    bad = _raw(strict, "GET /healthz?x=张三 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert bad.startswith(b"HTTP/1.0 200")


def test_write_endpoints_authenticate_before_reading_the_body(strict: Service) -> None:
    """No token, no body read: the answer comes although the body never does."""
    strict.server.cfg.tokens = {"tok-wangfang-0001": "王芳"}
    with socket.create_connection((strict.host, strict.port), timeout=10) as s:
        s.sendall(
            b"POST /v1/approvals?filename=a.txt HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"
        )
        assert s.recv(4096).startswith(b"HTTP/1.0 401")


def test_review_api_does_not_import_the_server() -> None:
    src = str(Path(__file__).resolve().parents[2] / "src")
    code = "import sys, deident.service.review_api; assert 'deident.service.server' not in sys.modules"
    r = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": src}, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_a_file_name_holding_personal_data_is_found_and_masked_over_http(strict: Service) -> None:
    mobile = "13800138000"
    name = quote(f"联系{mobile}.txt")
    r = strict.upload(f"/v1/scan?filename={name}", "公开的通知。".encode())
    assert r.status == 200
    (f,) = r.json()["findings"]
    assert f["location"] == {"name": True}
    m = strict.upload(f"/v1/mask?filename={name}", "公开的通知。".encode())
    assert m.status == 200 and mobile not in m.headers["content-disposition"]


def test_a_flood_of_idle_connections_gets_503_not_a_thread_each(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl", load_key(tmp_path / "k" / "hmac.key"))
    srv = make_server("127.0.0.1", 0, ServiceConfig(ledger=ledger, max_connections=4))
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    idle = [socket.create_connection(srv.server_address, timeout=10) for _ in range(4)]
    try:
        time.sleep(0.3)
        with socket.create_connection(srv.server_address, timeout=10) as extra:
            assert extra.recv(4096).startswith(b"HTTP/1.0 503")
    finally:
        for s in idle:
            s.close()
    time.sleep(0.3)  # the idle connections' threads end; the server answers again
    with socket.create_connection(srv.server_address, timeout=10) as s:
        s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.0 200")
    srv.shutdown()
    srv.server_close()
