"""The workflow commands through the real CLI app: review, decide, approve, gate, ledger verify."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deident.cli.app import app
from tests.factories.workflow import leak_text, make_leak, write_clean, write_corrupt_docx, write_leaking

runner = CliRunner()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    (root / ".git").mkdir(parents=True)  # the content repository: the ledger lives at its root
    monkeypatch.chdir(root)
    monkeypatch.setenv("DEIDENT_KEY_FILE", str(tmp_path / "outside" / "hmac.key"))
    monkeypatch.delenv("DEIDENT_LEDGER", raising=False)
    return root


def run(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.output


def test_review_approve_gate_flow(repo: Path) -> None:
    leak = make_leak(41)
    src = write_leaking(repo / "uploads" / "救助名单.txt", leak)
    write_clean(repo / "uploads" / "通知.txt")
    outputs: list[str] = []

    code, out = run("review", "uploads", "--out", "review.html")
    outputs.append(out)
    assert code == 1 and "1 with findings" in out and "3 finding(s) to review" in out
    html = (repo / "review.html").read_text(encoding="utf-8")
    assert f"<mark>{leak.resident_id}</mark>" in html

    code, out = run("approve", str(src), "--reviewer", "王芳")
    outputs.append(out)
    assert code == 1 and "3 unresolved" in out

    code, out = run("mask", "uploads", "--out", "publish")
    assert code == 0, out
    code, out = run("approve", "publish", "--reviewer", "王芳")
    outputs.append(out)
    assert code == 0 and out.count("approved:") == 2
    code, out = run("gate", "publish")
    outputs.append(out)
    assert code == 0, out

    # A file replaced after approval is blocked again.
    masked = repo / "publish" / "救助名单.txt"
    masked.write_text(masked.read_text(encoding="utf-8") + "补充。\n", encoding="utf-8")
    code, out = run("gate", "publish")
    outputs.append(out)
    assert code == 1 and "publish/救助名单.txt: changed after approval" in out

    code, out = run("gate", "publish", "--format", "json")
    doc = json.loads(out[out.index("{") :])
    verdicts = {f["path"]: f["verdict"] for f in doc["files"]}
    assert verdicts == {"publish/救助名单.txt": "blocked", "publish/通知.txt": "approved"}
    assert doc["summary"] == {"files": 2, "approved": 1, "blocked": 1}

    code, out = run("ledger", "verify")
    assert code == 0 and "ok, 2 entries" in out

    ledger_raw = (repo / ".deident" / "ledger.jsonl").read_text(encoding="utf-8")
    for text in (ledger_raw, *outputs):
        for v in leak.values:
            assert v not in text


def test_decide_lists_findings_and_records_decisions(repo: Path) -> None:
    leak = make_leak(42)
    src = write_leaking(repo / "a.txt", leak)
    code, out = run("decide", str(src))
    assert code == 0
    ids = re.findall(r"^([0-9a-f]{16})\s", out, re.M)
    assert len(ids) == 3 and "[unreviewed]" in out
    assert leak.mobile not in out and leak.resident_id not in out  # listed masked

    code, out = run("decide", str(src), "--finding", ids[0], "--not-pii", "--reviewer", "李强")
    assert code == 2 and "--reason" in out
    code, out = run(
        "decide",
        str(src),
        "--finding",
        ids[0],
        "--not-pii",
        "--confirm",
        "--reviewer",
        "李强",
        "--reason",
        "x",
    )
    assert code == 2 and "exactly one" in out
    code, out = run("decide", str(src), "--finding", "0123456789abcdef", "--confirm", "--reviewer", "李强")
    assert code == 2 and "no finding" in out
    code, out = run(
        "decide",
        str(src),
        "--finding",
        ids[0],
        "--not-pii",
        "--reviewer",
        "李强",
        "--reason",
        f"就是{leak.mobile}",
    )
    assert code == 2 and "contains personal data" in out and leak.mobile not in out

    args = [a for i in ids for a in ("--finding", i)]
    code, out = run(
        "decide", str(src), *args, "--not-pii", "--reviewer", "李强", "--reason", "演练用的虚构数据"
    )
    assert code == 0 and out.count("recorded not_pii") == 3
    code, out = run("decide", str(src))
    assert out.count("[not_pii]") == 3
    code, out = run("approve", str(src), "--reviewer", "王芳")
    assert code == 0 and "approved: a.txt" in out
    assert run("gate", str(src))[0] == 0
    raw = (repo / ".deident" / "ledger.jsonl").read_text(encoding="utf-8")
    for v in leak.values:
        assert v not in raw
    kinds = [json.loads(x)["kind"] for x in raw.splitlines()]
    assert kinds == ["decision"] * 3 + ["approval"]


def test_mask_keep_cleared_leaves_cleared_values_and_the_copy_can_be_approved(repo: Path) -> None:
    leak = make_leak(43)
    src = write_leaking(repo / "uploads" / "公示.txt", leak)
    _, out = run("decide", str(src))
    ids = re.findall(r"^([0-9a-f]{16})\s", out, re.M)
    # The name (first finding) is cleared; the mobile and the ID are confirmed.
    reason = ("--reason", "演练用的虚构姓名")
    assert run("decide", str(src), "--finding", ids[0], "--not-pii", "--reviewer", "李强", *reason)[0] == 0
    args = [a for i in ids[1:] for a in ("--finding", i)]
    assert run("decide", str(src), *args, "--confirm", "--reviewer", "李强")[0] == 0

    code, out = run("mask", "uploads", "--out", "plain")
    assert code == 0 and leak.name not in (repo / "plain" / "公示.txt").read_text(encoding="utf-8")
    code, out = run("mask", "uploads", "--out", "publish", "--keep-cleared")
    assert code == 0, out
    text = (repo / "publish" / "公示.txt").read_text(encoding="utf-8")
    assert leak.name in text and leak.mobile not in text and leak.resident_id not in text
    # The decision was carried to the copy's bytes: it is approved as it is, and passes the gate.
    code, out = run("approve", "publish", "--reviewer", "王芳")
    assert code == 0 and "approved:" in out, out
    assert run("gate", "publish")[0] == 0
    raw = (repo / ".deident" / "ledger.jsonl").read_text(encoding="utf-8")
    assert all(v not in raw for v in leak.values)


def test_tampered_ledger_fails_verify_and_gate(repo: Path) -> None:
    a = write_clean(repo / "a.txt")
    b = write_clean(repo / "b.txt", extra="二。")
    assert run("approve", str(a), str(b), "--reviewer", "王芳")[0] == 0
    assert run("gate", ".")[0] == 0  # .git and .deident are tool state, not content
    assert run("gate", str(a), str(b))[0] == 0
    ledger = repo / ".deident" / "ledger.jsonl"
    lines = ledger.read_text(encoding="utf-8").splitlines()
    ledger.write_text(lines[0].replace("王芳", "赵六") + "\n" + lines[1] + "\n", encoding="utf-8")
    code, out = run("ledger", "verify")
    assert code == 1 and "FAILED" in out and "hash mismatch" in out
    code, out = run("gate", str(a), str(b))
    assert code == 1 and "ledger does not verify" in out
    code, out = run("approve", str(a), "--reviewer", "李强")
    assert code == 2 and "does not verify" in out
    # Deleting an entry is caught as well.
    ledger.write_text(lines[1] + "\n", encoding="utf-8")
    assert run("ledger", "verify")[0] == 1


def test_cutting_entries_from_the_end_is_caught_with_a_recorded_head(repo: Path) -> None:
    a = write_clean(repo / "a.txt")
    b = write_clean(repo / "b.txt", extra="二。")
    assert run("approve", str(a), "--reviewer", "王芳")[0] == 0
    code, out = run("ledger", "verify")
    head1 = out.split("head ")[1].split()[0]
    assert run("approve", str(b), "--reviewer", "王芳")[0] == 0
    code, out = run("ledger", "verify", "--expect-head", head1)
    assert code == 0  # the ledger grew: the recorded head is still in the chain
    head2 = out.split("head ")[1].split()[0]
    ledger = repo / ".deident" / "ledger.jsonl"
    lines = ledger.read_text(encoding="utf-8").splitlines()
    ledger.write_text(lines[0] + "\n", encoding="utf-8")
    assert run("ledger", "verify")[0] == 0  # a shorter chain is still a chain …
    code, out = run("ledger", "verify", "--expect-head", head2)
    assert code == 1 and "entries were removed" in out  # … but not the one recorded


def test_blocked_and_unsupported_files(repo: Path) -> None:
    bad = write_corrupt_docx(repo / "附件.docx")
    exe = repo / "x.exe"
    exe.write_bytes(b"MZ")
    code, out = run("approve", str(bad), str(exe), "--reviewer", "王芳")
    assert code == 1 and "blocked: corrupt" in out and "unsupported type" in out
    code, out = run("gate", str(bad), str(exe))
    assert code == 1
    assert "附件.docx: never approved" in out and "x.exe: unsupported type" in out
    # A path that does not exist is a mistyped command (usage error), not a file verdict.
    code, out = run("gate", str(bad), str(repo / "missing.txt"))
    assert code == 2 and "no such file or folder" in out and "missing.txt" in out


def test_require_two_distinct_reviewers(repo: Path) -> None:
    a = write_clean(repo / "a.txt")
    code, out = run("approve", str(a), "--reviewer", "王芳", "--require-approvals", "2")
    assert code == 0 and "approval 1 of 2" in out
    code, out = run("gate", str(a))
    assert code == 1 and "needs 2 approvals" in out
    code, out = run("approve", str(a), "--reviewer", "王芳")
    assert code == 1 and "already approved by 王芳" in out
    assert run("approve", str(a), "--reviewer", "李强")[0] == 0
    assert run("gate", str(a))[0] == 0


def test_key_inside_the_repository_is_refused(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEIDENT_KEY_FILE", str(repo / "hmac.key"))
    a = write_clean(repo / "a.txt")
    code, out = run("approve", str(a), "--reviewer", "王芳")
    assert code == 2 and "inside the content repository" in out
    assert not (repo / "hmac.key").exists()


def test_ledger_location_options(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write_clean(repo / "a.txt")
    custom = tmp_path / "elsewhere" / "l.jsonl"
    assert run("approve", str(a), "--reviewer", "王芳", "--ledger", str(custom))[0] == 0
    assert custom.exists() and not (repo / ".deident").exists()
    assert run("gate", str(a))[0] == 1  # the default ledger has no approval
    monkeypatch.setenv("DEIDENT_LEDGER", str(custom))
    assert run("gate", str(a))[0] == 0


@pytest.mark.parametrize("cmd", ["review", "decide", "approve", "gate", "serve"])
def test_every_command_has_help_with_an_example(cmd: str) -> None:
    code, out = run(cmd, "--help")
    assert code == 0 and "Example" in out


def test_ledger_verify_help() -> None:
    code, out = run("ledger", "verify", "--help")
    assert code == 0 and "Example" in out


def test_serve_command_over_http(repo: Path, tmp_path: Path) -> None:
    """`deident serve` as a real process: scan, approve with a token, gate; its log stays clean."""
    import hashlib
    import http.client
    import subprocess
    import sys
    import time

    leak = make_leak(43)
    token = "tok-serve-test-0001"
    env = {**os.environ, "DEIDENT_TOKENS": f"王芳={token}"}
    exe = Path(sys.executable).with_name("deident")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "deident.cli.app"]
    proc = subprocess.Popen(
        [*cmd, "serve", "--port", "0"], cwd=repo, env=env, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        line = ""
        while "listening on" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))

        def call(method: str, path: str, body: bytes | None = None, headers: dict | None = None):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            out = r.status, r.read()
            c.close()
            return out

        status, body = call("POST", "/v1/scan", leak_text(leak).encode(), {"Content-Type": "text/plain"})
        assert status == 200 and json.loads(body)["summary"]["findings"] == 3
        clean = "本通知自发布之日起施行。\n".encode()
        status, _ = call(
            "POST", "/v1/approvals?filename=a.txt", clean,
            {"Content-Type": "application/octet-stream", "Authorization": f"Bearer {token}"},
        )  # fmt: skip
        assert status == 201
        status, body = call("GET", f"/v1/gate/{hashlib.sha256(clean).hexdigest()}")
        assert json.loads(body)["verdict"] == "approved"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    log = line + err
    assert "POST /v1/scan 200" in log and "POST /v1/approvals 201" in log
    for secret in (*leak.values, token):
        assert secret not in log
