"""The pipeline's own duties: repeat mentions, table hints winning, locations, fail closed."""

from __future__ import annotations

from pathlib import Path

import pytest

import deident
from deident.config import ScanConfig
from deident.detection.engine import Engine


def test_a_name_introduced_once_is_masked_where_it_recurs(tmp_path: Path) -> None:
    src = tmp_path / "决定书.txt"
    src.write_text("当事人：张三，男，1980年生。\n经查，张三于2024年3月在本市经营。\n", encoding="utf-8")
    report = deident.scan_file(src)
    assert [(f.text, f.location["line"]) for f in report.findings if f.entity_type == "PERSON"] == [
        ("张三", 1),
        ("张三", 2),
    ]
    out = deident.mask_file(src, tmp_path / "out.txt")
    assert "张三" not in Path(out.output).read_text(encoding="utf-8")


def test_header_hint_wins_over_an_unrelated_pattern() -> None:
    engine = Engine.create()
    # 17 digits under 身份证号码: a mistyped ID (the bank-card pattern also matches it)
    (f,) = engine.analyze(
        "44088119900101123", hint_entity="CN_RESIDENT_ID", hint_reason="column header 身份证号码"
    )
    assert f.entity_type == "CN_RESIDENT_ID" and "column header 身份证号码" in f.explanation.notes
    # a landline in a 联系电话 column stays a landline (same family as the hinted mobile)
    (g,) = engine.analyze("0755-12345678", hint_entity="CN_MOBILE")
    assert g.entity_type == "CN_LANDLINE"


def test_masked_cells_are_not_forced_again() -> None:
    engine = Engine.create()
    assert engine.analyze("440881********1233", hint_entity="CN_RESIDENT_ID") == []
    assert engine.analyze("张*", hint_entity="PERSON") == []
    assert engine.analyze("无", hint_entity="PERSON") == []


def test_csv_column_forces_a_mistyped_id(tmp_path: Path) -> None:
    src = tmp_path / "名单.csv"
    src.write_text("姓名,身份证号码\n户一,44088119900101123\n", encoding="utf-8")
    ids = [f for f in deident.scan_file(src).findings if f.entity_type == "CN_RESIDENT_ID"]
    assert [f.text for f in ids] == ["44088119900101123"]
    out = deident.mask_file(src, tmp_path / "m.csv")
    assert "44088119900101123" not in Path(out.output).read_text(encoding="utf-8")


def test_tab_table_in_plain_text_gets_column_hints(tmp_path: Path) -> None:
    # A table pasted from Word into a .txt: the header names the columns, a mistyped ID and a
    # name without any cue are still found.
    src = tmp_path / "名单.txt"
    src.write_text(
        "补助名单\n序号\t姓名\t身份证号码\n1\t户一\t44088119900101123\n说明：以上为第一批。\n",
        encoding="utf-8",
    )
    found = {(f.entity_type, f.text) for f in deident.scan_file(src).findings}
    assert ("CN_RESIDENT_ID", "44088119900101123") in found
    assert ("PERSON", "户一") in found
    assert all(f.location.get("header") for f in deident.scan_file(src).findings)


def test_name_column_cell_is_trimmed_to_the_name() -> None:
    engine = Engine.create()
    # A serial number printed in front of the name (PDF tables without rulings)
    assert [(f.entity_type, f.text) for f in engine.analyze("1龚洋", hint_entity="PERSON")] == [
        ("PERSON", "龚洋")
    ]
    assert [f.text for f in engine.analyze("3. 令狐欣平", hint_entity="PERSON")] == ["令狐欣平"]


ID = "440106199001011238"
LETTER = f"办公电话：13800001111。\n申请人：张三，身份证号码：{ID}，联系电话：13812345678。\n"


def test_kept_values_stay_readable_and_everything_else_is_masked(tmp_path: Path) -> None:
    """`keep` (a reviewer's not-PII decision) spares those values only, on every line after them too."""
    src = tmp_path / "答复.txt"
    src.write_text(LETTER, encoding="utf-8")
    out = deident.mask_file(src, tmp_path / "out.txt", keep=["138 0000 1111"])
    text = Path(out.output).read_text(encoding="utf-8")
    assert "13800001111" in text
    assert ID not in text and "13812345678" not in text and "张三" not in text
    reported = {f.text for f in out.report.findings}
    assert {"13800001111", ID, "13812345678", "张三"} <= reported  # kept values are still listed
    assert out.masked == len(reported) - 1


def test_in_place_masking_replaces_the_file_with_its_masked_copy(tmp_path: Path) -> None:
    src = tmp_path / "答复.txt"
    src.write_text(LETTER, encoding="utf-8")
    out = deident.mask_file(src, src)
    assert out.output == str(src) and [p.name for p in tmp_path.iterdir()] == ["答复.txt"]
    text = src.read_text(encoding="utf-8")
    assert ID not in text and "13812345678" not in text and text.startswith("办公电话：")
    assert out.notes == ()


def test_in_place_masking_of_a_named_file_leaves_only_the_masked_name(tmp_path: Path) -> None:
    """A value in the file name: the copy goes under a masked name and the source is removed,
    so neither the name nor the content stays readable in the folder."""
    src = tmp_path / "联系13812345678.txt"
    src.write_text(LETTER, encoding="utf-8")
    out = deident.mask_file(src, src)
    (left,) = tmp_path.iterdir()
    assert "13812345678" not in left.name and left.suffix == ".txt" and out.output == str(left)
    assert ID not in left.read_text(encoding="utf-8")
    assert out.notes == ("the file name held personal data: written under a masked name",)


def test_a_file_with_findings_is_not_reported_clean(tmp_path: Path) -> None:
    """The status is what `deident scan` exits on and what CI gates read."""
    leak = tmp_path / "答复.txt"
    leak.write_text(LETTER, encoding="utf-8")
    report = deident.scan_file(leak)
    assert report.findings and report.status is deident.Status.FINDINGS
    clean = tmp_path / "通知.txt"
    clean.write_text("关于开展年度核查工作的通知。\n", encoding="utf-8")
    report = deident.scan_file(clean)
    assert report.findings == () and report.status is deident.Status.CLEAN


@pytest.mark.parametrize("entities", [None, frozenset({"PERSON"})])
def test_a_name_the_model_misses_alone_is_found_where_it_recurs(tmp_path: Path, entities) -> None:
    """易强磊 alone at the start of a line is not read as a name; introduced by 当事人 above, it is
    (also when names are the only entity asked for)."""
    config = ScanConfig(entities=entities)
    src = tmp_path / "决定书.txt"
    src.write_text("当事人：易强磊，男，1980年生。\n易强磊于2024年3月在本市经营。\n", encoding="utf-8")
    report = deident.scan_file(src, config=config)
    names = [(f.text, f.location["line"]) for f in report.findings if f.entity_type == "PERSON"]
    assert ("易强磊", 2) in names
    masked = deident.mask_file(src, tmp_path / "out.txt", config=config)
    assert "易强磊" not in Path(masked.output).read_text(encoding="utf-8")


def test_a_path_that_cannot_be_copied_is_blocked_by_scan_and_mask(tmp_path: Path) -> None:
    """A FIFO is never opened (reading it would wait forever): both commands block it, mask writes nothing."""
    import os

    fifo = tmp_path / "名单.txt"
    os.mkfifo(fifo)
    scanned = deident.scan_file(fifo)
    assert (scanned.path, scanned.sha256, scanned.status) == (str(fifo), None, deident.Status.BLOCKED)
    assert scanned.reason == "unreadable" and "FIFO" in scanned.detail
    masked = deident.mask_file(fifo, tmp_path / "out.txt")
    assert (masked.source, masked.output, masked.report) == (str(fifo), None, scanned)
    assert not (tmp_path / "out.txt").exists()


def test_a_reader_s_block_detail_shows_no_value(tmp_path: Path, monkeypatch) -> None:
    """A detail names places in the document (a member, a sheet) and an attacker can name a part
    after a person: the values in it are starred out of the report, in scan and mask alike."""
    from deident import pipeline
    from deident.errors import BlockedError

    def damaged(path: Path, config, *, read_only: bool = False):
        raise BlockedError("corrupt", "member 联系13812345678.xml cannot be read")

    monkeypatch.setattr(pipeline, "_open", damaged)
    src = tmp_path / "附件.txt"
    src.write_text("关于开展年度核查工作的通知。\n", encoding="utf-8")
    for report in (deident.scan_file(src), deident.mask_file(src, tmp_path / "out.txt").report):
        assert report.status is deident.Status.BLOCKED and report.reason == "corrupt"
        assert report.detail.startswith("member 联系") and "13812345678" not in report.detail


def test_a_pdf_without_findings_is_still_rewritten(tmp_path: Path) -> None:
    """Writing a PDF also drops what is not text (JavaScript, old revisions, metadata): a copy of a
    PDF with nothing to mask is rewritten and verified too, never copied byte for byte."""
    import pikepdf

    from tests.factories.pdf import helvetica_pdf

    src = tmp_path / "report.pdf"
    src.write_bytes(helvetica_pdf([["Annual report 2024", "Budget execution summary"]]))
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        js = pdf.make_stream(b"app.alert('hi');")
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=js)
        pdf.Root["/Names"] = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), action]))
        )
        pdf.save(src)
    out = deident.mask_file(src, tmp_path / "out.pdf")
    assert out.report.status is deident.Status.CLEAN and out.output == str(tmp_path / "out.pdf")
    with pikepdf.open(src) as source:
        assert "/JavaScript" in source.Root["/Names"]
    with pikepdf.open(out.output) as copy:
        assert "/JavaScript" not in copy.Root.get("/Names", {})
