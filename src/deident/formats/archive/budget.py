"""Limits of one archive and of everything nested in it (zip bombs, nesting, member floods).

The budget of an archive is its `Limits`: bytes unpacked, members, depth. A member that is
itself an archive is opened through the registry with a `FormatContext` whose limits are what
is left, one level less deep, so the whole tree together stays inside the caller's limits
without any state outside the context.
"""

from __future__ import annotations

import dataclasses

from deident.errors import BlockedError
from deident.formats.base import FormatContext

# Below this many bytes a member's compression ratio says nothing (a page of spaces reaches
# 1000:1), so the ratio is judged only on larger members (the same rule as OOXML packages).
RATIO_MIN_BYTES = 64 * 1024


class Budget:
    def __init__(self, ctx: FormatContext) -> None:
        limits = ctx.limits
        self.ctx = ctx
        self.bytes_left = limits.max_uncompressed_bytes
        self.entries_left = limits.max_zip_entries
        self.depth_left = limits.max_archive_depth
        self.ratio = limits.max_compression_ratio
        if self.depth_left <= 0:
            raise BlockedError(
                "too large: archives nested too deep",
                "archives inside archives beyond the depth limit; unpack the outer ones and scan again",
            )

    def take_entries(self, n: int) -> None:
        self.entries_left -= n
        if self.entries_left < 0:
            raise BlockedError(
                "too large: too many archive members",
                f"more than {self.ctx.limits.max_zip_entries} members (nested archives included)",
            )

    def take_bytes(self, n: int) -> None:
        self.bytes_left -= n
        if self.bytes_left < 0:
            raise BlockedError(
                "too large: uncompressed size",
                f"members unpack to more than {self.ctx.limits.max_uncompressed_bytes} bytes",
            )

    def check_ratio(self, unpacked: int, packed: int, what: str) -> None:
        if unpacked >= RATIO_MIN_BYTES and unpacked / max(packed, 1) > self.ratio:
            raise BlockedError(
                "too large: compression ratio",
                f"{what}: {unpacked / max(packed, 1):.0f} > limit {self.ratio:.0f}",
            )

    def member_context(self) -> FormatContext:
        """The context a member is opened with: what is left of this budget, one level deeper."""
        limits = dataclasses.replace(
            self.ctx.limits,
            max_uncompressed_bytes=max(self.bytes_left, 0),
            max_zip_entries=max(self.entries_left, 0),
            max_archive_depth=self.depth_left - 1,
        )
        return FormatContext(dataclasses.replace(self.ctx.config, limits=limits))
