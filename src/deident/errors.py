"""One exception family. Only the CLI and the HTTP service turn these into messages and exit codes.

Messages never contain the personal data that triggered them: they name the file and the
reason, and say what to do.
"""

from __future__ import annotations


class DeidentError(Exception):
    """Base class of every error deident raises on purpose."""


class ConfigError(DeidentError):
    """A recognizer file, policy file or option is invalid."""


class PolicyError(ConfigError):
    """A masking policy cannot be loaded or applied."""


class BlockedError(DeidentError):
    """A file cannot be read completely, so it must not be reported clean.

    `reason` is short and stable (it goes into JSON as `reason`), e.g. ``encrypted``,
    ``corrupt: bad zip``, ``unsupported type``, ``no readable text layer``, ``too large``.
    """

    def __init__(self, reason: str, detail: str | None = None) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(reason if detail is None else f"{reason} ({detail})")


class MaskError(DeidentError):
    """A masked copy could not be produced safely; nothing was written."""
