"""A patrol report from a WARC instead of the live site: `deident patrol --replay site.warc.gz`.

Re-checks earlier evidence with new recognizers or a new policy, or a capture made by another
crawler (Heritrix, `wget --warc-file`, Browsertrix), without a single request to the site:
every 2xx response record is a resource (`path` = its URL), scanned by the same pipeline,
its sections taken from the URLs and, for files at the site root, from the pages linking them.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from deident.errors import BlockedError
from deident.model import FileReport, Status
from deident.patrol.capture import open_capture, scan_capture
from deident.patrol.config import PatrolConfig
from deident.patrol.links import links_of
from deident.patrol.model import PatrolResult, Resource, Stats
from deident.patrol.urls import canonical, section_of
from deident.patrol.warc import Pointer


def _responses(warc: Path) -> Iterator[tuple[str, int, Pointer]]:
    """(url, http status, pointer) of every response record, in file order."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from deident.formats.web.document import http_status

    try:
        with warc.open("rb") as fh:
            it = ArchiveIterator(fh)
            for record in it:
                if record.rec_type != "response":
                    continue
                h = record.rec_headers
                pointer = Pointer(
                    str(warc),
                    it.get_record_offset(),
                    h.get_header("WARC-Record-ID") or "",
                    h.get_header("WARC-Date") or "",
                    h.get_header("WARC-Payload-Digest") or "",
                )
                truncated = bool(h.get_header("WARC-Truncated"))
                yield h.get_header("WARC-Target-URI") or "", -1 if truncated else http_status(record), pointer
    except ArchiveLoadFailed as exc:
        raise BlockedError("corrupt", f"{warc.name} is not a readable WARC file") from exc


def replay(warcs: list[Path], cfg: PatrolConfig) -> PatrolResult:
    from deident.api import engine_for

    started = time.monotonic()
    engine = engine_for(cfg.scan)
    stats = Stats()
    tmp = Path(tempfile.mkdtemp(prefix="deident-replay-"))
    found: dict[str, Resource] = {}  # the last capture of a URL wins
    referrer: dict[str, str] = {}  # url -> section of the first page linking it
    broken: list[tuple[str, int]] = []
    try:
        for warc in warcs:
            for n, (url, status, pointer) in enumerate(_responses(warc)):
                own = section_of(url, cfg.section_depth)
                if status == -1:
                    report = FileReport(
                        url, None, Status.BLOCKED, "too large", detail="the capture was truncated"
                    )
                    found[url] = Resource(url, report, own or "/", "unknown", "captured", None, pointer)
                    continue
                if not 200 <= status < 300:
                    if 400 <= status < 500:
                        broken.append((url, status))
                    continue
                stats.resources += 1
                try:
                    cap = open_capture(pointer, url, tmp / f"r{n}", cfg.scan.limits.max_file_bytes)
                except BlockedError as exc:
                    report = FileReport(url, None, Status.BLOCKED, exc.reason, detail=exc.detail or "")
                    found[url] = Resource(url, report, own or "/", "unknown", "captured", status, pointer)
                    continue
                report = scan_capture(cap, url, pointer, cfg.scan, engine)
                stats.scanned += 1
                if cap.file is not None and cap.suffix is not None:
                    links, base = links_of(cap.file, cap.suffix, images=cfg.follow_images)
                    page_base = canonical(base, url) if base else url
                    for link in links:
                        target = canonical(link, page_base)
                        if target is not None:
                            referrer.setdefault(target, own or "/")
                cap.discard()
                found[url] = Resource(
                    url, report, own or "", cap.kind, "captured", status, pointer, True, cap.filename(url)
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    resources = [
        r if r.section else dataclasses.replace(r, section=referrer.get(r.url, "/")) for r in found.values()
    ]
    stats.seconds = round(time.monotonic() - started, 3)
    warc_name = warcs[0] if len(warcs) == 1 else Path(",".join(str(w) for w in warcs))
    notes = [f"replayed from {len(warcs)} WARC file(s): nothing was fetched"]
    return PatrolResult(resources, warc_name, stats, False, broken, notes, True)
