"""The parts of the second reading on their own: comparing readings, locating a value however
markup writes it, messages that never quote a member name that could hold a value."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.model import Explanation, Finding
from deident.pipeline import describe
from deident.verify.compare import Seen, findings_in, key, unexplained
from deident.verify.piece import Piece
from deident.verify.scrub import locator
from deident.verify.strings import markup_text

EXPLAIN = Explanation("r", "p", 1.0)


def _f(entity: str, text: str) -> Finding:
    return Finding(entity, 0, len(text), text, 1.0, "r", EXPLAIN)


def test_key_ignores_spacing_and_width() -> None:
    assert key("138 1234 5678") == key("１３８１２３４５６７８") == "13812345678"


def test_unexplained_keeps_only_values_the_first_reading_missed() -> None:
    first = [_f("CN_MOBILE", "138 1234 5678"), _f("PERSON", "张三")]
    second = [_f("CN_MOBILE", "13812345678"), _f("PERSON", "张三丰"), _f("CN_MOBILE", "13912345678")]
    assert [f.text for f in unexplained(second, first)] == ["13912345678"]


def test_describe_withholds_names_that_could_hold_a_value() -> None:
    place = {"reading": "second", "member": "word/张三_110101199003071234.xml", "text": "names"}
    assert "110101" not in describe(place) and "张三" not in describe(place)
    assert describe({"reading": "second", "page": 3}) == "page 3"


def test_markup_text_joins_runs_and_breaks_blocks() -> None:
    xml = "<w:p><w:r><w:t>138</w:t></w:r><w:r><w:t>12345678</w:t></w:r></w:p><w:p><w:t>x</w:t></w:p>"
    assert markup_text(xml).split() == ["13812345678", "x"]


_FORMS = st.sampled_from(["plain", "dec", "hex", "css", "shy", "zw"])


@given(
    st.text(alphabet="0123456789X张三", min_size=2, max_size=20), st.lists(_FORMS, min_size=20, max_size=20)
)
def test_locator_finds_a_value_however_each_character_is_written(value: str, forms: list[str]) -> None:
    out = []
    for c, form in zip(value, forms, strict=False):
        out.append(
            {
                "plain": c,
                "dec": f"&#{ord(c)};",
                "hex": f"&#x{ord(c):X};",
                "css": f"\\{ord(c):x} ",
                "shy": c + "&shy;",
                "zw": c + "\u200b",
            }[form]
        )
    source = "<p>前" + "".join(out) + "后</p>"
    assert locator(value).search(source)


def test_seen_holds_lines_of_joined_paragraphs_and_rows_of_read_cells() -> None:
    texts = ["当事人：张三丰，男，身份证号 110101 19900307 1234，住址不详。", "1", "李四", "13812345678"]
    seen = Seen([({"page": 2, "bbox": [0, 0, 1, 1]}, t) for t in texts])
    assert seen.has("当事人：张三丰，男，身份证号 110101\r", 2)  # a line of the joined paragraph
    assert seen.has("1 李四 13812345678", 2)  # a table row: every cell read
    assert not seen.has("1 李四 13812345678", 1)  # another page's text
    assert not seen.has("2 张三 13812345678", 2)  # 张三 was read only inside 张三丰
    assert not seen.has("经查，刘建国在本市经营一家商店。", 2)
    # A table row split by the page break is the text of both pages.
    assert Seen([({"page": 1, "continued_on": {"page": 2}}, "王五")]).has("王五", 2)


def _names(found: list[Finding]) -> set[str]:
    return {f.text for f in found if f.entity_type == "PERSON"}


def test_second_reading_model_reads_only_what_the_first_did_not() -> None:
    """The rules read every line of a page; the model only lines the first reading lacks, so a
    name only the model finds is still found on a line the first reading never had."""
    engine = Engine.create(ScanConfig(ocr=False))
    line = "经查，刘建国在本市经营一家商店，联系电话13812345678。"
    page = [Piece({"page": 1}, "公告\r\n" + line + "\r\n特此公告。")]
    assert "刘建国" in _names(findings_in(page, engine))
    # A line the first reading did not analyse: the model reads it.
    found = findings_in(page, engine, Seen([({"page": 1}, "公告"), ({"page": 1}, "特此公告。")]))
    assert "刘建国" in _names(found) and "13812345678" in {f.text for f in found}
    # The first reading analysed the line: the rules alone read it again (the mobile is found).
    again = findings_in(page, engine, Seen([({"page": 1}, t) for t in ("公告", line, "特此公告。")]))
    rules = findings_in(page, engine.without_models())
    assert [(f.entity_type, f.start, f.end) for f in again] == [
        (f.entity_type, f.start, f.end) for f in rules
    ]
    assert "13812345678" in {f.text for f in again} and "刘建国" not in _names(again)
