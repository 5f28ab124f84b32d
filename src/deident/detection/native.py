"""The engine's compiled loops, when this installation has them.

`_native` is built from ``_native.pyx`` by Cython when the wheel is built. Every function in it
has a pure-Python twin (the reference, and the fallback on a platform without a compiled
wheel): results are the same, only slower. ``DEIDENT_PURE_PYTHON=1`` in the environment makes
deident use the Python twins, to compare the two or to rule the compiled code out.
"""

from __future__ import annotations

import os
from types import ModuleType


def _load() -> ModuleType | None:
    if os.environ.get("DEIDENT_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from deident.detection import _native
    except ImportError:
        return None
    return _native


native: ModuleType | None = _load()
