"""Build `corpora/external/judgment_scenes/sample.jsonl`: homes named as incident scenes in judgments.

Issue #19 asks for CN_ADDRESS recall >= 0.80 on incident scenes in judgments that are homes
(`在其位于…的家中`, `…出租屋`, `…号民房楼下`). The sentences and their scene spans are LawBench's
(task 2-6, CAIL2021's information extraction from theft judgments, label 地点); a scene is kept
when it is a dwelling (家中, 出租屋, 民房, 宿舍, a room or a unit number …) and ends in a house
number, a room or a village group, not a hotel, shop, office or site. Published judgments blank
the specific parts (`温州市龙湾区**街道**路**栋**号即被害人施某某家中`), so every `*` run is
filled: before a unit word (号, 栋, 室, 组 …) with a number, before a place word (路, 村, 小区,
街道 …) with the stem of a real name of that kind drawn from the address-parsing corpus
(leodotnet/neural-chinese-address-parsing, `data/train.txt`, labels road / community / poi /
town / subpoi). The sentence shapes, cue words and scene boundaries are the judges'; only the
blanked parts are filled in.

The gold span is the street-level part the `gov` preset masks: from after the last
administrative division (省/市/区/县/镇/乡/街道) to the end of the house number chain
(`张岭村264号`, `海丰北路12栋3号`, `周台村三组`); the division prefix may stay readable.

    python benchmarks/scenes_sample.py /work/.mirror      # clones as <dir>/<owner>+<name>/repo
    python benchmarks/names.py --only judgment_scenes     # measures it

Splits: scenes from LawBench's first 250 sentences `dev`, from its last 250 `test` (both read
while the rules were written: neither is held out). A fresh sample comes from the full CAIL2021
stage-2 set (`xxcq_mid.json`, 5,247 sentences, as isLouisHsu/CAIL2021-information-extraction keeps
it), the sentences LawBench took left out: each sentence's split is fixed by a hash of its id
before any rule was written, one in three to `dev` (development grows), the rest to `test2`, the
held-out split nobody reads while writing rules (`--show` prints no `test2` scene). The 地点 spans
are the annotators' own offsets; the same dwelling filter, filling and gold rule apply.

Every sentence whose 地点 spans are no homes comes along with no gold span (its blanks filled
alike, by a second random stream so the home rows stay as they were): what the scan reports there
counts against precision. Local-only and git-ignored like the other samples (CAIL2021's terms; the
address corpus states no licence).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "corpora" / "external" / "judgment_scenes" / "sample.jsonl"
LAWBENCH = ("open-compass/LawBench", "data/zero_shot/2-6.json")
ADDRESSES = ("leodotnet/neural-chinese-address-parsing", "data/train.txt")
CAIL = ("isLouisHsu/CAIL2021-information-extraction", "data/信息抽取_第二阶段/xxcq_mid.json")
HELD_OUT = "test2"

# A dwelling: in the scene or in the words right after it (…的家中, …出租屋, …227号被害人胡某某宅).
_HOME = re.compile(
    r"家中|家里|的家|家楼|家门|住处|住所|住宅|出租屋|出租房|租房|民房|宿舍|寝室|居民楼|室|单元|号楼|"
    r"某[甲乙丙丁0-9]?的?[家宅]|家属楼|家属院"
)
_NOT_HOME = re.compile(
    r"酒店|宾馆|旅馆|旅社|超市|店|市场|工地(?![^，,]{0,6}宿舍)|学校|小学|中学|医院|网吧|餐馆|饭店|广场|茶楼|局|办公|项目部|馆|"
    r"公司(?!宿舍)|厂(?!宿舍|家属)|车站|停车|银行|加油站|寺|庙|病房|病床|住院部|地块|上述|^[该此]|"
    r"写字楼|中心|会所|水疗|养生|诊所|卫生|医|办事处|商行|烟酒行"
)
# A business or a workplace named right after the scene (…7-103室烟酒行门口, …一楼4号诊室).
_NOT_HOME_AFTER = re.compile(
    r"[^，,。；;、]{0,4}?(?:店|商行|烟酒行|超市|公司|诊室|值班室|办公室|门市|车间|仓库|工地)"
)
# Real names that would turn a filled home into an institution (幼儿园, 产业园, 科技园 …).
_INSTITUTION = re.compile(
    r"幼儿|产业|工业|科技|物流|创业|创意|商务|商贸|医|校|厂|公司|中心|广场|商城|市场|基地|农业|生态|园区"
)
_NUM = r"[0-9０-９A-Za-z一二三四五六七八九十百零\-]+"
# 门 and 梯 number a building's entrances and stairwells (736号楼2门280室, 19栋3梯115室).
_UNITS = r"号楼|号院|号|栋|幢|座|单元|门|梯|层|楼|室|房|组|队|社|排|附"
_CHAIN = re.compile(rf"(?:{_NUM}(?:{_UNITS}))+")
_FLOORS = re.compile(rf"(?:{_NUM}(?<!号)(?:楼|层))+")
# Divisions that stay readable; 小区/社区/园区… are street level.
_ADMIN = re.compile(
    r"(?:省|自治区|市|州|盟|地区|县|旗|(?<![小社园校厂景城矿营片])区|镇|乡|街道|办事处|街办|办)"
)
# What a blanked run is, by the word after it: (label in the address corpus, suffixes).
_KINDS = (
    ("town", ("街道", "镇", "乡")),
    ("community", ("社区", "村")),
    ("road", ("大道", "路", "街", "巷", "弄")),
    ("poi", ("小区", "花园", "家园", "公寓", "苑", "园", "大学", "宿舍楼", "宿舍")),
)


def _show(mirrors: Path, repo: str, path: str) -> str:
    base = mirrors / repo.replace("/", "+") / "repo"
    git_dir = base / ".git" if (base / ".git").is_dir() else base
    out = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], check=True, capture_output=True
    )
    return out.stdout.decode("utf-8-sig")


def _names(raw: str) -> dict[str, list[str]]:
    """Labelled spans of the address corpus by label (B-/I- tagged characters)."""
    out: dict[str, list[str]] = {}
    cur, label = "", ""
    for line in [*raw.splitlines(), ""]:
        parts = line.split()
        tag = parts[1] if len(parts) == 2 else ""
        if tag.startswith("I-") and tag[2:] == label:
            cur += parts[0]
            continue
        if cur:
            out.setdefault(label, []).append(cur)
        cur, label = (parts[0], tag[2:]) if tag.startswith("B-") else ("", "")
    return out


def _stems(names: dict[str, list[str]]) -> dict[str, list[str]]:
    """suffix -> stems of real names with that suffix (海丰北 for 路)."""
    stems: dict[str, list[str]] = {}
    for label, suffixes in _KINDS:
        for name in names.get(label, ()):
            for suffix in suffixes:
                stem = name[: -len(suffix)]
                if (
                    name.endswith(suffix)
                    and 2 <= len(stem) <= 4
                    and re.fullmatch(r"[\u4e00-\u9fff]+", stem)
                    and not _INSTITUTION.search(stem)
                ):
                    stems.setdefault(suffix, []).append(stem)
                    break
    return {k: sorted(set(v)) for k, v in stems.items()}


def _fill(scene: str, stems: dict[str, list[str]], rng: random.Random) -> str:
    def one(m: re.Match[str]) -> str:
        after = scene[m.end() :]
        if re.match(_UNITS, after):
            return str(rng.randint(1, 30) if after[:1] in "组队社栋幢座单门梯层楼" else rng.randint(1, 1200))
        for suffix in sorted(stems, key=len, reverse=True):
            if after.startswith(suffix):
                return rng.choice(stems[suffix])
        return rng.choice(stems["路"])[:2]

    return re.sub(r"\*+", one, scene)


def _gold(scene: str) -> tuple[int, int] | None:
    """The street-level part of a scene: after the last division, to the end of the number chain."""
    # The last chain that is more than a floor (一楼, 27层 name no dwelling by themselves).
    chains = [m for m in _CHAIN.finditer(scene) if not _FLOORS.fullmatch(m.group())]
    if not chains:
        return None
    end = chains[-1].end()
    start = 0
    for m in _ADMIN.finditer(scene, 0, chains[-1].start()):
        start = m.end()
    head = scene[start : chains[-1].start()]
    # A number straight after a division (…镇5号) names no street: not a home's address.
    return (start, end) if re.search(r"[\u4e00-\u9fff]{2}", head) else None


def _scenes(answer: str) -> list[str]:
    return [
        v
        for part in answer.split(";")
        if part.startswith("地点:")
        for v in part.removeprefix("地点:").split("、")
        if v
    ]


def _home_scene(
    filled: str, at: int, scene: str, stems: dict[str, list[str]], rng: random.Random
) -> tuple[str, tuple[int, int]] | None:
    """(filled scene, gold span within it) when the scene at `at` is a dwelling, else None."""
    context = scene + filled[at + len(scene) : at + len(scene) + 8]
    if not _HOME.search(context) or _NOT_HOME.search(scene):
        return None
    if _NOT_HOME_AFTER.match(filled, at + len(scene)):
        return None
    new = _fill(scene, stems, rng)
    gold = _gold(new)
    return None if gold is None else (new, gold)


def _fill_all(text: str, scenes: list[str], stems: dict[str, list[str]], rng: random.Random) -> str:
    """A sentence whose scenes are no homes (shops, sites, streets), their blanks filled alike:
    what the scan finds in it is a false positive, unless it is a home the filter missed."""
    for scene in scenes:
        at = text.find(scene)
        if at >= 0 and "*" in scene:
            text = text[:at] + _fill(scene, stems, rng) + text[at + len(scene) :]
    return text


def _split(sentence_id: str) -> str:
    """Fixed before any rule was written: one sentence in three to dev, the rest held out."""
    return "dev" if int(hashlib.sha256(sentence_id.encode()).hexdigest(), 16) % 3 == 0 else HELD_OUT


def cail_rows(cail: str, lawbench: str, addresses: str, seed: int = 20261208) -> list[dict[str, Any]]:
    """Home scenes of the full CAIL2021 set, LawBench's sentences left out."""
    taken = {re.sub(r"\s", "", x["question"].removeprefix("句子:")) for x in json.loads(lawbench)}
    stems = _stems(_names(addresses))
    rng, other = random.Random(seed), random.Random(seed + 1)
    out, seen = [], set()
    for line in cail.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        text = item["context"]
        key = re.sub(r"\s", "", text)
        if key in taken or key in seen:
            continue
        seen.add(key)
        places = sorted(
            {
                (int(a), int(b))
                for e in item["entities"]
                if e["label"] == "NS"
                for a, b in (x.split(";") for x in e["span"])
            }
        )
        spans, filled, shift, last = [], text, 0, -1
        for a, b in places:
            if a < last:
                continue  # overlapping annotations: the first one stands
            last = b
            at = a + shift
            hit = _home_scene(filled, at, text[a:b], stems, rng)
            if hit is None:
                continue
            new, (gs, ge) = hit
            filled = filled[:at] + new + filled[at + b - a :]
            shift += len(new) - (b - a)
            spans.append([at + gs, at + ge, "CN_ADDRESS"])
        if spans:
            out.append({"text": filled, "spans": spans, "split": _split(item["id"])})
        elif places:
            scenes = [text[a:b] for a, b in places]
            out.append(
                {"text": _fill_all(text, scenes, stems, other), "spans": [], "split": _split(item["id"])}
            )
    return out


def rows(lawbench: str, addresses: str, seed: int = 20261207) -> list[dict[str, Any]]:
    items = json.loads(lawbench)
    stems = _stems(_names(addresses))
    rng, other = random.Random(seed), random.Random(seed + 1)
    out = []
    for n, item in enumerate(items):
        text = item["question"].removeprefix("句子:")
        spans, filled = [], text
        for scene in _scenes(item["answer"]):
            at = filled.find(scene)
            if at < 0:
                continue
            hit = _home_scene(filled, at, scene, stems, rng)
            if hit is None:
                continue
            new, gold = hit
            filled = filled[:at] + new + filled[at + len(scene) :]
            spans.append([at + gold[0], at + gold[1], "CN_ADDRESS"])
        split = "dev" if n < len(items) // 2 else "test"
        if spans:
            out.append({"text": filled, "spans": spans, "split": split})
        elif _scenes(item["answer"]):
            out.append(
                {"text": _fill_all(text, _scenes(item["answer"]), stems, other), "spans": [], "split": split}
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mirrors", type=Path, help="directory holding owner+name/repo clones")
    ap.add_argument("--show", action="store_true", help="print every scene with its gold part")
    args = ap.parse_args()
    lawbench, addresses = _show(args.mirrors, *LAWBENCH), _show(args.mirrors, *ADDRESSES)
    built = rows(lawbench, addresses) + cail_rows(_show(args.mirrors, *CAIL), lawbench, addresses)
    if args.show:
        for r in built:
            if r["split"] == HELD_OUT:
                continue
            for s, e, _ in r["spans"]:
                print(
                    r["split"], r["text"][max(0, s - 12) : s], "[", r["text"][s:e], "]", r["text"][e : e + 8]
                )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in built), encoding="utf-8")
    counts: dict[str, int] = {}
    for r in built:
        counts[r["split"]] = counts.get(r["split"], 0) + len(r["spans"])
    negatives = sum(not r["spans"] for r in built)
    print(
        f"judgment_scenes: {len(built)} sentences ({negatives} with places that are no homes),"
        f" home scenes {counts} -> {OUT.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
