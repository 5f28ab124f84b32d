"""Make the repository root importable: the generator lives in `corpora/`, the value
factories in `tests/factories/`, and neither is part of the installed package."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
