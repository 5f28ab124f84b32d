"""The WARC reader: every 2xx response record a file, read through the format registry."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.web.sniff import choose_suffix

_CHUNK = 1 << 16


def _copy_limited(src: BinaryIO, dst: BinaryIO, limit: int, url: str) -> int:
    total = 0
    while True:
        buf = src.read(_CHUNK)
        if not buf:
            return total
        total += len(buf)
        if total > limit:
            raise BlockedError("too large", f"{url}: payload over {limit} bytes")
        dst.write(buf)


def decoded_stream(record: Any, url: str) -> BinaryIO:
    """The payload with its Content-Encoding undone. warcio hands back the still-compressed
    bytes for an encoding it does not know (br without brotli, zstd, compress, or a chain such
    as "gzip, br"): that would be read as garbage and called clean, so it blocks instead."""
    from warcio.bufferedreaders import BufferedReader

    encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    if encoding not in ("", "identity") and encoding not in BufferedReader.get_supported_decompressors():
        raise BlockedError("unsupported type", f"{url}: Content-Encoding {encoding[:40]} cannot be decoded")
    return record.content_stream()


def http_status(record: Any) -> int:
    try:
        return int(record.http_headers.get_statuscode())
    except (AttributeError, TypeError, ValueError):
        return 0


class WarcDocument:
    output_suffix: str | None = None

    def __init__(self, path: Path, ctx: FormatContext) -> None:
        self.path = path
        self.ctx = ctx
        self.notes: tuple[str, ...] = ()

    def responses(self) -> Iterator[tuple[Any, str, str]]:
        """(record, url, record id) of every 2xx response, in file order."""
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        revisits = skipped = 0
        try:
            with self.path.open("rb") as fh:
                for record in ArchiveIterator(fh, arc2warc=True):
                    if record.rec_type == "revisit":
                        revisits += 1
                        continue
                    if record.rec_type != "response":
                        continue
                    if not 200 <= http_status(record) < 300:
                        skipped += 1
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI") or ""
                    rid = record.rec_headers.get_header("WARC-Record-ID") or ""
                    if record.rec_headers.get_header("WARC-Truncated"):
                        raise BlockedError("too large", f"{url}: the capture was truncated, not fully read")
                    yield record, url, rid
        except ArchiveLoadFailed as exc:
            raise BlockedError("corrupt", "not a readable WARC file") from exc
        if revisits:
            self.notes += (f"{revisits} revisit record(s) point at earlier captures and were not read",)
        if skipped:
            self.notes += (f"{skipped} non-2xx response(s) (redirects, errors) not read",)

    def segments(self) -> Iterator[Segment]:
        from deident.formats import format_for

        next_id = 0
        with tempfile.TemporaryDirectory(prefix="deident-warc-") as tmp:
            for n, (record, url, rid) in enumerate(self.responses()):
                headers = record.http_headers
                stream = decoded_stream(record, url)
                head = stream.read(4096)
                raw = Path(tmp, f"r{n}")
                with raw.open("wb") as out:
                    out.write(head)
                    _copy_limited(stream, out, self.ctx.limits.max_file_bytes - len(head), url)
                suffix = choose_suffix(
                    url=url,
                    content_type=headers.get_header("Content-Type"),
                    content_disposition=headers.get_header("Content-Disposition"),
                    head=head,
                    whole=str(raw),
                )
                if suffix is None:
                    ctype = (headers.get_header("Content-Type") or "no content type").split(";")[0]
                    raise BlockedError("unsupported type", f"{url}: no reader for {ctype}")
                member = raw.rename(raw.with_name(f"r{n}{suffix}"))
                doc = format_for(member).open_document(member, self.ctx)
                for seg in doc.segments():
                    yield Segment(
                        next_id,
                        seg.text,
                        {"url": url, "record_id": rid, **seg.location},
                        seg.hint_entity,
                        seg.hint_reason,
                        maskable=False,
                    )
                    next_id += 1
                self.notes += tuple(f"{url}: {note}" for note in getattr(doc, "notes", ()))
                del doc
                member.unlink(missing_ok=True)

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        raise MaskError("a WARC file is evidence and is not rewritten; mask the published files instead")


def open_document(path: Path, ctx: FormatContext) -> WarcDocument:
    try:
        import warcio  # noqa: F401
    except ModuleNotFoundError as exc:
        raise BlockedError(
            "unsupported type", "reading WARC files needs warcio; install deident[patrol]"
        ) from exc
    with path.open("rb") as fh:
        head = fh.read(4)
    if head[:2] != b"\x1f\x8b" and head != b"WARC":
        raise BlockedError("corrupt", "not a WARC file")
    return WarcDocument(path, ctx)
