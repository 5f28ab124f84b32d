"""What every archive kind has in common: its entries in order, and how their names are told.

An `Entry` is one member (a file, a directory, a link) with its name decoded to text, '/'
separated and without a trailing slash. `meta` keeps what the kind's writer needs to write the
member back unchanged (a ZipInfo, a TarInfo, libarchive's attributes).

Member names are shown in reasons and notes; a name may itself hold personal data
(张三_440881199001011234_申请表.pdf), so `display_name` hides long digit runs there. The
findings themselves (scanned by the engine) carry the name as found, like every other finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from deident.errors import BlockedError

# The separator between an archive and a member in paths shown to users and in the JSON
# contract: 附件.zip!/公示/名单.xlsx (the JAR URL convention).
SEP = "!/"

_LONG_DIGITS = re.compile(r"[0-9]{6,}[0-9Xx]?")


@dataclass(slots=True)
class Entry:
    index: int  # position in the archive, kept when writing
    name: str  # decoded, '/'-separated, no trailing slash
    kind: str  # "file" | "dir" | "link" | "other"
    size: int = 0  # uncompressed bytes (declared)
    packed: int | None = None  # compressed bytes when the kind tells per member (zip)
    link: str | None = None  # target of a symbolic or hard link
    meta: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def display_name(name: str) -> str:
    """A member name safe to show in a reason or note: runs of 6+ digits are cut to their
    first 3 and last 2 (an ID or phone number in a file name is not echoed)."""
    return _LONG_DIGITS.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 5) + m[0][-2:], name)


def clean_name(raw: str) -> str:
    """Normalise a stored name: backslashes (written by some Windows tools) become '/', and
    leading './' or '/' and trailing '/' go. A name that climbs out ('..') is refused: it
    could never be extracted safely and an archive holding one is not a document archive."""
    name = raw.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    name = name.strip("/")
    if any(part == ".." for part in name.split("/")):
        raise BlockedError("corrupt: unsafe member name", f"{display_name(name)} climbs out of the archive")
    return name


def decode_zip_name(raw: bytes, utf8_flag: bool) -> tuple[str, str]:
    """(name, encoding) of a zip member name as stored. Zips written by Windows (Explorer,
    WinRAR, 360压缩, Bandizip in 'system' mode) store names in the ANSI code page, for Chinese
    Windows CP936/GBK, without the UTF-8 flag; macOS and Linux tools write UTF-8 without the
    flag too. So: the flag means UTF-8; else UTF-8 if it decodes; else GB18030 (a superset of
    GBK/CP936) if it decodes; else CP437, the zip default."""
    if utf8_flag:
        return raw.decode("utf-8", "replace"), "utf-8"
    try:
        raw.decode("ascii")
        return raw.decode("ascii"), "ascii"
    except UnicodeDecodeError:
        pass
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("cp437"), "cp437"


def all_dirs(entries: list[Entry]) -> list[str]:
    """Every directory path the archive names, in order of first appearance: directory
    entries and the folders of member paths (many zips have no directory entries)."""
    seen: dict[str, None] = {}
    for e in entries:
        parts = e.name.split("/")
        upto = len(parts) if e.kind == "dir" else len(parts) - 1
        for i in range(1, upto + 1):
            seen.setdefault("/".join(parts[:i]), None)
    return list(seen)
