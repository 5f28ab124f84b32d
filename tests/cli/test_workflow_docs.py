"""The README's flow runs as written on the bundled samples (scan, mask, review, approve, gate)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "README.md"


def _flow_block() -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- flow:[^>]*-->\s*```sh\n(.*?)```", text, re.S)
    assert m, "README.md lost its flow example"
    return m.group(1)


@pytest.mark.slow
def test_documented_flow_runs_on_the_samples(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path / "site"
    work.mkdir()
    (work / "corpora").symlink_to(REPO / "corpora")
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        "DEIDENT_KEY_FILE": str(tmp_path / "keys" / "hmac.key"),
    }
    env.pop("DEIDENT_LEDGER", None)
    r = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _flow_block()],
        cwd=work, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    samples = sorted(p.name for p in (REPO / "corpora" / "samples").iterdir() if p.is_file())
    assert sorted(p.name for p in (work / "publish").iterdir()) == samples
    assert out.count("approved: publish/") == len(samples)
    assert (
        "blocked: changed after approval" in out
        and "publish/行政处罚决定书.txt: changed after approval" in out
    )
    assert re.search(rf"ok, {len(samples)} entries", out)
    # The report holds the unmasked values: the flow writes it outside the content repository.
    assert not (work / "审核报告.html").exists()
    assert (work.parent / "审核报告.html").stat().st_size > 10_000
