"""Legacy .doc/.xls/.odt/.ods/.rtf through LibreOffice: scanned like their modern forms, masked
into .docx/.xlsx, and blocked (never clean) when they cannot be converted.

The files are real: made by LibreOffice from .docx/.xlsx/HTML built here. Leak checks read
every XML part of the masked package raw, not through deident's readers.
"""

from __future__ import annotations

import random
import shutil
import zipfile
from pathlib import Path

import pytest

from deident.config import Limits, ScanConfig
from deident.errors import BlockedError
from deident.formats.base import FormatContext
from deident.formats.legacy import document as legacy
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories import scans

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice not installed",
)
pytestmark = pytest.mark.libreoffice

PEOPLE = scans.people(random.Random(7), 3)
HEADER = ["姓名", "身份证号码", "联系电话"]


def _values() -> list[str]:
    return [v for _, rid, mob in PEOPLE for v in (rid, mob)]


def _raw_package_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice not installed")
    d = tmp_path_factory.mktemp("legacy")
    paras = ["关于城乡低保对象的公示"] + [
        f"申请人：{n}，身份证号码：{i}，联系电话：{m}" for n, i, m in PEOPLE
    ]
    rows = [HEADER] + [list(p) for p in PEOPLE]
    doc = scans.make_doc(d / "公示名单.doc", paras, rows)
    xls = scans.make_xls(d / "名单.xls", rows)
    # WPS Office saves .wps/.et in the Word/Excel binary formats: the same bytes, another name.
    (d / "公示名单.wps").write_bytes(doc.read_bytes())
    (d / "名单.et").write_bytes(xls.read_bytes())
    return {
        ".doc": doc,
        ".wps": d / "公示名单.wps",
        ".et": d / "名单.et",
        ".odt": scans.make_doc(d / "公示.odt", paras, fmt="odt"),
        ".rtf": scans.make_doc(d / "公示.rtf", paras, fmt="rtf"),
        ".xls": xls,
        ".ods": scans.make_xls(d / "名单.ods", rows, fmt="ods"),
    }


@needs_soffice
@pytest.mark.parametrize(
    ("suffix", "modern", "expected"),
    [
        (".doc", ".docx", 6),
        (".wps", ".docx", 6),
        (".odt", ".docx", 6),
        (".rtf", ".docx", 6),
        (".xls", ".xlsx", 6),
        (".et", ".xlsx", 6),
        (".ods", ".xlsx", 6),
    ],
)
def test_scan_finds_every_id_and_mobile(
    files: dict[str, Path], suffix: str, modern: str, expected: int
) -> None:
    report = scan_path(files[suffix], ScanConfig())
    assert report.status is Status.FINDINGS
    found = {f.text for f in report.findings if f.entity_type in ("CN_RESIDENT_ID", "CN_MOBILE")}
    assert len(set(_values()) & found) == expected
    assert any(
        f"converted from {suffix} with LibreOffice; the masked copy is {modern}" in n for n in report.notes
    )


@needs_soffice
@pytest.mark.parametrize(("suffix", "modern"), [(".doc", ".docx"), (".xls", ".xlsx"), (".odt", ".docx")])
def test_mask_writes_the_modern_file_without_the_values(
    files: dict[str, Path], tmp_path: Path, suffix: str, modern: str
) -> None:
    src = files[suffix]
    before = src.read_bytes()
    result = mask_path(src, tmp_path / src.name, ScanConfig(), Policy.load("gov"))
    assert result.output is not None, result.report.reason
    out = Path(result.output)
    assert out.name == src.stem + modern and out.is_file()  # 名单.doc -> 名单.docx
    assert zipfile.is_zipfile(out)
    raw = _raw_package_text(out)
    for value in _values():
        assert value not in raw
        # the gov policy keeps the ends: the masked form is there, the middle is not
        assert value[-4:] in raw
    assert any("masked copy" in n for n in result.notes)
    assert src.read_bytes() == before  # the source is never modified


@needs_soffice
def test_table_cells_keep_their_header_hint(files: dict[str, Path]) -> None:
    doc = legacy.open_document(files[".xls"], FormatContext())
    hinted = {s.text: s.hint_entity for s in doc.segments() if s.hint_entity}
    for _name, rid, mob in PEOPLE:
        assert hinted.get(rid) == "CN_RESIDENT_ID"
        assert hinted.get(mob) == "CN_MOBILE"
    assert doc.output_suffix == ".xlsx"


@needs_soffice
def test_a_docx_renamed_to_doc_is_read_directly(tmp_path: Path) -> None:
    name, rid, _mob = PEOPLE[0]
    src = scans.make_docx(tmp_path / "x.docx", [f"申请人{name}身份证号码{rid}"])
    renamed = tmp_path / "改名.doc"
    src.rename(renamed)
    doc = legacy.open_document(renamed, FormatContext())
    assert doc.output_suffix == ".docx"
    assert any(rid in s.text for s in doc.segments())
    assert any("really .docx" in n for n in doc.notes)


def test_without_libreoffice_the_file_is_blocked(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no soffice anywhere
    for suffix in (".doc", ".xls"):
        report = scan_path(files[suffix], ScanConfig())
        assert report.status is Status.BLOCKED
        assert report.reason == f"LibreOffice is needed to read {suffix} files"


def _flip_ole_stream(path: Path, stream: str, offset: int, value: bytes) -> None:
    import olefile

    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream(stream).read())
        data[offset : offset + len(value)] = value
        ole.write_stream(stream, bytes(data))


@needs_soffice
def test_password_protected_doc_is_blocked_as_encrypted(files: dict[str, Path], tmp_path: Path) -> None:
    import olefile

    enc = tmp_path / "加密.doc"
    shutil.copyfile(files[".doc"], enc)
    with olefile.OleFileIO(str(enc)) as ole:
        flags = int.from_bytes(ole.openstream("WordDocument").read(12)[10:12], "little")
    _flip_ole_stream(enc, "WordDocument", 10, (flags | 0x0100).to_bytes(2, "little"))  # FIB fEncrypted
    report = scan_path(enc, ScanConfig())
    assert report.status is Status.BLOCKED
    assert report.reason is not None and report.reason.startswith("encrypted")


@needs_soffice
def test_password_protected_xls_is_blocked_as_encrypted(files: dict[str, Path], tmp_path: Path) -> None:
    import olefile

    enc = tmp_path / "加密.xls"
    shutil.copyfile(files[".xls"], enc)
    with olefile.OleFileIO(str(enc)) as ole:
        book = ole.openstream("Workbook").read(64)
    # Turn the record after BOF into FILEPASS (0x002F), as Excel writes it when a password is set.
    bof_len = int.from_bytes(book[2:4], "little")
    _flip_ole_stream(enc, "Workbook", 4 + bof_len, (0x002F).to_bytes(2, "little"))
    report = scan_path(enc, ScanConfig())
    assert report.status is Status.BLOCKED
    assert report.reason is not None and report.reason.startswith("encrypted")


@pytest.mark.parametrize(
    ("suffix", "content"),
    [
        (".doc", b"\x00\x01garbage that is no Word file\xff" * 20),
        (".xls", b"PK\x03\x04 truncated zip"),
        (".doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),  # OLE header, nothing behind it
        (".rtf", b"not rtf at all"),
        (".odt", b""),
    ],
)
def test_corrupt_files_are_blocked(tmp_path: Path, suffix: str, content: bytes) -> None:
    path = tmp_path / ("bad" + suffix)
    path.write_bytes(content)
    report = scan_path(path, ScanConfig())
    assert report.status is Status.BLOCKED
    assert report.reason is not None
    assert report.reason.startswith(("corrupt", "LibreOffice is needed"))


@needs_soffice
def test_a_file_libreoffice_cannot_convert_is_blocked(tmp_path: Path) -> None:
    # Valid RTF header, then binary junk LibreOffice cannot make a document of.
    path = tmp_path / "broken.xls"
    path.write_bytes(b"{\\rtf1 " + bytes(range(256)) * 4)
    report = scan_path(path, ScanConfig())
    assert report.status is Status.BLOCKED
    assert report.reason is not None and report.reason.startswith("corrupt")


def test_encrypted_odf_is_blocked(tmp_path: Path) -> None:
    path = tmp_path / "secret.odt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
        zf.writestr("content.xml", b"\x8f\x12encrypted")
    with pytest.raises(BlockedError) as err:
        legacy.open_document(path, FormatContext())
    assert err.value.reason == "encrypted"


def test_too_large_is_blocked_before_converting(tmp_path: Path) -> None:
    path = tmp_path / "big.doc"
    path.write_bytes(b"{\\rtf1 " + b"x" * 5000 + b"}")
    ctx = FormatContext(ScanConfig(limits=Limits(max_file_bytes=1000)))
    with pytest.raises(BlockedError) as err:
        legacy.open_document(path, ctx)
    assert err.value.reason == "too large"
