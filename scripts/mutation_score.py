"""Mutation score of the safety-critical modules (issue #18), with mutmut.

    python scripts/mutation_score.py              # run mutmut (long: tens of minutes), then report
    python scripts/mutation_score.py --report     # report the last run only

The modules and the tests that guard them are listed under [tool.mutmut] in pyproject.toml. The
run happens in a copy of the repository (mutmut writes a mutants/ folder where it runs), with the
pure-Python twins (DEIDENT_PURE_PYTHON=1), so the mutated Python code is the code that runs. The
report counts mutants per module and outcome and lists the survivors, which must each be killed by
a test or explained (README, "Mutation testing").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "results" / "mutation"


def _copy() -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            dst = WORK / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _results(work: Path) -> dict[str, str]:
    out = subprocess.run(
        ["mutmut", "results", "--all", "true"], cwd=work, capture_output=True, text=True, check=False
    ).stdout
    status: dict[str, str] = {}
    for line in out.splitlines():
        name, sep, verdict = line.strip().rpartition(": ")
        if sep:
            status[name] = verdict
    return status


def _module(mutant: str) -> str:
    # mutmut names a mutant <module>.x_<function>__mutmut_<n> (methods: <module>.xǁClassǁmethod__…)
    return mutant.split(".x", 1)[0]


def report(work: Path = WORK) -> dict[str, object]:
    status = _results(work)
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for mutant, verdict in status.items():
        by_module[_module(mutant)][verdict] += 1
    total = Counter(status.values())
    tested = total["killed"] + total["survived"] + total["timeout"]
    score = (total["killed"] + total["timeout"]) / tested if tested else None
    summary = {
        "mutants": len(status),
        "outcomes": dict(total),
        "score": round(score, 3) if score is not None else None,
        "by_module": {m: dict(c) for m, c in sorted(by_module.items())},
        "survivors": sorted(m for m, v in status.items() if v == "survived"),
    }
    print(f"{'module':45} {'killed':>7} {'survived':>8} {'no tests':>8} {'timeout':>7}")
    for m, c in sorted(by_module.items()):
        print(f"{m:45} {c['killed']:7d} {c['survived']:8d} {c['no tests']:8d} {c['timeout']:7d}")
    print(f"\nmutation score (killed + timeout) / tested: {summary['score']} of {tested} tested mutants")
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "mutation.json").write_text(json.dumps(summary, indent=1))
    return summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", action="store_true", help="only report the last run")
    ap.add_argument("--work", type=Path, default=WORK, help="where mutmut ran (default: %(default)s)")
    ap.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    if not args.report:
        _copy()
        env = {**os.environ, "DEIDENT_PURE_PYTHON": "1"}
        env.pop("CI", None)
        subprocess.run(
            ["mutmut", "run", "--max-children", str(args.max_children)], cwd=WORK, env=env, check=False
        )
    report(args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
