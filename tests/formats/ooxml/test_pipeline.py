"""End to end through deident.pipeline: the engine finds every personal value in every hidden
place of .docx/.xlsx, the masked copy keeps none of them (checked on the raw zip members), and
bad files are reported blocked with their reason."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories import office

CONFIG = ScanConfig()
CASES = [(n, ".docx") for n in sorted(office.DOCX_CASES)] + [(n, ".xlsx") for n in sorted(office.XLSX_CASES)]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.create(CONFIG)


def build(name: str, suffix: str, tmp_path: Path) -> tuple[Path, list[str]]:
    cases = office.DOCX_CASES if suffix == ".docx" else office.XLSX_CASES
    data, values = cases[name]()
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(data)
    return path, values


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_scan_finds_every_value(name: str, suffix: str, tmp_path: Path, engine: Engine) -> None:
    path, values = build(name, suffix, tmp_path)
    report = scan_path(path, CONFIG, engine=engine)
    assert report.status is Status.FINDINGS
    found = [f.text for f in report.findings]
    missing = [v for v in values if not any(v in t for t in found)]
    assert not missing, f"{len(missing)} value(s) not found in {name}"
    for f in report.findings:
        assert f.location, "every finding names its place"


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_mask_leaves_no_value(name: str, suffix: str, tmp_path: Path, engine: Engine) -> None:
    path, values = build(name, suffix, tmp_path)
    before = path.read_bytes()
    result = mask_path(path, tmp_path / "out" / path.name, CONFIG, Policy.load("gov"), engine=engine)
    assert result.ok, result.report.reason
    masked = Path(result.output).read_bytes()  # type: ignore[arg-type]
    assert office.leaks(masked, values) == []
    if suffix == ".docx":
        docx.Document(io.BytesIO(masked))
    else:
        openpyxl.load_workbook(io.BytesIO(masked))
    assert path.read_bytes() == before  # the source is never modified


def test_roster_masks_in_gov_form(tmp_path: Path, engine: Engine) -> None:
    path, values = build("roster", ".xlsx", tmp_path)
    before = path.read_bytes()
    result = mask_path(path, tmp_path / "out.xlsx", CONFIG, Policy.load("gov"), engine=engine)
    assert result.ok
    assert path.read_bytes() == before
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["公示名单"]
    rid, phone = values[0], values[1]
    assert ws["C2"].value == rid[:6] + "*" * 8 + rid[-4:]
    assert ws["D2"].value == phone[:3] + "****" + phone[-4:]
    assert ws["A1"].value == "序号" and ws["F2"].value == 1200  # other cells untouched


def test_damaged_numeric_id_is_reported(tmp_path: Path, engine: Engine) -> None:
    path, _ = build("numbers", ".xlsx", tmp_path)
    report = scan_path(path, CONFIG, engine=engine)
    ids = [f for f in report.findings if f.location.get("cell") == "B2"]
    assert ids and ids[0].entity_type == "CN_RESIDENT_ID"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted"),
        (b"PK\x03\x04 broken", "corrupt: bad zip"),
        (b"plain text", "corrupt: not a zip archive"),
    ],
)
def test_bad_files_are_blocked_not_clean(tmp_path: Path, engine: Engine, content: bytes, reason: str) -> None:
    for suffix in (".docx", ".xlsx"):
        path = tmp_path / f"bad{suffix}"
        path.write_bytes(content)
        report = scan_path(path, CONFIG, engine=engine)
        assert report.status is Status.BLOCKED
        assert report.reason == reason
        result = mask_path(path, tmp_path / "out" / path.name, CONFIG, Policy.load("gov"), engine=engine)
        assert not result.ok and not (tmp_path / "out" / path.name).exists()


def test_findings_in_sheet_names_refuse_masking(tmp_path: Path, engine: Engine) -> None:
    rid = office.ids()[0]
    x = office.Xlsx()
    x.sheets.append(office.Sheet(f"身份证{rid}", [["数据"]]))
    path = tmp_path / "sheetname.xlsx"
    path.write_bytes(x.to_bytes())
    report = scan_path(path, CONFIG, engine=engine)
    assert any(f.location.get("sheet_name") for f in report.findings)
    result = mask_path(path, tmp_path / "out.xlsx", CONFIG, Policy.load("gov"), engine=engine)
    assert not result.ok and not (tmp_path / "out.xlsx").exists()
