"""Scanned images and legacy Office files: recall, leaks after masking, throughput.

    python benchmarks/ocr.py                   # 8 pages per dpi (150, 200, 300), 6 legacy files
    python benchmarks/ocr.py --pages 20 --legacy 12
    python benchmarks/ocr.py --check           # exit 1 when a target is missed (for CI)

Scans: lines of `corpora/dev` that hold resident IDs and mobiles (deliberately invalid values
left out) are rendered at 150, 200 and 300 dpi with the WenQuanYi Zen Hei font, then
rotated by up to ±1.5°, blurred, grained and JPEG-compressed (`tests/factories/scans.py`).
Each page goes through `deident.pipeline.scan_path` (OCR + engine) as a .png file:
recall counts the printed values found with the right entity type. Each page is then masked
with the `gov` policy (`mask_path`, which re-reads its own output before writing it) and
the masked file is read by rapidocr called directly (not through deident): a leak is a
printed value still readable there (NFKC-folded, separators removed).

Legacy: .doc and .xls files made by LibreOffice from corpus documents are scanned through
`scan_path` (conversion + Office reader + engine): files/s, one process, profiles reused.

Targets (issue 7): ID and mobile recall >= 0.95; zero leaks. Results go to
benchmarks/results/ocr.json. The corpus values are synthetic, so printing them is safe.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.factories import scans  # noqa: E402

from deident.config import ScanConfig  # noqa: E402
from deident.detection.engine import Engine  # noqa: E402
from deident.masking.policy import Policy  # noqa: E402
from deident.pipeline import mask_path, scan_path  # noqa: E402

TARGET_RECALL = 0.95
DPIS = (150, 200, 300)
_SEPARATORS = re.compile(r"[^0-9A-Za-z]")


def norm(s: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", s)).upper()


def independent_ocr(path: Path) -> str:
    import numpy as np
    from PIL import Image
    from rapidocr_onnxruntime import RapidOCR

    reader = getattr(independent_ocr, "_reader", None)
    if reader is None:
        reader = RapidOCR()
        independent_ocr._reader = reader  # type: ignore[attr-defined]
    result, _ = reader(np.asarray(Image.open(path).convert("RGB"))[:, :, ::-1])
    return "".join(str(r[1]) for r in result or ())


def bench_scans(pages_per_dpi: int, corpus: Path, work: Path, seed: int) -> dict[str, Any]:
    config = ScanConfig()
    engine = Engine.create(config)
    policy = Policy.load("gov")
    per: dict[str, Counter[str]] = {}
    misses: list[str] = []
    leaks: list[str] = []
    refused: list[str] = []
    scan_seconds = 0.0
    pages_done = 0
    for dpi in DPIS:
        pages = scans.corpus_pages(corpus, dpi=dpi, rng=random.Random(seed + dpi), limit=pages_per_dpi)
        for k, page in enumerate(pages):
            src = work / f"scan_{dpi}_{k}.png"
            page.image.save(src, dpi=(dpi, dpi))
            t0 = time.perf_counter()
            report = scan_path(src, config, engine=engine)
            scan_seconds += time.perf_counter() - t0
            pages_done += 1
            found: dict[str, set[str]] = {}
            for f in report.findings:
                found.setdefault(f.entity_type, set()).add(norm(f.text))
            for entity, value in page.truth:
                c = per.setdefault(f"{entity}@{dpi}", Counter())
                v = norm(value)
                ok = any(v in t for t in found.get(entity, ()))
                c["found" if ok else "missed"] += 1
                if not ok:
                    misses.append(f"{dpi} dpi {page.source}: {entity} {value}")
            masked = mask_path(src, work / "out" / src.name, config, policy, engine=engine)
            if masked.output is None:
                refused.append(f"{dpi} dpi {page.source}: {masked.report.reason}")
                continue
            text = norm(independent_ocr(Path(masked.output)))
            leaks.extend(f"{dpi} dpi {page.source}: {e} {v}" for e, v in page.truth if norm(v) in text)
    totals: Counter[str] = Counter()
    by_entity: dict[str, Counter[str]] = {}
    for key, c in per.items():
        entity = key.split("@")[0]
        by_entity.setdefault(entity, Counter()).update(c)
        totals.update(c)
    recall = {
        key: c["found"] / max(c["found"] + c["missed"], 1)
        for key, c in sorted({**per, **{e: c for e, c in by_entity.items()}}.items())
    }
    return {
        "pages": pages_done,
        "values": sum(totals.values()),
        "recall": recall,
        "misses": misses,
        "leaks": leaks,
        "mask_refused": refused,
        "scan_pages_per_s": pages_done / scan_seconds if scan_seconds else None,
    }


def bench_legacy(n: int, corpus: Path, work: Path) -> dict[str, Any]:
    from deident.formats.legacy.document import libreoffice

    if libreoffice.find_soffice() is None:
        return {"skipped": "LibreOffice not installed"}
    docs = sorted(corpus.glob("*.txt"))[: max(n // 2, 1)]
    files: list[Path] = []
    for k, doc in enumerate(docs):
        paras = [p for p in doc.read_text(encoding="utf-8").splitlines() if p.strip()][:40]
        files.append(scans.make_doc(work / f"legacy_{k}.doc", paras))
        rows = [line.split("\t") for line in paras if "\t" in line] or [[p] for p in paras]
        files.append(scans.make_xls(work / f"legacy_{k}.xls", rows))
    config = ScanConfig()
    engine = Engine.create(config)
    scan_path(files[0], config, engine=engine)  # warm-up: first profile creation is not throughput
    statuses: Counter[str] = Counter()
    t0 = time.perf_counter()
    for path in files:
        statuses[scan_path(path, config, engine=engine).status.value] += 1
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    for k, path in enumerate(files):
        out = work / f"conv_{k}"
        out.mkdir()
        libreoffice.convert(path, "xlsx" if path.suffix == ".xls" else "docx", out, timeout_s=120)
    convert_seconds = time.perf_counter() - t1
    return {
        "files": len(files),
        "statuses": dict(statuses),
        "scan_files_per_s": len(files) / seconds,
        "convert_only_files_per_s": len(files) / convert_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=8, help="pages per dpi (default 8)")
    ap.add_argument("--legacy", type=int, default=6, help="legacy files (half .doc, half .xls)")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "dev")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="deident-bench-ocr-") as tmp:
        work = Path(tmp)
        scan = bench_scans(args.pages, args.corpus, work, args.seed)
        legacy = bench_legacy(args.legacy, args.corpus, work) if args.legacy else {"skipped": "--legacy 0"}

    print(f"Scans: {scan['pages']} pages, {scan['values']} printed IDs and mobiles")
    for key, r in scan["recall"].items():
        mark = "<" if r < TARGET_RECALL else " "
        print(f"  {mark} recall {key:<24} {r:.3f}")
    print(f"  leaks after masking (independent re-OCR): {len(scan['leaks'])}")
    print(f"  masking refused by verification: {len(scan['mask_refused'])}")
    for line in scan["mask_refused"][:20]:
        print("    refused:", line)
    print(f"  scan throughput: {scan['scan_pages_per_s']:.2f} pages/s (OCR + detection, one process)")
    for line in scan["misses"][:20]:
        print("    missed:", line)
    for line in scan["leaks"][:20]:
        print("    LEAK:", line)
    if "skipped" in legacy:
        print(f"Legacy: skipped ({legacy['skipped']})")
    else:
        print(
            f"Legacy: {legacy['files']} files {legacy['statuses']}: scan {legacy['scan_files_per_s']:.2f} files/s, "
            f"conversion alone {legacy['convert_only_files_per_s']:.2f} files/s"
        )

    results = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "scans": scan,
        "legacy": legacy,
        "targets": {"recall": TARGET_RECALL, "leaks": 0},
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ocr.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")

    entity_recall = [r for k, r in scan["recall"].items() if "@" not in k]
    ok = all(r >= TARGET_RECALL for r in entity_recall) and not scan["leaks"]
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
