"""Bearer tokens for the write endpoints. Tokens are never logged or echoed back.

Each token names a reviewer (``王芳=token``), so an approval posted with a token is recorded
under that reviewer and a caller cannot approve in someone else's name.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from pathlib import Path

from deident.errors import ConfigError


def parse_tokens(text: str) -> dict[str, str]:
    """`reviewer=token` entries separated by newlines or commas; '#' starts a comment."""
    tokens: dict[str, str] = {}
    for raw in text.replace(",", "\n").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, token = line.partition("=")
        if not sep or not name.strip() or len(token.strip()) < 8:
            raise ConfigError(
                "a token entry must read 'reviewer=token' with a token of at least 8 characters"
            )
        tokens[token.strip()] = name.strip()
    return tokens


def load_tokens(path: Path | None, env_value: str | None) -> dict[str, str]:
    """token -> reviewer, from the token file and the DEIDENT_TOKENS value."""
    tokens: dict[str, str] = {}
    if path is not None:
        try:
            tokens.update(parse_tokens(path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise ConfigError(f"cannot read token file {path}: {type(exc).__name__}") from exc
    if env_value:
        tokens.update(parse_tokens(env_value))
    return tokens


def reviewer_for(header: str | None, tokens: Mapping[str, str]) -> str | None:
    """The reviewer a `Authorization: Bearer …` header authenticates, or None. Every token is
    compared in constant time, so timing does not reveal how much of a token matched."""
    if not header or not header.startswith("Bearer "):
        return None
    offered = header[len("Bearer ") :].strip().encode()
    found = None
    for token, name in tokens.items():
        if hmac.compare_digest(offered, token.encode()):
            found = name
    return found
