"""Archives end to end: real zips (GBK names as Windows writes them, nested twice), .7z written
by 7-Zip, RAR (a WinRAR-made RAR 5 and RAR 4 files written to the format), tar and gzip.

Every masked copy is checked by an independent extraction (the `7z`, `unar` and `tar`
commands, or zipfile on the raw bytes) of every member, nested ones included.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from deident.config import ScanConfig
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories.archives import (
    letter_txt,
    make_7z,
    make_rar4,
    make_tar,
    make_zip,
    roster_csv,
    roster_xlsx,
)

CONFIG = ScanConfig()
POLICY = Policy.load("gov")
DATA = Path(__file__).parent / "data"
needs_7z = pytest.mark.skipif(shutil.which("7z") is None, reason="needs the 7z command (p7zip-full)")
needs_unar = pytest.mark.skipif(shutil.which("unar") is None, reason="needs unar")


def _all_text(root: Path) -> str:
    """Every byte of every extracted file, opened further when it is a zip or an xlsx
    (raw XML of every part), as one string to search for leftover values."""
    chunks: list[str] = []
    for p in sorted(root.rglob("*")):
        chunks.append(p.name)
        if p.is_file():
            chunks.append(_bytes_text(p.read_bytes()))
    return "\n".join(chunks)


def _bytes_text(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(
                i.orig_filename.encode("cp437").decode("gbk", "replace")
                + i.filename
                + _bytes_text(zf.read(i))
                for i in zf.infolist()
            )
    return data.decode("utf-8", "replace")


def _leftovers(text: str, values: list[str]) -> list[str]:
    return [v for v in values if v in text]


def _nested_zip() -> tuple[bytes, list[str], dict[str, bytes]]:
    x, v1 = roster_xlsx(4)
    t, v2 = letter_txt()
    c, v3 = roster_csv(3)
    rid = v2[0]
    innermost = make_zip({"公示/名单.xlsx": x, "说明.txt": "本名单无个人信息。".encode()}, gbk=True)
    middle = make_zip({f"申请材料/{rid}_申请书.txt": t, "附件2.zip": innermost}, gbk=True)
    outer = make_zip({"材料/": b"", "材料/附件.zip": middle, "名单.csv": c, "readme.txt": b"hello"})
    return outer, v1 + v2 + v3, {"innermost": innermost, "middle": middle}


def test_zip_nested_twice_every_value_found_and_named(tmp_path: Path) -> None:
    data, values, _ = _nested_zip()
    src = tmp_path / "附件.zip"
    src.write_bytes(data)
    report = scan_path(src, CONFIG)
    assert report.status is Status.FINDINGS
    found = {f.text for f in report.findings}
    assert [v for v in values if v not in found] == []
    members = {f.location["member"] for f in report.findings}
    assert "材料/附件.zip!/附件2.zip!/公示/名单.xlsx" in members
    cell = next(f for f in report.findings if f.location["member"].endswith("名单.xlsx"))
    assert cell.location["sheet"] == "公示名单"  # the member's own location follows
    # The ID in a member's name is a finding on the name itself.
    assert any(
        f.location.get("field") == "name" and f.entity_type == "CN_RESIDENT_ID" for f in report.findings
    )
    assert any("GBK" in n for n in report.notes)


def test_zip_nested_masked_nothing_left_names_and_order_kept(tmp_path: Path) -> None:
    data, values, parts = _nested_zip()
    src = tmp_path / "附件.zip"
    src.write_bytes(data)
    result = mask_path(src, tmp_path / "out" / "附件.zip", CONFIG, POLICY)
    assert result.ok, result.report.reason
    masked = Path(result.output or "")
    out_dir = tmp_path / "x"
    subprocess.run(["7z", "x", "-bd", "-bso0", f"-o{out_dir}", str(masked)], check=True, timeout=60)
    assert _leftovers(_all_text(out_dir), values) == []
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(masked) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        assert [i.date_time for i in a.infolist()] == [i.date_time for i in b.infolist()]
        # Untouched members are copied byte for byte (same compressed stream, same CRC).
        assert b.read("readme.txt") == a.read("readme.txt")
        assert b.getinfo("readme.txt").CRC == a.getinfo("readme.txt").CRC
        middle = zipfile.ZipFile(io.BytesIO(b.read("材料/附件.zip")))
    infos = middle.infolist()
    # Names stay in GBK without the UTF-8 flag, as Windows wrote them; the ID in a name is masked.
    assert all(not i.flag_bits & 0x800 for i in infos)
    names = [i.orig_filename.encode("cp437").decode("gbk") for i in infos]
    assert names[0].startswith("申请材料/") and "*" in names[0] and names[1] == "附件2.zip"
    innermost = zipfile.ZipFile(io.BytesIO(middle.read(infos[1])))
    original = zipfile.ZipFile(io.BytesIO(parts["innermost"]))
    assert innermost.read(innermost.infolist()[1]) == original.read(original.infolist()[1])


def test_clean_zip_is_copied_unchanged(tmp_path: Path) -> None:
    src = tmp_path / "clean.zip"
    src.write_bytes(make_zip({"a.txt": "今天天气很好。".encode(), "b/c.txt": b"nothing"}))
    result = mask_path(src, tmp_path / "out.zip", CONFIG, POLICY)
    assert result.ok and Path(result.output or "").read_bytes() == src.read_bytes()


@needs_7z
def test_7z_made_by_7zip_found_and_masked(tmp_path: Path) -> None:
    x, v1 = roster_xlsx(3)
    t, v2 = letter_txt()
    src = tmp_path / "材料.7z"
    src.write_bytes(make_7z({"公示/": b"", "公示/名单.xlsx": x, "申请.txt": t, "说明.txt": b"no data"}))
    report = scan_path(src, CONFIG)
    assert {v for v in v1 + v2} <= {f.text for f in report.findings}
    result = mask_path(src, tmp_path / "out" / "材料.7z", CONFIG, POLICY)
    assert result.ok and (result.output or "").endswith(".7z")
    out_dir = tmp_path / "x"
    subprocess.run(["7z", "x", "-bd", "-bso0", f"-o{out_dir}", result.output or ""], check=True, timeout=60)
    assert _leftovers(_all_text(out_dir), v1 + v2) == []
    assert (out_dir / "说明.txt").read_bytes() == b"no data"
    listing = subprocess.run(
        ["7z", "l", "-slt", result.output or ""], capture_output=True, text=True, check=True
    )
    assert "Modified = 2023-05-17 09:30:12" in listing.stdout


@needs_7z
def test_encrypted_7z_and_zip_are_blocked(tmp_path: Path) -> None:
    t, _ = letter_txt()
    for name, data in [
        ("a.7z", make_7z({"申请.txt": t}, password="secret")),
        ("b.7z", make_7z({"申请.txt": t}, password="secret", encrypt_names=True)),
    ]:
        (tmp_path / name).write_bytes(data)
        report = scan_path(tmp_path / name, CONFIG)
        assert (report.status, report.reason) == (Status.BLOCKED, "encrypted"), name
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "申请.txt").write_bytes(t)
    subprocess.run(
        ["7z", "a", "-bd", "-bso0", "-tzip", "-psecret", str(tmp_path / "c.zip"), "申请.txt"],
        cwd=tmp_path / "in",
        check=True,
    )
    report = scan_path(tmp_path / "c.zip", CONFIG)
    assert (report.status, report.reason) == (Status.BLOCKED, "encrypted")


@needs_unar
def test_rar_read_and_masked_as_zip(tmp_path: Path) -> None:
    t, v1 = letter_txt()
    c, v2 = roster_csv(4)
    src = tmp_path / "附件.rar"
    src.write_bytes(make_rar4({"docs/letter.txt": t, "docs/roster.csv": c, "docs/empty.txt": b"none"}))
    # The file is a valid RAR for an independent reader too.
    listing = subprocess.run(["lsar", str(src)], capture_output=True, text=True, check=True).stdout
    assert "docs/roster.csv" in listing.replace("\\", "/")
    report = scan_path(src, CONFIG)
    assert set(v1 + v2) <= {f.text for f in report.findings}
    result = mask_path(src, tmp_path / "out" / "附件.rar", CONFIG, POLICY)
    assert result.ok and (result.output or "").endswith("附件.zip")
    assert any("RAR cannot be written" in n for n in result.notes)
    with zipfile.ZipFile(result.output or "") as zf:
        assert zf.namelist() == ["docs/letter.txt", "docs/roster.csv", "docs/empty.txt"]
        assert zf.read("docs/empty.txt") == b"none"
        assert zf.getinfo("docs/letter.txt").date_time == (2023, 5, 17, 9, 30, 12)
        assert _leftovers("\n".join(zf.read(n).decode() for n in zf.namelist()), v1 + v2) == []


def test_real_rar5_with_a_zip_inside_is_read(tmp_path: Path) -> None:
    report = scan_path(DATA / "libarchive_rar5_zip_in_rar.rar", CONFIG)
    assert report.status is Status.CLEAN, report.reason


def test_tar_gz_and_gbk_tar_and_single_gz(tmp_path: Path) -> None:
    x, v1 = roster_xlsx(3)
    t, v2 = letter_txt()
    cases = {
        "材料.tar.gz": make_tar({"公示/": b"", "公示/名单.xlsx": x, "申请.txt": t}),
        "材料.tar": make_tar({"公示/名单.xlsx": x, "申请.txt": t}, "w", encoding="gbk"),
        "申请.txt.gz": __import__("gzip").compress(t),
    }
    for name, data in cases.items():
        src = tmp_path / name
        src.write_bytes(data)
        values = v2 if name.endswith(".txt.gz") else v1 + v2
        assert set(values) <= {f.text for f in scan_path(src, CONFIG).findings}, name
        result = mask_path(src, tmp_path / "out" / name, CONFIG, POLICY)
        assert result.ok, (name, result.report.reason)
        out_dir = tmp_path / ("x-" + name)
        out_dir.mkdir()
        if name.endswith(".txt.gz"):
            text = subprocess.run(["zcat", result.output or ""], capture_output=True, check=True).stdout
            assert _leftovers(text.decode(), values) == []
            continue
        subprocess.run(["tar", "xf", result.output or "", "-C", str(out_dir)], check=True, timeout=60)
        assert _leftovers(_all_text(out_dir), values) == []
        with tarfile.open(src) as a, tarfile.open(result.output or "") as b:
            assert [(m.name, m.mtime, m.mode) for m in a] == [(m.name, m.mtime, m.mode) for m in b]


def test_unsupported_member_blocks_and_is_named(tmp_path: Path) -> None:
    t, _ = letter_txt()
    inner = make_zip({"setup.exe": b"MZ\x90\x00", "申请.txt": t})
    src = tmp_path / "附件.zip"
    src.write_bytes(make_zip({"材料/内层.zip": inner}))
    report = scan_path(src, CONFIG)
    assert report.status is Status.BLOCKED and report.reason == "unsupported type"
    assert "附件.zip!/材料/内层.zip!/setup.exe" in (report.detail or "")


def test_member_name_digits_are_not_echoed_in_reasons(tmp_path: Path) -> None:
    _, values = letter_txt()
    src = tmp_path / "a.zip"
    src.write_bytes(make_zip({f"{values[0]}.bin": b"\x00\x01"}))
    report = scan_path(src, CONFIG)
    assert report.status is Status.BLOCKED and values[0] not in (report.detail or "")


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        ({"max_archive_depth": 2}, "too large: archives nested too deep"),
        ({"max_zip_entries": 4}, "too large: too many archive members"),
        ({"max_uncompressed_bytes": 3000}, "too large: uncompressed size"),
    ],
)
def test_limits_block_with_a_reason(tmp_path: Path, limits: dict[str, int], reason: str) -> None:
    import dataclasses

    data, _, _ = _nested_zip()
    src = tmp_path / "附件.zip"
    src.write_bytes(data)
    config = ScanConfig(limits=dataclasses.replace(CONFIG.limits, **limits))
    report = scan_path(src, config)
    assert (report.status, report.reason) == (Status.BLOCKED, reason)


def test_zip_bomb_ratio_blocks(tmp_path: Path) -> None:
    src = tmp_path / "bomb.zip"
    src.write_bytes(make_zip({"zeros.txt": b"0" * 5_000_000}))
    report = scan_path(src, CONFIG)
    assert (report.status, report.reason) == (Status.BLOCKED, "too large: compression ratio")


def test_redacted_locations_do_not_carry_an_id_from_a_member_name(tmp_path: Path) -> None:
    letter, values = letter_txt()
    src = tmp_path / "a.zip"
    src.write_bytes(make_zip({f"申请/{values[0]}_申请书.txt": letter}))
    report = scan_path(src, CONFIG)
    assert report.findings
    assert all(values[0] not in str(dict(f.location)) for f in report.findings)


class _Unseekable(io.RawIOBase):
    """A pipe-like sink: zipfile then writes sizes in data descriptors after each member, as
    streaming zip writers (web servers, `zip -` to stdout) do."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.buf += b
        return len(b)


def test_streamed_zip_with_data_descriptors_is_masked(tmp_path: Path) -> None:
    letter, values = letter_txt()
    sink = _Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("申请书.txt", letter)
        zf.writestr("说明.txt", "无".encode())
    src = tmp_path / "streamed.zip"
    src.write_bytes(bytes(sink.buf))
    assert zipfile.ZipFile(src).infolist()[0].flag_bits & 0x8  # really has a data descriptor
    result = mask_path(src, tmp_path / "out.zip", CONFIG, POLICY)
    assert result.ok, result.report.reason
    with zipfile.ZipFile(result.output or "") as zf:
        assert zf.testzip() is None
        assert _leftovers(zf.read("申请书.txt").decode(), values) == []
        assert zf.read("说明.txt") == "无".encode()


def test_rar_with_gbk_names_is_read_and_its_zip_copy_named_right(tmp_path: Path) -> None:
    letter, values = letter_txt()
    src = tmp_path / "附件.rar"
    src.write_bytes(make_rar4({"公示/申请书.txt": letter}, gbk=True))
    report = scan_path(src, CONFIG)
    assert {f.location["member"] for f in report.findings} == {"公示/申请书.txt"}
    result = mask_path(src, tmp_path / "out" / "附件.rar", CONFIG, POLICY)
    assert result.ok
    with zipfile.ZipFile(result.output or "") as zf:
        assert zf.namelist() == ["公示/申请书.txt"]
        assert _leftovers(zf.read("公示/申请书.txt").decode(), values) == []


@needs_unar
def test_rar_inside_a_zip_becomes_a_zip_member(tmp_path: Path) -> None:
    letter, values = letter_txt()
    src = tmp_path / "附件.zip"
    src.write_bytes(make_zip({"材料/申请.rar": make_rar4({"letter.txt": letter}), "说明.txt": b"none"}))
    result = mask_path(src, tmp_path / "out" / "附件.zip", CONFIG, POLICY)
    assert result.ok, result.report.reason
    with zipfile.ZipFile(result.output or "") as zf:
        assert zf.namelist() == ["材料/申请.zip", "说明.txt"]
        inner = zipfile.ZipFile(io.BytesIO(zf.read("材料/申请.zip")))
        assert _leftovers(inner.read("letter.txt").decode(), values) == []
    assert any("申请.rar" in n and ".zip" in n for n in result.notes)


def test_macos_metadata_files_are_read_as_strings_not_blocking(tmp_path: Path) -> None:
    letter, values = letter_txt()
    apple_double = (
        b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02" + b"com.apple.quarantine\x00q/0081"
    )
    src = tmp_path / "附件.zip"
    src.write_bytes(
        make_zip(
            {"申请书.txt": letter, "__MACOSX/._申请书.txt": apple_double, "__MACOSX/.DS_Store": b"\x00\x00"}
        )
    )
    report = scan_path(src, CONFIG)
    assert report.status is Status.FINDINGS and set(values) <= {f.text for f in report.findings}
    result = mask_path(src, tmp_path / "out.zip", CONFIG, POLICY)
    assert result.ok, result.report.reason
    with zipfile.ZipFile(result.output or "") as zf:
        assert zf.read("__MACOSX/._申请书.txt") == apple_double
    # An ID inside such a file is found; it cannot be rewritten, so masking refuses.
    leaky = tmp_path / "leaky.zip"
    leaky.write_bytes(make_zip({"a.txt": b"ok", ".DS_Store": b"\x00\x01" + values[0].encode("utf-16-le")}))
    assert values[0] in {f.text for f in scan_path(leaky, CONFIG).findings}
    assert not mask_path(leaky, tmp_path / "leaky-out.zip", CONFIG, POLICY).ok


def test_reading_twice_gives_the_same_segments(tmp_path: Path) -> None:
    from deident.formats.archive import open_document
    from deident.formats.base import FormatContext

    data, _, _ = _nested_zip()
    src = tmp_path / "附件.zip"
    src.write_bytes(data)
    doc = open_document(src, FormatContext(CONFIG))
    first = [(s.id, s.text, dict(s.location)) for s in doc.segments()]
    assert first and first == [(s.id, s.text, dict(s.location)) for s in doc.segments()]
