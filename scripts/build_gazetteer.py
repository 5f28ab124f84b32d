"""Build ``src/deident/data/divisions.tsv.gz`` from JioNLP's administrative-division dictionary.

Source: JioNLP 1.5.31 (Apache-2.0, https://github.com/dongrixinyu/JioNLP),
``jionlp/dictionary/china_location.txt`` (省/市/县 with 6-digit codes and short names, and
乡镇/街道 under each county; National Bureau of Statistics division codes, county level as of
2021) and ``china_location_change.txt`` (renamed and abolished units 2002 to April 2023,
approval date and approving body): the old names are kept as abolished units, the new ones
are added where the base year predates them. Villages are not kept: the address grammar
finds ``…村`` without a list, and they would make the file tens of MB.

Run from the repository (jionlp installed):  python scripts/build_gazetteer.py
Rows (tab-separated): level, name, short name, code, parent code, status
(level: province|city|county|township; status: current|abolished; townships have no code of
their own, they carry their county's code as parent).
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import jionlp


def main() -> int:
    src = Path(os.path.dirname(jionlp.__file__)) / "dictionary"
    out = Path(__file__).resolve().parents[1] / "src" / "deident" / "data" / "divisions.tsv.gz"
    rows: list[tuple[str, ...]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(level: str, name: str, alias: str, code: str, parent: str, status: str) -> None:
        key = (level, name, parent)
        if key in seen:
            return
        seen.add(key)
        rows.append((level, name, alias, code, parent, status))

    province = city = county = ("", "")
    for raw in (src / "china_location.txt").read_text(encoding="utf-8").splitlines():
        depth = len(raw) - len(raw.lstrip("\t"))
        parts = raw.strip().split("\t")
        if not parts or not parts[0]:
            continue
        if depth == 0 and len(parts) == 3:
            province = (parts[0], parts[1])
            add("province", parts[0], parts[2], parts[1], "", "current")
        elif depth == 1 and len(parts) == 3:
            city = (parts[0], parts[1])
            # Municipalities repeat their name as the city level (上海市 / 上海市): keep it,
            # the matcher accepts the repetition being absent.
            add("city", parts[0], parts[2].split("/")[0], parts[1], province[1], "current")
        elif depth == 2 and len(parts) == 3:
            county = (parts[0], parts[1])
            add("county", parts[0], parts[2], parts[1], city[1], "current")
        elif depth == 3:
            add("township", parts[0], "", "", county[1], "current")

    codes = {(r[0], r[1]): r[3] for r in rows if r[3]}
    # Old names stay valid in old documents (襄樊市, 柳州地区, 下城区 …).
    for line in (src / "china_location_change.txt").read_text(encoding="utf-8").splitlines():
        if "=>" not in line:
            continue
        # Units created by a change after the dictionary's base year (错那县 → 错那市, 2023).
        new = line.split("=>")[1].split("\t")
        if len(new) == 3:
            ncity = codes.get(("city", new[1]), "")
            add("county", new[2], "", "", ncity, "current")
        old = line.split("=>")[0].split("\t")
        if len(old) < 6:
            continue
        prov, city_name, city_alias = old[2], old[4], old[5]
        pcode = codes.get(("province", prov), "")
        if len(old) == 6:
            add("city", city_name, city_alias, "", pcode, "abolished")
        elif len(old) >= 8:
            ccode = codes.get(("city", city_name), "")
            add("city", city_name, city_alias, ccode, pcode, "abolished")
            add("county", old[6], old[7], "", ccode, "abolished")

    rows.sort()
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:  # mtime=0: byte-identical rebuilds
        fh.write("".join("\t".join(r) + "\n" for r in rows).encode("utf-8"))
    print(f"{len(rows)} rows -> {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
