"""A scanning job that misbehaves on purpose, by file name, around the real one: the
watchdog and the Spark job must turn each misbehaviour into a blocked row for that file only."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from deident.spark.executor import FileWork


class Misbehave(FileWork):
    def __call__(self, req: Any) -> dict[str, Any]:
        name = Path(req.src).name
        if name.startswith("hang"):
            time.sleep(3600)
        if name.startswith("crash"):
            os.kill(os.getpid(), signal.SIGSEGV)
        if name.startswith("raise"):
            # The message quotes "document text": it must not reach the table.
            raise RuntimeError(Path(req.src).read_text(encoding="utf-8"))
        if name.startswith("hog"):
            _ = bytearray(4 * 1024**3)  # beyond --max-memory-mb
        return super().__call__(req)
