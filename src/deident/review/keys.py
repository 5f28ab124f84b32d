"""The per-deployment HMAC key: what makes ledger hashes of personal data irreversible.

A plain sha256 of an ID number or a mobile number can be reversed by enumerating the few
billion possible values; an HMAC under a secret key cannot. The key is created on first use
(32 random bytes, file mode 0600) and kept outside the content repository, so committing the
ledger never commits the key. The same key also signs every ledger entry, so an edited ledger
cannot be re-chained by someone who does not hold the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from deident.errors import ConfigError

ENV_KEY_FILE = "DEIDENT_KEY_FILE"
_KEY_BYTES = 32


def default_key_path() -> Path:
    """`$DEIDENT_KEY_FILE`, else `$XDG_CONFIG_HOME/deident/hmac.key` (~/.config by default)."""
    env = os.environ.get(ENV_KEY_FILE)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "deident" / "hmac.key"


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(_KEY_BYTES)
    # O_EXCL: two processes creating the key at once must not end with two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


def load_key(path: Path | None = None, *, create: bool = True, forbid_under: Path | None = None) -> Key:
    """Read the key at `path` (default: `default_key_path()`), creating it on first use.

    `forbid_under` is the content repository: a key inside it would be committed with the
    ledger, which makes every HMAC in the ledger reversible again.
    """
    p = path if path is not None else default_key_path()
    if forbid_under is not None and _inside(p, forbid_under):
        raise ConfigError(
            f"the HMAC key file {p} is inside the content repository {forbid_under}; "
            f"keep it outside (set {ENV_KEY_FILE} or --key-file)"
        )
    if not p.exists():
        if not create:
            raise ConfigError(f"no HMAC key at {p}; set {ENV_KEY_FILE} to the deployment's key file")
        _create(p)
    try:
        raw = p.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(raw)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"the HMAC key file {p} cannot be read as a hex key: {type(exc).__name__}") from exc
    if len(secret) < 16:
        raise ConfigError(f"the HMAC key in {p} is shorter than 16 bytes")
    if os.name == "posix" and p.stat().st_mode & 0o077:
        raise ConfigError(f"the HMAC key file {p} is readable by other users; run: chmod 600 {p}")
    return Key(secret)


def normalise_value(value: str) -> str:
    """The form of a value that is hashed: 138-1234-5678, １３８１２３４５６７８ and
    13812345678 are the same number, and an x check digit is an X."""
    v = unicodedata.normalize("NFKC", value)
    v = "".join(ch for ch in v if not ch.isspace() and ch not in "-‐‑–—()（）")
    return v.upper()


@dataclass(frozen=True, slots=True)
class Key:
    secret: bytes

    @property
    def key_id(self) -> str:
        """Names the key in ledger entries without revealing it (a digest of a digest)."""
        return hashlib.sha256(b"deident-key-id:" + hashlib.sha256(self.secret).digest()).hexdigest()[:16]

    def mac(self, data: bytes) -> str:
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def value_hmac(self, entity_type: str, value: str) -> str:
        """Keyed digest of a finding's value; the entity type is mixed in so the same digits
        as a bank card and as an ID give different digests."""
        return self.mac(f"value\x00{entity_type}\x00{normalise_value(value)}".encode())
