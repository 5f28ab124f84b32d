"""The real `pre-commit try-repo`: containers and unknown types are scanned or blocked by both
hooks, never "Skipped" (the hooks have no file filter)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories.archives import letter_txt, make_zip

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_hooks_scan_zip_members_and_block_unknown_types(tmp_path: Path, pre_commit_home: Path) -> None:
    local = Path(sys.executable).with_name("pre-commit")
    pre_commit = str(local) if local.exists() else shutil.which("pre-commit")
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit and git are needed")
    site = tmp_path / "site"
    site.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(pre_commit_home),
        "DEIDENT_KEY_FILE": str(tmp_path / "keys" / "hmac.key"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }  # fmt: skip
    env.pop("DEIDENT_LEDGER", None)
    subprocess.run(["git", "init", "-q", "."], cwd=site, check=True, env=env)
    letter, values = letter_txt()
    (site / "附件.zip").write_bytes(make_zip({"申请材料/申请书.txt": letter}, gbk=True))
    (site / "工具.exe").write_bytes(b"MZ\x90\x00")
    subprocess.run(["git", "add", "."], cwd=site, check=True, env=env)
    r = subprocess.run(
        [pre_commit, "try-repo", str(REPO), "--files", "附件.zip", "工具.exe", "--verbose"],
        cwd=site, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "Skipped" not in out
    assert out.count("Failed") == 2, out
    assert "附件.zip" in out and "工具.exe" in out and "unsupported type" in out
    for v in values:  # the scan hook redacts
        assert v not in out
