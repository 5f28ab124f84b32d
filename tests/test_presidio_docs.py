"""The code in the README runs as written (doctest blocks are checked)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

pytest.importorskip("presidio_analyzer")

DOC = Path(__file__).resolve().parents[1] / "README.md"
# The section on names, addresses and Presidio, up to the next top-level section.
SECTION = DOC.read_text(encoding="utf-8").split("## Names and home addresses", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```python\n(.*?)```", SECTION, re.S)


def test_doc_has_code() -> None:
    assert len(BLOCKS) >= 3


def test_code_blocks_run() -> None:
    namespace: dict[str, object] = {}
    for block in BLOCKS:
        if block.lstrip().startswith(">>>"):
            test = doctest.DocTestParser().get_doctest(block, dict(namespace), DOC.name, str(DOC), 0)
            result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test, out=lambda s: None)
            assert result.failed == 0, block
        else:
            exec(compile(block, str(DOC), "exec"), namespace)
    # The Presidio example: context enhancement fired for the user's own recognizer.
    analyzer = namespace["analyzer"]
    (result,) = analyzer.analyze(text="案件编号：AB123456", language="zh", entities=["CASE_NO"])  # type: ignore[attr-defined]
    assert result.score == pytest.approx(0.65)
