"""Run LibreOffice headless to convert one file, safely.

- Every conversion runs with a user profile no other running conversion uses
  (``-env:UserInstallation``): two soffice processes sharing a profile block each other or
  one hands its job to the other and exits at once with nothing converted. Idle profiles are
  kept for the next conversion (a fresh profile costs seconds of start-up) and deleted
  when the process exits; a profile whose soffice was killed is thrown away.
- soffice runs in its own process group, so a timeout kills the whole group (soffice.bin
  and oosplash), not only the launcher.
- The input is copied into a private temporary directory under a fixed ASCII name, so odd
  file names (leading ``-``, spaces) cannot become options, and the output name is known.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from deident.errors import BlockedError

# --convert-to arguments: the target extension plus the export filter LibreOffice should use.
FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "doc": "doc:MS Word 97",
    "xls": "xls:MS Excel 97",
    "odt": "odt",
    "ods": "ods",
    "rtf": "rtf",
    "pdf": "pdf",
}


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class _ProfilePool:
    """Idle LibreOffice user profiles; one is lent to each conversion at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[Path] = []
        self._all: set[Path] = set()
        atexit.register(self.clear)

    def take(self) -> Path:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        path = Path(tempfile.mkdtemp(prefix="deident-lo-"))
        with self._lock:
            self._all.add(path)
        return path

    def give_back(self, path: Path) -> None:
        with self._lock:
            self._idle.append(path)

    def discard(self, path: Path) -> None:
        with self._lock:
            self._all.discard(path)
        shutil.rmtree(path, ignore_errors=True)

    def clear(self) -> None:
        with self._lock:
            paths, self._all, self._idle = list(self._all), set(), []
        for p in paths:
            shutil.rmtree(p, ignore_errors=True)


_PROFILES = _ProfilePool()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def convert(
    src: Path,
    target: str,
    out_dir: Path,
    *,
    timeout_s: float,
    soffice: str | None = None,
    missing_reason: str | None = None,
) -> Path:
    """Convert `src` to `target` (a key of FILTERS); the converted file is
    ``out_dir/converted.<target>`` (`out_dir` is the caller's private directory).

    Raises BlockedError: LibreOffice missing (`missing_reason`), timed out, or no output
    (LibreOffice could not read the file: corrupt, encrypted or not what its suffix says)."""
    binary = soffice or find_soffice()
    if binary is None:
        raise BlockedError(missing_reason or "LibreOffice is needed to convert this file")
    work = Path(tempfile.mkdtemp(prefix="deident-conv-", dir=out_dir))
    staged = work / ("input" + src.suffix.lower())
    try:
        shutil.copyfile(src, staged)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise BlockedError("corrupt: cannot read file", type(exc).__name__) from exc
    profile = _PROFILES.take()
    cmd = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--norestore",
        "--convert-to",
        FILTERS[target],
        "--outdir",
        str(work),
        str(staged),
    ]
    # HOME inside the profile: some builds write ~/.config even with UserInstallation set.
    env = {**os.environ, "HOME": str(profile), "SAL_USE_VCLPLUGIN": "svp"}
    ok = False
    try:
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            raise BlockedError(missing_reason or "LibreOffice is needed to convert this file") from exc
        try:
            proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise BlockedError(
                "conversion timed out", f"LibreOffice did not finish within {timeout_s:g} s"
            ) from None
        # A finished soffice may leave helpers behind in its group; never leak processes.
        _kill_group(proc)
        out = work / ("input." + target)
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise BlockedError(
                "corrupt: LibreOffice could not convert the file", f"exit status {proc.returncode}"
            )
        final = out_dir / ("converted." + target)
        out.replace(final)
        ok = True
        return final
    finally:
        if ok:
            _PROFILES.give_back(profile)
        else:
            _PROFILES.discard(profile)
        shutil.rmtree(work, ignore_errors=True)
