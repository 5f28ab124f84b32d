"""Where masked copies go: a local folder (file: URIs and plain paths, also a shared mount on a
cluster) written directly, any other URI through fsspec when it is installed (s3fs, HDFS via
pyarrow). Executors have no Hadoop client in Python, so this is the Python side's reach."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from deident.errors import ConfigError


def is_local(uri: str) -> bool:
    return urlsplit(uri).scheme in ("", "file")


def local_path(uri: str) -> Path:
    """`file:/a/b`, `file:///a/b` and `/a/b` as a Path."""
    return Path(urlsplit(uri).path if urlsplit(uri).scheme == "file" else uri)


class Sink:
    def __init__(self, uri: str) -> None:
        self.uri = uri.rstrip("/")
        if not is_local(uri):
            try:
                import fsspec  # noqa: F401
            except ModuleNotFoundError as exc:
                raise ConfigError(
                    f"--mask-to {uri}: only local paths and file: URIs are written without fsspec; "
                    "install fsspec and its filesystem (s3fs, pyarrow for hdfs) on the executors"
                ) from exc

    def put(self, relative: str, src: Path) -> str:
        """Copy `src` to `relative` under the sink; returns where it went. Never half a file:
        a local copy is written beside its target and renamed into place."""
        if is_local(self.uri):
            dest = local_path(self.uri) / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".deident-", dir=dest.parent)
            try:
                with os.fdopen(fd, "wb") as out, src.open("rb") as fh:
                    shutil.copyfileobj(fh, out)
                os.replace(tmp, dest)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            return str(dest)
        import fsspec

        dest_uri = f"{self.uri}/{relative}"
        with fsspec.open(dest_uri, "wb") as out, src.open("rb") as fh:
            shutil.copyfileobj(fh, out)
        return dest_uri
