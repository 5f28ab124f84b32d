"""Scan and mask one file: open it through its format, run the engine on every segment,
write the masked copy and verify it. Every failure becomes a `blocked` report with a reason.

Two readings (DESIGN.md section 7): every file is also read by `deident.verify`, by other
means than its structured reader. A value either reading finds is a finding; a masked copy
is verified by both; a value the second reading still sees in the copy, and that cannot be
located and masked there, blocks the file with a reason (`--verify ocr` adds OCR of rendered
PDF pages to the second reading).

Fail closed: an exception inside a format (a bug, a library error) blocks the file with
``internal error`` and the exception's type only, because messages of parser libraries may
quote document text.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.names.mentions import Mentions
from deident.errors import BlockedError, MaskError
from deident.fileutil import Snapshot
from deident.formats import format_for
from deident.formats.base import Document, FormatContext, Replacement, Segment
from deident.masking.policy import Policy
from deident.model import Explanation, FileReport, Finding, MaskReport, Status, new_finding
from deident.naming import masked_file_name, name_findings
from deident.scrub import scrub as scrub_message
from deident.verify.compare import Seen, key, second_findings, unexplained
from deident.verify.scrub import scrub as scrub_copy
from deident.ziplimits import check_zip_limits

# Values only the second reading saw are reported with this note (counts only, no text).
SECOND_NOTE = "the second reading found {n} value(s) the structured reader did not"


def _check_readable(path: Path, config: ScanConfig) -> None:
    try:
        st = path.stat()
    except OSError as exc:
        raise BlockedError("unreadable", exc.strerror or type(exc).__name__) from exc
    if not path.is_file():
        raise BlockedError("unreadable", "not a regular file")
    if st.st_size > config.limits.max_file_bytes:
        raise BlockedError("too large", f"{st.st_size} bytes, limit {config.limits.max_file_bytes}")
    if not os.access(path, os.R_OK):
        raise BlockedError("unreadable", "permission denied")


def _open(path: Path, config: ScanConfig, *, read_only: bool = False) -> Document:
    _check_readable(path, config)
    check_zip_limits(path, config.limits)  # before any reader: member count, declared total
    return format_for(path).open_document(path, FormatContext(config, read_only=read_only))


def _scan_segments(
    doc: Document,
    engine: Engine,
    read: list[tuple[Mapping, str]] | None = None,
    names: frozenset[str] = frozenset(),
) -> Iterator[tuple[Segment, list[Finding]]]:
    """The segments with findings; `read` collects the place and text of every segment analysed;
    `names` are names to report wherever they occur (see `Residual`)."""
    mentions = Mentions() if engine.config.wants("PERSON") else None
    done: list[tuple[Segment, list[Finding], int]] = []  # with the number of names known then
    for seg in doc.segments():
        if read is not None:
            read.append((seg.location, seg.text))
        found = engine.analyze(seg.text, hint_entity=seg.hint_entity, hint_reason=seg.hint_reason)
        if names:
            found = _grow_names(seg.text, found, names)
        if mentions is not None:
            # A name introduced earlier (当事人：张三) is personal data where it recurs alone.
            found = mentions.extend(seg.text, found)
            mentions.learn(found)
        done.append((seg, found, len(mentions) if mentions is not None else 0))
    for seg, found, known in done:
        if mentions is not None and len(mentions) > known:
            # … and where it was named before its introduction (经核实，张三… ⏎ 申请人：张三)
            found = mentions.extend(seg.text, found)
        if found:
            # `location` is the segment's place: start/end index its text (the contract of the
            # JSON, the review report and the ledger's finding ids).
            loc = dict(seg.location)
            yield seg, [dataclasses.replace(f, location=loc) for f in found]


_COPY_NAME = Explanation("person_mention", "read in the masked copy", 0.85, notes=("masked copy",))


def _grow_names(text: str, found: list[Finding], names: frozenset[str]) -> list[Finding]:
    """Every occurrence of `names` is a name; occurrences that overlap each other or a name found
    here become one name over all of them (华业 found, 事劳华 read in the masked copy: 事劳华业)."""
    spans = sorted((at, at + len(n)) for n in names for at in _occurrences(text, n))
    if not spans:
        return found
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    for s, e in merged:
        over = [f for f in found if f.entity_type == "PERSON" and f.start < e and s < f.end]
        s, e = min([s, *(f.start for f in over)]), max([e, *(f.end for f in over)])
        grown = (
            dataclasses.replace(over[0], start=s, end=e, text=text[s:e])
            if over
            else new_finding("PERSON", s, e, text[s:e], 0.85, "person_mention", _COPY_NAME)
        )
        found = [*(f for f in found if f not in over), grown]
    return sorted(found, key=lambda f: f.start)


def _occurrences(text: str, needle: str) -> Iterator[int]:
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def _blocked(display: str, sha: str | None, exc: BaseException, engine: Engine | None = None) -> FileReport:
    if isinstance(exc, BlockedError):
        # A detail names places in the document (members, keys, sheets): no value may show.
        reason, detail = exc.reason, scrub_message(exc.detail, engine) if engine is not None else exc.detail
    else:
        reason, detail = "internal error", f"{type(exc).__name__} while reading; the file was not fully read"
    return FileReport(path=display, sha256=sha, status=Status.BLOCKED, reason=reason, detail=detail)


def scan_path(
    path: Path, config: ScanConfig, *, engine: Engine | None = None, display_path: str | None = None
) -> FileReport:
    """Scan a private copy of `path` (see `Snapshot`): the report's sha256 is the digest of the
    bytes that were read, whatever happens to `path` meanwhile."""
    display = display_path or str(path)
    try:
        snap = Snapshot(path, config.limits.max_file_bytes)
    except Exception as exc:
        return _blocked(display, None, exc)
    with snap:
        return _scan_copy(snap.path, snap.sha256, config, engine, display)


def _scan_copy(path: Path, sha: str, config: ScanConfig, engine: Engine | None, display: str) -> FileReport:
    engine = engine or Engine.create(config)
    try:
        doc = _open(path, config, read_only=True)
        read: list[tuple[Mapping, str]] = []
        findings = [f for _, fs in _scan_segments(doc, engine, read) for f in fs]
        second = second_findings(path, config, engine, ocr=config.verify_ocr, seen=Seen(read))
        extra = unexplained(second, findings)
        findings += name_findings(display, engine)  # 张三_身份证.pdf: the name is a place too
    except Exception as exc:  # fail closed: see the module docstring
        return _blocked(display, sha, exc, engine)
    notes = tuple(getattr(doc, "notes", ())) + ((SECOND_NOTE.format(n=len(extra)),) if extra else ())
    findings += extra
    status = Status.FINDINGS if findings else Status.CLEAN
    return FileReport(display, sha, status, None, tuple(findings), notes)


def output_path(dst: Path, doc: Document, src: Path | None = None) -> Path:
    """Where the masked copy goes: `dst`, or for a converted legacy file the same name with the
    modern suffix (名单.doc -> 名单.docx); 名单.doc.docx when the source folder already holds a
    名单.docx, so two sources never write one copy."""
    suffix = getattr(doc, "output_suffix", None)
    if not suffix or dst.suffix.lower() == suffix:
        return dst
    renamed = dst.with_suffix(suffix)
    if src is not None and src.with_suffix(suffix).exists():
        return dst.with_name(dst.name + suffix)
    return renamed


_MAX_RESIDUAL = 8  # names learned from masked copies before the file is blocked


class Residual(MaskError):
    """The second reading sees names in the masked copy that the first reading did not report
    in the source: the name model reads a line with masked values around it differently. Their
    texts are masked wherever they occur in the source on a second try (more masked, never less)."""

    def __init__(self, message: str, names: frozenset[str]) -> None:
        super().__init__(message)
        self.names = names


def _unmasked(message: str, left: list[Finding], first: set[str]) -> MaskError:
    """`Residual` when every value left in the copy is a name the first reading did not mask (it
    can be masked in the source on another try), else the plain refusal."""
    if all(f.entity_type == "PERSON" and len(f.text) >= 2 and key(f.text) not in first for f in left):
        return Residual(message, frozenset(f.text for f in left))
    return MaskError(message)


def _verify(
    tmp: Path, config: ScanConfig, engine: Engine, policy: Policy, first: set[str], kept: frozenset[str]
) -> None:
    """Both readings of the masked copy find nothing but the values kept on a reviewer's
    decision (`kept`: their keys). What only the second reading saw in the source is masked where
    it can be located literally (`deident.verify.scrub`), then read again; a value the structured
    reader found and its writer left (`first`: their keys) is a writer's fault and refuses the copy."""
    try:
        for attempt in range(2):
            left = [
                f
                for f in second_findings(tmp, config, engine, ocr=config.verify_ocr)
                if key(f.text) not in kept
            ]
            if not left:
                break
            forgotten = next((f for f in left if key(f.text) in first), None)
            if forgotten is not None:
                raise MaskError(
                    f"the masked copy still contains {forgotten.entity_type} at "
                    f"{describe(forgotten.location)} (second reading)"
                )
            if attempt == 1 or not scrub_copy(tmp, left, policy.replacement):
                message = (
                    f"the second reading still finds {left[0].entity_type} in the masked copy "
                    f"at {describe(left[0].location)}, where it cannot be masked; "
                    "remove it in the source and mask again"
                )
                raise _unmasked(message, left, first)
        # The structured re-read of the copy walks PDF glyphs with pdfminer (not read-only), so
        # the copy is checked by two text engines: pdfminer here, PDFium in the second reading.
        doc = _open(tmp, config)
        for seg, found in _scan_segments(doc, engine):
            found = [f for f in found if key(f.text) not in kept]
            if found:
                message = f"the masked copy still contains {found[0].entity_type} at {dict(seg.location)}"
                raise _unmasked(message, found, first)
    except BlockedError as exc:
        raise MaskError(f"the masked copy cannot be read back ({exc.reason})") from exc


def describe(place: dict | object) -> str:
    """A place of the second reading for a message: names of members are left out when they
    could hold a value (an attacker can name a part after a person)."""
    if not isinstance(place, dict):
        return "an unnamed place"
    parts = []
    for k, v in place.items():
        if k == "reading":
            continue
        if isinstance(v, str) and (len(v) > 60 or any(c.isdigit() for c in v) or not v.isascii()):
            if k in ("member", "object", "raw object", "page"):
                v = "(name withheld)" if k == "member" else v
            else:
                v = "(withheld)"
        if isinstance(v, dict):
            v = describe(v)
        parts.append(f"{k} {v}" if v is not True else k)
    return ", ".join(parts) or "the second reading"


def mask_path(
    src: Path,
    dst: Path,
    config: ScanConfig,
    policy: Policy,
    *,
    engine: Engine | None = None,
    display_path: str | None = None,
    keep: Collection[str] = (),
) -> MaskReport:
    """Write a masked copy of `src` to `dst` (which may be `src` itself for in-place masking).
    Nothing is written when the file is blocked or the masked copy fails verification. Reads
    a private copy of `src`, so what is written is what was scanned.

    `keep`: values a reviewer decided are not personal data (a public official's name). They
    stay in the copy wherever they occur, neither reading counts them against it, and the
    report still lists them; every other value is masked and verified as usual."""
    display = display_path or str(src)
    try:
        snap = Snapshot(src, config.limits.max_file_bytes)
    except Exception as exc:
        return MaskReport(display, None, _blocked(display, None, exc))
    kept = frozenset(k for k in map(key, keep) if k)
    with snap:
        return _mask_copy(snap.path, snap.sha256, src, dst, config, policy, engine, display, kept=kept)


def _mask_copy(
    copy: Path,
    sha: str,
    src: Path,
    dst: Path,
    config: ScanConfig,
    policy: Policy,
    engine: Engine | None,
    display: str,
    names: frozenset[str] = frozenset(),
    kept: frozenset[str] = frozenset(),
) -> MaskReport:
    engine = engine or Engine.create(config)
    try:
        doc = _open(copy, config)
        reported: list[Finding] = []
        findings: list[Finding] = []  # what the copy masks: all but values kept (`keep`)
        replacements: dict[int, list[Replacement]] = {}
        read: list[tuple[Mapping, str]] = []
        for seg, found in _scan_segments(doc, engine, read, names):
            reported += found
            masked = [f for f in found if key(f.text) not in kept] if kept else found
            if not masked:
                continue
            if not seg.maskable:
                raise BlockedError(
                    "cannot mask", f"personal data in a place that cannot be rewritten: {dict(seg.location)}"
                )
            findings.extend(masked)
            replacements[seg.id] = [
                Replacement(f.start, f.end, policy.replacement(f), f.entity_type) for f in masked
            ]
        # The private copy, not `src`: what is masked is what was read (see `Snapshot`).
        second = second_findings(copy, config, engine, ocr=config.verify_ocr, seen=Seen(read))
        extra = unexplained(second, reported)
    except Exception as exc:
        return MaskReport(display, None, _blocked(display, sha, exc, engine))
    notes = tuple(getattr(doc, "notes", ())) + ((SECOND_NOTE.format(n=len(extra)),) if extra else ())
    everything = (*reported, *extra)
    extra = [f for f in extra if key(f.text) not in kept]
    report = FileReport(
        display, sha, Status.FINDINGS if everything else Status.CLEAN, None, everything, notes
    )
    named = output_path(dst, doc, src)
    final = masked_file_name(named, engine, policy)  # 联系138****8000.txt, never the value
    rewrite = bool(getattr(doc, "output_suffix", None) or getattr(doc, "always_rewrite", False))
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".deident-", suffix=final.suffix, dir=final.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if not findings and not rewrite:
                with copy.open("rb") as fh:
                    shutil.copyfileobj(fh, out)
            else:
                doc.write_masked(replacements, out)
        del doc  # the source document and the re-read copy need not be in memory together
        if extra and not config.verify_masked:
            raise MaskError("the second reading found values the structured reader cannot mask")
        if config.verify_masked and (findings or extra or rewrite):
            _verify(tmp, config, engine, policy, {key(f.text) for f in findings}, kept)
        os.replace(tmp, final)
        if final != named and named == src:
            src.unlink()  # in place: the source is replaced by its copy under the masked name
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, Residual) and not exc.names <= names and len(names) < _MAX_RESIDUAL:
            # The names the copy's reading found are masked in the source wherever they occur, and
            # the copy is made and read again (a few rounds: each mask changes what the model reads).
            grown = names | exc.names
            return _mask_copy(copy, sha, src, dst, config, policy, engine, display, grown, kept)
        reason = (
            scrub_message(str(exc), engine)
            if isinstance(exc, MaskError)
            else f"internal error: {type(exc).__name__} while writing"
        )
        blocked = dataclasses.replace(report, status=Status.BLOCKED, reason=f"cannot mask: {reason}")
        return MaskReport(display, None, blocked, 0, notes)
    renamed = (f"masked copy written as {final.suffix}",) if final.suffix != dst.suffix else ()
    if final != named:
        renamed += ("the file name held personal data: written under a masked name",)
    return MaskReport(display, str(final), report, len(findings) + len(extra), notes + renamed)
