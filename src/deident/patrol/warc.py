"""Evidence: one WARC file per run (warcio), and payloads read back from any earlier WARC.

Every response is written as it came over the wire (status, headers, body with its
Content-Encoding); a 304 answer is a `revisit` record pointing at the capture it confirms.
A record is addressed by (file, offset, record id): each record is its own gzip member, so
reading one back is a seek, not a scan of the file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from deident.errors import BlockedError
from deident.patrol.fetch import Response

_CHUNK = 1 << 16
_HOP_BY_HOP = frozenset({"transfer-encoding", "connection", "keep-alive"})


@dataclass(frozen=True, slots=True)
class Pointer:
    """Where a capture lives: the finding's evidence."""

    warc: str
    offset: int
    record_id: str
    date: str
    digest: str = ""  # WARC-Payload-Digest, what a revisit record names

    def to_dict(self) -> dict[str, Any]:
        return {
            "warc": self.warc,
            "offset": self.offset,
            "record_id": self.record_id,
            "date": self.date,
            "digest": self.digest,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Pointer:
        return cls(
            str(d["warc"]),
            int(d["offset"]),
            str(d["record_id"]),
            str(d.get("date", "")),
            str(d.get("digest", "")),
        )


def run_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("patrol-%Y%m%dT%H%M%S%fZ.warc.gz")


class WarcLog:
    def __init__(self, path: Path, *, software: str, seeds: tuple[str, ...]) -> None:
        from warcio.warcwriter import WARCWriter

        self.path = path
        # The evidence holds the personal data that was published: readable by its owner only.
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._fh: BinaryIO = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            path.name, {"software": software, "format": "WARC File Format 1.1", "seeds": " ".join(seeds)}
        )
        self._writer.write_record(info)
        self.records = 0

    def close(self) -> None:
        self._fh.close()

    def _http_headers(self, resp: Response) -> Any:
        from warcio.statusandheaders import StatusAndHeaders

        # The body is stored de-chunked, so the chunking header would lie about it.
        headers = [(k, v) for k, v in resp.headers if k.lower() not in _HOP_BY_HOP]
        protocol = "HTTP/1.0" if resp.http_version == "HTTP/1.0" else "HTTP/1.1"
        return StatusAndHeaders(f"{resp.status} {resp.reason}".strip(), headers, protocol=protocol)

    def _write(self, record: Any) -> Pointer:
        self._fh.flush()
        offset = self._fh.tell()
        self._writer.write_record(record)
        self._fh.flush()
        self.records += 1
        rid = record.rec_headers.get_header("WARC-Record-ID")
        date = record.rec_headers.get_header("WARC-Date")
        digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
        return Pointer(str(self.path), offset, rid, date, digest)

    def _request(self, resp: Response) -> str:
        """The request as sent (conditional headers included): returns its record id."""
        from urllib.parse import urlsplit

        from warcio.statusandheaders import StatusAndHeaders

        parts = urlsplit(resp.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = StatusAndHeaders(f"GET {target} HTTP/1.1", resp.request_headers, is_http_request=True)
        record = self._writer.create_warc_record(resp.url, "request", http_headers=headers)
        self._write(record)
        return record.rec_headers.get_header("WARC-Record-ID")

    def response(self, resp: Response) -> Pointer:
        extra = {"WARC-Concurrent-To": self._request(resp)}
        if resp.truncated:
            extra["WARC-Truncated"] = resp.truncated
        if resp.body is not None:
            with resp.body.open("rb") as body:
                record = self._writer.create_warc_record(
                    resp.url,
                    "response",
                    payload=body,
                    length=resp.size,
                    http_headers=self._http_headers(resp),
                    warc_headers_dict=extra,
                )
                return self._write(record)
        record = self._writer.create_warc_record(
            resp.url, "response", http_headers=self._http_headers(resp), warc_headers_dict=extra
        )
        return self._write(record)

    def revisit(self, resp: Response, original: Pointer) -> Pointer:
        """A 304 answer: the capture at `original` is still what the site serves."""
        record = self._writer.create_revisit_record(
            resp.url,
            original.digest or "unknown",
            resp.url,
            original.date,
            http_headers=self._http_headers(resp),
            warc_headers_dict={
                "WARC-Refers-To": original.record_id,
                "WARC-Concurrent-To": self._request(resp),
            },
        )
        return self._write(record)


def _record_at(pointer: Pointer, use: Any) -> Any:
    from warcio.archiveiterator import ArchiveIterator

    path = Path(pointer.warc)
    try:
        with path.open("rb") as fh:
            fh.seek(pointer.offset)
            for record in ArchiveIterator(fh):
                if record.rec_headers.get_header("WARC-Record-ID") != pointer.record_id:
                    raise BlockedError("unreadable", f"evidence record missing in {path.name}")
                return use(record)
    except OSError as exc:
        raise BlockedError("unreadable", f"evidence file {path.name}: {type(exc).__name__}") from exc
    raise BlockedError("unreadable", f"evidence record missing in {path.name}")


def read_payload(pointer: Pointer, dst: Path, limit: int) -> dict[str, str]:
    """Write the decoded payload of the record at `pointer` to `dst` (at most `limit` bytes,
    else BlockedError too large); returns the record's HTTP headers (lower-case names)."""

    def copy(record: Any) -> dict[str, str]:
        from deident.formats.web.document import decoded_stream

        stream = decoded_stream(record, record.rec_headers.get_header("WARC-Target-URI") or "")
        total = 0
        with dst.open("wb") as out:
            while True:
                buf = stream.read(_CHUNK)
                if not buf:
                    break
                total += len(buf)
                if total > limit:
                    raise BlockedError("too large", f"decoded payload over {limit} bytes")
                out.write(buf)
        headers = record.http_headers.headers if record.http_headers else []
        return {k.lower(): v for k, v in headers}

    return _record_at(pointer, copy)
