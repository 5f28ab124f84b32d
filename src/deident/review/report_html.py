"""The review report: one self-contained HTML page for a reviewer who is not a programmer.

No external assets (styles inline, no scripts, no fonts or images fetched): the page opens
offline from a USB stick. It contains the personal data under review, so it says so at the
top and must not be published or committed.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from deident.model import Status
from deident.review.collect import FindingView, ReviewItem, member_rows
from deident.review.sarif import describe_location

ENTITY_LABELS: Mapping[str, str] = {
    "CN_RESIDENT_ID": "身份证号",
    "CN_MOBILE": "手机号码",
    "CN_LANDLINE": "固定电话",
    "CN_BANK_CARD": "银行卡号",
    "CN_PASSPORT": "护照号码",
    "CN_TRAVEL_PERMIT": "通行证号码",
    "CN_LICENSE_PLATE": "车牌号",
    "EMAIL_ADDRESS": "电子邮箱",
    "PERSON": "姓名",
    "CN_ADDRESS": "住址",
}
_STATUS = {
    Status.CLEAN: ("未发现个人信息", "clean"),
    Status.FINDINGS: ("发现个人信息", "findings"),
    Status.BLOCKED: ("无法检查（已阻止）", "blocked"),
}
_STATE = {
    "unreviewed": ("待审核", "unreviewed"),
    "not_pii": ("已判定：非个人信息", "not_pii"),
    "confirmed": ("已确认：个人信息", "confirmed"),
}

_CSS = """
*{box-sizing:border-box}
body{margin:0;padding:24px;font:15px/1.6 "Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei",
"Microsoft YaHei","PingFang SC",sans-serif;color:#1f2328;background:#f6f8fa}
h1{font-size:24px;margin:0 0 8px}
h2{font-size:18px;margin:0;word-break:break-all}
.warn{background:#fff4e5;border:1px solid #f0b45a;padding:10px 14px;border-radius:6px;margin:12px 0}
.counts{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.count{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:120px}
.count b{display:block;font-size:26px}
.file{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:18px 0;padding:16px}
.file header{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.badge{border-radius:12px;padding:2px 10px;font-size:13px;color:#fff;white-space:nowrap}
.clean{background:#1a7f37}.findings{background:#cf222e}.blocked{background:#6e4c00}
.approved{background:#0969da}.unreviewed{background:#9a6700}.not_pii{background:#57606a}.confirmed{background:#cf222e}
.meta{color:#57606a;font-size:13px;word-break:break-all}
.reason{background:#fff8c5;border-left:4px solid #9a6700;padding:8px 12px;margin-top:10px}
table{border-collapse:collapse;width:100%;margin-top:12px;table-layout:fixed}
th,td{border:1px solid #d0d7de;padding:6px 8px;vertical-align:top;text-align:left;word-break:break-all}
th{background:#f6f8fa;font-weight:600}
tr.member th{background:#eef3fb}
mark{background:#ffd8d3;color:#82071e;font-weight:700;padding:0 2px;border-radius:3px}
.masked mark{background:#dafbe1;color:#116329}
.ctx{font-family:"Noto Sans Mono CJK SC","WenQuanYi Zen Hei Mono",monospace;white-space:pre-wrap}
code{font-size:12px}
.help{color:#57606a;font-size:13px;margin-top:24px}
"""


def _fmt_score(score: float) -> str:
    return f"{score:.2f}"


def _why(v: FindingView) -> str:
    f = v.reviewed.finding
    e = f.explanation
    bits = [f"识别器 {e.recognizer}"]
    if e.checksum not in ("n/a", ""):
        bits.append(
            {"valid": "校验位正确", "invalid": "校验位错误", "unknown": "无法校验"}.get(
                e.checksum, e.checksum
            )
        )
    if e.context_word:
        bits.append(f"上下文词“{e.context_word}”")
    if e.anti_context_word:
        bits.append(f"反向词“{e.anti_context_word}”")
    bits.extend(e.notes)
    return "；".join(escape(b) for b in bits)


def _finding_row(v: FindingView, path: str) -> str:
    rf = v.reviewed
    f = rf.finding
    # Hovering the id shows the command that clears a false positive, ready to copy.
    hint = f'deident decide {shlex.quote(path)} --finding {rf.id} --not-pii --reason "…" --reviewer 姓名'
    label, css = _STATE.get(rf.state, (rf.state, "unreviewed"))
    decided = ""
    if rf.reviewer:
        decided = f"<br><span class=meta>{escape(rf.reviewer)}"
        decided += f"：{escape(rf.reason)}" if rf.reason else ""
        decided += "</span>"
    entity = ENTITY_LABELS.get(f.entity_type, f.entity_type)
    return (
        f'<tr class="finding" data-finding="{escape(rf.id)}">'
        f'<td><code title="{escape(hint)}">{escape(rf.id)}</code></td>'
        f"<td>{escape(entity)}<br><span class=meta>{escape(f.entity_type)}</span></td>"
        f"<td>{_fmt_score(f.score)}</td>"
        f"<td>{_why(v)}</td>"
        f"<td class=meta>{escape(describe_location(f.location))}</td>"
        f'<td class="ctx original">{escape(v.before)}<mark>{escape(f.text)}</mark>{escape(v.after)}</td>'
        f'<td class="ctx masked">{escape(v.masked_before)}<mark>{escape(v.masked_value)}</mark>'
        f"{escape(v.masked_after)}</td>"
        f'<td><span class="badge {css}">{escape(label)}</span>{decided}</td>'
        "</tr>"
    )


def _file_section(item: ReviewItem, required: int) -> str:
    rep = item.report
    label, css = _STATUS[rep.status]
    parts = [f'<section class="file" data-status="{css}"><header>']
    parts.append(f'<h2>{escape(rep.path)}</h2><span class="badge {css}">{escape(label)}</span>')
    if item.approvals:
        done = "已批准" if len(item.approvals) >= required else f"批准 {len(item.approvals)}/{required}"
        parts.append(f'<span class="badge approved">{done}：{escape("、".join(item.approvals))}</span>')
    parts.append("</header>")
    parts.append(f"<div class=meta>sha256 {escape(rep.sha256 or '—')}</div>")
    for note in rep.notes:
        parts.append(f"<div class=meta>说明：{escape(note)}</div>")
    if rep.status is Status.BLOCKED:
        parts.append(
            f'<div class="reason">阻止原因：<b>{escape(rep.reason or "无法读取")}</b>'
            f"{'（' + escape(rep.detail) + '）' if rep.detail else ''}。"
            "此文件无法被完整检查，不能视为无个人信息，请人工处理（例如去除加密、另存为可读格式或转为文字版）。</div>"
        )
    elif rep.findings:
        unresolved = sum(1 for v in item.views if not v.reviewed.resolved)
        parts.append(f"<p>共 {len(rep.findings)} 处，待处理 {unresolved} 处。</p>")
        parts.append(
            "<table><colgroup><col style=width:9%><col style=width:9%><col style=width:6%>"
            "<col style=width:14%><col style=width:10%><col style=width:19%><col style=width:19%>"
            "<col style=width:14%></colgroup>"
            "<thead><tr><th>编号</th><th>类型</th><th>置信度</th><th>判断依据</th><th>位置</th>"
            "<th>原文（上下文）</th><th>脱敏预览</th><th>审核状态</th></tr></thead><tbody>"
        )
        for member, views in member_rows(item):
            if member is not None:  # an archive: each member is its own row, its findings under it
                parts.append(
                    f'<tr class="member"><th colspan=8>{escape(member)}'
                    f"<span class=meta>（{len(views)} 处）</span></th></tr>"
                )
            parts.extend(_finding_row(v, rep.path) for v in views)
        parts.append("</tbody></table>")
    else:
        parts.append("<p>未发现个人信息。</p>")
    parts.append("</section>")
    return "".join(parts)


def summary(items: Sequence[ReviewItem], required: int = 1) -> dict[str, int]:
    views = [v for it in items for v in it.views]
    return {
        "files": len(items),
        "clean": sum(1 for it in items if it.report.status is Status.CLEAN),
        "findings": sum(1 for it in items if it.report.status is Status.FINDINGS),
        "blocked": sum(1 for it in items if it.report.status is Status.BLOCKED),
        "approved": sum(1 for it in items if len(it.approvals) >= required),
        "finding_count": sum(len(it.report.findings) for it in items),
        "unreviewed": sum(1 for v in views if v.reviewed.state == "unreviewed"),
        "not_pii": sum(1 for v in views if v.reviewed.state == "not_pii"),
        "confirmed": sum(1 for v in views if v.reviewed.state == "confirmed"),
    }


def render(
    items: Sequence[ReviewItem], *, title: str = "个人信息审核报告", policy: str = "gov", required: int = 1
) -> str:
    s: Mapping[str, Any] = summary(items, required)
    counts = [
        ("文件", s["files"]),
        ("未发现个人信息", s["clean"]),
        ("发现个人信息", s["findings"]),
        ("已阻止", s["blocked"]),
        ("已批准", s["approved"]),
        ("个人信息（处）", s["finding_count"]),
        ("待审核（处）", s["unreviewed"]),
        ("已判定非个人信息（处）", s["not_pii"]),
    ]
    count_html = "".join(f'<div class="count"><b>{n}</b>{escape(label)}</div>' for label, n in counts)
    # Blocked and findings first: they are what the reviewer has to act on.
    order = {Status.BLOCKED: 0, Status.FINDINGS: 1, Status.CLEAN: 2}
    ordered = sorted(items, key=lambda it: (order[it.report.status], it.report.path))
    body = "".join(_file_section(it, required) for it in ordered)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta name=referrer content=no-referrer>"
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        '<div class="warn">本报告含未脱敏的个人信息，仅供审核人员使用，请勿公开发布、转发或提交到代码库。'
        "This report contains unmasked personal data: do not publish or commit it.</div>"
        f"<div class=meta>脱敏规则 policy：{escape(policy)}</div>"
        f'<div class="counts">{count_html}</div>'
        f"{body}"
        '<div class="help">下一步：对误报执行 <code>deident decide 文件 --finding 编号 --not-pii --reason "原因" '
        "--reviewer 姓名</code>；有个人信息的文件先用 <code>deident mask</code> 生成脱敏副本；"
        "确认无误后执行 <code>deident approve 文件 --reviewer 姓名</code>，发布前由 "
        "<code>deident gate</code> 检查。</div>"
        "</body></html>\n"
    )
