"""Throughput of deident's engine beside Presidio and jionlp, on the same text, in one run.

    python benchmarks/speed.py              # best of 5 runs of each tool
    python benchmarks/speed.py --runs 9
    DEIDENT_PURE_PYTHON=1 python benchmarks/speed.py   # deident without its compiled loops

Characters per second on one core (the process is pinned to one CPU where the OS allows),
best of N runs of the process's CPU time (time.process_time: on a shared machine, time spent
waiting for the CPU is not counted against whichever tool was running). As timeit does, the
garbage collector is run before and held off during each timed run, so that a collection
caused by one tool's garbage is not billed to whichever tool runs next (Presidio leaves a lot).
Each tool is given the corpus one document at a time
(corpora/dev: real government prose with synthetic personal data). The comparison set is
the four entities every tool can be configured for: resident IDs, mobiles, bank cards and
e-mail (jionlp has no bank-card extractor). deident is also timed with every recognizer
(names and addresses included).

Network access is switched off inside this process: a tool that tries to download anything
fails loudly and is reported. Results go to benchmarks/results/speed.json.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

for _k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "SPACY_OFFLINE"):
    os.environ[_k] = "1"
for _k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_k] = "1"

DEIDENT = "deident (4 entities)"
PRESIDIO = "presidio (4 regexes)"
JIONLP = "jionlp (id, phone, email)"
TARGET_CHARS_PER_S = 5_000_000
TARGET_VS_PRESIDIO = 50.0

NETWORK_ATTEMPTS: list[str] = []


@contextlib.contextmanager
def network_blocked() -> Iterator[None]:
    """Any connection attempt raises and is recorded: the benchmark must run offline.
    Restored on exit, so that calling `main` from a test leaves the process as it was."""
    saved = socket.socket.connect, socket.socket.connect_ex

    def refuse(self: socket.socket, address: Any, *a: Any, **kw: Any) -> None:
        NETWORK_ATTEMPTS.append(repr(address))
        raise OSError(f"network disabled by benchmarks/speed.py (attempted {address!r})")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = saved  # type: ignore[method-assign]


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def timed(fn: Callable[[], Any]) -> float:
    """CPU seconds of one call, garbage collected before and held off during it (as timeit)."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.process_time()
        fn()
        return time.process_time() - t0
    finally:
        gc.enable()


def interleaved_best(jobs: dict[Any, tuple[Callable[[], Any], int]]) -> dict[Any, float]:
    """Best time of each job over its runs, runs taken round robin across jobs: on a shared
    machine a burst of load then slows every tool alike instead of whichever ran during it."""
    best = {name: float("inf") for name in jobs}
    for fn, _ in jobs.values():
        fn()  # warm-up: compiled regexes, lazy imports, caches
    for r in range(max(runs for _, runs in jobs.values())):
        for name, (fn, runs) in jobs.items():
            if r < runs:
                best[name] = min(best[name], timed(fn))
    return best


def load_docs(corpus: Path) -> list[str]:
    # One document per call, as a CMS plugin scans one page or attachment at a time.
    return [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "dev")
    ap.add_argument(
        "--seeds",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "seeds",
        help="real documents, no private data",
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--presidio-runs", type=int, default=5)
    ap.add_argument("--skip-presidio", action="store_true")
    ap.add_argument("--skip-jionlp", action="store_true")
    ap.add_argument("--no-pin", dest="pin", action="store_false", help="do not pin the process to one CPU")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "speed.json")
    args = ap.parse_args(argv)
    with network_blocked():
        return run(args)


def run(args: argparse.Namespace) -> int:
    pinned = pin_one_core() if args.pin else "not pinned (--no-pin)"
    sets = {"corpus": load_docs(args.corpus)}
    if args.seeds.is_dir():
        sets["seeds"] = load_docs(args.seeds)
    print(f"Python {platform.python_version()} on {platform.machine()}; {pinned}")
    for name, docs in sets.items():
        print(f"  {name}: {len(docs)} documents, {sum(len(d) for d in docs):,} characters")
    print()

    from benchmarks.presidio_zh import ENTITIES
    from deident.config import ScanConfig
    from deident.detection.engine import Engine
    from deident.detection.native import native, reading

    compiled = native is not None and reading is not None
    print(
        f"deident's engine loops: {'compiled (Cython)' if compiled else 'pure Python (DEIDENT_PURE_PYTHON or no compiled wheel)'}\n"
    )

    tools: dict[str, tuple[Callable[[str], int], int, str]] = {}
    core = Engine.create(ScanConfig(entities=frozenset(ENTITIES)))
    full = Engine.create(ScanConfig())
    tools[DEIDENT] = (lambda d: len(core.analyze(d)), args.runs, "")
    tools["deident (all recognizers)"] = (
        lambda d: len(full.analyze(d)),
        args.runs,
        "names and addresses too",
    )

    tmp = tempfile.TemporaryDirectory()
    if not args.skip_presidio:
        from benchmarks.presidio_zh import build_analyzer

        analyzer = build_analyzer(Path(tmp.name))
        tools[PRESIDIO] = (
            lambda d: len(analyzer.analyze(d, language="zh", entities=list(ENTITIES))),
            args.presidio_runs,
            "blank spaCy zh pipeline",
        )
    if not args.skip_jionlp:
        import jionlp as jio

        def jionlp_count(d: str) -> int:
            return len(jio.extract_id_card(d)) + len(jio.extract_phone_number(d)) + len(jio.extract_email(d))

        tools[JIONLP] = (jionlp_count, args.runs, "no bank-card extractor")

    jobs = {
        (tool, set_name): (lambda docs=docs, fn=fn: [fn(d) for d in docs], runs)
        for tool, (fn, runs, _) in tools.items()
        for set_name, docs in sets.items()
    }
    best = interleaved_best(jobs)
    rows: dict[str, dict[str, Any]] = {}
    print(f"{'tool':32} " + " ".join(f"{n + ' M chars/s':>18}" for n in sets) + "   findings")
    for tool, (fn, _, note) in tools.items():
        rows[tool] = {"note": note}
        cells = []
        for set_name, docs in sets.items():
            chars = sum(len(d) for d in docs)
            secs = best[(tool, set_name)]
            rows[tool][set_name] = {
                "chars": chars,
                "seconds": round(secs, 6),
                "chars_per_s": round(chars / secs),
                "findings": sum(fn(d) for d in docs),
            }
            cells.append(f"{chars / secs / 1e6:18.3f}")
        counts = "/".join(str(rows[tool][n]["findings"]) for n in sets)
        print(f"{tool:32} " + " ".join(cells) + f"   {counts}{'  (' + note + ')' if note else ''}")
    tmp.cleanup()

    ratios: dict[str, dict[str, float]] = {}
    print()
    for peer in (PRESIDIO, JIONLP):
        if peer in rows:
            ratios[peer] = {n: rows[DEIDENT][n]["chars_per_s"] / rows[peer][n]["chars_per_s"] for n in sets}
            print(f"{'deident / ' + peer:45} " + "  ".join(f"{n} {r:7.1f}x" for n, r in ratios[peer].items()))
    base = rows[DEIDENT]["corpus"]["chars_per_s"]
    ok_speed = base >= TARGET_CHARS_PER_S
    ok_ratio = ratios.get(PRESIDIO, {}).get("corpus", float("inf")) >= TARGET_VS_PRESIDIO
    print(f"\ntargets on the corpus: deident {base / 1e6:.2f} M chars/s >= {TARGET_CHARS_PER_S / 1e6:.0f} "
          f"[{'ok' if ok_speed else 'MISSED'}], >= {TARGET_VS_PRESIDIO:.0f}x Presidio [{'ok' if ok_ratio else 'MISSED'}]")  # fmt: skip
    print(
        f"network attempts: {len(NETWORK_ATTEMPTS)}{' ' + ', '.join(NETWORK_ATTEMPTS) if NETWORK_ATTEMPTS else ''}"
    )

    summary = {
        "sets": {n: {"documents": len(d), "chars": sum(len(x) for x in d)} for n, d in sets.items()},
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu": pinned,
        "deident_compiled": compiled,
        "runs": args.runs,
        "presidio_runs": args.presidio_runs,
        "results": rows,
        "ratios": ratios,
        "targets": {"chars_per_s_ok": ok_speed, "vs_presidio_ok": ok_ratio},
        "network_attempts": NETWORK_ATTEMPTS,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if args.check and not (ok_speed and ok_ratio and not NETWORK_ATTEMPTS) else 0


if __name__ == "__main__":
    raise SystemExit(main())
