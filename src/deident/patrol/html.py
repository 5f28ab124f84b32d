"""A self-contained HTML page of a patrol (no scripts, no external assets): the sections
(栏目) with their counts, what was published without review, and each finding with the WARC
record that holds it. It quotes findings as the JSON does (masked with --redact), so it says
at the top that it must not be published."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from deident.review.report_html import ENTITY_LABELS

_CSS = """
body{margin:0;padding:24px;font:15px/1.6 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa}
h1{font-size:24px}h2{font-size:18px;margin-top:28px}
.warn{background:#fff4e5;border:1px solid #f0b45a;padding:10px 14px;border-radius:6px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top;word-break:break-all}
th{background:#f6f8fa}.bad{color:#cf222e;font-weight:700}.meta{color:#57606a;font-size:13px}
"""

_SECTION_COLS = (
    ("section", "栏目"),
    ("resources", "资源"),
    ("pages", "网页"),
    ("attachments", "附件"),
    ("with_findings", "含个人信息"),
    ("findings", "发现数"),
    ("blocked", "无法检查"),
    ("unreviewed", "未经审核发布"),
    ("new_or_changed", "新增或变更"),
)


def _cell(value: Any, bad: bool = False) -> str:
    cls = ' class="bad"' if bad else ""
    return f"<td{cls}>{escape(str(value))}</td>"


def render(doc: dict[str, Any]) -> str:
    p = doc["patrol"]
    st = p["stats"]
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>deident 读网报告</title><style>{_CSS}</style></head><body>",
        "<h1>deident 读网报告 (patrol)</h1>",
        "<p class='warn'>本报告可能含有个人信息，仅供内部审核，请勿公开或提交到代码库。</p>",
        f"<p class='meta'>起始网址 {escape(' '.join(p['seeds']))} · robots.txt {escape(p['robots'])} · "
        f"{st['resources']} 个资源 · {st['requests']} 次请求（{st['conditional_requests']} 次条件请求，"
        f"{st['not_modified']} 次未修改）· 证据 {escape(p['warc'])}</p>",
        "<h2>按栏目统计</h2><table><tr>",
        *(f"<th>{escape(zh)}</th>" for _, zh in _SECTION_COLS),
        "</tr>",
    ]
    for s in p["sections"]:
        cells = [
            _cell(s[k], bad=k in ("with_findings", "blocked", "unreviewed") and bool(s[k]))
            for k, _ in _SECTION_COLS
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</table>")
    if p["unreviewed"]:
        parts.append(
            "<h2>未经审核发布 (published without review)</h2><table><tr><th>网址</th><th>栏目</th><th>原因</th><th>sha256</th></tr>"
        )
        for u in p["unreviewed"]:
            parts.append(
                "<tr>"
                + _cell(u["url"])
                + _cell(u["section"])
                + _cell(u["reason"], True)
                + _cell(u["sha256"][:16])
                + "</tr>"
            )
        parts.append("</table>")
    blocked = [f for f in doc["files"] if f["status"] == "blocked"]
    if blocked:
        parts.append("<h2>无法检查 (blocked)</h2><table><tr><th>网址</th><th>原因</th><th>说明</th></tr>")
        for f in blocked:
            parts.append(
                "<tr>" + _cell(f["path"]) + _cell(f["reason"], True) + _cell(f["detail"] or "") + "</tr>"
            )
        parts.append("</table>")
    if doc["findings"]:
        parts.append(
            "<h2>发现的个人信息</h2><table><tr><th>网址</th><th>类型</th><th>内容</th><th>位置</th><th>证据 (WARC)</th></tr>"
        )
        for f in doc["findings"]:
            loc = {k: v for k, v in f["location"].items() if k not in ("warc", "record_id")}
            where = " ".join(f"{k}={v}" for k, v in loc.items())
            evidence = f"{Path(str(f['location'].get('warc', ''))).name} {f['location'].get('record_id', '')}"
            label = ENTITY_LABELS.get(f["entity_type"], f["entity_type"])
            parts.append(
                "<tr>"
                + _cell(f["path"])
                + _cell(label)
                + _cell(f["text"], True)
                + _cell(where)
                + _cell(evidence)
                + "</tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(doc: dict[str, Any], path: Path) -> None:
    import os

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Quotes findings (unless --redact): readable by its owner only, like the WARC.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(render(doc))
