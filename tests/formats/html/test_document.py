"""HTML pages (formats/html.py): every place text hides, table hints, encodings, malformed
markup, and masked copies that differ from the source only in the masked characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from deident.config import Limits, ScanConfig
from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement
from deident.formats.common.encoding import TextEncoding
from deident.formats.html import document as html_mod
from tests.factories.documents import mask_value, render

CTX = FormatContext()
MOBILE = "13812345678"
ID = "440881199001011233"


def _doc(tmp_path: Path, data: bytes | str, name: str = "p.html", ctx: FormatContext = CTX):
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return html_mod.open_document(p, ctx)


def _find(doc, value: str):
    return [s for s in doc.segments() if value in s.text]


# (page, the location of the segment holding the phone number)
PLACES = [
    (f"<p>电话：{MOBILE}</p>", {"element": "p", "line": 1}),
    (f'<img src="a.png" alt="联系人电话 {MOBILE}">', {"element": "img", "attribute": "alt", "line": 1}),
    (f"<a title='{MOBILE}' href='#'>x</a>", {"element": "a", "attribute": "title", "line": 1}),
    (f'<a href="tel:{MOBILE}">拨打</a>', {"element": "a", "attribute": "href", "line": 1}),
    (
        f'<a href="mailto:zhang@qq.com?subject={MOBILE}">邮件</a>',
        {"element": "a", "attribute": "href", "line": 1},
    ),
    (f'<a href="/search?name=x&amp;phone={MOBILE}">查</a>', {"element": "a", "attribute": "href", "line": 1}),
    (f'<input type="text" value="{MOBILE}">', {"element": "input", "attribute": "value", "line": 1}),
    (f'<input placeholder="如 {MOBILE}">', {"element": "input", "attribute": "placeholder", "line": 1}),
    (f'<div data-phone="{MOBILE}"></div>', {"element": "div", "attribute": "data-phone", "line": 1}),
    (
        f'<meta name="description" content="联系 {MOBILE}">',
        {"element": "meta", "attribute": "content", "line": 1},
    ),
    (f"<!-- 联系人 {MOBILE} -->", {"element": "#comment", "line": 1}),
    (
        f"<button onclick=\"call('{MOBILE}')\">拨打</button>",
        {"element": "button", "attribute": "onclick", "line": 1},
    ),
    (f"<script>var tel = '{MOBILE}';</script>", {"element": "script", "line": 1}),
    (
        f'<script type="application/ld+json">{{"telephone": "{MOBILE}"}}</script>',
        {"element": "script", "line": 1, "type": "application/ld+json"},
    ),
    (f"<noscript><p>电话 {MOBILE}</p></noscript>", {"element": "p", "line": 1}),
    (f"<title>{MOBILE}</title>", {"element": "title", "line": 1}),
    (f"<textarea>{MOBILE}</textarea>", {"element": "textarea", "line": 1}),
    (f"<![CDATA[ {MOBILE} ]]>", {"element": "#comment", "line": 1}),
    (f"\n\n<div>\n  <span>{MOBILE}</span></div>", {"element": "div", "line": 4}),
]


@pytest.mark.parametrize(
    ("page", "location"),
    PLACES,
    ids=[loc.get("attribute", loc["element"]) + str(i) for i, (_, loc) in enumerate(PLACES)],
)
def test_every_place_is_a_segment_and_masks_in_place(tmp_path: Path, page: str, location: dict) -> None:
    doc = _doc(tmp_path, page)
    found = _find(doc, MOBILE)
    assert len(found) == 1
    assert dict(found[0].location) == location
    out = render(doc, mask_value(doc, MOBILE, "138****5678")).decode()
    assert out == page.replace(MOBILE, "138****5678")


def test_json_unicode_escapes_are_decoded_and_masked_in_place(tmp_path: Path) -> None:
    page = (
        '<script type="application/ld+json">{"name": "\\u5f20\\u4e09", "tel": "\\u0031'
        + MOBILE[1:]
        + '"}</script>'
    )
    doc = _doc(tmp_path, page)
    (seg,) = doc.segments()
    assert seg.text == '{"name": "张三", "tel": "' + MOBILE + '"}'
    i = seg.text.index("张三")
    j = seg.text.index(MOBILE)
    reps = {
        seg.id: [Replacement(i + 1, i + 2, "*", "PERSON"), Replacement(j, j + 11, "138****5678", "CN_MOBILE")]
    }
    out = render(doc, reps).decode()
    assert out == '<script type="application/ld+json">{"name": "\\u5f20*", "tel": "138****5678"}</script>'


def test_style_is_skipped_and_plain_links_are_not_scanned(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"<style>.a{{content:'{MOBILE}'}}</style><a href='/files/{MOBILE}.pdf'>x</a>")
    assert _find(doc, MOBILE) == []


def test_text_across_inline_tags_and_entities_is_one_value(tmp_path: Path) -> None:
    page = "<p>电话：138<span style='x'>1234</span><b>5</b>678，身份证&#52;40881&#x31;99001011233&nbsp;号</p>"
    doc = _doc(tmp_path, page)
    (seg,) = doc.segments()
    assert seg.text == f"电话：{MOBILE}，身份证{ID} 号"
    start = seg.text.index(MOBILE)
    id_start = seg.text.index(ID)
    reps = {
        seg.id: [
            Replacement(start + 3, start + 7, "****", "CN_MOBILE"),
            Replacement(id_start + 6, id_start + 14, "********", "CN_RESIDENT_ID"),
        ]
    }
    out = render(doc, reps).decode()
    # Tags and untouched references stay; masked characters go where they were.
    assert (
        out == "<p>电话：138<span style='x'>****</span><b>5</b>678，身份证&#52;40881********1233&nbsp;号</p>"
    )


def test_replacement_longer_or_shorter_than_the_span(tmp_path: Path) -> None:
    page = "<p>当事人张<b>三</b>丰，男</p>"
    doc = _doc(tmp_path, page)
    (seg,) = doc.segments()
    assert seg.text == "当事人张三丰，男"
    assert (
        render(doc, {seg.id: [Replacement(3, 6, "张某", "PERSON")]}).decode()
        == "<p>当事人张某<b></b>，男</p>"
    )
    assert render(doc, {seg.id: [Replacement(3, 6, "", "PERSON")]}).decode() == "<p>当事人<b></b>，男</p>"


def test_br_breaks_but_keeps_context(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"<p>联系电话：<br/>{MOBILE}<br>张三</p>")
    (seg,) = doc.segments()
    assert seg.text == f"联系电话：\n{MOBILE}\n张三"


def test_block_elements_separate_segments(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "<div>138</div><div>12345678</div><li>a</li><p>b")
    assert [s.text for s in doc.segments()] == ["138", "12345678", "a", "b"]


def test_table_header_hints_with_th(tmp_path: Path) -> None:
    page = (
        "<table><caption>名单</caption><tr><td colspan=4>2023年城乡低保对象公示</td></tr>"
        "<tr><th>序号</th><th>户主<br>姓名</th><th>身份证号码</th><th>家庭住址</th></tr>"
        f"<tr><td>1</td><td><strong>张三</strong></td><td>{ID}</td><td><p>广州市天河区体育西路1号</p></td></tr>"
        "<tr><td>2</td><td>李四</td><td>44088119900101123</td><td>无</td></tr></table>"
        f"<p>表外 {MOBILE}</p>"
    )
    doc = _doc(tmp_path, page)
    cells = {
        (s.location.get("row"), s.location.get("column")): s for s in doc.segments() if "row" in s.location
    }
    assert cells[(3, 2)].hint_entity == "PERSON"
    assert cells[(3, 2)].hint_reason == "column header 户主\n姓名"
    assert cells[(3, 3)].hint_entity == "CN_RESIDENT_ID"
    assert cells[(3, 4)].hint_entity == "CN_ADDRESS"
    assert cells[(3, 4)].location["element"] == "p"
    assert cells[(4, 3)].text == "44088119900101123"
    assert cells[(4, 3)].hint_entity == "CN_RESIDENT_ID"
    assert cells[(3, 1)].hint_entity is None
    assert cells[(2, 3)].hint_entity is None  # the header row itself
    assert cells[(1, 1)].hint_entity is None  # the caption row
    assert {s.location["table"] for s in cells.values()} == {1}
    outside = _find(doc, MOBILE)[0]
    assert "table" not in outside.location and outside.hint_entity is None


def test_table_first_row_is_the_header_without_th(tmp_path: Path) -> None:
    page = (
        "<table><tbody><tr><td><b>姓名</b></td><td>联系电话</td></tr>"
        f"<tr><td>张三</td><td>{MOBILE}</td></tr>"
        # a nested table keeps its own header
        "<tr><td><table><tr><td>银行账号</td></tr><tr><td>6222020202020202020</td></tr></table></td>"
        "<td>13900000000</td></tr></tbody></table>"
    )
    doc = _doc(tmp_path, page)
    segs = {s.text: s for s in doc.segments()}
    assert segs[MOBILE].hint_entity == "CN_MOBILE"
    assert segs["张三"].hint_entity == "PERSON"
    assert segs["13900000000"].hint_entity == "CN_MOBILE"
    # A one-cell first row is a caption, so the nested table has no header: no hint.
    assert segs["6222020202020202020"].location["table"] == 2
    assert segs["6222020202020202020"].hint_entity is None


def test_rowspan_keeps_cells_under_their_headers(tmp_path: Path) -> None:
    page = (
        "<table><tr><th>户主姓名</th><th>家庭成员</th><th>身份证号码</th><th>家庭住址</th></tr>"
        f"<tr><td rowspan=2>张三</td><td>张三</td><td>{ID}</td><td rowspan=2>广州市天河区体育西路1号</td></tr>"
        "<tr><td>李四</td><td>11010519491231002X</td></tr>"
        "<tr><td>王五</td><td>王五</td><td>440881199001011234</td><td>广州市越秀区2号</td></tr></table>"
    )
    doc = _doc(tmp_path, page)
    cells = {(s.location["row"], s.location["column"]): s for s in doc.segments() if "row" in s.location}
    assert cells[(3, 2)].text == "李四" and cells[(3, 2)].location["header"] == "家庭成员"
    assert cells[(3, 3)].text == "11010519491231002X"
    assert cells[(3, 3)].hint_entity == "CN_RESIDENT_ID"
    assert cells[(4, 4)].text == "广州市越秀区2号" and cells[(4, 4)].hint_entity == "CN_ADDRESS"
    assert cells[(4, 1)].text == "王五"  # the rowspan is over


def test_label_value_form_hints_from_the_label_on_the_left(tmp_path: Path) -> None:
    """信息公开申请表: label cells and value cells alternate; the first row is no header."""
    page = (
        "<table><tr><td>姓名</td><td>张三</td><td>性别</td><td>男</td></tr>"
        "<tr><th>身份证号：</th><td>44088119900101123</td><td>联系电话</td><td>"
        f"{MOBILE}</td></tr><tr><td>通讯地址</td><td colspan=3>广州市天河区体育西路1号</td></tr></table>"
    )
    doc = _doc(tmp_path, page)
    segs = {s.text: s for s in doc.segments()}
    assert segs["张三"].hint_entity == "PERSON"
    assert segs["张三"].location["label"] == "姓名"
    assert segs["44088119900101123"].hint_entity == "CN_RESIDENT_ID"
    assert segs["44088119900101123"].hint_reason == "row label 身份证号："
    assert segs[MOBILE].hint_entity == "CN_MOBILE"
    assert segs["广州市天河区体育西路1号"].hint_entity == "CN_ADDRESS"
    for label in ("姓名", "身份证号：", "联系电话", "通讯地址", "性别"):
        assert segs[label].hint_entity is None, label  # a label is never a value
    assert segs["男"].hint_entity is None


@pytest.mark.parametrize(
    "page",
    [
        f"<p>未闭合 {MOBILE}<div><span>{MOBILE}",
        f"<!-- 未结束的注释 {MOBILE}",
        f'<img alt="未闭合的引号 {MOBILE}>',
        f"<p>a < b {MOBILE} <3 </> </ p> <? x ?> <!x {MOBILE}>",
        f"<script>if (a</b) x = '{MOBILE}'",
        f"<TABLE><TR><TD>电话<TD>{MOBILE}</TABLE></td></tr></p></p>",
        f"<p title={MOBILE} data-x = '{MOBILE}'>&bogus; &#xZZ; &#99999999; &{MOBILE}</p>",
        "<" * 50 + MOBILE + ">" * 50,
        f"\x00<p>{MOBILE}</p>".replace("\x00", ""),
    ],
)
def test_malformed_html_never_fails_and_masks_only_the_value(tmp_path: Path, page: str) -> None:
    doc = _doc(tmp_path, page)
    assert _find(doc, MOBILE)
    out = render(doc, mask_value(doc, MOBILE, "138****5678")).decode()
    assert MOBILE not in out
    # Nothing but the masked digits changed.
    assert out == page.replace(MOBILE, "138****5678")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (f'<meta charset="gb2312"><p>张三 {MOBILE}</p>'.encode("gbk"), TextEncoding("gb18030")),
        (
            f'<meta http-equiv="Content-Type" content="text/html; charset=GBK"><p>张三 {MOBILE}</p>'.encode(
                "gbk"
            ),
            TextEncoding("gb18030"),
        ),
        (b"\xef\xbb\xbf" + f"<p>张三 {MOBILE}</p>".encode(), TextEncoding("utf-8", b"\xef\xbb\xbf")),
        (f"<p>张三 {MOBILE}</p>".encode("utf-16"), TextEncoding("utf-16-le", b"\xff\xfe")),
        (f"<p>张三 {MOBILE}</p>".encode("gb18030"), TextEncoding("gb18030")),  # no declaration
        (f'<meta charset="utf-8"><p>张三 {MOBILE}</p>'.encode(), TextEncoding("utf-8")),
        (f"<p>臺灣 {MOBILE}</p>".encode("big5"), None),  # Big5 or GB18030: either must round-trip
    ],
    ids=["meta-gb2312", "http-equiv-gbk", "utf8-bom", "utf16", "gb18030-undeclared", "utf8", "big5"],
)
def test_encodings_round_trip(tmp_path: Path, data: bytes, encoding: TextEncoding | None) -> None:
    doc = _doc(tmp_path, data)
    if encoding is not None:
        assert doc.encoding == encoding
    assert render(doc, {}) == data
    out = render(doc, mask_value(doc, MOBILE, "138****5678"))
    codec = doc.encoding.codec
    assert out == doc.encoding.bom + data[len(doc.encoding.bom) :].decode(codec).replace(
        MOBILE, "138****5678"
    ).encode(codec)


def test_latin1_declared_over_gbk_content_is_read_as_gbk(tmp_path: Path) -> None:
    page = f'<meta charset="iso-8859-1"><p>申请人张三，住址广州市天河区，电话{MOBILE}，特此公示。</p>'
    doc = _doc(tmp_path, page.encode("gbk"))
    assert doc.encoding == TextEncoding("gb18030")
    assert any("申请人张三" in s.text for s in doc.segments())
    assert "declared charset iso-8859-1, read as gb18030" in doc.notes


def test_replacement_not_in_the_page_encoding_becomes_a_reference(tmp_path: Path) -> None:
    doc = _doc(tmp_path, '<meta charset="big5"><p title="甲">甲乙</p>'.encode("big5"))
    reps = {s.id: [Replacement(0, 1, "😀", "X")] for s in doc.segments()}
    out = render(doc, reps).decode("big5")
    assert out == '<meta charset="big5"><p title="&#128512;">&#128512;乙</p>'


def test_attribute_replacements_are_escaped_for_their_quotes(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "<a title=\"x1\" alt='y2' data-z=w3>t</a>")
    reps = {s.id: [Replacement(0, 1, "\"'<&", "X")] for s in doc.segments() if "attribute" in s.location}
    out = render(doc, reps).decode()
    assert out == "<a title=\"&quot;'&lt;&amp;1\" alt='\"&#39;&lt;&amp;2' data-z=&quot;&#39;&lt;&amp;3>t</a>"


def test_percent_encoded_query_is_decoded_and_masked_in_place(tmp_path: Path) -> None:
    page = '<a href="/q?name=%E5%BC%A0%E4%B8%89&amp;tel=138%2012345678">x</a>'
    doc = _doc(tmp_path, page)
    (seg,) = [s for s in doc.segments() if s.location.get("attribute") == "href"]
    assert seg.text == "name=张三&tel=138 12345678"
    i = seg.text.index("张")
    out = render(doc, {seg.id: [Replacement(i + 1, i + 2, "*", "PERSON")]}).decode()
    assert out == '<a href="/q?name=%E5%BC%A0*&amp;tel=138%2012345678">x</a>'


def test_script_replacement_that_would_close_the_script_is_refused(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"<script>var a='{MOBILE}'</script>")
    (seg,) = doc.segments()
    with pytest.raises(MaskError):
        render(doc, {seg.id: [Replacement(8, 19, "</script>", "X")]})


def test_bad_input_is_blocked(tmp_path: Path) -> None:
    with pytest.raises(BlockedError) as err:
        _doc(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "img.html")
    assert err.value.reason == "binary or undecodable content"
    with pytest.raises(BlockedError) as err:
        _doc(tmp_path, b"<p>" + b"\x80\xff" * 20 + b"</p>", "bad.html")
    assert err.value.reason == "binary or undecodable content"
    with pytest.raises(BlockedError) as err:
        html_mod.open_document(tmp_path / "missing.html", CTX)
    assert err.value.reason == "unreadable"
    small = FormatContext(ScanConfig(limits=Limits(max_file_bytes=10)))
    with pytest.raises(BlockedError) as err:
        _doc(tmp_path, "<p>" + "x" * 20 + "</p>", "big.html", ctx=small)
    assert err.value.reason == "too large"


def test_empty_page_has_no_segments(tmp_path: Path) -> None:
    doc = _doc(tmp_path, b"")
    assert doc.segments() == []
    assert render(doc, {}) == b""


def test_unknown_segment_is_refused(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "<p>x</p>")
    with pytest.raises(MaskError):
        render(doc, {5: [Replacement(0, 1, "*", "X")]})


def test_deeply_unclosed_markup_is_read(tmp_path: Path) -> None:
    # 20,000 unclosed paragraphs and divs, then end tags: must stay linear and lose nothing.
    page = "<div>" * 2000 + "<p>段落" * 20000 + f"<p>电话 {MOBILE}" + "</div>" * 2000
    doc = _doc(tmp_path, page)
    segs = doc.segments()
    assert len(segs) == 20001
    assert segs[-1].text == f"电话 {MOBILE}" and segs[-1].location["element"] == "p"
