"""Walking folders as an attacker lays them out: nothing is skipped silently, nothing hangs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deident.walker import PathNotFound, Walk
from tests.factories.workflow import make_leak, write_clean, write_leaking

SRC = str(Path(__file__).resolve().parents[2] / "src")


def cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real command line in its own process: a hang shows as TimeoutExpired."""
    env = {
        **os.environ,
        "PYTHONPATH": SRC,
        "DEIDENT_KEY_FILE": str(cwd.parent / "key" / "hmac.key"),
        "DEIDENT_LEDGER": str(cwd.parent / "ledger.jsonl"),
    }
    return subprocess.run(
        [sys.executable, "-m", "deident.cli.app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder with every kind of entry an attacker can plant."""
    root = tmp_path / "site" / "d"
    (root / "sub").mkdir(parents=True)
    write_clean(root / "sub" / "通知.txt")
    write_leaking(root / ".git" / "objects" / "名单.txt", make_leak(11))
    write_leaking(root / "__pycache__" / "名单.txt", make_leak(12))
    outside = tmp_path / "outside"
    write_leaking(outside / "名单.txt", make_leak(13))
    os.mkfifo(root / "pipe.txt")
    (root / "outlink").symlink_to(outside, target_is_directory=True)
    (root / "inlink").symlink_to("sub", target_is_directory=True)
    (root / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (root / "broken.txt").symlink_to("nowhere.txt")
    return root


def _problems(root: Path) -> dict[str, str | None]:
    return {e.path.relative_to(root).as_posix(): e.problem for e in Walk([root])}


def test_every_entry_comes_out_once_or_blocked(tree: Path) -> None:
    walk = Walk([tree])
    got = {e.path.relative_to(tree).as_posix(): e.problem for e in walk}
    assert got["sub/通知.txt"] is None
    assert "FIFO" in got["pipe.txt"]  # type: ignore[operator]
    assert "outside" in got["outlink"]  # type: ignore[operator]
    assert got["broken.txt"] == "broken symbolic link"
    # The inside link and the loop add no second copy of a file.
    assert [k for k in got if k.endswith("通知.txt")] == ["sub/通知.txt"]
    assert walk.skipped == {".git": 1, "__pycache__": 1} and walk.skipped_folders == 2
    assert "holding 2 file(s)" in (walk.skipped_note() or "")


def test_a_link_into_a_skipped_tool_folder_is_followed(tree: Path) -> None:
    (tree / "objs").symlink_to(".git/objects", target_is_directory=True)
    assert _problems(tree)["objs/名单.txt"] is None


def test_an_unlistable_folder_is_blocked(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import deident.walker as walker

    real = os.scandir

    def scandir(path: object):  # type: ignore[no-untyped-def]
        if Path(str(path)).name == "sub":
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(walker.os, "scandir", scandir)
    got = _problems(tree)
    assert got["sub"] == "unreadable folder: Permission denied"
    assert not any(k.startswith("sub/") for k in got)


def test_an_unlistable_folder_is_blocked_for_real() -> None:
    """chmod 0 for real; as root (CI) the walk runs in a child that has dropped to nobody, since
    root lists any folder."""
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="deident-walk-", dir="/tmp"))
    try:
        (base / "d" / "sub").mkdir(parents=True)
        (base / "d" / "sub" / "a.txt").write_text("x", encoding="utf-8")
        (base / "d" / "ok.txt").write_text("y", encoding="utf-8")
        for p in (base, base / "d"):
            p.chmod(0o755)
        (base / "d" / "sub").chmod(0)
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            code = 2
            try:
                if os.geteuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                got = _problems(base / "d")
                code = (
                    0 if got.get("sub") == "unreadable folder: Permission denied" and "ok.txt" in got else 1
                )
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        (base / "d" / "sub").chmod(0o755)
        shutil.rmtree(base)


def test_a_missing_named_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(PathNotFound):
        list(Walk([tmp_path, tmp_path / "gone.txt"]))


def test_scan_blocks_specials_reports_skips_and_does_not_hang(tree: Path) -> None:
    r = cli("scan", "d", "--format", "json", cwd=tree.parent)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    files = {f["path"]: f for f in doc["files"]}
    assert files["d/pipe.txt"]["status"] == "blocked" and "FIFO" in files["d/pipe.txt"]["detail"]
    assert files["d/outlink"]["status"] == "blocked"
    assert files["d/sub/通知.txt"]["status"] == "clean"
    assert "skipped 2 tool folder(s) (.git, __pycache__) holding 2 file(s)" in r.stderr


def test_skipped_tool_folders_are_never_a_silent_pass(tmp_path: Path) -> None:
    root = tmp_path / "site" / "d"
    write_clean(root / "a.txt")
    write_leaking(root / "__pycache__" / "名单.txt", make_leak(14))
    r = cli("scan", "d", "--format", "json", cwd=root.parent)
    assert r.returncode == 0 and "skipped 1 tool folder(s) (__pycache__) holding 1 file(s)" in r.stderr
    assert json.loads(r.stdout)["skipped"] == {"__pycache__": 1}
    named = cli("scan", "d/__pycache__", "--format", "json", cwd=root.parent)
    assert named.returncode == 1 and json.loads(named.stdout)["summary"]["findings"] > 0


def test_approve_gate_and_mask_do_not_hang_on_a_fifo(tree: Path) -> None:
    site = tree.parent
    a = cli("approve", "d", "--reviewer", "王芳", cwd=site)
    assert a.returncode == 1 and "d/pipe.txt" in a.stderr and "FIFO" in a.stderr
    assert "skipped 2 tool folder(s)" in a.stderr
    g = cli("gate", "d", "--format", "json", cwd=site)
    assert g.returncode == 1
    verdicts = {f["path"]: f for f in json.loads(g.stdout)["files"]}
    assert verdicts["d/sub/通知.txt"]["verdict"] == "approved"
    assert verdicts["d/pipe.txt"]["verdict"] == "blocked" and "FIFO" in verdicts["d/pipe.txt"]["reason"]
    assert verdicts["d/outlink"]["verdict"] == "blocked"
    assert "skipped 2 tool folder(s)" in g.stderr
    m = cli("mask", "d", "--out", "out", "--format", "json", cwd=site)
    assert m.returncode == 1
    masked = {f["path"]: f for f in json.loads(m.stdout)["files"]}
    assert masked["d/pipe.txt"]["output"] is None
    d = cli("decide", "d/pipe.txt", cwd=site)
    assert d.returncode == 1 and "blocked" in d.stderr + d.stdout


def test_missing_path_exits_2_and_an_unreadable_file_exits_1(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_clean(site / "a.txt")
    for cmd in (["scan"], ["mask", "--out", "out"], ["approve", "--reviewer", "王芳"], ["gate"], ["decide"]):
        r = (
            cli(*cmd[:1], "a.txt", "missing.txt", *cmd[1:], cwd=site)
            if cmd[0] != "decide"
            else cli("decide", "missing.txt", cwd=site)
        )
        assert r.returncode == 2, (cmd, r.stderr)
        assert "no such file or folder" in r.stderr and "missing.txt" in r.stderr
    os.mkfifo(site / "b.txt")  # exists, cannot be read as a file
    r = cli("scan", "b.txt", "--format", "json", cwd=site)
    assert r.returncode == 1 and json.loads(r.stdout)["files"][0]["status"] == "blocked"


def test_a_file_that_cannot_be_opened_is_blocked_not_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root reads any file, so the refusal is simulated at the one place files are opened."""
    import deident.fileutil as fileutil
    from deident.config import ScanConfig
    from deident.model import Status
    from deident.pipeline import scan_path

    f = write_clean(tmp_path / "a.txt")
    real = os.open

    def deny(path: object, *a: object, **k: object) -> int:
        if Path(str(path)) == f:
            raise PermissionError(13, "Permission denied")
        return real(path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(fileutil.os, "open", deny)
    r = scan_path(f, ScanConfig())
    assert r.status is Status.BLOCKED and r.reason == "unreadable" and r.detail == "Permission denied"


@pytest.mark.parametrize("fmt", ["json", "sarif", "jsonl"])
def test_a_file_name_that_is_not_utf8_is_escaped_in_every_output(tmp_path: Path, fmt: str) -> None:
    site = tmp_path / "site"
    (site / "u").mkdir(parents=True)
    with open(os.fsencode(site / "u") + b"/bad\xff\xfe.txt", "wb") as fh:
        fh.write("电话13800138000".encode())
    r = cli("scan", "u", "--format", fmt, cwd=site)
    assert r.returncode == 1, r.stderr
    text = r.stdout  # decoded as UTF-8 by subprocess: invalid bytes would raise here
    docs = [json.loads(line) for line in text.splitlines()] if fmt == "jsonl" else [json.loads(text)]
    assert docs and ("bad\\\\xff\\\\xfe.txt" in text or "bad%5Cxff%5Cxfe.txt" in text)


def test_names_holding_personal_data_are_found_and_masked_by_the_cli(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_clean(site / "nm" / "联系13800138000" / "sub" / "a.txt")
    write_clean(site / "nm" / "联系13800138000" / "电话13900139000.txt")
    s = cli("scan", "nm", "--format", "json", cwd=site)
    assert s.returncode == 1
    names = [f for f in json.loads(s.stdout)["findings"] if f["location"] == {"name": True}]
    assert sorted(f["text"] for f in names) == ["13800138000", "13800138000", "13900139000"]
    m = cli("mask", "nm", "--out", "out", "--format", "json", cwd=site)
    assert m.returncode == 0, m.stdout
    written = sorted(p.relative_to(site / "out").as_posix() for p in (site / "out").rglob("*") if p.is_file())
    assert len(written) == 2 and not any("138001" in w or "139001" in w for w in written)
