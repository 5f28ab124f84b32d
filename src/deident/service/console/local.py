"""`deident review PATH... --serve`: the console alone, on 127.0.0.1, for one reviewer."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from deident.service.console.web import Console


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], console: Console) -> None:
        self.console = console
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer
    server_version = "deident"
    sys_version = ""
    timeout = 120

    def _any(self) -> None:
        try:
            if not self.server.console.handle(self):
                self.send_response(303)
                self.send_header("Location", "/review/")
                self.send_header("Content-Length", "0")
                self.end_headers()
        except Exception as exc:  # fail closed without echoing internals (they may quote a document)
            body = f"internal error: {type(exc).__name__}".encode()
            self.send_response(500)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _any

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one reviewer on this machine: the terminal stays quiet


def make_local_server(console: Console, host: str = "127.0.0.1", port: int = 0) -> LocalServer:
    return LocalServer((host, port), console)
