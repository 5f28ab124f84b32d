"""PDF attachments: recall, leaks and speed on LibreOffice exports of the labelled corpus.

    python benchmarks/pdf.py                 # corpora/dev documents + wrapped-cell rosters
    python benchmarks/pdf.py --n 30 --check  # fewer documents; exit 1 when a target is missed

Every corpus document (corpora/generate.py, seed 1) becomes a .docx (tab-separated lines
become a bordered table with a narrow ID column, so long numbers wrap inside cells) and then
a PDF through LibreOffice (embedded subset CJK fonts). Two 40-row rosters add rows split by
page breaks. Reported:

- recall of the structured entities (ID, mobile, landline, bank card, passport, travel
  permit, plate, e-mail): a label counts as found when a finding of its type has the same
  value (digits/letters, after NFKC); the target set leaves out values made invalid on
  purpose (bad checksum, unallocated prefix), as benchmarks/accuracy.py does;
- misses (structured labels not found) and leaks are listed by file, entity and variant;
- leaks: every labelled value searched in the masked copy with poppler's pdftotext and with
  PDFium (pypdfium2), raw and with whitespace removed; target zero for structured values;
- speed: deident's scan of each PDF with both readings (the structured one on PDFium's glyphs,
  the second one: PDFium's text, every object, revision and attachment; issue 17) against
  pdfminer.six's own ``extract_text`` of the same file (ratio of total times; target <= 0.5),
  the second reading's share of that, and masking throughput in pages per second (masking
  walks the glyphs with pdfminer and verifies the copy by both readings).

Results go to benchmarks/results/pdf.json. The values are synthetic, so printing is safe.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corpora.generate import generate_documents  # noqa: E402
from tests.factories import pdf as pdf_factory  # noqa: E402

from deident.config import ScanConfig  # noqa: E402
from deident.detection.engine import Engine  # noqa: E402
from deident.detection.spec import structured_entities  # noqa: E402
from deident.masking.policy import Policy  # noqa: E402
from deident.pipeline import mask_path, scan_path  # noqa: E402
from deident.verify.compare import second_findings  # noqa: E402

STRUCTURED = structured_entities()
NOT_TARGET_VARIANTS = {"checksum_invalid", "luhn_invalid", "unallocated"}
_KEEP = re.compile(r"[^0-9A-Za-z@.\u3400-\u9fff]")


def norm(s: str) -> str:
    return _KEEP.sub("", unicodedata.normalize("NFKC", s)).upper()


def _docx(path: Path, text: str) -> None:
    import docx
    from docx.shared import Cm

    d = docx.Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if "\t" not in lines[i]:
            run = d.add_paragraph().add_run(lines[i])
            pdf_factory._set_cjk_font(run, 10.5)
            i += 1
            continue
        rows = []
        while i < len(lines) and "\t" in lines[i]:
            rows.append(lines[i].split("\t"))
            i += 1
        ncols = max(len(r) for r in rows)
        table = d.add_table(rows=len(rows), cols=ncols)
        table.style = "Table Grid"
        table.autofit = False
        header = rows[0]
        for c in range(ncols):
            h = header[c] if c < len(header) else ""
            # Narrow number columns: Word/WPS rosters wrap IDs and cards inside the cell.
            width = Cm(1.8) if re.search(r"身份证|证件|账号|卡号", h) else Cm(16.0 / ncols)
            for r, row in enumerate(rows):
                cell = table.cell(r, c)
                cell.width = width
                cell.paragraphs[0].text = ""
                pdf_factory._set_cjk_font(cell.paragraphs[0].add_run(row[c] if c < len(row) else ""), 9)
    d.save(str(path))


def _convert_all(docx_files: list[Path], out_dir: Path) -> None:
    profile = Path(tempfile.gettempdir()) / f"lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(out_dir)]
            + [str(p) for p in docx_files],
            check=True,
            capture_output=True,
            timeout=1800,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def build_inputs(work: Path, n: int) -> list[tuple[Path, list[dict[str, Any]]]]:
    """(pdf, labels) for n corpus documents and two wrapped-cell rosters."""
    docs = generate_documents(1, n)
    items: list[tuple[Path, list[dict[str, Any]]]] = []
    docx_files = []
    for name, doc in docs:
        p = work / (Path(name).stem + ".docx")
        _docx(p, doc.text)
        docx_files.append(p)
        labels = [
            {"entity_type": s["entity_type"], "value": s.get("value", s["text"]), "variant": s["variant"]}
            for s in doc.spans
        ]
        items.append((work / (Path(name).stem + ".pdf"), labels))
    for k in range(2):
        rows = pdf_factory.roster_rows(random.Random(100 + k), 40)
        p = pdf_factory.roster_docx(work / f"roster_{k}.docx", rows, id_col_cm=1.6 + 0.2 * k)
        docx_files.append(p)
        labels = []
        for r in rows:
            labels += [
                {"entity_type": "CN_RESIDENT_ID", "value": r.resident_id, "variant": "wrapped_cell"},
                {"entity_type": "CN_MOBILE", "value": r.mobile, "variant": "table"},
                {"entity_type": "PERSON", "value": r.name, "variant": "table"},
                {"entity_type": "CN_ADDRESS", "value": r.address, "variant": "table"},
            ]
        items.append((work / f"roster_{k}.pdf", labels))
    _convert_all(docx_files, work)
    return [(p, labels) for p, labels in items if p.exists()]


def _pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def run(n: int) -> dict[str, Any]:
    from pdfminer.high_level import extract_text

    config = ScanConfig(ocr=False)
    engine = Engine.create(config)
    policy = Policy.load("gov")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = build_inputs(work, n)
        (work / "masked").mkdir()
        # Warm both paths (imports, recognizer compilation) before timing.
        scan_path(inputs[0][0], config, engine=engine)
        extract_text(str(inputs[0][0]))
        t_scan = t_ref = t_mask = t_second = 0.0
        pages = 0
        total = found = target_total = target_found = 0
        leaks_structured: list[str] = []
        leaks_other: list[str] = []
        misses: list[str] = []
        blocked: list[str] = []
        per_entity: dict[str, list[int]] = {}
        for path, labels in inputs:
            t0 = time.perf_counter()
            extract_text(str(path))
            t_ref += time.perf_counter() - t0
            t0 = time.perf_counter()
            report = scan_path(path, config, engine=engine)
            t_scan += time.perf_counter() - t0
            t0 = time.perf_counter()
            second_findings(path, config, engine)
            t_second += time.perf_counter() - t0
            if report.status.value == "blocked":
                blocked.append(f"{path.name}: {report.reason}")
                continue
            got: dict[str, set[str]] = {}
            for f in report.findings:
                got.setdefault(f.entity_type, set()).add(norm(f.text))
            for lab in labels:
                if lab["entity_type"] not in STRUCTURED:
                    continue
                v = norm(lab["value"])
                hit = v in got.get(lab["entity_type"], set())
                if not hit:
                    misses.append(f"{path.name}: {lab['entity_type']} {lab['value']} ({lab['variant']})")
                total += 1
                found += hit
                per_entity.setdefault(lab["entity_type"], [0, 0])
                per_entity[lab["entity_type"]][0] += 1
                per_entity[lab["entity_type"]][1] += hit
                if lab["variant"] not in NOT_TARGET_VARIANTS:
                    target_total += 1
                    target_found += hit
            out = work / "masked" / path.name
            npages = _pages(path)
            t0 = time.perf_counter()
            rep = mask_path(path, out, config, policy, engine=engine)
            t_mask += time.perf_counter() - t0
            pages += npages
            if not rep.ok:
                blocked.append(f"{path.name} (mask): {rep.report.reason}")
                continue
            texts = [norm(pdf_factory.poppler_text(out)), norm(pdf_factory.pdfium_text(out))]
            for lab in labels:
                v = norm(lab["value"])
                if len(v) < 2 or not any(v in t for t in texts):
                    continue
                if lab["entity_type"] in STRUCTURED and lab["variant"] not in NOT_TARGET_VARIANTS:
                    leaks_structured.append(f"{path.name}: {lab['entity_type']} {lab['value']}")
                else:
                    leaks_other.append(f"{path.name}: {lab['entity_type']} {lab['value']} ({lab['variant']})")
    return {
        "documents": len(inputs),
        "pages": pages,
        "recall_structured_all": round(found / max(total, 1), 4),
        "recall_structured_target": round(target_found / max(target_total, 1), 4),
        "labels_structured_target": target_total,
        "recall_per_entity": {k: round(v[1] / v[0], 4) for k, v in sorted(per_entity.items())},
        "misses_structured": misses,
        "leaks_structured": leaks_structured,
        "leaks_other_values": leaks_other,
        "blocked": blocked,
        "scan_seconds": round(t_scan, 3),
        "pdfminer_extract_text_seconds": round(t_ref, 3),
        "scan_vs_pdfminer_ratio": round(t_scan / max(t_ref, 1e-9), 3),
        "second_reading_seconds": round(t_second, 3),
        "mask_pages_per_second": round(pages / max(t_mask, 1e-9), 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=90, help="corpus documents to convert (default 90)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        print("needs LibreOffice (soffice) and poppler-utils (pdftotext)", file=sys.stderr)
        return 2
    result = run(args.n)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pdf.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    missed = (
        result["recall_structured_target"] < 0.99
        or result["leaks_structured"]
        or result["scan_vs_pdfminer_ratio"] > 0.5
    )
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
