"""How long `deident gate` takes on a tree of approved files (target: seconds for 10,000).

    python benchmarks/gate.py                 # 10,000 files, best of 3
    python benchmarks/gate.py --files 50000 --runs 5

Builds a site of small HTML/text pages in a temporary directory, records one approval per
file in a fresh ledger (directly through the ledger API: this measures the gate, not the
scanner), then times the real command `deident gate SITE` as a subprocess (wall clock,
including interpreter start-up) and the library call `gate_paths` in this process.
Both must report every file approved. Results go to benchmarks/results/gate.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_site(site: Path, n: int) -> list[tuple[str, str]]:
    """n files spread over 100 folders; returns (relative path, sha256) of each."""
    out = []
    for i in range(n):
        d = site / f"section{i % 100:03d}"
        d.mkdir(parents=True, exist_ok=True)
        suffix = ".html" if i % 2 else ".txt"
        body = f"<p>关于第{i}号政务公开事项的通知。本通知自发布之日起施行。</p>\n" * (1 + i % 5)
        p = d / f"page{i:06d}{suffix}"
        data = body.encode("utf-8")
        p.write_bytes(data)
        out.append((p.relative_to(site.parent).as_posix(), hashlib.sha256(data).hexdigest()))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from deident.review.gate import gate_paths
    from deident.review.keys import load_key
    from deident.review.ledger import Ledger

    with tempfile.TemporaryDirectory(prefix="deident-gate-bench-") as tmp:
        base = Path(tmp)
        repo = base / "repo"
        (repo / ".git").mkdir(parents=True)
        site = repo / "site"
        files = build_site(site, args.files)
        key_file = base / "keys" / "hmac.key"
        ledger = Ledger(repo / ".deident" / "ledger.jsonl", load_key(key_file))
        t0 = time.perf_counter()
        ledger.append(
            [
                {
                    "kind": "approval",
                    "file_sha256": sha,
                    "path": rel,
                    "policy": "gov",
                    "findings": 0,
                    "reviewer": "王芳",
                    "required_approvals": 1,
                    "date": "2024-11-22",
                }
                for rel, sha in files
            ]
        )
        append_s = time.perf_counter() - t0

        env = {**os.environ, "DEIDENT_KEY_FILE": str(key_file)}
        env.pop("DEIDENT_LEDGER", None)
        exe = Path(sys.executable).with_name("deident")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "deident.cli.app"]
        cli_times, lib_times = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            r = subprocess.run([*cmd, "gate", "site"], cwd=repo, env=env, capture_output=True, text=True)
            cli_times.append(time.perf_counter() - t0)
            if r.returncode != 0:
                print(r.stdout[-2000:], r.stderr[-2000:], file=sys.stderr)
                raise SystemExit("deident gate did not approve every file")
            t0 = time.perf_counter()
            verdicts = gate_paths([site], ledger=Ledger(ledger.path, ledger.key), root=repo)
            lib_times.append(time.perf_counter() - t0)
            assert len(verdicts) == args.files and all(v.approved for v in verdicts)

    result = {
        "files": args.files,
        "runs": args.runs,
        "cli_gate_seconds_best": round(min(cli_times), 3),
        "library_gate_seconds_best": round(min(lib_times), 3),
        "ledger_append_seconds": round(append_s, 3),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    out = ROOT / "benchmarks" / "results" / "gate.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
