"""Throughput of `deident spark-scan` in Spark's local mode, beside a local scan of the same files.

    python benchmarks/spark.py                 # corpora/dev + corpora/samples copied 20 times
    python benchmarks/spark.py --copies 50     # more files
    python benchmarks/spark.py --rounds 3      # local[1] and local[2] three times, medians
    python benchmarks/spark.py --check         # exit 1 when local[2] / local[1] < 1.7 (whole runs)

The input is `--copies` copies of the bundled corpus (text, CSV, Markdown, HTML, .docx, .xlsx
and a PDF) in a temporary folder. Reported:
- local scan: the files scanned one after another in this process, engine built (what
  `deident scan` does with one job), files per second;
- spark-scan with local[1] and local[2], each in its own process (one master per JVM), after a
  warm-up run on one copy so the JVM and the Python workers (with the engine each builds once)
  are up: files per second of the whole run (list, hash, scan, write both tables, summary) and
  of the rerun that skips every file (it still lists and hashes every file); with `--rounds N`
  both N times, in alternating order, and the medians (ratios are taken within a round);
- the marginal rate: files / (run - rerun), i.e. without the fixed cost of a run (planning,
  jobs, commits, the summary: what the rerun that scans nothing costs), which a real archive of
  millions of files amortises;
- the ratio local[2] / local[1] of both (target >= 1.7 on a 2-core machine), the per-file
  overhead of spark-scan over the local scan, and core-hours per million files at the marginal
  local[1] rate.
The load average is printed before and after: on a shared machine the numbers mean something
only when it is below the number of cores. Results go to benchmarks/results/spark.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
TARGET_RATIO = 1.7


def build_input(dst: Path, copies: int) -> int:
    for i in range(copies):
        for name in ("dev", "samples"):
            shutil.copytree(ROOT / "corpora" / name, dst / f"copy{i:03d}" / name)
    return sum(1 for p in dst.rglob("*") if p.is_file())


def local_scan(src: Path) -> dict[str, Any]:
    from deident.api import engine_for
    from deident.config import ScanConfig
    from deident.pipeline import scan_path

    config = ScanConfig()
    engine = engine_for(config)
    files = sorted(p for p in src.rglob("*") if p.is_file())
    t0, c0 = time.perf_counter(), time.process_time()
    findings = sum(len(scan_path(p, config, engine=engine).findings) for p in files)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"files": len(files), "findings": findings, "seconds": wall, "cpu_seconds": cpu}


def measure(master: str, src: Path, work: Path) -> dict[str, Any]:
    """In a process of its own: one SparkSession with `master`."""
    from pyspark.sql import SparkSession

    from deident.review.keys import Key
    from deident.spark.job import run
    from deident.spark.options import JobOptions

    spark = SparkSession.builder.master(master).config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    secret = Key(b"benchmark-key-not-secret-32bytes").secret
    run(spark, JobOptions(str(src / "copy000"), str(work / "warmup"), key_secret=secret))
    opts = JobOptions(str(src), str(work / "out"), key_secret=secret)
    t0 = time.perf_counter()
    first = run(spark, opts)
    scan_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = run(spark, opts)
    rerun_s = time.perf_counter() - t0
    spark.stop()
    return {
        "master": master,
        "files": first.listed,
        "findings": first.findings,
        "blocked": first.blocked,
        "seconds": scan_s,
        "files_per_s": first.listed / scan_s,
        "rerun_scanned": again.scanned,
        "rerun_seconds": rerun_s,
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose whole-run time is the median (its own rerun and counts with it)."""
    return sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]


def _spark_in_subprocess(master: str, src: Path, work: Path) -> dict[str, Any]:
    out = work / f"{master.replace('[', '-').strip(']')}.json"
    cmd = [
        sys.executable,
        __file__,
        "--measure",
        master,
        "--input",
        str(src),
        "--work",
        str(work),
        "--json",
        str(out),
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        sys.exit(f"the {master} run failed:\n{done.stderr[-3000:]}")
    return json.loads(out.read_text())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--rounds", type=int, default=1, help="local[1] and local[2] this many times; medians")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    ap.add_argument("--json", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        # "[" in a path is a Hadoop glob: local[1] -> local-1
        result = measure(
            args.measure, Path(args.input), Path(args.work) / args.measure.replace("[", "-").strip("]")
        )
        Path(args.json).write_text(json.dumps(result))
        return 0

    load_before = os.getloadavg()
    rounds: list[tuple[dict[str, Any], dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="deident-bench-spark-") as tmp:
        src = Path(tmp) / "in"
        n = build_input(src, args.copies)
        local = local_scan(src)
        for i in range(args.rounds):
            work = Path(tmp) / f"work{i}"
            work.mkdir()
            # Alternate the order, so a load that rises or falls during the run favours neither.
            order = ("local[1]", "local[2]") if i % 2 == 0 else ("local[2]", "local[1]")
            got = {master: _spark_in_subprocess(master, src, work) for master in order}
            for r in got.values():
                r["marginal_files_per_s"] = n / max(r["seconds"] - r["rerun_seconds"], 1e-9)
            rounds.append((got["local[1]"], got["local[2]"]))
    load_after = os.getloadavg()
    ratios = [two["files_per_s"] / one["files_per_s"] for one, two in rounds]
    marginal_ratios = [two["marginal_files_per_s"] / one["marginal_files_per_s"] for one, two in rounds]
    ratio, marginal_ratio = statistics.median(ratios), statistics.median(marginal_ratios)
    one, two = (_median_run([r[k] for r in rounds]) for k in (0, 1))
    overhead_ms = (one["seconds"] - local["seconds"]) / n * 1000
    marginal_overhead_ms = (n / one["marginal_files_per_s"] - local["seconds"]) / n * 1000
    summary = {
        "files": n,
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "local": {**local, "files_per_s": n / local["seconds"]},
        "local[1]": one,
        "local[2]": two,
        "ratio_2_over_1": ratio,
        "marginal_ratio_2_over_1": marginal_ratio,
        "rounds": [{"local[1]": a, "local[2]": b} for a, b in rounds],
        "ratios_2_over_1": ratios,
        "marginal_ratios_2_over_1": marginal_ratios,
        "overhead_ms_per_file_local1_vs_local_scan": overhead_ms,
        "marginal_overhead_ms_per_file_local1_vs_local_scan": marginal_overhead_ms,
        "core_hours_per_million_files_local1": 1e6 / one["marginal_files_per_s"] / 3600,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "spark.json").write_text(json.dumps(summary, indent=2))
    print(
        f"{n} files ({args.copies} copies of corpora/dev + corpora/samples); load {load_before[0]:.1f} -> {load_after[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"  local scan (one process)   {summary['local']['files_per_s']:8.1f} files/s  ({local['seconds']:.1f} s, {local['findings']} findings)"
    )
    for r in (one, two):
        print(
            f"  spark-scan {r['master']:<15} {r['files_per_s']:8.1f} files/s  ({r['seconds']:.1f} s, "
            f"{r['findings']} findings, {r['blocked']} blocked); rerun skipping all: {r['rerun_seconds']:.1f} s; "
            f"marginal {r['marginal_files_per_s']:.1f} files/s"
        )
    each = " ".join(f"{r:.2f}" for r in ratios)
    print(
        f"  local[2] / local[1]        {ratio:8.2f}   whole runs (target >= {TARGET_RATIO}); rounds: {each}"
    )
    each = " ".join(f"{r:.2f}" for r in marginal_ratios)
    print(
        f"  local[2] / local[1]        {marginal_ratio:8.2f}   marginal (without the fixed cost of a run); rounds: {each}"
    )
    print(
        f"  overhead per file          {overhead_ms:8.1f} ms  whole run: spark-scan local[1] minus local scan"
    )
    print(f"  overhead per file          {marginal_overhead_ms:8.1f} ms  marginal")
    hours = summary["core_hours_per_million_files_local1"]
    print(f"  core-hours per 1M files    {hours:8.1f}   (marginal local[1] rate)")
    if local["findings"] != one["findings"] or one["findings"] != two["findings"]:
        print("  MISMATCH: the runs found different numbers of findings")
        return 1
    return 1 if args.check and ratio < TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
