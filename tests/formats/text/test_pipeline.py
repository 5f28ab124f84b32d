"""Text, CSV and Markdown through `pipeline.scan_path` / `mask_path` with the real engine.
The masked copies are read back with the csv module and Python's codecs, not deident."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.conftest import seed_files

MOBILE = "13812345678"
ID = "440881199001011233"
ID2 = "11010519491231002X"
CARD = "6222021234567890128"


def _mask(src: Path, tmp_path: Path):
    out = tmp_path / "out" / src.name
    result = mask_path(src, out, ScanConfig(), Policy.load("gov"))
    assert result.ok, result.report.reason
    return result, out


@pytest.mark.parametrize(
    ("codec", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("utf-16-le", b"\xff\xfe")],
)
def test_csv_roster_is_masked_cell_by_cell(tmp_path: Path, codec: str, bom: bytes) -> None:
    source = (
        "序号,姓名,身份证号码,联系电话,银行账号,备注\r\n"
        f'1,张三,{ID},{MOBILE},{CARD},"已核实,无异议"\r\n'
        f"2,李四,{ID2},无,,\r\n"
        "3,王五,44088119900101123,,,身份证号码录入有误\r\n"
    )
    path = tmp_path / "名单.csv"
    path.write_bytes(bom + source.encode(codec))
    report = scan_path(path, ScanConfig())
    assert report.status is Status.FINDINGS
    found = {(f.location["row"], f.location["column"]): f for f in report.findings}
    assert found[(2, 3)].entity_type == "CN_RESIDENT_ID"
    assert found[(2, 3)].location["header"] == "身份证号码"
    assert (4, 3) in found  # a mistyped ID under its header is still reported
    assert (3, 4) not in found  # 无 is not a phone number

    _result, out = _mask(path, tmp_path)
    data = out.read_bytes()
    assert data.startswith(bom)
    rows = list(csv.reader(io.StringIO(data[len(bom) :].decode(codec), newline="")))
    original = list(csv.reader(io.StringIO(source, newline="")))
    assert len(rows) == len(original) and all(len(a) == len(b) for a, b in zip(rows, original, strict=True))
    flat = "\n".join(",".join(r) for r in rows)
    for value in (ID, ID2, MOBILE, CARD, "张三", "李四", "王五", "44088119900101123"):
        assert value not in flat, value
    assert rows[0] == original[0]  # the header row is untouched
    assert rows[1][5] == "已核实,无异议"  # a quoted cell with a comma survives
    assert rows[1][2] == "440881********1233"
    assert data[len(bom) :].decode(codec).count("\r\n") == 4  # CRLF kept
    assert scan_path(out, ScanConfig()).status is Status.CLEAN


def test_utf16_text_file_round_trip(tmp_path: Path) -> None:
    source = (
        f"行政处罚决定书\r\n当事人：张三，男，公民身份号码：{ID}，联系电话：{MOBILE}。\r\n\r\n经查明……\r\n"
    )
    path = tmp_path / "决定书.txt"
    path.write_bytes(source.encode("utf-16"))
    report = scan_path(path, ScanConfig())
    ids = [f for f in report.findings if f.entity_type == "CN_RESIDENT_ID"]
    assert ids and ids[0].location == {"line": 2, "offset": source.index("当事人")}
    _result, out = _mask(path, tmp_path)
    data = out.read_bytes()
    assert data[:2] == b"\xff\xfe"
    text = data.decode("utf-16")
    assert ID not in text and MOBILE not in text
    assert "440881********1233" in text and "138****5678" in text
    assert text.count("\r\n") == source.count("\r\n")


def test_markdown_table_is_masked(tmp_path: Path) -> None:
    source = f"# 12345工单\n\n| 来电人 | 联系电话 | 诉求 |\n|---|---|---|\n| 张三 | {MOBILE} | 噪音扰民 |\n\n处理结果：已办结。\n"
    path = tmp_path / "工单.md"
    path.write_text(source, encoding="utf-8")
    report = scan_path(path, ScanConfig())
    phone = next(f for f in report.findings if f.entity_type == "CN_MOBILE")
    assert phone.location["header"] == "联系电话"
    _result, out = _mask(path, tmp_path)
    text = out.read_text(encoding="utf-8")
    assert MOBILE not in text and "张三" not in text
    assert text.replace("138****5678", MOBILE).replace("张*", "张三") == source


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "photo.txt",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)),
            "binary or undecodable content",
        ),
        ("bad.csv", "姓名,电话\n".encode() + b"\x80\x80\xff\xff\n", "binary or undecodable content"),
        ("zip.md", b"PK\x03\x04" + bytes(100), "binary or undecodable content"),
    ],
)
def test_bad_text_files_are_blocked(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = scan_path(path, ScanConfig())
    assert report.status is Status.BLOCKED and report.reason == reason
    assert not mask_path(path, tmp_path / "o" / name, ScanConfig(), Policy.load("gov")).ok
    assert not (tmp_path / "o" / name).exists()


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert scan_path(empty, ScanConfig()).status is Status.CLEAN
    missing = scan_path(tmp_path / "missing.txt", ScanConfig())
    assert missing.status is Status.BLOCKED and missing.reason == "unreadable"


def test_seed_documents_read_in_any_encoding(tmp_path: Path) -> None:
    """Real government prose (no private data) survives a GBK round trip unchanged."""
    for seed in seed_files()[:5]:
        text = seed.read_text(encoding="utf-8")
        try:
            data = text.encode("gbk")
        except UnicodeEncodeError:
            continue
        path = tmp_path / seed.name
        path.write_bytes(data)
        result = mask_path(path, tmp_path / "o" / seed.name, ScanConfig(), Policy.load("gov"))
        assert result.ok
        if result.masked == 0:
            assert (tmp_path / "o" / seed.name).read_bytes() == data


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id(year: int, month: int, day: int, seq: int) -> str:
    body = f"440881{year:04d}{month:02d}{day:02d}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


_IDS = st.builds(
    _resident_id, st.integers(1940, 2010), st.integers(1, 12), st.integers(1, 28), st.integers(0, 999)
)
_MOBILES = st.builds(lambda p, n: f"1{p}{n:09d}", st.sampled_from("3589"), st.integers(0, 999_999_999))
_FILLER = st.text(alphabet=st.sampled_from(list("关于政府信息公开申请的答复，。；：经审查 \t")), max_size=20)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(_FILLER, _IDS, _MOBILES), min_size=1, max_size=6),
    codec=st.sampled_from(["utf-8", "gbk", "utf-16"]),
    suffix=st.sampled_from([".txt", ".csv", ".md"]),
    nl=st.sampled_from(["\n", "\r\n"]),
)
def test_property_masking_leaves_no_value_and_is_idempotent(tmp_path: Path, rows, codec, suffix, nl) -> None:
    if suffix == ".csv":
        lines = ["说明,身份证号码,联系电话"] + [f'"{f}",{i},{m}' for f, i, m in rows]
    elif suffix == ".md":
        lines = ["| 说明 | 身份证号码 | 联系电话 |", "|---|---|---|"] + [
            f"| {f} | {i} | {m} |" for f, i, m in rows
        ]
    else:
        lines = [f"{f}公民身份号码{i}，联系电话{m}。" for f, i, m in rows]
    source = nl.join(lines) + nl
    src = tmp_path / f"in{suffix}"
    src.write_bytes(source.encode(codec))
    out1, out2 = tmp_path / "o1" / src.name, tmp_path / "o2" / src.name
    first = mask_path(src, out1, ScanConfig(), Policy.load("gov"))
    assert first.ok, first.report.reason
    text = out1.read_bytes().decode(codec)
    for _f, i, m in rows:
        assert i not in text and m not in text
        assert f"{i[:6]}********{i[-4:]}" in text and f"{m[:3]}****{m[-4:]}" in text
    assert text.count(nl) == source.count(nl)
    second = mask_path(out1, out2, ScanConfig(), Policy.load("gov"))
    assert second.ok and second.masked == 0
    assert out2.read_bytes() == out1.read_bytes()
