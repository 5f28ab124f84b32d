"""A real published site on 127.0.0.1 for the patrol tests and benchmark: a threaded
http.server with pages, a sitemap, robots.txt, CMS downloads without an extension (the file
named by Content-Disposition), ETag / Last-Modified with 304 answers, a slow URL, a failing
URL, a redirect loop and a link to another host that must never be fetched.

Every request is recorded (path, whether it was conditional, the answer) so tests can count.
"""

from __future__ import annotations

import hashlib
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

from tests.factories import office, pii
from tests.factories.pdf import _stream, build_pdf, text_ops

LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True  # ETag and Last-Modified (and 304 answers)
    status: int = 200
    delay: float = 0.0  # seconds before answering (the slow URL)
    gzip: bool = False  # Content-Encoding: gzip
    trickle: float = 0.0  # seconds between single bytes of the body (a slowloris answer)


@dataclass
class Hit:
    path: str
    conditional: bool
    status: int


class Site:
    def __init__(self) -> None:
        self.pages: dict[str, Page | Callable[[], tuple[int, dict[str, str]]]] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def record(self, hit: Hit) -> None:
        with self.lock:
            self.hits.append(hit)

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body are written separately: without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every keep-alive answer.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _send(
            self, status: int, headers: dict[str, str], body: bytes = b"", trickle: float = 0.0
        ) -> None:
            conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
            site.record(Hit(self.path, conditional, status))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                with suppress(BrokenPipeError, ConnectionResetError):
                    if trickle:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            time.sleep(trickle)
                    else:
                        self.wfile.write(body)

        def do_GET(self) -> None:
            page = site.pages.get(self.path)
            if page is None:
                self._send(404, {"Content-Type": "text/html"}, b"<html><body>404</body></html>")
                return
            if callable(page):
                status, headers = page()
                self._send(status, headers)
                return
            if page.delay:
                time.sleep(page.delay)
            body = zlib.compress(page.body, wbits=31) if page.gzip else page.body
            headers = {"Content-Type": page.content_type, **page.headers}
            if page.gzip:
                headers["Content-Encoding"] = "gzip"
            if page.validators and page.status == 200:
                etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
                headers["ETag"] = etag
                headers["Last-Modified"] = LAST_MODIFIED
                if self.headers.get("If-None-Match") == etag or (
                    "If-None-Match" not in self.headers
                    and self.headers.get("If-Modified-Since") == LAST_MODIFIED
                ):
                    self._send(304, {"ETag": etag, "Last-Modified": LAST_MODIFIED})
                    return
            self._send(page.status, headers, body, page.trickle)

    return Handler


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def html(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    ).encode()


def pdf_with_link(lines: list[str], uri: str) -> bytes:
    """A one-page Helvetica PDF whose link annotation points at `uri`."""
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [11 0 R] /Count 1 /Resources << /Font << /F1 3 0 R >> >> >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        10: _stream(text_ops(lines)),
        11: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 10 0 R /Annots [12 0 R] >>",
        12: b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] /Border [0 0 0] "
        b"/A << /S /URI /URI (" + uri.encode() + b") >> >>",
    }
    return build_pdf(objs, 1)


@dataclass
class Planted:
    """Where each planted value lives: URL path -> values that must be reported there."""

    values: dict[str, list[str]] = field(default_factory=dict)
    clean: list[str] = field(default_factory=list)  # paths of clean pages
    never_fetched: list[str] = field(default_factory=list)


def build_site(site: Site, *, outside: str, slow_delay: float = 3.0) -> Planted:
    """Fill `site` (already serving, so its base URL is known). `outside` is a URL on another
    host (another server) that a page links and the patrol must not fetch."""
    rng = random.Random(15)
    p = Planted()
    base = site.base

    def add(path: str, page: Page, values: list[str] | None = None) -> None:
        site.pages[path] = page
        if values:
            p.values[path] = values
        elif values is not None:
            p.clean.append(path)

    rid, phone = pii.resident_id(rng), pii.mobile(rng)
    mail = "zhangsan1988@163.com"
    site.pages["/robots.txt"] = Page(
        f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n".encode(), "text/plain"
    )
    site.pages["/sitemap.xml"] = Page(
        (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}/index.html</loc></url>"
            f"<url><loc>{base}/xxgk/gsgg/orphan.html</loc></url>"
            "</urlset>"
        ).encode(),
        "application/xml",
    )
    add(
        "/index.html",
        Page(
            html(
                "某市人民政府",
                '<ul><li><a href="/xxgk/tzgg/notice1.html">通知公告</a></li>'
                '<li><a href="xxgk/tzgg/clean.html#top">政策解读</a></li>'
                '<li><a href="/download.jsp?fileId=8812">公示名单</a></li>'
                '<li><a href="/bszn/slow.html">办事指南</a></li>'
                '<li><a href="/bszn/fail.html">在线服务</a></li>'
                '<li><a href="/loop/a">旧栏目</a></li>'
                '<li><a href="/moved">迁移</a></li>'
                '<li><a href="/gone.html">已删除</a></li>'
                '<li><a href="/private/secret.html">内部</a></li>'
                f'<li><a href="{outside}">友情链接</a></li>'
                '<li><a href="mailto:office@example.gov.cn">写信</a></li></ul>'
                "<p>联系电话：12345</p>",
            )
        ),
        [],
    )
    add(
        "/xxgk/tzgg/notice1.html",
        Page(
            html(
                "关于申请人的公示",
                f"<p>申请人张某，身份证号码：{rid}，联系电话：{phone}。</p>"
                '<p>附件：<a href="/download.jsp?fileId=8813">公示文件.pdf</a> '
                '<a href="/download.jsp?fileId=8814">申请表</a></p>',
            )
        ),
        [rid, phone],
    )
    add(
        "/xxgk/tzgg/clean.html",
        Page(html("政策解读", "<p>本政策自2024年1月1日起施行。咨询电话12345。</p>")),
        [],
    )
    orphan_id = pii.resident_id(rng)
    add(
        "/xxgk/gsgg/orphan.html",
        Page(html("旧公示", f"<p>身份证号：{orphan_id}</p>")),
        [orphan_id],
    )
    # Extension-less CMS downloads: the name in Content-Disposition (RFC 5987), the type generic.
    xlsx, roster_values = office.xlsx_roster(5, random.Random(16))
    add(
        "/download.jsp?fileId=8812",
        Page(
            xlsx,
            "application/octet-stream",
            {"Content-Disposition": "attachment; filename*=UTF-8''" + quote("公示名单.xlsx")},
        ),
        roster_values,
    )
    pdf_id = pii.resident_id(rng)
    add(
        "/download.jsp?fileId=8813",
        Page(
            pdf_with_link([f"ID {pdf_id}"], f"{base}/xxgk/frompdf.html"),
            "application/octet-stream",
            {"Content-Disposition": 'attachment; filename="notice.pdf"'},
        ),
        [pdf_id],
    )
    docx_phone = pii.mobile(rng)
    d = office.Docx()
    d.body.append(office.para(office.run(f"联系电话：{docx_phone}")))
    d.doc_rels.append(("rIdLink", f"{office.RT}/hyperlink", f"{base}/xxgk/fromdocx.html", True))
    d.body.append(office.para(f'<w:hyperlink r:id="rIdLink">{office.run("详见")}</w:hyperlink>'))
    add(
        "/download.jsp?fileId=8814",
        Page(
            d.to_bytes(),
            "application/x-download",
            {"Content-Disposition": "attachment; filename*=UTF-8''" + quote("申请表.docx")},
        ),
        [docx_phone],
    )
    pdf_phone, docx_id = pii.mobile(rng), pii.resident_id(rng)
    add("/xxgk/frompdf.html", Page(html("PDF 链接页", f"<p>手机：{pdf_phone}</p>"), gzip=True), [pdf_phone])
    add(
        "/xxgk/fromdocx.html",
        Page(html("Word 链接页", f"<p>身份证：{docx_id}，邮箱 {mail}</p>")),
        [docx_id, mail],
    )
    site.pages["/bszn/slow.html"] = Page(html("慢", "<p>slow</p>"), delay=slow_delay, validators=False)
    site.pages["/bszn/fail.html"] = Page(html("错误", "<p>error</p>"), status=500, validators=False)
    site.pages["/loop/a"] = lambda: (302, {"Location": "/loop/b"})
    site.pages["/loop/b"] = lambda: (302, {"Location": "/loop/a"})
    site.pages["/moved"] = lambda: (301, {"Location": "/xxgk/tzgg/clean.html"})
    secret_id = pii.resident_id(rng)
    site.pages["/private/secret.html"] = Page(html("内部", f"<p>{secret_id}</p>"))
    p.never_fetched = ["/private/secret.html"]
    return p


def big_site(site: Site, pages: int, *, leak_every: int = 10, rng: random.Random | None = None) -> int:
    """`pages` linked pages in 20 sections (an index per section), every `leak_every`-th
    holding an ID number; returns the number of planted values."""
    rng = rng or random.Random(2000)
    sections = [f"/s{i:02d}/" for i in range(20)]
    per = {s: [] for s in sections}
    leaks = 0
    for n in range(pages):
        sec = sections[n % len(sections)]
        path = f"{sec}p{n:05d}.html"
        per[sec].append(path)
        filler = "".join(rng.choice("政府信息公开工作年度报告依法行政服务群众") for _ in range(1500))
        body = f"<p>{filler}</p>"
        if n % leak_every == 0:
            body += f"<p>申请人身份证号码：{pii.resident_id(rng)}</p>"
            leaks += 1
        site.pages[path] = Page(html(f"第{n}号", body))
    for sec, paths in per.items():
        links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
        site.pages[f"{sec}index.html"] = Page(html(sec, f"<ul>{links}</ul>"))
    top = "".join(f'<li><a href="{s}index.html">{s}</a></li>' for s in sections)
    site.pages["/index.html"] = Page(html("首页", f"<ul>{top}</ul>"))
    site.pages["/robots.txt"] = Page(b"User-agent: *\nAllow: /\n", "text/plain")
    return leaks
