"""The console over real HTTP on 127.0.0.1: sessions, decisions and approvals as plain POSTs,
JSON twins, and the same ledger and gate as the CLI."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from deident.review.gate import gate_paths
from deident.review.keys import load_key
from deident.review.ledger import Ledger
from deident.service.console import Console, ConsoleState
from deident.service.console.local import make_local_server
from deident.service.server import ServiceConfig, make_server
from tests.factories.workflow import make_leak, write_clean, write_corrupt_docx, write_leaking


@dataclass
class Browser:
    """Just enough of a browser: one cookie, forms posted as urlencoded bodies."""

    port: int
    cookie: str | None = None
    seen: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict[str, str] | None = None, headers=None):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        set_cookie = r.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";")[0]
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data.decode("utf-8", "replace")

    def get(self, path: str):  # type: ignore[no-untyped-def]
        return self.request("GET", path)

    def json(self, path: str) -> dict:
        status, _, body = self.get(path)
        assert status == 200, body
        return json.loads(body)

    def csrf(self, path: str) -> str:
        _, _, body = self.get(path)
        m = re.search(r'name="csrf" value="([^"]+)"', body)
        assert m, body[:500]
        return m.group(1)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    up = root / "uploads"
    write_leaking(up / "公示.txt", make_leak(3))
    write_clean(up / "通知.txt")
    write_corrupt_docx(up / "坏文件.docx")
    return root


@pytest.fixture
def state(repo: Path, tmp_path: Path) -> Iterator[ConsoleState]:
    key = load_key(tmp_path / "keys" / "hmac.key")
    ledger = Ledger(repo / ".deident" / "ledger.jsonl", key)
    st = ConsoleState((repo / "uploads",), publish_dir=repo / "publish", ledger=ledger, root=repo)
    yield st
    st.close()


@pytest.fixture
def local(state: ConsoleState, tmp_path: Path) -> Iterator[tuple[Console, Browser]]:
    console = Console(state, local=True, reviewer="王芳", account_file=tmp_path / "account")
    srv = make_local_server(console)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield console, Browser(srv.server_address[1])
    finally:
        srv.shutdown()
        srv.server_close()


def _launch(console: Console, b: Browser) -> None:
    url = urlsplit(console.launch_url("127.0.0.1", b.port))
    status, headers, _ = b.get(f"{url.path}?{url.query}")
    assert status == 303 and headers["location"] == "/review/" and b.cookie


def test_every_page_needs_the_launch_link(local) -> None:  # type: ignore[no-untyped-def]
    console, b = local
    for path in ("/review/", "/review/index.json"):
        status, _, body = b.get(path)
        assert status == 403 and "公示" not in body
    assert b.get("/review/?launch=wrong")[0] == 403 and b.cookie is None
    _launch(console, b)
    assert b.get("/review/")[0] == 200


def test_queue_shows_status_counts_and_filters(local) -> None:  # type: ignore[no-untyped-def]
    console, b = local
    _launch(console, b)
    doc = b.json("/review/index.json")
    by_path = {f["path"]: f for f in doc["files"]}
    assert by_path["uploads/公示.txt"]["status"] == "unreviewed"
    assert by_path["uploads/公示.txt"]["counts"]["findings"] == 3
    assert by_path["uploads/坏文件.docx"]["status"] == "blocked"
    # A blocked file says what is wrong and what to do, in Chinese.
    assert (
        by_path["uploads/坏文件.docx"]["what_to_do"]
        and "保存" in by_path["uploads/坏文件.docx"]["what_to_do"]
    )
    assert by_path["uploads/通知.txt"]["status"] == "ready"
    only = b.json("/review/index.json?status=blocked")
    assert [f["path"] for f in only["files"]] == ["uploads/坏文件.docx"]
    _, _, page = b.get("/review/?status=blocked")
    assert "坏文件.docx" in page and "公示.txt" not in page
    # URLs carry ids, never file names (request logs show paths).
    assert all(re.fullmatch(r"[0-9a-f]{12}", f["id"]) for f in doc["files"])


def _file(b: Browser, name: str) -> dict:
    doc = b.json("/review/index.json")
    fid = next(f["id"] for f in doc["files"] if f["path"].endswith(name))
    return b.json(f"/review/file/{fid}.json")


def test_decide_and_approve_with_plain_posts(local, state: ConsoleState, repo: Path) -> None:  # type: ignore[no-untyped-def]
    console, b = local
    _launch(console, b)
    leak = make_leak(3)
    doc = _file(b, "公示.txt")
    fid = doc["file"]["id"]
    page = f"/review/file/{fid}"
    _, _, html_page = b.get(page)
    for value in leak.values:
        assert value in html_page  # the reviewer sees what is being judged
    csrf = b.csrf(page)
    ids = [f["id"] for f in doc["findings"]]

    # Approving before every finding is decided is refused.
    status, headers, _ = b.request("POST", f"{page}/approve", {"csrf": csrf})
    assert status == 303 and "msg=not_decided" in headers["location"]
    # A POST without the session's CSRF value is refused.
    assert b.request("POST", f"{page}/decide", {"finding": ids[0], "verdict": "confirmed"})[0] == 403
    # "Not personal data" needs a reason, and the reason must not quote personal data.
    status, headers, _ = b.request(
        "POST", f"{page}/decide", {"csrf": csrf, "finding": ids[0], "verdict": "not_pii"}
    )
    assert "msg=need_reason" in headers["location"]
    form = {
        "csrf": csrf,
        "finding": ids[0],
        "verdict": "not_pii",
        "reason": "其他",
        "other": f"是{leak.mobile}",
    }
    status, headers, _ = b.request("POST", f"{page}/decide", form)
    assert "msg=reason_has_pii" in headers["location"]
    assert (
        leak.mobile not in state.ledger.path.read_text(encoding="utf-8")
        if state.ledger.path.exists()
        else True
    )

    form = {"csrf": csrf, "finding": ids[0], "verdict": "not_pii", "reason": "识别错误（不是此类信息）"}
    status, headers, _ = b.request("POST", f"{page}/decide", form)
    assert status == 303 and f"#f-{ids[1]}" in headers["location"]  # on to the next undecided one
    for i in ids[1:]:
        b.request("POST", f"{page}/decide", {"csrf": csrf, "finding": i, "verdict": "confirmed"})
    doc = b.json(f"{page}.json")
    assert doc["file"]["status"] == "ready" and doc["file"]["publish"]["kind"] == "masked"
    status, headers, _ = b.request(
        "POST", f"{page}/approve", {"csrf": csrf, "sha256": doc["file"]["publish"]["sha256"]}
    )
    assert status == 303 and headers["location"] == "/review/?msg=approved"

    published = repo / "publish" / "公示.txt"
    text = published.read_text(encoding="utf-8")
    assert all(v not in text for v in (leak.mobile, leak.resident_id))
    # The value decided "not personal data" stays readable: the copy masks only what was confirmed.
    assert doc["findings"][0]["entity_type"] == "PERSON" and leak.name in text
    ledger_text = state.ledger.path.read_text(encoding="utf-8")
    assert all(v not in ledger_text for v in leak.values)  # no plaintext personal data
    entries = [json.loads(x) for x in ledger_text.splitlines()]
    decisions = [e for e in entries if e["kind"] == "decision"]
    # Three on the upload, and the not-PII one carried to the published copy's bytes.
    assert len(decisions) == 4 and decisions[-1]["file_sha256"] == entries[-1]["file_sha256"]
    assert decisions[-1]["verdict"] == "not_pii" and decisions[-1]["value_hmac"] == decisions[0]["value_hmac"]
    assert entries[-1]["kind"] == "approval" and entries[-1]["path"] == "publish/公示.txt"
    assert state.ledger.verify().ok
    verdicts = gate_paths([repo / "publish"], ledger=state.ledger, root=repo)
    assert [(v.path, v.approved) for v in verdicts] == [("publish/公示.txt", True)]
    # The upload itself was not approved.
    assert not gate_paths([repo / "uploads" / "公示.txt"], ledger=state.ledger, root=repo)[0].approved


def test_clean_file_publishes_the_original_and_blocked_cannot_be_approved(local, repo: Path) -> None:  # type: ignore[no-untyped-def]
    console, b = local
    _launch(console, b)
    clean = _file(b, "通知.txt")
    page = f"/review/file/{clean['file']['id']}"
    csrf = b.csrf(page)
    assert clean["file"]["publish"]["kind"] == "original"
    b.request("POST", f"{page}/approve", {"csrf": csrf})
    assert (repo / "publish" / "通知.txt").read_bytes() == (repo / "uploads" / "通知.txt").read_bytes()
    blocked = _file(b, "坏文件.docx")
    page = f"/review/file/{blocked['file']['id']}"
    _status, headers, _ = b.request("POST", f"{page}/approve", {"csrf": csrf})
    assert "msg=blocked" in headers["location"]
    assert not (repo / "publish" / "坏文件.docx").exists()
    _, _, body = b.get(page)
    assert 'id="approve" disabled' in body or 'id="approve"disabled' in body.replace(" ", "")


def test_a_changed_upload_needs_a_new_review(local, repo: Path) -> None:  # type: ignore[no-untyped-def]
    console, b = local
    _launch(console, b)
    doc = _file(b, "通知.txt")
    sha = doc["file"]["publish"]["sha256"]
    (repo / "uploads" / "通知.txt").write_text(
        "改过了。申请人：张三，联系电话：13812345678。\n", encoding="utf-8"
    )
    page = f"/review/file/{doc['file']['id']}"
    csrf = b.csrf(page)
    _status, headers, _ = b.request("POST", f"{page}/approve", {"csrf": csrf, "sha256": sha})
    assert "msg=changed" in headers["location"]
    assert b.json(f"{page}.json")["file"]["status"] == "unreviewed"


def test_pdf_pages_are_pictures_with_a_box_per_finding(local, repo: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    sample = Path(__file__).resolve().parents[3] / "corpora" / "samples" / "低保对象花名册.pdf"
    shutil.copy(sample, repo / "uploads" / "花名册.pdf")
    console, b = local
    _launch(console, b)
    doc = _file(b, "花名册.pdf")
    boxes = [box for p in doc["pages"] for box in p["boxes"]]
    assert doc["pages"] and len(boxes) == len(doc["findings"])
    assert all(0 <= x["left"] <= 100 and 0 <= x["top"] <= 100 for x in boxes)
    for url in (doc["pages"][0]["original"], doc["pages"][0]["masked"]):
        status, headers, _body = b.request("GET", url)
        assert status == 200 and headers["content-type"] == "image/png"


def test_serve_mounts_the_console_and_logs_in_by_token(state: ConsoleState, repo: Path) -> None:
    tokens = {"tok-wangfang-0001": "王芳"}
    srv = make_server("127.0.0.1", 0, ServiceConfig(ledger=state.ledger, tokens=tokens))
    srv.console = Console(state, tokens=tokens)  # type: ignore[attr-defined]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        b = Browser(srv.server_address[1])
        status, headers, _ = b.get("/review/")
        assert status == 303 and headers["location"] == "/review/login"
        assert b.request("POST", "/review/login", {"token": "wrong-token-000"})[0] == 403
        status, headers, _ = b.request("POST", "/review/login", {"token": "tok-wangfang-0001"})
        assert status == 303 and b.cookie
        _, _, body = b.get("/review/")
        assert "审核人：王芳" in body
        # The API goes on beside it, and a bearer token reads the JSON twin without a cookie.
        assert Browser(b.port).json("/healthz")["status"] == "ok"
        api = Browser(b.port).request(
            "GET", "/review/index.json", headers={"Authorization": "Bearer tok-wangfang-0001"}
        )
        assert api[0] == 200 and json.loads(api[2])["totals"]["files"] == 3
    finally:
        srv.shutdown()
        srv.server_close()


def test_low_confidence_candidates_and_what_the_masked_copy_still_holds(local, repo: Path) -> None:  # type: ignore[no-untyped-def]
    (repo / "uploads" / "登记.txt").write_text(
        "申请人：张三丰，联系电话：13812345678。登记编号E12345678。\n", encoding="utf-8"
    )
    console, b = local
    _launch(console, b)
    doc = _file(b, "登记.txt")
    assert {f["entity_type"] for f in doc["findings"]} >= {"CN_MOBILE"}
    # Below the reporting score: listed for a look, not a finding to decide on.
    low = [x for x in doc["low_confidence"] if x["text"] == "E12345678"]
    assert low and low[0]["score"] < doc["min_score"]
    assert "E12345678" not in {f["text"] for f in doc["findings"]}
    # The masked copy still holds it (nothing masked it), and the page says so.
    assert "E12345678" in {x["text"] for x in doc["masked_residual"]}
    _, _, page = b.get(f"/review/file/{doc['file']['id']}")
    assert "低置信度候选" in page and "脱敏副本中的疑似残留" in page


@pytest.mark.slow
def test_a_scanned_image_is_shown_with_a_box_per_finding(local, repo: Path) -> None:  # type: ignore[no-untyped-def]
    import io
    import random

    pytest.importorskip("PIL")
    from PIL import Image

    from tests.factories.scans import scan_page

    page = scan_page(random.Random(3), rows=3, noise=0)
    page.image.save(repo / "uploads" / "公示.png")
    console, b = local
    _launch(console, b)
    doc = _file(b, "公示.png")
    if doc["file"]["scan_status"] == "blocked":
        pytest.skip(f"no OCR here: {doc['file']['reason']}")
    boxes = doc["pages"][0]["boxes"]
    assert len(boxes) == len(doc["findings"]) > 0
    for which in ("original", "masked"):
        conn = http.client.HTTPConnection("127.0.0.1", b.port, timeout=60)
        conn.request("GET", doc["pages"][0][which], headers={"Cookie": b.cookie or ""})
        r = conn.getresponse()
        data = r.read()
        conn.close()
        assert r.status == 200
        # A picture the browser can decode, of the size the boxes are measured in.
        with Image.open(io.BytesIO(data)) as im:
            assert im.size == page.image.size


def test_a_tampered_ledger_stops_the_console(local, state: ConsoleState) -> None:  # type: ignore[no-untyped-def]
    console, b = local
    _launch(console, b)
    doc = _file(b, "公示.txt")
    page = f"/review/file/{doc['file']['id']}"
    csrf = b.csrf(page)
    b.request(
        "POST", f"{page}/decide", {"csrf": csrf, "finding": doc["findings"][0]["id"], "verdict": "confirmed"}
    )
    text = state.ledger.path.read_text(encoding="utf-8")
    state.ledger.path.write_text(text.replace('"confirmed"', '"not_pii"'), encoding="utf-8")
    for path in ("/review/", page):
        status, _, body = b.get(path)
        assert status == 409 and "ledger verify" in body


def test_a_reviewer_name_holding_personal_data_approves_nothing_and_copies_nothing(
    state: ConsoleState, repo: Path
) -> None:
    """The console refuses as `deident approve` does, before anything reaches the publish folder."""
    from deident.review.approve import ApprovalRefused

    clean = next(f for f in state.refresh() if f.shown.endswith("通知.txt"))
    with pytest.raises(ApprovalRefused) as refused:
        state.approve(clean, "王芳 13812345678")
    assert "13812345678" not in str(refused.value) and "reviewer name" in str(refused.value)
    assert not (repo / "publish" / "通知.txt").exists()
    assert not [e for e in state.ledger.entries() if e.get("kind") == "approval"]
    state.approve(clean, "王芳")  # her own name is no refusal
    assert (repo / "publish" / "通知.txt").read_bytes() == (repo / "uploads" / "通知.txt").read_bytes()
    assert [e["reviewer"] for e in state.ledger.entries() if e.get("kind") == "approval"] == ["王芳"]
