"""Every surviving mutant of the safety-critical modules is explained (issue #18), and the
explanations file is one a reader can check: each mutant named once, each with a reason, under
a group heading, and each a mutant of a module mutmut mutates. Cheap: no mutmut run here;
`python scripts/mutation_score.py --report` lists any survivor of the last run it does not name."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _score_script():
    spec = importlib.util.spec_from_file_location("mutation_score", ROOT / "scripts" / "mutation_score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _score_script()
ENTRIES = SCRIPT.explanations()


def test_the_explanations_file_has_entries() -> None:
    assert SCRIPT.EXPLAINED.is_file()
    assert len(ENTRIES) > 0


def test_no_mutant_is_explained_twice() -> None:
    twice = [name for name, n in Counter(name for name, _, _ in ENTRIES).items() if n > 1]
    assert twice == []


def test_every_entry_has_a_group_and_a_reason() -> None:
    assert [name for name, group, reason in ENTRIES if not group or len(reason) < 10] == []


def test_every_list_line_is_an_entry() -> None:
    """A malformed line would be skipped by the parser and its mutant reported unexplained; say so here."""
    lines = SCRIPT.EXPLAINED.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line.startswith("- ") and not SCRIPT._ENTRY.match(line)] == []


def test_every_entry_names_a_mutant_of_a_mutated_module() -> None:
    section = (
        (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("[tool.mutmut]", 1)[1].split("\n[", 1)[0]
    )
    only_mutate = re.findall(
        r'"(src/deident/[^"]+\.py)"', section.split("only_mutate", 1)[1].split("]", 1)[0]
    )
    modules = {".".join(Path(p).with_suffix("").parts[1:]) for p in only_mutate}  # -> deident.review.gate
    assert len(modules) == 8
    name = re.compile(r"^(?P<module>[\w.]+)\.x(?:_|ǁ)\S+__mutmut_\d+$")
    bad = [n for n, _, _ in ENTRIES if not (m := name.match(n)) or m["module"] not in modules]
    assert bad == []
