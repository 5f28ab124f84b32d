"""Tables inside plain text: a header row decides its column in `scan_text`, as a spreadsheet's
header does through the format readers."""

from __future__ import annotations

from deident.api import scan_text
from deident.detection.labelled.text_tables import tables

ROSTER = (
    "序号\t姓名\t身份证号码\t订单编号\t联系电话\n"
    "1\t张三\t51010419940516084\t6222021234567890128\t010-20786224\n"
    "2\t李四\t440881199001011234\t6222021234567890128\t13812345678\n"
)


def test_header_decides_its_column() -> None:
    found = {(f.entity_type, f.text) for f in scan_text(ROSTER)}
    assert ("CN_RESIDENT_ID", "51010419940516084") in found  # 17 digits: a mistyped ID, not a card
    assert ("CN_RESIDENT_ID", "440881199001011234") in found  # wrong check digit
    assert ("CN_LANDLINE", "010-20786224") in found  # a private person's landline, no cue word


def test_order_numbers_are_not_cards() -> None:
    """issue #20 item 7: a Luhn-valid number under 订单编号 is an order number."""
    assert not [f for f in scan_text(ROSTER) if f.text == "6222021234567890128"]
    assert [f.entity_type for f in scan_text("6222021234567890128")] == ["CN_BANK_CARD"]


def test_markdown_table() -> None:
    text = "| 姓名 | 证件号码 |\n|---|---|\n| 王五 | 51010419940516084 |\n"
    assert ("CN_RESIDENT_ID", "51010419940516084") in {(f.entity_type, f.text) for f in scan_text(text)}


def test_tables_of_prose_are_none() -> None:
    assert tables("身份证号码\n51010419940516084\n") == []
    text = "说明\n姓名\t电话\n张三\t13812345678\n李四\t13987654321\n完"
    (t,) = tables(text)
    assert text[t.start : t.end] == "张三\t13812345678\n李四\t13987654321"
    assert t.columns == ("PERSON", "CN_MOBILE")
