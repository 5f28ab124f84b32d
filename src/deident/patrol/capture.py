"""One captured resource made readable: its payload read back from the WARC into a file named
with the suffix of the reader it needs, its sha256 (what approvals bind to), and its scan by
the same pipeline as `deident scan`, each finding pointing at the WARC record."""

from __future__ import annotations

import dataclasses
import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deident.config import ScanConfig
from deident.errors import BlockedError
from deident.formats.web.sniff import choose_suffix, is_html
from deident.model import FileReport, Status
from deident.patrol.warc import Pointer, read_payload

if TYPE_CHECKING:
    from deident.detection.engine import Engine


@dataclass(frozen=True, slots=True)
class Capture:
    raw: Path  # the decoded payload (renamed to `file` when a reader fits)
    file: Path | None
    suffix: str | None
    sha256: str
    headers: dict[str, str]  # HTTP response headers, lower-case names

    @property
    def kind(self) -> str:
        return "page" if is_html(self.suffix) else "attachment"

    def filename(self, url: str) -> str | None:
        """The name the file is published under: Content-Disposition's, else the URL's."""
        from urllib.parse import unquote, urlsplit

        from deident.formats.web.sniff import filename_from_disposition

        named = filename_from_disposition(self.headers.get("content-disposition"))
        return named or unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or None

    def discard(self) -> None:
        (self.file or self.raw).unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_capture(pointer: Pointer, url: str, dst: Path, limit: int) -> Capture:
    """Read the payload at `pointer` into `dst` (+ the reader's suffix). BlockedError when it
    cannot be read completely (missing evidence, too large, undecodable)."""
    try:
        headers = read_payload(pointer, dst, limit)
    except BlockedError:
        dst.unlink(missing_ok=True)
        raise
    except (OSError, zlib.error, ValueError, EOFError) as exc:
        dst.unlink(missing_ok=True)
        raise BlockedError("corrupt", f"the payload cannot be decoded ({type(exc).__name__})") from exc
    return identify(dst, headers, url)


def identify(dst: Path, headers: dict[str, str], url: str) -> Capture:
    """A decoded payload at `dst`: its reader (renaming the file to its suffix) and sha256."""
    with dst.open("rb") as fh:
        head = fh.read(4096)
    suffix = choose_suffix(
        url=url,
        content_type=headers.get("content-type"),
        content_disposition=headers.get("content-disposition"),
        head=head,
        whole=str(dst),
    )
    sha = _sha256(dst)
    file = dst.rename(dst.with_name(dst.name + suffix)) if suffix else None
    return Capture(dst, file, suffix, sha, headers)


def with_evidence(report: FileReport, pointer: Pointer) -> FileReport:
    if not report.findings:
        return report
    where = {"warc": pointer.warc, "record_id": pointer.record_id}
    found = tuple(dataclasses.replace(f, location={**f.location, **where}) for f in report.findings)
    return dataclasses.replace(report, findings=found)


def scan_capture(cap: Capture, url: str, pointer: Pointer, config: ScanConfig, engine: Engine) -> FileReport:
    """The pipeline's verdict on the captured bytes; `path` is the URL."""
    from deident.pipeline import scan_path

    if cap.file is None:
        ctype = (cap.headers.get("content-type") or "no content type").split(";")[0]
        return FileReport(
            url, cap.sha256, Status.BLOCKED, "unsupported type", detail=f"no reader for {ctype}"
        )
    return with_evidence(scan_path(cap.file, config, engine=engine, display_path=url), pointer)
