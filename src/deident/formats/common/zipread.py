"""Reading one member of a zip-based file (Office, OFD, archives), failing closed.

Damaged zips raise more than BadZipFile: zlib errors, EOF, a header offset before the start
(ValueError: negative seek), OSError. Every family reads members through here, so the list of
what counts as "a bad zip" lives in one place.
"""

from __future__ import annotations

import zipfile
import zlib

from deident.errors import BlockedError

ZIP_READ_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    ValueError,
    OSError,
)


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, or BlockedError('corrupt: bad zip'); the member's name is not in the
    detail (a name can hold personal data)."""
    try:
        return zf.read(info)
    except (*ZIP_READ_ERRORS, NotImplementedError) as exc:
        raise BlockedError("corrupt: bad zip", f"a zip member: {type(exc).__name__}") from None
