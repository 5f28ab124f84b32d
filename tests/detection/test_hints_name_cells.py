"""A cell under a name header (姓名) that is one clean name is masked whole without asking the name
model (issue 17: most of a roster's model calls were such cells). Fail closed: a cell with more
than one name shape, or anything else in it, is still read by the model and the rules."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection import engine as engine_module
from deident.detection.engine import Engine
from deident.detection.hints import clean_name_span, whole_name_cell
from deident.model import Explanation, new_finding

HEADER = "column header 姓名"
RULE = Explanation("rule", "test", 0.8, "n/a")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.create(ScanConfig(ocr=False))


@pytest.fixture
def model_calls(engine, monkeypatch) -> list[str]:
    """The texts the name model is asked to read."""
    calls: list[str] = []
    for _, det in engine._detectors:
        if getattr(det, "reads_findings", False):
            detect = det.detect

            def counted(text, folded, findings=(), _detect=detect):
                calls.append(text)
                return _detect(text, folded, findings)

            monkeypatch.setattr(det, "detect", counted)
    assert engine.config.use_model or any(getattr(d, "reads_findings", False) for _, d in engine._detectors)
    return calls


def _cell(engine: Engine, text: str) -> list[tuple[str, str]]:
    return [(f.entity_type, f.text) for f in engine.analyze(text, hint_entity="PERSON", hint_reason=HEADER)]


@pytest.mark.parametrize(
    "cell, name",
    [
        ("张伟", "张伟"),
        ("龚洋 ", "龚洋"),
        ("12 龚洋", "龚洋"),
        ("欧阳桂超", "欧阳桂超"),  # compound surname: whole, not 欧阳桂
        ("夏侯琳建", "夏侯琳建"),
        ("阿依古丽·吐尔逊", "阿依古丽·吐尔逊"),
        ("买买提‧吐尔逊", "买买提‧吐尔逊"),
    ],
)
def test_one_clean_name_is_masked_whole_without_the_model(engine, model_calls, cell, name):
    assert _cell(engine, cell) == [("PERSON", name)]
    assert model_calls == []


@pytest.mark.parametrize(
    "cell",
    [
        "张三 北京市朝阳区建国路88号",  # a name and an address
        "张三李四",  # four characters without a compound surname: two names
        "张三、李四",
        "王芳（已迁出）",  # a note
        "张伟13812345678",
    ],
)
def test_a_cell_with_more_than_one_name_is_read_by_the_model(engine, model_calls, cell):
    _cell(engine, cell)
    assert model_calls == [cell]


def test_name_and_address_in_one_name_cell_reports_both(engine):
    found = _cell(engine, "张三 北京市朝阳区建国路88号")
    # (the address fills most of the cell, so the header retypes it: masked all the same)
    assert [text for _, text in found] == ["张三", "北京市朝阳区建国路88号"]
    assert found[0][0] == "PERSON"


def test_two_names_in_one_cell_are_two_names(engine):
    assert _cell(engine, "张三李四") == [("PERSON", "张三"), ("PERSON", "李四")]


def test_another_finding_in_a_clean_cell_sends_it_to_the_model():
    """The rules found something other than a name (an address) in a cell of a name's shape: the
    model reads the cell (None), the address is not swallowed by a name taken whole."""
    place = new_finding("CN_ADDRESS", 0, 3, "西湖村", 0.8, "cn_address", RULE)
    assert whole_name_cell("西湖村", [place], HEADER) is None
    two = [new_finding("PERSON", 0, 1, "张", 0.8, "person", RULE)] * 2
    assert whole_name_cell("张三丰", two, HEADER) is None
    past = new_finding("PERSON", 0, 4, "1 张三", 0.8, "person", RULE)
    assert whole_name_cell("1 张三", [past], HEADER) is None  # over the serial: not this name
    assert whole_name_cell("张三丰", [], HEADER) is not None


@pytest.mark.parametrize("cell", ["无", "", "张*", "张三 李四", "张三李四王", "A张三", "欧阳桂超超"])
def test_not_a_clean_name(cell):
    assert clean_name_span(cell) is None


_PARTS = st.sampled_from(
    [
        "张伟",
        "欧阳",
        "桂超",
        "李",
        "王芳",
        "北京市",
        "朝阳区",
        "建国路88号",
        "13812345678",
        "440881199001011233",
        "·",
        "、",
        " ",
        "（已迁出）",
        "1 ",
        "男",
        "村",
        "阿依古丽",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PARTS, min_size=1, max_size=4).map("".join))
def test_skipping_the_model_never_masks_less(engine, monkeypatch, cell):
    """Differential: a cell read without the model (a clean name) covers every character the
    model's reading covers, and reports every other entity the same."""
    fast = engine.analyze(cell, hint_entity="PERSON", hint_reason=HEADER)
    with monkeypatch.context() as m:
        m.setattr(engine_module, "clean_name_span", lambda _cell: None)
        full = engine.analyze(cell, hint_entity="PERSON", hint_reason=HEADER)
    covered = {i for f in fast for i in range(f.start, f.end)}
    assert {i for f in full for i in range(f.start, f.end)} <= covered
    others = {(f.entity_type, f.start, f.end) for f in full if f.entity_type != "PERSON"}
    assert others <= {(f.entity_type, f.start, f.end) for f in fast}
