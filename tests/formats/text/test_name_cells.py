"""A roster's name column: a cell holding one name is masked whole, even where the name model
reads it short (欧阳桂 of 欧阳桂超: a compound surname the model cut; found by the PDF benchmark's
LibreOffice rosters, issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deident.config import ScanConfig
from deident.masking.policy import Policy
from deident.model import Explanation, new_finding
from deident.pipeline import mask_path, scan_path

EXPLAIN = Explanation("t", "t", 0.9, "n/a")

ROWS = [("1", "欧阳桂超", "男"), ("2", "司马玉兰", "女"), ("3", "王小明", "男"), ("4", "上官婉清", "女")]


@pytest.mark.parametrize("sep", ["\t", ","])
def test_every_character_of_a_name_cell_is_found_and_masked(tmp_path: Path, sep: str) -> None:
    src = tmp_path / ("名单.csv" if sep == "," else "名单.txt")
    src.write_text("\n".join(sep.join(r) for r in [("序号", "姓名", "性别"), *ROWS]) + "\n", encoding="utf-8")
    report = scan_path(src, ScanConfig())
    names = {f.text for f in report.findings if f.entity_type == "PERSON"}
    assert names == {name for _, name, _ in ROWS}
    out = tmp_path / "out" / src.name
    masked = mask_path(src, out, ScanConfig(), Policy.load("gov"))
    assert masked.ok, masked.report.reason
    cells = [line.split(sep)[1] for line in Path(masked.output).read_text(encoding="utf-8").splitlines()[1:]]
    policy = Policy.load("gov")
    for (_, name, _), cell in zip(ROWS, cells, strict=True):
        # the policy's mask of the whole name (欧阳*超), not of a part of it (欧*桂超)
        assert cell == policy.replacement(new_finding("PERSON", 0, len(name), name, 0.9, "t", EXPLAIN))


def test_a_cell_of_two_names_is_not_grown_into_one(tmp_path: Path) -> None:
    src = tmp_path / "名单.csv"
    src.write_text("序号,姓名,性别\n1,张伟、李娜,男\n2,王小明,男\n", encoding="utf-8")
    names = {f.text for f in scan_path(src, ScanConfig()).findings if f.entity_type == "PERSON"}
    assert "张伟、李娜" not in names
