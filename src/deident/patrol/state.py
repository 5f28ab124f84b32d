"""Incremental state between runs, one JSON file in --state: per URL the validators
(ETag, Last-Modified), the sha256 of the payload, the last verdict and finding count, and where
the last capture is (WARC file, offset, record id). No values, no text: only digests and counts.

URLs are stored as their sha256: a query string may itself hold personal data
(``/search?tel=…``), and the state only needs to recognise a URL it is given again.

The state carries a fingerprint of deident's version, the recognizer files, the policy and the
scan options. When it differs from this run's, every stored verdict is stale: resources are
still asked for conditionally (the site need not resend them), but every one is scanned again
from its capture.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deident.patrol.config import PatrolConfig

STATE_FILE = "patrol-state.json"
STATE_VERSION = 2  # 2: URLs keyed by sha256


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def fingerprint(cfg: PatrolConfig) -> str:
    """What a verdict depends on besides the bytes: deident, the recognizers, the policy
    and the options of the scan."""
    from deident import __version__
    from deident.detection.spec import recognizers_dir

    h = hashlib.sha256(f"deident {__version__}\x00".encode())
    rdir = recognizers_dir()
    for p in sorted(rdir.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(rdir).as_posix().encode() + b"\x00")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    policy = Path(cfg.policy)
    h.update(b"policy\x00" + (policy.read_bytes() if policy.is_file() else cfg.policy.encode()))
    s = cfg.scan
    options = [s.min_score, sorted(s.entities) if s.entities else None, s.flag_officials, s.ocr, s.use_model]
    h.update(json.dumps(options).encode())
    h.update(json.dumps([cfg.follow_images]).encode())
    return h.hexdigest()


@dataclass
class Entry:
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    verdict: str | None = None  # clean | findings | blocked
    findings: int = 0
    suffix: str | None = None
    capture: dict[str, Any] | None = None  # warc.Pointer.to_dict()

    def validators(self) -> dict[str, str]:
        h: dict[str, str] = {}
        if self.capture is None:
            return h  # nothing to fall back on: a 304 could not be answered from evidence
        if self.etag:
            h["If-None-Match"] = self.etag
        if self.last_modified:
            h["If-Modified-Since"] = self.last_modified
        return h


@dataclass
class State:
    path: Path | None
    fingerprint: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | None) -> State:
        if directory is None:
            return cls(None)
        path = directory / STATE_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError):
            # A damaged state only costs a full fetch; it never hides anything.
            return cls(path)
        if raw.get("version") != STATE_VERSION:
            return cls(path)
        entries = {u: Entry(**e) for u, e in raw.get("resources", {}).items()}
        return cls(path, raw.get("fingerprint"), entries)

    def get(self, url: str) -> Entry | None:
        return self.entries.get(url_key(url))

    def put(self, url: str, entry: Entry) -> None:
        self.entries[url_key(url)] = entry

    def drop(self, url: str) -> None:
        self.entries.pop(url_key(url), None)

    def save(self, fp: str, *, policy: str = "") -> None:
        from deident import __version__

        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "version": STATE_VERSION,
            # What the verdicts were made with, for people; the fingerprint decides.
            "deident": __version__,
            "policy": policy,
            "fingerprint": fp,
            "resources": {u: vars(e) for u, e in sorted(self.entries.items())},
        }
        fd, tmp = tempfile.mkstemp(prefix=".state-", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            # Written in one go (json.dump writes piecewise).
            fh.write(json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True))
        os.replace(tmp, self.path)
