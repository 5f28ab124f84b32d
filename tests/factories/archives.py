"""Builders of real archives (.zip with GBK or UTF-8 names, nested zips, .7z through the `7z`
command, tar and gzip) holding rosters and letters with personal data.

Each builder returns the archive bytes; the personal values come from the member builders, so
tests can look for every one of them in the masked copy after an independent extraction.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

from tests.factories import pii
from tests.factories.office import Sheet, Xlsx, roster_rows

RNG = random.Random(20261206)
STAMP = (2023, 5, 17, 9, 30, 12)


class _GbkInfo(zipfile.ZipInfo):
    """A member whose name is stored in CP936 without the UTF-8 flag, as Windows Explorer,
    WinRAR and 360压缩 write it on Chinese Windows."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        try:
            return self.filename.encode("ascii"), self.flag_bits
        except UnicodeEncodeError:
            return self.filename.encode("gbk"), self.flag_bits & ~0x800


def make_zip(members: Mapping[str, bytes], *, gbk: bool = False, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            info = (_GbkInfo if gbk else zipfile.ZipInfo)(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_STORED if name.endswith("/") else method
            info.external_attr = (0o40755 << 16) | 0x10 if name.endswith("/") else 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def roster_xlsx(n: int = 5, rng: random.Random = RNG) -> tuple[bytes, list[str]]:
    rows, values = roster_rows(n, rng)
    names = [str(r[1]) for r in rows[1:]]
    return Xlsx(sheets=[Sheet("公示名单", rows)]).to_bytes(), values + names


def letter_txt(rng: random.Random = RNG) -> tuple[bytes, list[str]]:
    rid, phone = pii.resident_id(rng), pii.mobile(rng)
    text = f"申请人身份证号码：{rid}\n联系电话：{phone}\n"
    return text.encode("utf-8"), [rid, phone]


def roster_csv(n: int = 5, rng: random.Random = RNG) -> tuple[bytes, list[str]]:
    lines, values = ["姓名,身份证号码,联系电话"], []
    for _ in range(n):
        rid, phone = pii.resident_id(rng), pii.mobile(rng)
        lines.append(f"{pii.person_name(rng)},{rid},{phone}")
        values += [rid, phone]
    return ("\n".join(lines) + "\n").encode("utf-8"), values


def make_7z(
    members: Mapping[str, bytes], *, password: str | None = None, encrypt_names: bool = False
) -> bytes:
    """A .7z written by the real 7-Zip (p7zip): members added in order, with a fixed time."""
    seven = shutil.which("7z") or shutil.which("7za")
    if seven is None:
        raise RuntimeError("the 7z command (p7zip-full) is needed")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        stamp = time.mktime((*STAMP, 0, 0, -1))
        for name, data in members.items():
            p = root / name
            if name.endswith("/"):
                p.mkdir(parents=True, exist_ok=True)
                continue
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        for p in sorted(root.rglob("*"), reverse=True):
            import os

            os.utime(p, (stamp, stamp))
        out = Path(tmp) / "out.7z"
        args = [seven, "a", "-bd", "-bso0", "-bsp0", str(out)]
        if password:
            args.append(f"-p{password}")
            if encrypt_names:
                args.append("-mhe=on")
        names = [n.rstrip("/") for n in members]
        tops = list(dict.fromkeys(n.split("/")[0] for n in names))
        subprocess.run([*args, *tops], cwd=root, check=True, timeout=60)
        return out.read_bytes()


def make_tar(members: Mapping[str, bytes], mode: str = "w:gz", *, encoding: str = "utf-8") -> bytes:
    buf = io.BytesIO()
    fmt = tarfile.PAX_FORMAT if encoding == "utf-8" else tarfile.GNU_FORMAT
    with tarfile.open(fileobj=buf, mode=mode, format=fmt, encoding=encoding) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime = int(time.mktime((*STAMP, 0, 0, -1)))
            if name.endswith("/"):
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tf.addfile(info)
            else:
                info.size, info.mode = len(data), 0o640
                tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _rar_block(kind: int, flags: int, body: bytes, add: bytes = b"") -> bytes:
    import struct
    import zlib

    size = 7 + len(body)
    head = struct.pack("<BHH", kind, flags, size) + body
    return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head + add


def make_rar4(members: Mapping[str, bytes], *, gbk: bool = False) -> bytes:
    """A RAR 4 archive with stored (method 0x30) members and ASCII names (or GBK names without
    the Unicode flag, as WinRAR on Chinese Windows writes them), written to the RAR 4
    format (marker, main header, one file header per member, end block). No permissively
    licensed tool writes RAR; storing needs no compressor, so the format can be written here."""
    import struct
    import zlib

    y, mo, d, h, mi, s = STAMP
    dostime = (((y - 1980) << 25) | (mo << 21) | (d << 16)) | (h << 11) | (mi << 5) | (s // 2)
    out = b"Rar!\x1a\x07\x00" + _rar_block(0x73, 0, b"\x00" * 6)
    for name, data in members.items():
        raw = name.replace("/", "\\").encode(
            "gbk" if gbk else "ascii"
        )  # WinRAR (host OS 2) separates with '\\'
        body = struct.pack(
            "<LLBLLBBHL", len(data), len(data), 2, zlib.crc32(data), dostime, 20, 0x30, len(raw), 0x20
        )
        out += _rar_block(0x74, 0x8000, body + raw, data)
    return out + _rar_block(0x7B, 0x4000, b"")
