"""The CLI through the installed console script, as reviewers and hooks run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DEIDENT = str(Path(sys.executable).with_name("deident"))
ID = "440881199001011233"
MOBILE = "13812345678"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DEIDENT_DEBUG"}
    return subprocess.run([DEIDENT, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    (root / "sub").mkdir(parents=True)
    (root / "名单.txt").write_text(f"申请人身份证号：{ID}，手机{MOBILE}。\n", encoding="utf-8")
    (root / "sub" / "clean.md").write_text("# 通知\n\n粤府办〔2018〕19号，2018年9月5日。\n", encoding="utf-8")
    (root / "sub" / "photo.xyz").write_bytes(b"\x00\x01")
    return root


def test_scan_json_contract(tree: Path) -> None:
    r = run("scan", str(tree), "--format", "json", "--entities", "CN_RESIDENT_ID,CN_MOBILE")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["version"] == 1
    assert set(doc) == {"version", "files", "findings", "summary"}
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["名单.txt"]["status"] == "findings" and by_name["名单.txt"]["findings"] == 2
    assert by_name["clean.md"]["status"] == "clean"
    assert (
        by_name["photo.xyz"]["status"] == "blocked" and by_name["photo.xyz"]["reason"] == "unsupported type"
    )
    assert len(by_name["名单.txt"]["sha256"]) == 64
    f = doc["findings"][0]
    assert {"path", "entity_type", "text", "score", "recognizer", "location", "start", "end"} <= set(f)
    assert f["text"] == ID and f["entity_type"] == "CN_RESIDENT_ID"
    assert doc["summary"] == {"files": 3, "clean": 1, "findings": 2, "blocked": 1}


def test_scan_redact_hides_text(tree: Path) -> None:
    r = run("scan", str(tree / "名单.txt"), "--format", "json", "--redact")
    assert ID not in r.stdout and MOBILE not in r.stdout
    assert "440881********1233" in r.stdout and "138****5678" in r.stdout


def test_scan_clean_exits_zero(tree: Path) -> None:
    r = run("scan", str(tree / "sub" / "clean.md"), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr


def test_scan_jsonl_and_table(tree: Path) -> None:
    r = run("scan", str(tree), "--format", "jsonl")
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == 3 and all("status" in x for x in lines)
    t = run("scan", str(tree), "--format", "table", "--redact")
    assert "blocked" in t.stdout and "unsupported type" in t.stdout and ID not in t.stdout


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    """A path named on the command line that does not exist is a usage error (exit 2, #17); an
    existing file that cannot be read is blocked instead (tests/cli/test_walk.py)."""
    r = run("scan", str(tmp_path / "nope.txt"), "--format", "json")
    assert r.returncode == 2
    assert "nope.txt" in r.stderr and r.stdout == ""


def test_usage_errors_exit_two(tree: Path) -> None:
    assert run("scan", str(tree), "--format", "bogus").returncode == 2
    assert run("scan", str(tree), "--entities", "NOT_AN_ENTITY").returncode == 2
    assert run("mask", str(tree)).returncode == 2  # neither --out nor --in-place
    assert run("mask", str(tree), "--out", str(tree)).returncode == 2
    assert run("scan", str(tree), "--policy", "nope", "--redact").returncode == 2


def test_mask_mirrors_tree_and_never_touches_sources(tree: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    out = tmp_path / "masked"
    r = run("mask", str(tree), "--out", str(out), "--format", "json")
    assert r.returncode == 1  # photo.xyz cannot be masked
    doc = json.loads(r.stdout)
    assert doc["summary"]["written"] == 2 and doc["summary"]["blocked"] == 1
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before
    masked = (out / "名单.txt").read_text(encoding="utf-8")
    assert ID not in masked and MOBILE not in masked
    assert "440881********1233" in masked and "138****5678" in masked
    assert (out / "sub" / "clean.md").read_bytes() == (tree / "sub" / "clean.md").read_bytes()
    assert not (out / "sub" / "photo.xyz").exists()
    rescan = run("scan", str(out), "--format", "json")
    assert rescan.returncode == 0, rescan.stdout


def test_mask_in_place(tree: Path) -> None:
    src = tree / "名单.txt"
    r = run("mask", str(src), "--in-place", "--policy", "hutool", "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "4***************33" in src.read_text(encoding="utf-8")


def test_mask_with_jobs(tree: Path, tmp_path: Path) -> None:
    for i in range(6):
        (tree / f"f{i}.txt").write_text(f"手机{MOBILE}\n", encoding="utf-8")
    r = run("mask", str(tree), "--out", str(tmp_path / "o"), "--jobs", "2", "--format", "json")
    assert json.loads(r.stdout)["summary"]["written"] == 8


def test_recognizers_lists_every_one_with_a_masked_example() -> None:
    r = run("recognizers", "--format", "json")
    assert r.returncode == 0
    rows = json.loads(r.stdout)
    ids = {row["id"] for row in rows}
    assert {"cn_resident_id", "cn_mobile", "cn_bank_card", "email_address"} <= ids
    for row in rows:
        if row["example"]:
            assert row["masked"] != row["example"], row["id"]


@pytest.mark.parametrize("command", ["scan", "mask", "recognizers"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    r = run(command, "--help")
    assert r.returncode == 0 and "Example" in r.stdout


def test_no_traceback_on_internal_error(tmp_path: Path) -> None:
    # A directory named like a text file: the reader fails, the file is blocked, no traceback.
    d = tmp_path / "trap.txt"
    d.mkdir()
    (d / "inner.txt").write_text("无", encoding="utf-8")
    r = run("scan", str(tmp_path), "--format", "json")
    assert "Traceback" not in r.stderr
