"""Mutation score of the safety-critical modules (issue #18), with mutmut.

    python scripts/mutation_score.py                  # run mutmut (long: over an hour on 2 cores), then report
    python scripts/mutation_score.py --report         # report the last run only
    python scripts/mutation_score.py --resume --only 'deident.review.ledger*'   # one module, in the last copy

The modules and the tests that guard them are listed under [tool.mutmut] in pyproject.toml. The
run happens in a copy of the repository (mutmut writes a mutants/ folder where it runs), with the
pure-Python twins (DEIDENT_PURE_PYTHON=1), so the mutated Python code is the code that runs. The
report counts mutants per module and outcome and lists the survivors, which must each be killed by
a test or explained: benchmarks/mutation_survivors.md names every explained survivor with its reason,
and the report lists any survivor it does not name (and any name there that no longer survives).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "results" / "mutation"
EXPLAINED = ROOT / "benchmarks" / "mutation_survivors.md"
_ENTRY = re.compile(r"^- `([^`]+)`: (.*)$")


def _copy(work: Path = WORK) -> None:
    if work.exists():
        shutil.rmtree(work)
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            dst = work / name
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


def explanations(path: Path = EXPLAINED) -> list[tuple[str, str, str]]:
    """(mutant, group heading, reason) for each entry ``- `name`: reason`` of the explanations file."""
    entries: list[tuple[str, str, str]] = []
    group = ""
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if line.startswith("## "):
            group = line[3:].strip()
        elif m := _ENTRY.match(line):
            entries.append((m[1], group, m[2].strip()))
    return entries


def _module(mutant: str) -> str:
    # mutmut names a mutant <module>.x_<function>__mutmut_<n> (methods: <module>.xǁClassǁmethod__…)
    return mutant.split(".x", 1)[0]


def _score(c: Counter[str]) -> float | None:
    """(killed + timeout) / (killed + timeout + survived + no tests): mutmut's score, with mutants that
    no test runs counted as survivors; mutants not checked (a run cut short) are left out."""
    tested = c["killed"] + c["timeout"] + c["survived"] + c["no tests"]
    return round((c["killed"] + c["timeout"]) / tested, 3) if tested else None


def report(work: Path = WORK) -> dict[str, object]:
    status = _results(work)
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for mutant, verdict in status.items():
        by_module[_module(mutant)][verdict] += 1
    total = Counter(status.values())
    score = _score(total)
    tested = total["killed"] + total["timeout"] + total["survived"] + total["no tests"]
    # A mutant no test of the selection runs survives too: it needs a test or a reason like any other.
    survivors = sorted(m for m, v in status.items() if v in ("survived", "no tests"))
    reasons = {name: group for name, group, _ in explanations()}
    unexplained = [m for m in survivors if m not in reasons]
    summary = {
        "mutants": len(status),
        "outcomes": dict(total),
        "score": score,
        "by_module": {m: {**dict(c), "score": _score(c)} for m, c in sorted(by_module.items())},
        "survivors": survivors,
        "explained": len(survivors) - len(unexplained),
        "explained_by_reason": dict(Counter(reasons[m] for m in survivors if m in reasons).most_common()),
        "unexplained": unexplained,
        "explained_not_surviving": sorted(set(reasons) - set(survivors)),
    }
    print(
        f"{'module':40} {'killed':>7} {'timeout':>7} {'survived':>8} {'no tests':>8} {'other':>6} {'score':>6}"
    )
    for m, c in sorted(by_module.items()):
        other = sum(c.values()) - c["killed"] - c["timeout"] - c["survived"] - c["no tests"]
        print(
            f"{m:40} {c['killed']:7d} {c['timeout']:7d} {c['survived']:8d} {c['no tests']:8d} {other:6d}"
            f" {_score(c) if _score(c) is not None else '-':>6}"
        )
    print(f"\nmutation score (killed + timeout) / tested: {summary['score']} of {tested} tested mutants")
    if total["not checked"]:
        print(f"not checked (the run was cut short): {total['not checked']}")
    print(f"survivors explained in {EXPLAINED.relative_to(ROOT)}: {summary['explained']} of {len(survivors)}")
    for reason, n in summary["explained_by_reason"].items():
        print(f"  {n:4d}  {reason}")
    for m in unexplained:
        print(f"UNEXPLAINED survivor: {m}")
    for m in summary["explained_not_surviving"]:
        print(f"explained but not a survivor of this run (killed, not run, or renamed): {m}")
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "mutation.json").write_text(json.dumps(summary, indent=1))
    return summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", action="store_true", help="only report the last run")
    ap.add_argument("--work", type=Path, default=WORK, help="where mutmut ran (default: %(default)s)")
    ap.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--resume", action="store_true", help="run in the last copy, keeping mutmut's results")
    ap.add_argument(
        "--only", action="append", default=[], metavar="PATTERN",
        help="mutants to (re)run, as mutmut names them, * allowed: 'deident.review.ledger*' (repeatable)",
    )  # fmt: skip
    args = ap.parse_args()
    if not args.report:
        if not (args.resume and args.work.exists()):
            _copy(args.work)
        env = {**os.environ, "DEIDENT_PURE_PYTHON": "1"}
        env.pop("CI", None)
        subprocess.run(
            ["mutmut", "run", "--max-children", str(args.max_children), *args.only],
            cwd=args.work, env=env, check=False,
        )  # fmt: skip
    summary = report(args.work)
    return 1 if summary["unexplained"] else 0


if __name__ == "__main__":
    sys.exit(main())
