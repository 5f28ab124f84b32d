"""The console's HTTP side: routes under /review/, sessions, and plain form POSTs.

Every page shows personal data, so every route needs a session. `deident serve` logs a
reviewer in with their token (the reviewer is the token's name); `deident review --serve`
(one reviewer, 127.0.0.1) opens a launch link holding a random secret, and takes the
reviewer's name from their local account file (asked once in the browser when there is none).
Sessions live in a cookie (HttpOnly, SameSite=Strict); each form also carries the session's
CSRF value. URLs carry file ids (digests), never file names, since request logs show paths.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from deident.review.ledger import LedgerInvalid
from deident.service.console import html, pictures, views
from deident.service.console.state import ConsoleState

COOKIE = "deident_review"
MAX_FORM = 64 * 1024
_FILE = re.compile(r"^/review/file/([0-9a-f]{12})(\.json|/decide|/approve|/page/(\d{1,4})\.png)?$")
_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
ENV_REVIEWER = "DEIDENT_REVIEWER"


def default_account_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "deident" / "reviewer"


def read_account(path: Path) -> str | None:
    try:
        name = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


@dataclass
class Session:
    reviewer: str | None
    csrf: str


class Console:
    """Mount with `server.console = Console(...)`; `handle(handler)` answers /review/ routes."""

    def __init__(
        self,
        state: ConsoleState,
        *,
        tokens: dict[str, str] | None = None,
        local: bool = False,
        reviewer: str | None = None,
        account_file: Path | None = None,
    ) -> None:
        self.state = state
        self.tokens = dict(tokens or {})
        self.local = local
        self.account_file = account_file or default_account_file()
        self.reviewer = (
            reviewer or os.environ.get(ENV_REVIEWER) or (read_account(self.account_file) if local else None)
        )
        self.launch = secrets.token_urlsafe(24)
        self.sessions: dict[str, Session] = {}

    def launch_url(self, host: str, port: int) -> str:
        return f"http://{host}:{port}/review/?launch={self.launch}"

    # -- plumbing ------------------------------------------------------------------------
    def handle(self, h: BaseHTTPRequestHandler) -> bool:
        url = urlsplit(h.path)
        if not (url.path == "/review" or url.path.startswith("/review/")):
            return False
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            try:
                self._route(h, h.command, url.path, query)
            except LedgerInvalid:
                raise _Reply(
                    409,
                    _text(
                        "审核记录（ledger）校验失败，已停止审核：请运行 deident ledger verify 并从版本库恢复。"
                    ),
                ) from None
        except _Reply as r:
            _send(h, r.status, r.body, r.ctype, r.headers)
        return True

    def _route(self, h: BaseHTTPRequestHandler, method: str, path: str, query: dict[str, str]) -> None:
        if path == "/review":
            raise _redirect("/review/")
        if path == "/review/login":
            self._login(h, method)
        if self.local and query.get("launch"):
            if not secrets.compare_digest(query["launch"], self.launch):
                raise _Reply(403, _text("链接无效：请使用 deident review --serve 打印的链接。"))
            sid = self._new_session(self.reviewer)
            raise _redirect("/review/", {"Set-Cookie": _cookie(sid)})
        session, api = self._session(h)
        if path == "/review/account" and method == "POST" and self.local:
            self._save_name(h, session)
        if session.reviewer is None:
            raise _Reply(200, html.name_page(session.csrf, str(self.account_file)))
        if method in ("GET", "HEAD"):
            self._get(path, query, session)
        if method == "POST":
            form = _form(h)
            if not api and not secrets.compare_digest(form.get("csrf", ""), session.csrf):
                raise _Reply(403, _text("表单已过期，请刷新页面后重试。"))
            self._post(path, form, session)
        raise _Reply(405, _text("不支持的请求方法。"))

    def _session(self, h: BaseHTTPRequestHandler) -> tuple[Session, bool]:
        from deident.service.auth import reviewer_for

        auth = h.headers.get("Authorization")
        if auth and self.tokens:
            who = reviewer_for(auth, self.tokens)
            if who is None:
                raise _Reply(403, _json({"error": "invalid token"}), "application/json; charset=utf-8")
            return Session(who, ""), True
        sid = _cookie_value(h.headers.get("Cookie"))
        s = self.sessions.get(sid) if sid else None
        if s is not None:
            return s, False
        if self.local:
            raise _Reply(403, _text("请使用 deident review --serve 打印（或自动打开）的链接进入审核台。"))
        raise _redirect("/review/login")

    def _new_session(self, reviewer: str | None) -> str:
        sid = secrets.token_urlsafe(24)
        self.sessions[sid] = Session(reviewer, secrets.token_urlsafe(16))
        return sid

    def _login(self, h: BaseHTTPRequestHandler, method: str) -> None:
        from deident.service.auth import reviewer_for

        if self.local:
            raise _redirect("/review/")
        if method != "POST":
            raise _Reply(200, html.login_page())
        token = _form(h).get("token", "")
        who = reviewer_for(f"Bearer {token}", self.tokens) if token else None
        if who is None:
            raise _Reply(403, html.login_page("bad_token"))
        raise _redirect("/review/", {"Set-Cookie": _cookie(self._new_session(who))})

    def _save_name(self, h: BaseHTTPRequestHandler, session: Session) -> None:
        form = _form(h)
        if not secrets.compare_digest(form.get("csrf", ""), session.csrf):
            raise _Reply(403, _text("表单已过期，请刷新页面后重试。"))
        name = form.get("name", "").strip()[:40]
        if not name or "\n" in name:
            raise _Reply(200, html.name_page(session.csrf, str(self.account_file)))
        self.account_file.parent.mkdir(parents=True, exist_ok=True)
        self.account_file.write_text(name + "\n", encoding="utf-8")
        self.reviewer = name
        for s in self.sessions.values():
            s.reviewer = name
        raise _redirect("/review/?msg=name_saved")

    # -- pages ---------------------------------------------------------------------------
    def _get(self, path: str, query: dict[str, str], session: Session) -> None:
        msg = query.get("msg")
        if path in ("/review/", "/review/index.json"):
            status = query.get("status") or None
            doc = views.queue(self.state, status)
            if path.endswith(".json"):
                raise _Reply(200, _json(doc), "application/json; charset=utf-8")
            raise _Reply(200, html.queue_page(doc, session.reviewer, msg))
        m = _FILE.match(path)
        if not m:
            raise _Reply(404, _text("没有这个页面。"))
        f = self.state.get(m.group(1))
        if f is None:
            raise _Reply(404, _text("没有这个文件（可能已被移走）。"))
        if m.group(3):
            copy = f.masked_path if query.get("copy") == "masked" else f.path
            if copy is None:
                raise _Reply(404, _text("没有脱敏副本。"))
            try:
                data, ctype = pictures.picture(copy, int(m.group(3)))
            except KeyError:
                raise _Reply(404, _text("没有这一页。")) from None
            raise _Reply(200, data, ctype, {"Cache-Control": "private, max-age=60"})
        doc = views.file_page(self.state, f)
        if m.group(2) == ".json":
            raise _Reply(200, _json(doc), "application/json; charset=utf-8")
        if m.group(2):
            raise _Reply(405, _text("请用表单提交。"))
        raise _Reply(200, html.file_page(doc, session.reviewer, session.csrf, msg, query.get("detail", "")))

    def _post(self, path: str, form: dict[str, str], session: Session) -> None:
        from deident.review.approve import ApprovalRefused
        from deident.review.decisions import DecisionError

        m = _FILE.match(path)
        if not m or m.group(2) not in ("/decide", "/approve"):
            raise _Reply(404, _text("没有这个操作。"))
        f = self.state.get(m.group(1))
        if f is None:
            raise _Reply(404, _text("没有这个文件（可能已被移走）。"))
        back = f"/review/file/{f.id}"
        reviewer = session.reviewer or ""
        if m.group(2) == "/decide":
            ids = [i for i in form.get("finding", "").split(",") if i]
            verdict = form.get("verdict", "")
            reason = form.get("reason", "").strip()
            if reason == "其他" or not reason:
                reason = form.get("other", "").strip()
            if not ids or verdict not in ("confirmed", "not_pii"):
                raise _redirect(f"{back}?msg=bad_request")
            if verdict == "not_pii" and not reason:
                raise _redirect(f"{back}?msg=need_reason#f-{ids[0]}")
            try:
                self.state.decide(f, ids, verdict, reviewer, reason or None)
            except DecisionError as exc:
                code = "reason_has_pii" if str(exc) == "reason_has_pii" else "unknown_finding"
                raise _redirect(f"{back}?msg={code}#f-{ids[0]}") from None
            nxt = next((r.id for r in self.state.decided(f).findings if r.state == "unreviewed"), None)
            raise _redirect(f"{back}?msg=decided" + (f"#f-{nxt}" if nxt else "#approve"))
        expected = form.get("sha256")
        d = self.state.decided(f)
        if expected and expected != d.publish_sha:
            raise _redirect(f"{back}?msg=changed")
        try:
            self.state.approve(f, reviewer)
        except ApprovalRefused as exc:
            code = exc.reason if exc.reason in html.MESSAGES else "refused"
            raise _redirect(f"{back}?msg={code}") from None
        raise _redirect("/review/?msg=approved")


class _Reply(Exception):
    def __init__(
        self,
        status: int,
        body: bytes | str,
        ctype: str = "text/html; charset=utf-8",
        headers: dict | None = None,
    ) -> None:
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.ctype = ctype
        self.headers = headers or {}


def _redirect(location: str, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(303, b"", "text/plain; charset=utf-8", {"Location": location, **(headers or {})})


def _text(message: str) -> str:
    return html._page("提示", f"<p>{message}</p><p><a href='/review/'>返回队列</a></p>")


def _json(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _cookie(sid: str) -> str:
    return f"{COOKIE}={sid}; Path=/review; HttpOnly; SameSite=Strict"


def _cookie_value(header: str | None) -> str | None:
    for part in (header or "").split(";"):
        k, _, v = part.strip().partition("=")
        if k == COOKIE and v:
            return v
    return None


def _form(h: BaseHTTPRequestHandler) -> dict[str, str]:
    length = h.headers.get("Content-Length", "0")
    n = int(length) if length.isdigit() else -1
    if n < 0 or n > MAX_FORM:
        raise _Reply(413, _text("表单太大。"))
    raw = h.rfile.read(n).decode("utf-8", "replace")
    return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, headers: dict[str, str]) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    h.send_header("Cache-Control", headers.pop("Cache-Control", "no-store"))
    h.send_header("Content-Security-Policy", _CSP)
    h.send_header("X-Frame-Options", "DENY")
    h.send_header("X-Content-Type-Options", "nosniff")
    h.send_header("Referrer-Policy", "no-referrer")
    for k, v in headers.items():
        h.send_header(k, v)
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)
