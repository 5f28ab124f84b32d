"""Make each bug the suite must catch, one at a time, in a copy of the code, and check that the
safety tests fail for it (issue #18: "each checked by a deliberate mutation").

    python scripts/deliberate_mutations.py            # every mutation; exit 1 if one survives
    python scripts/deliberate_mutations.py --list

Each mutation is an exact text edit of one source file. An edit whose text is no longer in the
file is reported as STALE (the code moved: update the mutation), which also fails the run, so a
refactor cannot silently retire a check. The copy runs with the pure-Python twins
(DEIDENT_PURE_PYTHON=1): the compiled loops are held to the same tests by tests/detection/test_native.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # under src/deident/
    old: str
    new: str
    tests: tuple[str, ...]


MUTATIONS = (
    Mutation(
        "a non-BlockedError exception in a reader reports the file clean",
        "pipeline.py",
        "    except Exception as exc:  # fail closed: see the module docstring\n        return _blocked(display, sha, exc, engine)",
        "    except Exception as exc:  # fail closed: see the module docstring\n"
        "        if not isinstance(exc, BlockedError):\n"
        "            return FileReport(display, sha, Status.CLEAN, None, (), ())\n"
        "        return _blocked(display, sha, exc, engine)",
        ("tests/safety/test_faults.py",),
    ),
    Mutation(
        "the read-back verification of masked copies is a no-op",
        "pipeline.py",
        "    try:\n        for attempt in range(2):\n",
        "    return\n    try:\n        for attempt in range(2):\n",
        ("tests/safety/test_verification.py",),
    ),
    Mutation(
        "an 18-digit ID ending in X is accepted whatever its check digit",
        "detection/validators.py",
        "    return id_check_digit(value[:17]) == value[17]",
        '    return value[17] == "X" or id_check_digit(value[:17]) == value[17]',
        ("tests/safety/test_checksums.py",),
    ),
    Mutation(
        "a wrong Luhn digit passes",
        "detection/validators.py",
        "    return total % 10 == 0",
        "    return total % 10 in (0, 1)",
        ("tests/safety/test_checksums.py",),
    ),
    Mutation(
        "full-width digits are not folded (left unmasked)",
        "detection/normalise.py",
        "_FOLD_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}",
        "_FOLD_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF5F)}",
        ("tests/safety/test_renderings.py",),
    ),
    Mutation(
        "zero-width characters are not folded",
        "detection/normalise.py",
        "_FOLD_TABLE.update({ord(c): 0x200B for c in _ZERO_WIDTH})",
        "pass",
        ("tests/safety/test_renderings.py",),
    ),
    Mutation(
        "the gate trusts a path that was approved once",
        "review/gate.py",
        "    reviewers = index.reviewers(sha256)\n",
        "    reviewers = index.reviewers(index.approved_sha_by_path.get(path) or sha256)\n",
        ("tests/safety/test_gate.py",),
    ),
    Mutation(
        "the ledger's hash check is skipped",
        "review/ledger.py",
        '        if h != hashlib.sha256(body_text.encode("utf-8")).hexdigest():',
        "        if False:",
        ("tests/review/test_ledger.py",),
    ),
    Mutation(
        "the ledger's signature check is skipped",
        "review/ledger.py",
        '        elif entry.get("mac") != self.key.mac(str(entry.get("hash")).encode()):',
        "        elif False:",
        ("tests/review/test_ledger.py",),
    ),
)


def _copy_tree(dst: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.c", "*.pyd")
    shutil.copytree(ROOT / "src", dst / "src", ignore=ignore)
    shutil.copytree(ROOT / "recognizers", dst / "recognizers")


def _pytest(work: Path, tests: tuple[str, ...], timeout: int) -> int | None:
    """pytest's exit code on `tests` with the code under `work`, or None on a timeout."""
    env = {**os.environ, "PYTHONPATH": str(work / "src"), "DEIDENT_PURE_PYTHON": "1"}
    env.pop("CI", None)
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        return subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, timeout=timeout, check=False
        ).returncode
    except subprocess.TimeoutExpired:
        return None


def run(m: Mutation, timeout: int) -> tuple[str, float]:
    with tempfile.TemporaryDirectory(prefix="deident-mutant-") as tmp:
        work = Path(tmp)
        _copy_tree(work)
        target = work / "src" / "deident" / m.path
        text = target.read_text(encoding="utf-8")
        if text.count(m.old) != 1:
            return "STALE", 0.0
        target.write_text(text.replace(m.old, m.new), encoding="utf-8")
        t0 = time.perf_counter()
        code = _pytest(work, m.tests, timeout)
        took = time.perf_counter() - t0
        if code is None:
            return "CAUGHT (timeout)", took
        return ("CAUGHT" if code == 1 else "SURVIVED" if code == 0 else f"ERROR (pytest exit {code})"), took


def control(timeout: int) -> bool:
    """The same tests pass on the unmutated code: otherwise a failure proves nothing."""
    tests = tuple(sorted({t for m in MUTATIONS for t in m.tests}))
    with tempfile.TemporaryDirectory(prefix="deident-control-") as tmp:
        _copy_tree(Path(tmp))
        return _pytest(Path(tmp), tests, timeout) == 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()
    if args.list:
        for m in MUTATIONS:
            print(f"{m.path}: {m.name}")
        return 0
    if not control(args.timeout):
        print(
            "the tests fail on the unmutated code: fix them first (a failure under a mutation proves nothing)"
        )
        return 2
    bad = 0
    for m in MUTATIONS:
        verdict, took = run(m, args.timeout)
        bad += not verdict.startswith("CAUGHT")
        print(f"{verdict:10} {took:6.1f}s  {m.path}: {m.name}", flush=True)
    print(f"{len(MUTATIONS) - bad} of {len(MUTATIONS)} deliberate mutations caught")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
