"""The engine's compiled loops, when this installation has them.

`_native` (character loops) and `_reading` (the per-value work: the number and text passes,
the label hit loop and merge, text-table cells, the keep rule, overlap resolution, IDs inside
longer runs) are built from their ``.pyx`` files (and the ``.pxi`` files they include) by
Cython when the wheel is built. Everything in them has a pure-Python twin (the reference, and the fallback on a platform without a compiled
wheel): results are the same, only slower. ``DEIDENT_PURE_PYTHON=1`` in the environment makes
deident use the Python twins, to compare the two or to rule the compiled code out.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType


def _load(name: str) -> ModuleType | None:
    if os.environ.get("DEIDENT_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        return importlib.import_module(f"deident.detection.{name}")
    except ImportError:
        return None


native: ModuleType | None = _load("_native")
reading: ModuleType | None = _load("_reading")
