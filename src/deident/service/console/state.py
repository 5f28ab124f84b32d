"""What the console knows: the files under review, their scans, masked copies and ledger state.

No HTTP here. Each file is scanned once per version (size + mtime) and masked into a private
work folder (masked copies hold no personal data, but they are not yet approved: they go to
the publish folder only when a reviewer approves them). Decisions and approvals go through
the same library calls as `deident decide` and `deident approve`, into the same ledger.

What is published for a file:
- nothing found, or every finding marked "not personal data": the original bytes;
- any finding confirmed as personal data: the masked copy. It masks every finding until a
  reviewer decides some are not personal data; then it is made again leaving those values
  readable (`mask_path(keep=…)`, verified by both readings like any copy), and their decisions
  are carried to the copy on approval (`deident.review.carry`). A copy that cannot be made that
  way falls back to masking everything (more masked, never less).
Approval binds to the sha256 of exactly those bytes, which are then copied into the
publish folder, so `deident gate PUBLISH` passes for them and for nothing else.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from deident.config import ScanConfig
from deident.fileutil import SKIP_DIRS, Displayer, sha256_file
from deident.model import FileReport, Finding, MaskReport, Status
from deident.review.decisions import CONFIRMED, NOT_PII, UNREVIEWED, LedgerIndex, ReviewedFinding
from deident.review.ledger import Ledger, canonical

if TYPE_CHECKING:
    from deident.detection.engine import Engine
    from deident.masking.policy import Policy

LOW_SCORE = 0.2  # candidates from here up to the reporting score are shown for a look


@dataclass
class FileState:
    """One uploaded file at one version."""

    id: str  # a digest of the shown path: file names never appear in URLs or request logs
    path: Path
    relative: Path  # under its upload folder; the same place under the publish folder
    shown: str
    stamp: tuple[int, int]
    report: FileReport
    masked: MaskReport
    masked_report: FileReport | None = None  # the masked copy scanned (its sha256 is what is approved)
    low: tuple[Finding, ...] | None = None  # below the reporting score; computed on first view
    # The text of every place (location key -> (location, text)) of the file and of its masked
    # copy, read on first view: the reading view needs them, the queue does not.
    places: dict[str, tuple[dict, str]] | None = None
    masked_places: dict[str, tuple[dict, str]] | None = None
    # The masked copy read again with the low threshold: what a reader of it might still take
    # for personal data (the mask's own check only refuses findings at the reporting score).
    residual: tuple[Finding, ...] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    full: MaskReport | None = None  # the copy with every finding masked (made on load)
    kept: frozenset[str] = frozenset()  # values the current copy leaves (decided not personal data)
    tried: frozenset[str] = frozenset()  # the values last asked to be left (the copy may have failed)

    @property
    def masked_path(self) -> Path | None:
        return Path(self.masked.output) if self.masked.output else None


@dataclass(frozen=True, slots=True)
class Decided:
    """A file's findings with their ledger state, and what approval would publish."""

    file: FileState
    findings: tuple[ReviewedFinding, ...]
    publish_sha: str | None  # the bytes approval would bind to; None while not approvable
    publish_kind: str  # "original" | "masked" | "none"
    approvals: tuple[str, ...]  # reviewers of publish_sha
    required: int

    @property
    def counts(self) -> dict[str, int]:
        states = [r.state for r in self.findings]
        return {
            "findings": len(states),
            UNREVIEWED: states.count(UNREVIEWED),
            NOT_PII: states.count(NOT_PII),
            CONFIRMED: states.count(CONFIRMED),
        }

    @property
    def approved(self) -> bool:
        return self.publish_sha is not None and len(self.approvals) >= self.required

    @property
    def status(self) -> str:
        """blocked | unreviewed | ready | approved (the queue's filter values)."""
        if self.file.report.status is Status.BLOCKED:
            return "blocked"
        if self.approved:
            return "approved"
        if self.publish_kind == "none":
            return "blocked" if self.counts[UNREVIEWED] == 0 else "unreviewed"
        return "ready"


def file_id(shown: str) -> str:
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()[:12]


def _walk(paths: Sequence[Path]) -> Iterator[tuple[Path, Path]]:
    for p in paths:
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
                for name in sorted(filenames):
                    if not name.startswith(".deident-"):
                        f = Path(dirpath, name)
                        yield f, f.relative_to(p)
        elif p.exists():
            yield p, Path(p.name)


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@dataclass
class ConsoleState:
    paths: tuple[Path, ...]
    publish_dir: Path
    ledger: Ledger
    root: Path
    config: ScanConfig = field(default_factory=ScanConfig)
    policy_name: str = "gov"
    required: int = 1
    _files: dict[str, FileState] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _work: Path | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from deident.api import engine_for, policy_for

        self.policy: Policy = policy_for(self.policy_name)
        self.engine: Engine = engine_for(self.config)
        self._shown = Displayer(self.root)

    # -- files -----------------------------------------------------------------------------
    @property
    def work_dir(self) -> Path:
        if self._work is None:
            self._work = Path(tempfile.mkdtemp(prefix="deident-console-"))
        return self._work

    def close(self) -> None:
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    def refresh(self) -> list[FileState]:
        """Every file under the upload folders, scanned and masked at its current version."""
        out: list[FileState] = []
        seen: set[str] = set()
        with self._lock:
            for path, rel in _walk(self.paths):
                shown = self._shown(path)
                fid = file_id(shown)
                if fid in seen:
                    continue
                seen.add(fid)
                try:
                    stamp = _stamp(path)
                except OSError:
                    continue
                cur = self._files.get(fid)
                if cur is None or cur.stamp != stamp:
                    cur = self._load(fid, path, rel, shown, stamp)
                    self._files[fid] = cur
                out.append(cur)
            for gone in set(self._files) - seen:
                del self._files[gone]
        return out

    def _load(self, fid: str, path: Path, rel: Path, shown: str, stamp: tuple[int, int]) -> FileState:
        from deident.pipeline import mask_path

        dst = self.work_dir / fid / rel.name
        masked = mask_path(path, dst, self.config, self.policy, engine=self.engine, display_path=shown)
        # mask_path scanned the file: its report is the scan (same engine, same bytes).
        return FileState(fid, path, rel, shown, stamp, masked.report, masked)

    def get(self, fid: str) -> FileState | None:
        with self._lock:
            if fid not in self._files:
                self.refresh()
            f = self._files.get(fid)
            if f is not None:
                try:
                    if _stamp(f.path) != f.stamp:
                        self.refresh()
                        f = self._files.get(fid)
                except OSError:
                    return None
            return f

    # -- ledger state ----------------------------------------------------------------------
    def index(self) -> LedgerIndex:
        return LedgerIndex.build(self.ledger.entries())

    def decided(self, f: FileState, index: LedgerIndex | None = None) -> Decided:
        from deident.review.decisions import review_findings

        index = index or self.index()
        rows = tuple(review_findings(f.report, index, self.ledger.key))
        states = {r.state for r in rows}
        if f.report.status is Status.BLOCKED or UNREVIEWED in states:
            kind, sha = "none", None
        elif CONFIRMED in states:
            self._follow(f, rows)
            kind = "masked" if f.masked_path is not None else "none"
            sha = self._masked_sha(f) if kind == "masked" else None
        else:
            kind, sha = "original", f.report.sha256
        approvals = index.reviewers(sha) if sha else ()
        required = index.required(sha, self.required) if sha else self.required
        return Decided(f, rows, sha, kind, approvals, required)

    def _follow(self, f: FileState, rows: Sequence[ReviewedFinding]) -> None:
        """Make the masked copy follow the decisions: values decided not personal data stay
        readable; the copy is made again when that set changes (see the module docstring)."""
        from deident.pipeline import mask_path
        from deident.review.carry import kept_values

        want = kept_values(rows)
        with f.lock:
            if want == f.tried:
                return
            full = f.full or f.masked
            masked, kept = full, frozenset[str]()
            if want:
                dst = self.work_dir / f.id / "kept" / f.relative.name
                shutil.rmtree(dst.parent, ignore_errors=True)
                copy = mask_path(
                    f.path, dst, self.config, self.policy, engine=self.engine, display_path=f.shown, keep=want
                )
                # The same bytes as the scan the decisions were made on, else keep masking all.
                if copy.output is not None and copy.report.sha256 == f.report.sha256:
                    masked, kept = copy, want
            f.full, f.masked, f.kept, f.tried = full, masked, kept, want
            f.masked_report = f.masked_places = f.residual = None

    def _masked_sha(self, f: FileState) -> str | None:
        p = f.masked_path
        return sha256_file(p) if p is not None and p.exists() else None

    def prepare(self, f: FileState) -> FileState:
        """Read what the file's page shows beyond the scan (the text of every place of the file
        and of its masked copy, the low-confidence candidates), once per file version."""
        with f.lock:
            if f.places is None:
                f.places = self._places(f.path) if f.report.status is not Status.BLOCKED else {}
            if f.masked_places is None:  # made again when decisions change the copy
                f.masked_places = self._places(f.masked_path)
            self._low(f)
            if f.residual is None:
                f.residual = self._residual(f)
        return f

    def _low_scan(self, path: Path, shown: str) -> FileReport:
        from deident.api import engine_for
        from deident.pipeline import scan_path

        cfg = replace(self.config, min_score=min(LOW_SCORE, self.config.min_score))
        return scan_path(path, cfg, engine=engine_for(cfg), display_path=shown)

    def _residual(self, f: FileState) -> tuple[Finding, ...]:
        p = f.masked_path
        if p is None or not p.exists():
            return ()
        return self._low_scan(p, f.shown).findings

    def warm_up(self, files: Sequence[FileState]) -> threading.Thread:
        """Prepare files in the background, in queue order, so the first open of a file is
        as fast as the next ones (a 200-finding PDF takes seconds to read again)."""

        def run() -> None:
            for f in files:
                try:
                    self.prepare(f)
                except Exception:  # the page prepares it again on open and shows what it can
                    continue

        t = threading.Thread(target=run, name="deident-console-warm-up", daemon=True)
        t.start()
        return t

    def _places(self, path: Path | None) -> dict[str, tuple[dict, str]]:
        """location key -> (location, text) of every place of a file, in reading order."""
        if path is None:
            return {}
        from deident.formats import format_for
        from deident.formats.base import FormatContext

        try:
            # The same reading as `scan` (read_only), so places match its findings.
            doc = format_for(path).open_document(path, FormatContext(self.config, read_only=True))
            return {canonical(dict(s.location)): (dict(s.location), s.text) for s in doc.segments()}
        except Exception:  # a failed re-read costs the reading view, never the decisions
            return {}

    def low_candidates(self, f: FileState) -> tuple[Finding, ...]:
        return self.prepare(f).low or ()

    def _low(self, f: FileState) -> tuple[Finding, ...]:
        """Candidates scored below the reporting score: shown for a look, never decided on."""
        if f.low is not None:
            return f.low
        if f.report.status is Status.BLOCKED or self.config.min_score <= LOW_SCORE:
            f.low = ()
            return f.low
        rep = self._low_scan(f.path, f.shown)
        taken: dict[str, list[tuple[int, int]]] = {}
        for g in f.report.findings:
            taken.setdefault(canonical(dict(g.location)), []).append((g.start, g.end))
        low = []
        for g in rep.findings:
            if g.score >= self.config.min_score:
                continue
            spans = taken.get(canonical(dict(g.location)), [])
            if any(a < g.end and g.start < b for a, b in spans):
                continue
            low.append(g)
        f.low = tuple(low)
        return f.low

    # -- actions ---------------------------------------------------------------------------
    def decide(
        self, f: FileState, ids: Sequence[str], verdict: str, reviewer: str, reason: str | None
    ) -> int:
        """Record a verdict on findings of the current version; returns how many."""
        from deident.review.decisions import DecisionError, record_decisions

        if reason and self.engine.analyze(reason):
            # The reason goes into the ledger: it must not carry the personal data itself.
            raise DecisionError("reason_has_pii")
        entries = record_decisions(
            self.ledger, f.report, list(ids), verdict=verdict, reviewer=reviewer, reason=reason, path=f.shown
        )
        return len(entries)

    def publish_target(self, f: FileState, kind: str) -> Path:
        rel = f.relative
        if kind == "masked" and f.masked_path is not None:
            rel = rel.with_name(f.masked_path.name)
        return self.publish_dir / rel

    def approve(self, f: FileState, reviewer: str) -> Decided:
        """Approve what this file publishes (see the module docstring) and copy those exact
        bytes into the publish folder. Raises ApprovalRefused with the library's reason."""
        from deident.pipeline import scan_path
        from deident.review.approve import ApprovalRefused, approve_report
        from deident.review.decisions import review_findings
        from deident.review.freetext import refuse_personal_data

        # Before anything is copied: a reviewer name the approval would refuse (a phone number
        # typed into the account name) must not leave a file in the publish folder unapproved.
        refusal = refuse_personal_data(reviewer, "reviewer name", self.engine, own_name=True)
        if refusal:
            raise ApprovalRefused(f.shown, refusal)
        with self._lock:
            d = self.decided(f)
            if d.publish_kind == "none":
                blocked = f.report.status is Status.BLOCKED or d.counts[UNREVIEWED] == 0
                raise ApprovalRefused(f.shown, "blocked" if blocked else "not_decided")
            target = self.publish_target(f, d.publish_kind)
            shown_target = self._shown(target) if target.parent.exists() else target.as_posix()
            if d.publish_kind == "original":
                source, report = f.path, f.report
            else:
                assert f.masked_path is not None
                source = f.masked_path
                if f.masked_report is None or f.masked_report.sha256 != d.publish_sha:
                    f.masked_report = scan_path(source, self.config, engine=self.engine)
                report = f.masked_report
            if d.publish_kind == "masked" and f.kept:
                from deident.review.carry import carry_decisions

                carry_decisions(self.ledger, d.findings, replace(report, path=self._shown(target)))
                # Nothing goes to the publish folder that the approval below would refuse.
                if any(not r.resolved for r in review_findings(report, self.index(), self.ledger.key)):
                    raise ApprovalRefused(shown_target, "not_decided")
            # Copy first, then bind: the approval names the bytes now in the publish folder.
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".deident-{target.name}")
            shutil.copyfile(source, tmp)
            # The approval binds to the bytes copied, which must be the bytes that were reviewed
            # (an upload rewritten since its scan is refused, and reviewed again).
            if sha256_file(tmp) != d.publish_sha or report.sha256 != d.publish_sha:
                tmp.unlink(missing_ok=True)
                raise ApprovalRefused(shown_target, "changed")
            os.replace(tmp, target)
            report = replace(report, path=self._shown(target))
            approve_report(
                report,
                ledger=self.ledger,
                reviewer=reviewer,
                policy=self.policy_name,
                require_approvals=self.required,
                engine=self.engine,
            )
            return self.decided(f)
