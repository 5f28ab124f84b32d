"""An archive as a document: the names of its members and every member through its own reader.

Segments, in archive order:
- the name of every folder and member, one path component each
  ({"member": "公示/张三_申请表.pdf", "field": "name"}), because file names carry personal data;
- comments the archive kind stores ({"field": "comment"}, {"member": …, "field": "comment"});
- every segment of every member, read by the reader the registry names for its suffix, with the
  member path in front of the member's own location ({"member": "公示/名单.xlsx", "sheet": …}).
  A member inside a nested archive is named by the chain, joined by `!/`:
  {"member": "材料.zip!/公示/名单.xlsx", …}. The full path of a finding's place is
  ``<path>!/<location.member>``, e.g. 附件.zip!/材料.zip!/公示/名单.xlsx. Digit runs of 6 or more
  in member names are shown cut (440***…34) in locations, reasons and notes, so a redacted
  report does not print an ID through a file name; the name's own finding holds the value.

Fail closed: a member without a reader, encrypted, or blocked for any reason blocks the whole
archive, and the reason names the member.

Masking rewrites only what changed: members with replacements are written by their reader
(reopened from the unpacked copy; the reopened reading must be the same as the scanned one),
renamed members get their masked names, and every other member is copied as it was.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from deident.errors import BlockedError, MaskError
from deident.formats.archive.budget import Budget
from deident.formats.archive.entries import SEP, Entry, all_dirs, display_name
from deident.formats.base import Document, FormatContext, Replacement, Segment


class Backend(Protocol):
    kind: str  # "zip", "7z", "rar", "tar", "tar.gz", "gz", …
    entries: list[Entry]
    # Suffix of the masked copy when this kind cannot be written (.rar -> ".zip").
    output_suffix: str | None
    notes: list[str]

    def comments(self) -> list[tuple[str | None, str]]:
        """(member name or None for the archive, comment) of every stored comment."""
        ...

    def extract_all(self, dest: Path, budget: Budget) -> dict[int, Path]:
        """Unpack every file entry under `dest`: entry index -> its file."""
        ...

    def write(self, out: BinaryIO, plan: list[Planned], comments: Mapping[str | None, str]) -> None: ...


@dataclass(slots=True)
class Planned:
    entry: Entry
    name: str  # the (possibly masked) name to write
    data: bytes | None  # new content, or None to copy the member as it was


class MemberBlockedError(BlockedError):
    """A member could not be read; `members` is the chain of names down to it."""

    def __init__(self, reason: str, detail: str | None, members: list[str]) -> None:
        super().__init__(reason, detail)
        self.members = members


@dataclass(slots=True)
class _Member:
    entry: Entry
    file: Path
    ctx: FormatContext
    count: int = 0
    digest: bytes = b""
    rewrite: bool = False  # its reader always rewrites a masked copy (PDF: scrubs active content)


class ArchiveDocument:
    def __init__(self, path: Path, backend: Backend, ctx: FormatContext) -> None:
        self.path = path
        self.backend = backend
        self.ctx = ctx
        self.output_suffix = backend.output_suffix
        self._notes: list[str] = list(backend.notes)
        self._tmp = tempfile.TemporaryDirectory(prefix="deident-archive-")
        self.unpacked_bytes = 0
        self.member_count = len(backend.entries)
        self._targets: list[tuple[str, Any, int]] = []  # per segment id: (kind, key, inner id)
        self._texts: list[str] = []
        self._members: dict[int, _Member] = {}

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes)

    @property
    def always_rewrite(self) -> bool:
        return any(m.rewrite for m in self._members.values())

    # ------------------------------------------------------------------ reading
    def _add(self, text: str, location: dict[str, Any], target: tuple[str, Any, int], **kw: Any) -> Segment:
        seg = Segment(len(self._targets), text, location, **kw)
        self._targets.append(target)
        self._texts.append(text)
        return seg

    def segments(self) -> Iterator[Segment]:
        self._targets, self._texts, self._members = [], [], {}
        budget = Budget(self.ctx)
        entries = self.backend.entries
        budget.take_entries(len(entries))
        for d in all_dirs(entries):
            base = d.rsplit("/", 1)[-1]
            yield self._add(base, {"member": display_name(d) + "/", "field": "name"}, ("name", d, 0))
        for name, comment in self.backend.comments():
            if comment.strip():
                loc = (
                    {"field": "comment"}
                    if name is None
                    else {"member": display_name(name), "field": "comment"}
                )
                yield self._add(comment, loc, ("comment", name, 0))
        for e in entries:
            if e.kind == "link" and e.link:
                loc = {"member": display_name(e.name), "field": "link target"}
                yield self._add(e.link, loc, ("link", e.name, 0), maskable=False)
        files = self.backend.extract_all(Path(self._tmp.name), budget)
        self.unpacked_bytes = sum(f.stat().st_size for f in files.values())
        for e in entries:
            if e.kind == "dir":
                continue
            yield self._add(
                e.name.rsplit("/", 1)[-1],
                {"member": display_name(e.name), "field": "name"},
                ("name", e.name, 0),
            )
            if e.index in files and _os_metadata(e.name):
                yield from self._metadata_strings(e, files[e.index])
            elif e.index in files:
                yield from self._member_segments(e, files[e.index], budget)

    def _metadata_strings(self, e: Entry, file: Path) -> Iterator[Segment]:
        """Files the archiving OS adds (AppleDouble `__MACOSX/._*`, `.DS_Store`, `Thumbs.db`)
        have no reader; their readable strings are scanned, and they are copied as they are
        (personal data there makes masking refuse: delete them from the archive)."""
        from deident.formats.common.strings import printable_runs

        note = "operating-system metadata files (__MACOSX, .DS_Store, Thumbs.db) read as strings"
        if note not in self._notes:
            self._notes.append(note)
        shown = display_name(e.name)
        for offset, text in printable_runs(file.read_bytes()):
            yield self._add(text, {"member": shown, "offset": offset}, ("strings", e.name, 0), maskable=False)

    def _member_segments(self, e: Entry, file: Path, budget: Budget) -> Iterator[Segment]:
        member = _Member(e, file, budget.member_context())
        inner = self._open_member(member)
        h = hashlib.blake2b(digest_size=16)
        shown = display_name(e.name)
        try:
            for seg in inner.segments():
                h.update(seg.text.encode("utf-8", "surrogatepass") + b"\0")
                member.count += 1
                loc = dict(seg.location)
                inner_member = loc.pop("member", None)
                where = shown if inner_member is None else f"{shown}{SEP}{inner_member}"
                yield self._add(
                    seg.text,
                    {"member": where, **loc},
                    ("member", e.index, seg.id),
                    hint_entity=seg.hint_entity,
                    hint_reason=seg.hint_reason,
                    maskable=seg.maskable,
                )
        except Exception as exc:
            raise self._member_error(e, exc) from None
        member.digest = h.digest()
        member.rewrite = bool(getattr(inner, "always_rewrite", False))
        self._members[e.index] = member
        for note in getattr(inner, "notes", ()):
            self._notes.append(f"{display_name(e.name)}: {note}")
        budget.take_bytes(int(getattr(inner, "unpacked_bytes", 0)))
        budget.take_entries(int(getattr(inner, "member_count", 0)))

    def _open_member(self, member: _Member) -> Document:
        from deident.formats import format_for

        try:
            return format_for(member.file).open_document(member.file, member.ctx)
        except Exception as exc:
            raise self._member_error(member.entry, exc) from None

    def _member_error(self, e: Entry, exc: BaseException) -> BlockedError:
        if isinstance(exc, MemberBlockedError):
            chain = [e.name, *exc.members]
            detail = exc.detail.split(": ", 1)[1] if exc.detail and ": " in exc.detail else exc.detail
            reason = exc.reason
        elif isinstance(exc, BlockedError):
            chain, reason, detail = [e.name], exc.reason, exc.detail
        else:
            chain, reason = [e.name], "internal error"
            detail = f"{type(exc).__name__} while reading; the member was not fully read"
        where = SEP.join([self.path.name, *(display_name(n) for n in chain)])
        return MemberBlockedError(reason, f"{where}: {detail or reason}", chain)

    # ------------------------------------------------------------------ writing
    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        names: dict[str, str] = {}
        comments: dict[str | None, str] = {}
        by_member: dict[int, dict[int, Sequence[Replacement]]] = {}
        for seg_id, reps in replacements.items():
            if not reps:
                continue
            if not 0 <= seg_id < len(self._targets):
                raise MaskError(f"unknown segment id {seg_id}")
            kind, key, inner_id = self._targets[seg_id]
            if kind == "name":
                names[key] = _apply(self._texts[seg_id], reps)
            elif kind == "comment":
                comments[key] = _apply(self._texts[seg_id], reps)
            elif kind == "member":
                by_member.setdefault(key, {})[inner_id] = reps
            else:
                raise MaskError("personal data in a link target or a metadata file cannot be rewritten")
        plan: list[Planned] = []
        seen: set[str] = set()
        for e in self.backend.entries:
            new_name = _renamed(e.name, names)
            data = None
            member = self._members.get(e.index)
            if member is not None and (e.index in by_member or member.rewrite):
                data, suffix = self._masked_member(member, by_member.get(e.index, {}))
                if suffix and not new_name.lower().endswith(suffix):
                    new_name = new_name.rsplit(".", 1)[0] + suffix
                    self._notes.append(f"{display_name(e.name)}: masked copy written as {suffix}")
            if new_name in seen and new_name != e.name:  # a duplicate the source had is kept
                raise MaskError(f"two members would share the masked name {display_name(new_name)}")
            seen.add(new_name)
            plan.append(Planned(e, new_name, data))
        self.backend.write(out, plan, comments)

    def _masked_member(
        self, member: _Member, reps: dict[int, Sequence[Replacement]]
    ) -> tuple[bytes, str | None]:
        inner = self._open_member(member)
        h = hashlib.blake2b(digest_size=16)
        count = 0
        for seg in inner.segments():
            h.update(seg.text.encode("utf-8", "surrogatepass") + b"\0")
            count += 1
        if count != member.count or h.digest() != member.digest:
            raise MaskError(f"{display_name(member.entry.name)} reads differently the second time")
        buf = io.BytesIO()
        inner.write_masked(reps, buf)
        # A rewritten member is in its reader's output kind (a .rar as .zip, a .doc as .docx).
        return buf.getvalue(), getattr(inner, "output_suffix", None)


def _os_metadata(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base in (".DS_Store", "Thumbs.db", "desktop.ini")


def _apply(text: str, reps: Sequence[Replacement]) -> str:
    for r in sorted(reps, key=lambda r: r.start, reverse=True):
        text = text[: r.start] + r.text + text[r.end :]
    if not text or "/" in text or "\\" in text or text in (".", ".."):
        raise MaskError("a masked member name would not be a valid name")
    return text


def _renamed(name: str, names: Mapping[str, str]) -> str:
    if not names:
        return name
    parts = name.split("/")
    return "/".join(names.get("/".join(parts[: i + 1]), p) for i, p in enumerate(parts))
