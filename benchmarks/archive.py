"""Speed of scanning a zip of rosters beside scanning the same files unpacked (issue 13).

    python benchmarks/archive.py                      # 500 .xlsx rosters of 20 rows, 2 rounds
    python benchmarks/archive.py --members 100 --rows 50 --check

The zip holds `--members` rosters (name, ID, mobile under their column headers) in folders,
with GBK names as Windows writes them. Pass A scans every unpacked file with `scan_path` (one
engine for all, as `deident scan DIR` does); pass B scans the zip once. Both passes run
`--rounds` times, alternated, and the fastest round of each counts (a shared machine adds noise
only upward). Reported: CPU and wall seconds, members per second, the ratio A/B (target >= 0.8:
the zip costs at most 25% more than the unpacked files), and recall of IDs and mobiles in both.
`--mask` also times masking the zip (with verification of the masked copy).
Results go to benchmarks/results/archive.json. The values are synthetic, so printing is safe.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.factories.archives import make_zip, roster_xlsx  # noqa: E402

from deident.config import ScanConfig  # noqa: E402
from deident.detection.engine import Engine  # noqa: E402
from deident.masking.policy import Policy  # noqa: E402
from deident.pipeline import mask_path, scan_path  # noqa: E402

TARGET = 0.8


def build(root: Path, members: int, rows: int) -> tuple[Path, Path, list[str]]:
    rng = random.Random(13)
    files: dict[str, bytes] = {}
    values: list[str] = []
    for i in range(members):
        data, vals = roster_xlsx(rows, rng)
        files[f"第{i // 50 + 1}批/{i + 1:04d}_补贴名单.xlsx"] = data
        values += [v for v in vals if v.isascii()]  # IDs and mobiles (names are judged elsewhere)
    unpacked = root / "unpacked"
    for name, data in files.items():
        p = unpacked / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    archive = root / "附件.zip"
    archive.write_bytes(make_zip(files, gbk=True))
    return unpacked, archive, values


def _timed(fn: Any) -> tuple[Any, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def run(members: int, rows: int, rounds: int, mask: bool) -> dict[str, Any]:
    config = ScanConfig()
    engine = Engine.create(config)
    with tempfile.TemporaryDirectory(prefix="deident-bench-archive-") as tmp:
        unpacked, archive, values = build(Path(tmp), members, rows)
        files = sorted(p for p in unpacked.rglob("*") if p.is_file())
        best_a = best_b = (float("inf"), float("inf"))
        found_a: set[str] = set()
        found_b: set[str] = set()
        for _ in range(rounds):
            reports, cpu, wall = _timed(lambda: [scan_path(p, config, engine=engine) for p in files])
            best_a = min(best_a, (cpu, wall))
            found_a = {f.text for r in reports for f in r.findings}
            report, cpu, wall = _timed(lambda: scan_path(archive, config, engine=engine))
            best_b = min(best_b, (cpu, wall))
            found_b = {f.text for f in report.findings}
            if report.status.value == "blocked":
                raise SystemExit(f"the zip was blocked: {report.reason} ({report.detail})")
        result: dict[str, Any] = {
            "members": members,
            "rows_per_member": rows,
            "zip_bytes": archive.stat().st_size,
            "unpacked": {"cpu_s": round(best_a[0], 3), "wall_s": round(best_a[1], 3)},
            "zip": {"cpu_s": round(best_b[0], 3), "wall_s": round(best_b[1], 3)},
            "members_per_s_zip": round(members / best_b[0], 1),
            "ratio_cpu": round(best_a[0] / best_b[0], 3),
            "ratio_wall": round(best_a[1] / best_b[1], 3),
            "recall_unpacked": round(sum(v in found_a for v in values) / len(values), 4),
            "recall_zip": round(sum(v in found_b for v in values) / len(values), 4),
            "target": TARGET,
        }
        if mask:
            out = Path(tmp) / "out" / "附件.zip"
            masked, cpu, wall = _timed(
                lambda: mask_path(archive, out, config, Policy.load("gov"), engine=engine)
            )
            result["mask"] = {"ok": masked.ok, "cpu_s": round(cpu, 3), "wall_s": round(wall, 3)}
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=500)
    ap.add_argument("--rows", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--mask", action="store_true", help="also time masking the zip")
    ap.add_argument("--check", action="store_true", help=f"exit 1 when the CPU ratio is below {TARGET}")
    args = ap.parse_args(argv)
    r = run(args.members, args.rows, args.rounds, args.mask)
    print(f"{r['members']} rosters x {r['rows_per_member']} rows, zip {r['zip_bytes'] / 1e6:.1f} MB")
    print(f"  unpacked files : {r['unpacked']['cpu_s']:8.2f} s CPU  {r['unpacked']['wall_s']:8.2f} s wall")
    print(f"  one zip        : {r['zip']['cpu_s']:8.2f} s CPU  {r['zip']['wall_s']:8.2f} s wall")
    ok = r["ratio_cpu"] >= TARGET
    print(
        f"  speed ratio unpacked/zip: {r['ratio_cpu']:.3f} CPU, {r['ratio_wall']:.3f} wall "
        f"(target >= {TARGET}) {'ok' if ok else 'MISSED'}"
    )
    print(f"  recall of IDs and mobiles: unpacked {r['recall_unpacked']:.4f}, zip {r['recall_zip']:.4f}")
    if "mask" in r:
        print(f"  mask the zip: {r['mask']['cpu_s']:.2f} s CPU (written: {r['mask']['ok']})")
    out = ROOT / "benchmarks" / "results" / "archive.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(r, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
