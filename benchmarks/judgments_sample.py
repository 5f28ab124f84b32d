"""Build `corpora/external/judgments/sample.jsonl`: court-judgment sentences with names put back.

Published judgments are pseudonymised (被告人黄某某), so no public corpus of judgments carries the
names a government site must mask. This sample takes judgment prose others wrote and annotated
(LawBench task 2-6, the CAIL2021 information-extraction sentences from theft judgments: 500
sentences with 犯罪嫌疑人 and 受害人 labelled) and puts a name back in place of each pseudonym:
the surname stays (黄某某 -> 黄 + a given name), the given name is drawn by frequency from the
1,000 commonest given names of the 2008 household register (psychbruce/ChineseNames,
top1000name.prov.csv). The sentence shapes, the cue words and the surnames are the judges'; only
the given names are ours. One pseudonym gets one name within a sentence (张某甲 and 张某乙 two).

    python benchmarks/judgments_sample.py /work/.mirror     # clones as <dir>/<owner>+<name>/repo
    python benchmarks/names.py --split test                 # measures it with the other samples

Splits: the first 250 sentences `dev` (for development), the last 250 `test`.

A second, larger development sample, `corpora/external/judgments_facts/sample.jsonl` (split `dev`
only, never measured as a held-out figure), is built the same way from LawBench task 3-3: the
fact sections of 500 CAIL2018 criminal judgments (all crimes, not only theft). Its pseudonyms are
not labelled, so a pseudonym counts as a person when it comes right after a person cue (被告人,
被害人, 证人 …) or after another such pseudonym in a 、 list, and then every mention of it is
replaced and labelled. Facts that hold a sentence of the 2-6 sample are left out.

Neither source is shipped or committed (LawBench is Apache-2.0 but its 2-6 data follows CAIL2021's terms;
ChineseNames is GPL-3): the sample is built locally and git-ignored, like the other samples.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "corpora" / "external" / "judgments" / "sample.jsonl"
LAWBENCH = ("open-compass/LawBench", "data/zero_shot/2-6.json")
FACTS = ("open-compass/LawBench", "data/zero_shot/3-3.json")
FACTS_OUT = ROOT / "corpora" / "external" / "judgments_facts" / "sample.jsonl"
NAMES = ("psychbruce/ChineseNames", "data-csv/top1000name.prov.csv")
PERSON_LABELS = ("犯罪嫌疑人", "受害人")
# A pseudonym: a surname (one or two characters) and 某某 / 某 / 某甲…
_PSEUDONYM = re.compile(r"^([\u4e00-\u9fff]{1,2}?)某([某甲乙丙丁戊己庚辛壬癸]?)$")


def _show(mirrors: Path, repo: str, path: str) -> str:
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    out = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], check=True, capture_output=True
    )
    return out.stdout.decode("utf-8-sig")


def _given_names(raw: str) -> tuple[list[str], list[int]]:
    names, weights = [], []
    for row in csv.DictReader(io.StringIO(raw)):
        names.append(row["name"])
        weights.append(int(row["n.male"]) + int(row["n.female"]))
    return names, weights


def _pseudonyms(answer: str) -> set[str]:
    found = set()
    for part in answer.split(";"):
        label, _, values = part.partition(":")
        if label in PERSON_LABELS:
            found.update(v for v in values.split("、") if _PSEUDONYM.match(v))
    return found


def rows(lawbench: str, names_csv: str, seed: int = 20261206) -> list[dict[str, Any]]:
    items = json.loads(lawbench)
    names, weights = _given_names(names_csv)
    rng = random.Random(seed)
    out = []
    for n, item in enumerate(items):
        text = item["question"].removeprefix("句子:")
        pseudo = _pseudonyms(item["answer"])
        chosen = {p: _PSEUDONYM.match(p).group(1) + rng.choices(names, weights)[0] for p in sorted(pseudo)}  # type: ignore[union-attr]
        # Longest first, so 张某甲 is replaced before a 张某 inside it could be.
        pattern = (
            re.compile("|".join(map(re.escape, sorted(chosen, key=len, reverse=True)))) if chosen else None
        )
        pieces, spans, at = [], [], 0
        for m in pattern.finditer(text) if pattern else ():
            pieces.append(text[at : m.start()])
            start = sum(map(len, pieces))
            name = chosen[m.group()]
            pieces.append(name)
            spans.append([start, start + len(name), "PERSON"])
            at = m.end()
        pieces.append(text[at:])
        split = "dev" if n < len(items) // 2 else "test"
        out.append({"text": "".join(pieces), "spans": spans, "split": split})
    return out


# In free text: a surname, 某 and what tells two pseudonyms of one surname apart (某某, 某甲, 某1).
_FACT_PSEUDONYM = re.compile(r"([\u4e00-\u9fff])某(某|[甲乙丙丁戊己庚辛壬癸]|[0-9])?")
_FACT_CUES = re.compile(
    r"(?:被告人|被害人|犯罪嫌疑人|嫌疑人|受害人|证人|同案犯|同案人|罪犯|原告人?|被告|上诉人|申请人|被害单位负责人)$"
)


def fact_rows(
    lawbench: str, names_csv: str, exclude: list[str], seed: int = 20261207
) -> list[dict[str, Any]]:
    from deident.detection.names.surnames import SINGLE

    items = json.loads(lawbench)
    names, weights = _given_names(names_csv)
    rng = random.Random(seed)
    out = []
    for item in items:
        text = item["question"].removeprefix("事实:").strip()
        if any(x in text for x in exclude):
            continue
        tokens = [m for m in _FACT_PSEUDONYM.finditer(text) if m.group(1) in SINGLE]
        persons: set[str] = set()
        for m in tokens:
            before = text[max(0, m.start() - 8) : m.start()]
            listed = before.endswith("、") and before[:-1].endswith(tuple(persons)) if persons else False
            if _FACT_CUES.search(before) or listed:
                persons.add(m.group())
        chosen = {p: p[0] + rng.choices(names, weights)[0] for p in sorted(persons)}
        pieces, spans, at = [], [], 0
        for m in tokens:
            if m.group() not in chosen:
                continue
            pieces.append(text[at : m.start()])
            start = sum(map(len, pieces))
            pieces.append(chosen[m.group()])
            spans.append([start, start + len(chosen[m.group()]), "PERSON"])
            at = m.end()
        pieces.append(text[at:])
        out.append({"text": "".join(pieces), "spans": spans, "split": "dev"})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mirrors", type=Path, help="directory holding owner+name/repo clones")
    args = ap.parse_args()
    built = rows(_show(args.mirrors, *LAWBENCH), _show(args.mirrors, *NAMES))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in built), encoding="utf-8")
    spans = sum(len(r["spans"]) for r in built)
    print(f"judgments: {len(built)} sentences, {spans} names -> {OUT.relative_to(ROOT)}")
    exclude = [item["question"].removeprefix("句子:") for item in json.loads(_show(args.mirrors, *LAWBENCH))]
    facts = fact_rows(_show(args.mirrors, *FACTS), _show(args.mirrors, *NAMES), exclude)
    FACTS_OUT.parent.mkdir(parents=True, exist_ok=True)
    FACTS_OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in facts), encoding="utf-8")
    spans = sum(len(r["spans"]) for r in facts)
    print(f"judgments_facts: {len(facts)} facts, {spans} names -> {FACTS_OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
