"""The review ledger: an append-only, hash-chained, keyed JSON-lines file.

One entry per line, keys sorted, no generated-at stamps: appending never rewrites an
existing line, so the ledger diffs cleanly in git. Each entry carries `seq`, the `prev`
hash of the entry before it, its own `hash` (sha256 of its canonical form) and a `mac`
(HMAC of that hash under the deployment key). Editing, deleting or reordering any line
breaks the chain; re-chaining after an edit needs the key, which lives outside the repo.

Entries have an explicit `kind`: ``decision`` (verdict ``not_pii`` or ``confirmed``) or
``approval``. There is no kind for "seen but not reviewed": an unreviewed finding is simply
absent, so a ledger can never be mistaken for a baseline of accepted findings.

The ledger stores no personal data: files by sha256, finding values by keyed HMAC.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from deident.errors import ConfigError
from deident.review.keys import Key

ENV_LEDGER = "DEIDENT_LEDGER"
GENESIS = "0" * 64
KINDS = ("decision", "approval")
VERDICTS = ("not_pii", "confirmed")

# Fields each kind must carry (beyond the chain fields); checked on append and on verify.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "decision": ("file_sha256", "finding", "entity_type", "value_hmac", "verdict", "reviewer", "date"),
    "approval": ("file_sha256", "path", "policy", "findings", "reviewer", "date", "required_approvals"),
}
_CHAIN_FIELDS = ("seq", "prev", "hash", "mac", "key_id")


def find_root(start: Path | None = None) -> Path:
    """The content repository: the nearest directory upwards holding `.git` or `.deident`,
    else the start directory itself."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / ".git").exists() or (d / ".deident").is_dir():
            return d
    return here


def default_ledger_path(start: Path | None = None) -> Path:
    env = os.environ.get(ENV_LEDGER)
    if env:
        return Path(env).expanduser()
    return find_root(start) / ".deident" / "ledger.jsonl"


def canonical(entry: Mapping[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _entry_hash(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    entries: int
    head: str  # hash of the last entry: record it elsewhere to detect truncation
    problems: tuple[str, ...] = ()


@dataclass
class Ledger:
    path: Path
    key: Key
    _cache: tuple[tuple[int, int, int, int], list[dict[str, Any]]] | None = field(default=None, repr=False)

    # -- reading -------------------------------------------------------------------------
    def _lines(self) -> Iterator[tuple[int, str]]:
        if not self.path.exists():
            return
        with self.path.open("r", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                yield lineno, line.rstrip("\n")

    def verify(self) -> Verification:
        """Check every line: JSON, canonical form, sequence, chain, hash, key and fields."""
        return self._read()[0]

    def _read(self) -> tuple[Verification, list[dict[str, Any]]]:
        problems: list[str] = []
        entries: list[dict[str, Any]] = []
        prev = GENESIS
        try:
            lines = list(self._lines())
        except (OSError, UnicodeDecodeError) as exc:
            return Verification(False, 0, GENESIS, (f"cannot read {self.path}: {type(exc).__name__}",)), []
        for lineno, line in lines:
            if not line.strip():
                problems.append(f"line {lineno}: empty line")
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"line {lineno}: not JSON")
                prev = "?"
                continue
            entries.append(entry)
            problems.extend(f"line {lineno}: {p}" for p in self._check(entry, line, len(entries), prev))
            prev = entry.get("hash", "?") if isinstance(entry, dict) else "?"
        head = prev if entries else GENESIS
        return Verification(not problems, len(entries), head, tuple(problems)), entries

    def _check(self, entry: Any, line: str, seq: int, prev: str) -> list[str]:
        if not isinstance(entry, dict):
            return ["not a JSON object"]
        out: list[str] = []
        if entry.get("seq") != seq:
            out.append(f"sequence {entry.get('seq')!r}, expected {seq} (entry deleted or moved)")
        if entry.get("prev") != prev:
            out.append("chain broken: prev does not match the hash of the entry before")
        h, mac = entry.get("hash"), entry.get("mac")
        if canonical(entry) != line:
            out.append("not in canonical form (edited by hand?)")
            body_text = canonical({k: v for k, v in entry.items() if k not in ("hash", "mac")})
        else:
            # Keys are sorted and 'date' sorts before 'hash' and 'mac', so neither is first:
            # cutting them out of the canonical line gives the canonical body (one dumps less).
            body_text = line.replace(f',"hash":{json.dumps(h)}', "", 1).replace(
                f',"mac":{json.dumps(mac)}', "", 1
            )
        if h != hashlib.sha256(body_text.encode("utf-8")).hexdigest():
            out.append("hash mismatch: the entry was edited")
        if entry.get("key_id") != self.key.key_id:
            out.append("signed with another key (set DEIDENT_KEY_FILE to this deployment's key)")
        elif entry.get("mac") != self.key.mac(str(entry.get("hash")).encode()):
            out.append("signature mismatch: the entry was re-hashed without the key")
        kind = entry.get("kind")
        if kind not in KINDS:
            out.append(f"unknown kind {kind!r}")
        else:
            missing = [f for f in _REQUIRED[kind] if f not in entry]
            if missing:
                out.append(f"{kind} lacks {', '.join(missing)}")
        return out

    def entries(self) -> list[dict[str, Any]]:
        """All entries, after verification; LedgerInvalid (a ConfigError) when the ledger does
        not verify, so no decision is ever taken on a tampered ledger."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return []
        # ctime cannot be set back by hand: an edit that restores size and mtime still shows.
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        if self._cache is not None and self._cache[0] == stamp:
            return self._cache[1]
        v, entries = self._read()
        if not v.ok:
            raise LedgerInvalid(self.path, v.problems)
        self._cache = (stamp, entries)
        return entries

    # -- writing -------------------------------------------------------------------------
    def append(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Chain and append records (each with a `kind` and its fields); returns the entries
        as written. The ledger must verify first: nothing is appended to a broken chain."""
        for r in records:
            _validate_record(r)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as fh, _locked(fh):
            v = self.verify()
            if not v.ok:
                raise LedgerInvalid(self.path, v.problems)
            seq, prev = v.entries, v.head
            written: list[dict[str, Any]] = []
            lines: list[str] = []
            for r in records:
                seq += 1
                body = {**r, "seq": seq, "prev": prev, "key_id": self.key.key_id}
                h = _entry_hash(body)
                entry = {**body, "hash": h, "mac": self.key.mac(h.encode())}
                lines.append(canonical(entry) + "\n")
                written.append(entry)
                prev = h
            fh.seek(0, os.SEEK_END)
            fh.write("".join(lines))
            fh.flush()
            os.fsync(fh.fileno())
        self._cache = None
        return written


class LedgerInvalid(ConfigError):
    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(self.problems[:3]) + (" …" if len(self.problems) > 3 else "")
        super().__init__(f"ledger {path} does not verify: {shown}")


def _validate_record(r: Mapping[str, Any]) -> None:
    kind = r.get("kind")
    if kind not in KINDS:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    missing = [f for f in _REQUIRED[kind] if f not in r]
    if missing:
        raise ValueError(f"{kind} entry lacks {', '.join(missing)}")
    if set(r) & set(_CHAIN_FIELDS):
        raise ValueError("records must not carry chain fields")
    if kind == "decision" and r["verdict"] not in VERDICTS:
        raise ValueError(f"unknown verdict {r['verdict']!r}")


@contextlib.contextmanager
def _locked(fh: IO[str]) -> Iterator[None]:
    """Exclusive lock across processes (the HTTP service and the CLI may append at once)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: single-writer use only
        yield
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
