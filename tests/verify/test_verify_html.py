"""The attacker's web pages: values in CSS, srcdoc, data: URIs, URLs, scripts and behind
invisible characters. Reported, and gone from the masked copy's raw source."""

from __future__ import annotations

import base64
import random
from pathlib import Path

from deident.model import Status
from tests.factories import pii
from tests.verify.attack import assert_caught, scan

RNG = random.Random(1720)


def _page(tmp_path: Path, name: str, body: str, head: str = "") -> Path:
    p = tmp_path / name
    p.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>公告</title>{head}</head>'
        f"<body><p>关于开展工作的通知</p>{body}</body></html>",
        encoding="utf-8",
    )
    return p


def test_the_base_page_is_clean(tmp_path: Path) -> None:
    assert scan(_page(tmp_path, "base.html", "")).status is Status.CLEAN


def test_css_content_and_style_attribute(tmp_path: Path) -> None:
    v1, v2 = pii.mobile(RNG), pii.resident_id(RNG)
    escaped = "".join(f"\\{ord(c):x} " for c in v2)
    head = f'<style>.tel::after {{ content: "{v1}"; }}</style>'
    body = f'<span class="tel"></span><div style="--x: \'{escaped}\'"></div>'
    assert_caught(_page(tmp_path, "css.html", body, head), [v1, v2])


def test_iframe_srcdoc(tmp_path: Path) -> None:
    value = pii.resident_id(RNG)
    body = f'<iframe srcdoc="&lt;p&gt;身份证号：{value}&lt;/p&gt;"></iframe>'
    assert_caught(_page(tmp_path, "srcdoc.html", body), [value])


def test_data_uri_html_and_object_data(tmp_path: Path) -> None:
    v1, v2 = pii.mobile(RNG), pii.resident_id(RNG)
    inner = base64.b64encode(f"<p>电话 {v1}</p>".encode()).decode()
    plain = base64.b64encode(f"证件号 {v2}".encode()).decode()
    body = f'<iframe src="data:text/html;base64,{inner}"></iframe><object data="data:text/plain;base64,{plain}"></object>'
    assert_caught(_page(tmp_path, "datauri.html", body), [v1, v2], must_mask=False)


def test_url_path_fragment_and_javascript_url(tmp_path: Path) -> None:
    v1, v2, v3 = pii.resident_id(RNG), pii.mobile(RNG), pii.mobile(RNG)
    body = (
        f'<a href="/uploads/%E5%BC%A0%E4%B8%89_{v1}.pdf">附件</a>'
        f'<a href="/list#tel-{v2}">列表</a>'
        f"<a href=\"javascript:call('{v3}')\">拨打</a>"
    )
    assert_caught(_page(tmp_path, "urls.html", body), [v1, v2, v3])


def test_soft_hyphens_and_zero_width_runs(tmp_path: Path) -> None:
    v1, v2 = pii.mobile(RNG), pii.resident_id(RNG)
    shy = "&shy;".join(v1)
    zw = "\u200b\u200c\u200d".join([v2[:6], v2[6:14], v2[14:]])
    assert_caught(_page(tmp_path, "invisible.html", f"<p>手机 {shy}</p><p>证件 {zw}</p>"), [v1, v2])


def test_script_and_comment(tmp_path: Path) -> None:
    v1, v2 = pii.mobile(RNG), pii.resident_id(RNG)
    body = f"<script>var contact = '{v1}';</script><!-- 原始数据 {v2} -->"
    assert_caught(_page(tmp_path, "script.html", body), [v1, v2])


def test_entity_encoded_digits(tmp_path: Path) -> None:
    value = pii.mobile(RNG)
    encoded = "".join(f"&#x{ord(c):x};" for c in value)
    assert_caught(_page(tmp_path, "entities.html", f'<p title="{encoded}">联系</p>'), [value])


def test_text_file_zero_width(tmp_path: Path) -> None:
    value = pii.resident_id(RNG)
    p = tmp_path / "note.txt"
    p.write_text("证件：" + "\u200b".join(value) + "\n", encoding="utf-8")
    assert_caught(p, [value])
