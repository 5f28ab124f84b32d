"""A realistic government page through `pipeline.scan_path` / `mask_path` with the real engine.
Leaks are checked with lxml (an independent HTML parser), and the masked bytes are compared
with the source byte by byte."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path

lxml_html = pytest.importorskip("lxml.html")

MOBILE = "13812345678"
MOBILE2 = "15987654321"
MOBILE3 = "18611112222"
MOBILE4 = "13700001111"
MOBILE5 = "13566667777"
ID = "440881199001011233"
ID2 = "11010519491231002X"
EMAIL = "zhangsan@qq.com"

# Each value rendered the way a CMS or Word export writes it (the rendering is what appears
# in the source bytes; the masked copy may differ from the source only inside these).
RENDERED = {
    MOBILE: "138<span style='color:red'>1234</span>5678",
    MOBILE2: "&#49;5987654321",
    MOBILE3: MOBILE3,
    MOBILE4: MOBILE4,
    MOBILE5: MOBILE5,
    ID: ID,
    ID2: ID2,
    EMAIL: EMAIL,
}

PAGE = f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于2023年城乡低保对象的公示</title>
<meta name="description" content="咨询联系人手机 {MOBILE3}">
<script type="application/ld+json">{{"@type": "GovernmentOrganization", "telephone": "{MOBILE4}"}}</script>
<style>td {{ border: 1px solid }}</style>
</head><body>
<div class="article"><p>　　根据《社会救助暂行办法》，现将审核结果公示如下。申请人联系电话：{RENDERED[MOBILE]}。</p>
<p>举报人手机号码：{RENDERED[MOBILE2]}，电子邮箱 {EMAIL}。</p>
<table border="1"><tr><th>序号</th><th>户主姓名</th><th>身份证号码</th></tr>
<tr><td>1</td><td>张三</td><td>{ID}</td></tr>
<tr><td>2</td><td>李四</td><td>{ID2}</td></tr></table>
<!-- 经办人手机 {MOBILE5} -->
<img src="scan.jpg" alt="身份证复印件">
<p>监督电话：12345</p></div>
</body></html>
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "公示.html"
    path.write_bytes(PAGE.encode("gbk"))
    return path


def _all_text(data: bytes) -> str:
    """Everything lxml can see in a page: text, tails, attribute values, comments, scripts."""
    root = lxml_html.document_fromstring(data.decode("gb18030"))
    parts: list[str] = []
    for el in root.iter():
        parts.extend([el.text or "", el.tail or ""])
        if isinstance(el.tag, str):
            parts.extend(el.attrib.values())
    return "\n".join(parts)


def test_scan_finds_every_place(page: Path) -> None:
    report = scan_path(page, ScanConfig())
    assert report.status is Status.FINDINGS
    by_text = {f.text: f for f in report.findings}
    for value in (MOBILE, MOBILE2, MOBILE3, MOBILE4, MOBILE5, ID, ID2, EMAIL):
        assert value in by_text, value
    assert by_text[MOBILE3].location == {"element": "meta", "attribute": "content", "line": 5}
    assert by_text[MOBILE4].location["type"] == "application/ld+json"
    assert by_text[MOBILE5].location["element"] == "#comment"
    assert by_text[ID].location == {
        "element": "td",
        "line": 12,
        "table": 1,
        "row": 2,
        "column": 3,
        "header": "身份证号码",
    }
    assert "12345" not in by_text  # a hotline is not personal data


def test_mask_writes_no_value_and_changes_only_masked_bytes(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "公示.html"
    result = mask_path(page, out, ScanConfig(), Policy.load("gov"))
    assert result.ok, result.report.reason
    src, dst = page.read_bytes(), out.read_bytes()
    text = _all_text(dst)
    for value in (MOBILE, MOBILE2, MOBILE3, MOBILE4, MOBILE5, ID, ID2, EMAIL):
        assert value not in text, value
    assert "138****5678" in dst.decode("gb18030").replace("<span style='color:red'>", "").replace(
        "</span>", ""
    )
    assert "440881********1233" in text
    # Outside the renderings of the values (and the names in the table), nothing changed:
    # every difference between source and copy lies inside one of those source ranges.
    src_text, dst_text = src.decode("gbk"), dst.decode("gbk")
    allowed = [(src_text.index(r), src_text.index(r) + len(r)) for r in RENDERED.values()]
    allowed += [(src_text.index(n), src_text.index(n) + len(n)) for n in ("<td>张三", "<td>李四")]
    matcher = difflib.SequenceMatcher(None, src_text, dst_text, autojunk=False)
    changes = [(i1, i2) for op, i1, i2, _j1, _j2 in matcher.get_opcodes() if op != "equal"]
    assert changes
    for i1, i2 in changes:
        assert any(lo <= i1 and i2 <= hi for lo, hi in allowed), src_text[max(0, i1 - 10) : i2 + 10]
    # The names under 户主姓名 are masked too (header hint); scanning the copy finds nothing.
    rescan = scan_path(out, ScanConfig())
    assert rescan.status is Status.CLEAN, [(f.entity_type, f.location) for f in rescan.findings]


def test_masked_page_keeps_its_declared_encoding(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.html"
    assert mask_path(page, out, ScanConfig(), Policy.load("gov")).ok
    data = out.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # still GBK, as its meta tag says
    assert data.decode("gbk").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)), "binary or undecodable content"),
        (b"<p>" + b"\x80\xff" * 30, "binary or undecodable content"),
    ],
)
def test_bad_pages_are_blocked_never_clean(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(data)
    report = scan_path(path, ScanConfig())
    assert report.status is Status.BLOCKED
    assert report.reason == reason
    assert not mask_path(path, tmp_path / "o" / "bad.html", ScanConfig(), Policy.load("gov")).ok
    assert not (tmp_path / "o" / "bad.html").exists()


def test_empty_page_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "empty.htm"
    path.write_bytes(b"")
    assert scan_path(path, ScanConfig()).status is Status.CLEAN


# --- property: generated values anywhere in a page, through the real engine ---------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id(region: str, year: int, month: int, day: int, seq: int) -> str:
    body = f"{region}{year:04d}{month:02d}{day:02d}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


_VALUES = st.one_of(
    st.builds(lambda p, n: f"1{p}{n:09d}", st.sampled_from("3589"), st.integers(0, 999_999_999)),
    st.builds(
        _resident_id,
        st.sampled_from(["440881", "110105", "310108"]),
        st.integers(1940, 2010),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 999),
    ),
)
_TEMPLATES = [
    "<p>联系电话：{v}</p>",
    "<p>身份证号码：{v}</p>",
    '<img alt="身份证 {v}">',
    "<!-- 电话 {v} -->",
    '<a href="tel:{v}">拨打</a>',
    '<script type="application/ld+json">{{"telephone": "{v}"}}</script>',
    '<div data-id="{v}"></div>',
    "<p>号码<b>{a}</b>{b}</p>",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(_VALUES, min_size=1, max_size=4, unique=True),
    templates=st.lists(st.sampled_from(_TEMPLATES), min_size=4, max_size=4),
    codec=st.sampled_from(["utf-8", "gb18030"]),
)
def test_property_masked_page_has_no_value_left(tmp_path: Path, values, templates, codec) -> None:
    body = "".join(
        t.format(v=v, a=v[: len(v) // 2], b=v[len(v) // 2 :]) + "<p>政府信息公开。</p>"
        for v, t in zip(values, templates, strict=False)
    )
    page = f"<html><body>{body}</body></html>"
    src = tmp_path / "p.html"
    src.write_bytes(page.encode(codec))
    out = tmp_path / "o" / "p.html"
    result = mask_path(src, out, ScanConfig(), Policy.load("gov"))
    assert result.ok, result.report.reason
    assert {f.text for f in result.report.findings} >= set(values)
    seen = _all_text_any(out.read_bytes().decode(codec))
    for v in values:
        assert v not in seen


def _all_text_any(page: str) -> str:
    root = lxml_html.document_fromstring(page)
    parts: list[str] = []
    for el in root.iter():
        parts.extend([el.text or "", el.tail or ""])
        if isinstance(el.tag, str):
            parts.extend(el.attrib.values())
    return "\n".join(parts)
