"""The HTTP service, started for real on 127.0.0.1 and called over HTTP."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from tests.factories import office
from tests.factories.workflow import SEED_TEXT, leak_text, make_leak
from tests.service.conftest import TOKENS, Service

LEAK = make_leak(21)
TOKEN = next(iter(TOKENS))


def _fn(name: str) -> str:
    return quote(name)


def test_openapi_and_health(service: Service) -> None:
    r = service.request("GET", "/openapi.json")
    assert r.status == 200 and r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    assert {"/v1/scan", "/v1/mask", "/v1/gate/{sha256}", "/v1/approvals"} <= set(doc["paths"])
    assert doc["paths"]["/v1/approvals"]["post"]["security"] == [{"bearer": []}]
    assert service.request("GET", "/healthz").json() == {"status": "ok"}
    assert service.request("GET", "/nope").status == 404


def test_scan_text_returns_findings_json(service: Service) -> None:
    text = leak_text(LEAK)
    r = service.upload("/v1/scan", text.encode("utf-8"), "text/plain; charset=utf-8")
    assert r.status == 200
    doc = r.json()
    assert doc["version"] == 1 and doc["files"][0]["status"] == "findings"
    found = {(f["entity_type"], f["text"]) for f in doc["findings"]}
    assert ("CN_MOBILE", LEAK.mobile) in found and ("CN_RESIDENT_ID", LEAK.resident_id) in found
    for f in doc["findings"]:
        assert text[f["start"] : f["end"]] == f["text"]
    # JSON text body, redacted.
    r = service.upload("/v1/scan?redact=1", json.dumps({"text": text}).encode(), "application/json")
    body = r.body.decode("utf-8")
    assert r.status == 200 and LEAK.mobile not in body and f"{LEAK.mobile[:3]}****{LEAK.mobile[-4:]}" in body


def test_scan_file_octet_stream_and_multipart(service: Service) -> None:
    data, values = office.docx_table()
    r = service.upload(f"/v1/scan?filename={_fn('名单.docx')}", data)
    assert r.status == 200
    doc = r.json()
    assert doc["files"][0]["status"] == "findings" and doc["files"][0]["path"] == "名单.docx"
    assert doc["files"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    texts = {f["text"] for f in doc["findings"]}
    assert set(values) <= texts  # the mistyped ID is reported through its column header
    # The same document as `deident scan --format json` prints for that file.
    import tempfile
    from pathlib import Path

    from typer.testing import CliRunner

    from deident.cli.app import app

    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "名单.docx").write_bytes(data)
        cli = CliRunner().invoke(app, ["scan", str(Path(d) / "名单.docx"), "--format", "json"])
    cli_doc = json.loads(cli.output)
    # The service adds each finding's keyed id and review state (for /v1/decisions).
    assert all(len(f.pop("id")) == 16 and f.pop("review") == "unreviewed" for f in doc["findings"])
    for f in cli_doc["findings"]:
        f["path"] = "名单.docx"
    cli_doc["files"][0]["path"] = "名单.docx"
    assert cli_doc == doc
    boundary = "deidentBoundary7MA4YWxk"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="名单.docx"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    r2 = service.upload("/v1/scan", body, f"multipart/form-data; boundary={boundary}")
    assert r2.status == 200
    multipart_findings = r2.json()["findings"]
    for f in multipart_findings:
        del f["id"], f["review"]
    assert multipart_findings == doc["findings"]
    service.fed.extend(values)


def test_corrupt_file_is_blocked_not_an_error(service: Service) -> None:
    r = service.upload("/v1/scan?filename=bad.docx", b"PK\x03\x04 not a zip")
    assert r.status == 200
    f = r.json()["files"][0]
    assert f["status"] == "blocked" and f["reason"].startswith("corrupt")
    r = service.upload("/v1/scan?filename=tool.exe", b"MZ\x90")
    assert r.json()["files"][0]["reason"] == "unsupported type"


@pytest.mark.parametrize(
    "ctype, status",
    [
        ("image/png", 415),
        ("application/x-www-form-urlencoded", 415),
        ("", 415),
        ("application/octet-stream", 400),
    ],
)
def test_bad_content_types(service: Service, ctype: str, status: int) -> None:
    headers = {"Content-Type": ctype} if ctype else {}
    r = service.request("POST", "/v1/scan", b"abc", headers)
    assert r.status == status, r.body
    assert "error" in r.json()


def test_oversized_upload_gets_413(service: Service) -> None:
    big = b"a" * (300 * 1024)  # limit in the fixture: 256 KiB
    r = service.upload("/v1/scan?filename=big.txt", big)
    assert r.status == 413
    # A huge declared length is refused before any of the body is read.
    import http.client

    conn = http.client.HTTPConnection(service.host, service.port, timeout=30)
    conn.putrequest("POST", "/v1/mask?filename=x.txt")
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(10**12))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
    # The server is still healthy.
    assert service.request("GET", "/healthz").status == 200


def test_missing_content_length_gets_411(service: Service) -> None:
    import socket

    with socket.create_connection((service.host, service.port), timeout=30) as s:
        s.sendall(
            b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
        )
        status_line = s.makefile("rb").readline()
    assert b" 411 " in status_line


def test_mask_file_returns_the_masked_copy(service: Service) -> None:
    data, values = office.docx_table()
    r = service.upload(f"/v1/mask?filename={_fn('名单.docx')}", data)
    assert r.status == 200 and r.headers["content-type"] == "application/octet-stream"
    assert int(r.headers["x-deident-findings"]) >= 3
    assert r.headers["x-deident-sha256"] == hashlib.sha256(r.body).hexdigest()
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    # Independent extractor: the raw XML of every part of the returned package.
    with zipfile.ZipFile(io.BytesIO(r.body)) as z:
        raw = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for v in values:
        assert v not in raw
    assert "身份证号码" in raw  # the rest of the document is kept
    # Text in, masked text out.
    r = service.upload("/v1/mask", leak_text(LEAK).encode(), "text/plain; charset=utf-8")
    assert r.status == 200 and LEAK.mobile not in r.body.decode() and "申请人" in r.body.decode()
    service.fed.extend(values)


def test_mask_of_a_corrupt_file_is_refused(service: Service) -> None:
    r = service.upload("/v1/mask?filename=bad.docx", b"PK\x03\x04 broken")
    assert r.status == 422
    doc = r.json()
    assert doc["files"][0]["status"] == "blocked" and "cannot mask" in doc["error"]


def test_approval_needs_a_valid_token(service: Service) -> None:
    clean = SEED_TEXT.encode()
    r = service.upload("/v1/approvals?filename=a.txt", clean)
    assert r.status == 401 and "bearer" in r.headers["www-authenticate"].lower()
    r = service.upload("/v1/approvals?filename=a.txt", clean, token="wrong-token-xyz")
    assert r.status == 403
    assert service.ledger.entries() == []


def test_approve_then_gate_over_http(service: Service) -> None:
    clean = SEED_TEXT.encode()
    sha = hashlib.sha256(clean).hexdigest()
    v = service.request("GET", f"/v1/gate/{sha}").json()
    assert v["verdict"] == "blocked" and v["reason"] == "never approved"
    r = service.upload("/v1/approvals?filename=notice.txt", clean, token=TOKEN)
    assert r.status == 201, r.body
    assert r.json()["reviewers"] == ["王芳"] and r.json()["verdict"] == "approved"
    v = service.request("GET", f"/v1/gate/{sha.upper()}").json()
    assert v["verdict"] == "approved" and v["reviewers"] == ["王芳"]
    assert service.request("GET", f"/v1/gate/{sha}?require_approvals=2").json()["verdict"] == "blocked"
    # The same reviewer cannot approve twice; a second one can.
    assert service.upload("/v1/approvals?filename=notice.txt", clean, token=TOKEN).status == 409
    r = service.upload("/v1/approvals?filename=notice.txt", clean, token="tok-liqiang-0002")
    assert r.status == 201 and r.json()["reviewers"] == ["王芳", "李强"]
    assert service.request("GET", "/v1/gate/xyz").status == 400


def test_leaking_or_corrupt_file_cannot_be_approved(service: Service) -> None:
    r = service.upload("/v1/approvals?filename=leak.txt", leak_text(LEAK).encode(), token=TOKEN)
    assert r.status == 409 and "unresolved" in r.json()["error"]
    r = service.upload("/v1/approvals?filename=bad.docx", b"PK\x03\x04 broken", token=TOKEN)
    assert r.status == 409 and "blocked" in r.json()["error"]
    assert service.ledger.entries() == []
    service.fed.extend(LEAK.values)


def test_concurrent_requests(service: Service) -> None:
    data, values = office.docx_table()
    texts = [leak_text(make_leak(100 + i)) for i in range(12)]

    def scan_text(t: str) -> tuple[int, set[str]]:
        r = service.upload("/v1/scan", t.encode(), "text/plain; charset=utf-8")
        return r.status, {f["text"] for f in r.json()["findings"]}

    def scan_docx(_: int) -> tuple[int, set[str]]:
        r = service.upload("/v1/scan?filename=a.docx", data)
        return r.status, {f["text"] for f in r.json()["findings"]}

    with ThreadPoolExecutor(max_workers=12) as pool:
        text_results = list(pool.map(scan_text, texts))
        docx_results = list(pool.map(scan_docx, range(8)))
    for t, (status, found) in zip(texts, text_results, strict=True):
        assert status == 200
        assert all(v in t for v in found) and len(found) == 3  # each answer belongs to its own request
    assert all(status == 200 and set(values) <= found for status, found in docx_results)


def test_logs_never_contain_personal_data_tokens_or_names(service: Service) -> None:
    leak = make_leak(33)
    text = leak_text(leak)
    service.upload("/v1/scan?filename=" + _fn(f"{leak.name}的申请.txt"), text.encode())
    service.upload("/v1/mask?filename=" + _fn(f"{leak.name}.txt"), text.encode())
    service.upload("/v1/scan", text.encode(), "text/plain")
    service.upload("/v1/approvals?filename=x.txt", text.encode(), token=TOKEN)
    service.upload("/v1/approvals?filename=x.txt", text.encode(), token="bad-token-123456")
    service.upload("/v1/scan", text.encode(), "image/png")
    log = service.log.getvalue()
    assert "POST /v1/scan 200" in log and "POST /v1/approvals 409" in log and "POST /v1/scan 415" in log
    for secret in (*leak.values, *TOKENS, "bad-token-123456", *service.fed):
        assert secret not in log
    ledger_raw = service.ledger.path.read_text(encoding="utf-8") if service.ledger.path.exists() else ""
    for v in leak.values:
        assert v not in ledger_raw


def test_decisions_then_approval_over_http(service: Service) -> None:
    leak = make_leak(61)
    data = leak_text(leak).encode()
    found = service.upload("/v1/scan?filename=leak.txt", data).json()["findings"]
    ids = [f["id"] for f in found]
    assert len(ids) == 3 and all(f["review"] == "unreviewed" for f in found)
    path = "/v1/decisions?filename=leak.txt&verdict=not_pii&finding=" + ",".join(ids)
    assert service.upload(path + "&reason=x", data).status == 401
    r = service.upload(path + "&reason=" + quote(f"号码{leak.mobile}"), data, token=TOKEN)
    assert r.status == 400 and "personal data" in r.json()["error"] and leak.mobile not in r.body.decode()
    r = service.upload(
        "/v1/decisions?filename=leak.txt&verdict=not_pii&reason=x&finding=0123456789abcdef", data, token=TOKEN
    )
    assert r.status == 409
    r = service.upload("/v1/decisions?filename=leak.txt&verdict=maybe&finding=" + ids[0], data, token=TOKEN)
    assert r.status == 400
    r = service.upload(path + "&reason=" + quote("演练数据"), data, token=TOKEN)
    assert r.status == 201 and r.json()["recorded"] == ids
    states = {f["review"] for f in service.upload("/v1/scan?filename=leak.txt", data).json()["findings"]}
    assert states == {"not_pii"}
    assert service.upload("/v1/approvals?filename=leak.txt", data, token=TOKEN).status == 201
    sha = hashlib.sha256(data).hexdigest()
    assert service.request("GET", f"/v1/gate/{sha}").json()["verdict"] == "approved"
    raw = service.ledger.path.read_text(encoding="utf-8")
    for v in leak.values:
        assert v not in raw
    service.fed.extend(leak.values)


def test_mask_leaves_values_decided_not_personal_over_http(service: Service) -> None:
    leak = make_leak(62)
    data = leak_text(leak).encode()
    found = service.upload("/v1/scan?filename=leak.txt", data).json()["findings"]
    name = next(f["id"] for f in found if f["entity_type"] == "PERSON")
    others = ",".join(f["id"] for f in found if f["id"] != name)
    decide = "/v1/decisions?filename=leak.txt&verdict="
    assert (
        service.upload(
            decide + "not_pii&reason=" + quote("演练姓名") + "&finding=" + name, data, token=TOKEN
        ).status
        == 201
    )
    assert service.upload(decide + "confirmed&finding=" + others, data, token=TOKEN).status == 201
    r = service.upload("/v1/mask?filename=leak.txt", data)
    assert r.status == 200, r.body[:300]
    text = r.body.decode("utf-8")
    assert leak.name in text and leak.mobile not in text and leak.resident_id not in text
    # The cleared name's decision was carried to the returned bytes: they can be approved as they are.
    assert service.upload("/v1/approvals?filename=leak.txt", r.body, token=TOKEN).status == 201
    assert (
        service.request("GET", f"/v1/gate/{hashlib.sha256(r.body).hexdigest()}").json()["verdict"]
        == "approved"
    )
    service.fed.extend(leak.values)


def test_ledger_edited_while_serving_blocks_the_gate(service: Service) -> None:
    clean = SEED_TEXT.encode()
    sha = hashlib.sha256(clean).hexdigest()
    assert service.upload("/v1/approvals?filename=a.txt", clean, token=TOKEN).status == 201
    assert service.request("GET", f"/v1/gate/{sha}").json()["verdict"] == "approved"
    raw = service.ledger.path.read_text(encoding="utf-8")
    service.ledger.path.write_text(raw.replace('"findings":0', '"findings":1'), encoding="utf-8")
    v = service.request("GET", f"/v1/gate/{sha}").json()
    assert v["verdict"] == "blocked" and v["reason"] == "ledger does not verify"
    r = service.upload("/v1/approvals?filename=a.txt", clean, token="tok-liqiang-0002")
    assert r.status == 422 and "does not verify" in r.json()["error"]
