"""Speed and memory of .xlsx scanning and masking on a roster (the attachment that leaks IDs).

    python benchmarks/office.py                  # 10,000 rows: scan, mask (with verification)
    python benchmarks/office.py --rows 50000     # a bigger roster
    python benchmarks/office.py --docx           # also a .docx with the same roster as a table
    python benchmarks/office.py --places 20      # recall and leaks per hidden place, 20 files each

Each row holds a name, an 18-digit ID, a mobile and an address under their column headers
(so every cell also carries a table hint). Reported: rows per second for the scan alone and
for the whole mask (scan + write + re-read of the masked copy), the recall of IDs and mobiles,
leaks left in the masked copy (raw zip members, tags stripped), and peak memory: the process'
peak resident set (ru_maxrss, which includes libxml2's trees that tracemalloc cannot see) and
the peak of Python allocations (tracemalloc, in a separate pass because it slows Python down).
CPU seconds are reported next to wall-clock seconds because a busy machine stretches the latter.
Results go to benchmarks/results/office.json. The values are synthetic, so printing is safe.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.factories import office  # noqa: E402

from deident.config import ScanConfig  # noqa: E402
from deident.detection.engine import Engine  # noqa: E402
from deident.masking.policy import Policy  # noqa: E402
from deident.pipeline import mask_path, scan_path  # noqa: E402


def _rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _roster_docx(rows: list[list[object]]) -> bytes:
    def cell(value: object) -> str:
        text = value if isinstance(value, str) else str(value[1])  # type: ignore[index]
        return f"<w:tc>{office.para(office.run(text))}</w:tc>"

    d = office.Docx()
    d.body.append(
        "<w:tbl>" + "".join("<w:tr>" + "".join(cell(v) for v in r) + "</w:tr>" for r in rows) + "</w:tbl>"
    )
    return d.to_bytes()


def run_one(path: Path, rows: int, values: list[str], engine: Engine, config: ScanConfig) -> dict[str, Any]:
    policy = Policy.load("gov")
    t0, c0 = time.perf_counter(), time.process_time()
    report = scan_path(path, config, engine=engine)
    scan_s, scan_cpu = time.perf_counter() - t0, time.process_time() - c0
    found = {f.text for f in report.findings}
    recall = sum(1 for v in values if v in found) / len(values)
    out = path.with_name("masked" + path.suffix)
    t0, c0 = time.perf_counter(), time.process_time()
    result = mask_path(path, out, config, policy, engine=engine)
    mask_s, mask_cpu = time.perf_counter() - t0, time.process_time() - c0
    leaks = len(office.leaks(out.read_bytes(), values)) if result.ok else None
    tracemalloc.start()
    scan_path(path, config, engine=engine)
    _current, py_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "file": path.name,
        "rows": rows,
        "bytes": path.stat().st_size,
        "status": report.status.value,
        "findings": len(report.findings),
        "recall_id_mobile": round(recall, 4),
        "scan_seconds": round(scan_s, 2),
        "scan_rows_per_s": round(rows / scan_s),
        "scan_cpu_seconds": round(scan_cpu, 2),
        "scan_rows_per_cpu_s": round(rows / scan_cpu),
        "mask_seconds": round(mask_s, 2),
        "mask_rows_per_s": round(rows / mask_s),
        "mask_cpu_seconds": round(mask_cpu, 2),
        "mask_rows_per_cpu_s": round(rows / mask_cpu),
        "masked_ok": result.ok,
        "leaks": leaks,
        "python_peak_mb": round(py_peak / 2**20, 1),
    }


def places(n: int, engine: Engine, config: ScanConfig) -> dict[str, Any]:
    """Recall and leaks per hidden place: `n` generated files of each kind (new values each)."""
    policy = Policy.load("gov")
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="deident-bench-") as tmp:
        for suffix, cases in ((".docx", office.DOCX_CASES), (".xlsx", office.XLSX_CASES)):
            for name, make in sorted(cases.items()):
                total = found = leaked = blocked = 0
                for i in range(n):
                    data, values = make() if name != "roster" else office.xlsx_roster(5)
                    path = Path(tmp) / f"{name}-{i}{suffix}"
                    path.write_bytes(data)
                    report = scan_path(path, config, engine=engine)
                    texts = [f.text for f in report.findings]
                    total += len(values)
                    found += sum(1 for v in values if any(v in t for t in texts))
                    out = Path(tmp) / "out" / path.name
                    masked = mask_path(path, out, config, policy, engine=engine)
                    if masked.ok:
                        leaked += len(office.leaks(out.read_bytes(), values))
                    else:
                        blocked += 1
                result[f"{suffix[1:]}:{name}"] = {
                    "values": total,
                    "recall": round(found / total, 4),
                    "leaks": leaked,
                    "mask_refused": blocked,
                }
                print(f"{suffix[1:]}:{name:<24} recall {found}/{total}  leaks {leaked}  refused {blocked}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--docx", action="store_true", help="also measure a .docx with the roster as a table")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--places", type=int, metavar="N", help="recall and leaks per hidden place instead")
    args = parser.parse_args(argv)

    config = ScanConfig()
    engine = Engine.create(config)
    if args.places:
        per_place = places(args.places, engine, config)
        out = ROOT / "benchmarks" / "results" / "office_places.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(per_place, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0
    rows, values = office.roster_rows(args.rows, random.Random(args.seed))
    baseline = _rss_mb()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="deident-bench-") as tmp:
        x = office.Xlsx()
        x.sheets.append(office.Sheet("公示名单", rows))
        path = Path(tmp) / "roster.xlsx"
        path.write_bytes(x.to_bytes())
        results.append(run_one(path, args.rows, values, engine, config))
        if args.docx:
            dpath = Path(tmp) / "roster.docx"
            dpath.write_bytes(_roster_docx(rows))
            results.append(run_one(dpath, args.rows, values, engine, config))
    summary = {"rss_after_engine_mb": round(baseline, 1), "peak_rss_mb": round(_rss_mb(), 1), "runs": results}
    for r in results:
        print(
            f"{r['file']:<12} {r['rows']} rows, {r['bytes'] / 2**20:.1f} MB: "
            f"scan {r['scan_seconds']} s ({r['scan_rows_per_s']} rows/s; CPU {r['scan_cpu_seconds']} s), "
            f"mask+verify {r['mask_seconds']} s ({r['mask_rows_per_s']} rows/s; CPU {r['mask_cpu_seconds']} s), "
            f"recall {r['recall_id_mobile']}, leaks {r['leaks']}, python peak {r['python_peak_mb']} MB"
        )
    print(
        f"process peak RSS {summary['peak_rss_mb']} MB (after loading the engine: {summary['rss_after_engine_mb']} MB)"
    )
    out = ROOT / "benchmarks" / "results" / "office.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
