"""HTML of the console pages, rendered on the server from the page data of `views` (Chinese)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from deident.service.console.assets import CSS, JS

# Reasons a reviewer picks from; "其他" opens a free text field. None of them is personal data.
REASONS = (
    "单位办公电话（依法公开）",
    "公职人员姓名（依法公开）",
    "单位地址（非个人住址）",
    "已脱敏或虚构的示例数据",
    "识别错误（不是此类信息）",
    "其他",
)

MESSAGES: Mapping[str, tuple[str, bool]] = {
    "decided": ("已记录。", False),
    "approved": ("已批准发布，文件已复制到发布目录。", False),
    "need_reason": ("判定“不是个人信息”需要选择或填写理由。", True),
    "reason_has_pii": ("理由中含有个人信息，请描述情况而不要引用原文。", True),
    "not_decided": ("还有未审核的发现，全部审核后才能批准发布。", True),
    "blocked": ("此文件无法被完整检查，不能批准发布。", True),
    "refused": ("无法批准：", True),
    "changed": ("文件在审核期间发生变化，请重新审核。", True),
    "unknown_finding": ("该发现已不在当前版本的文件中（文件可能已更改），请刷新。", True),
    "bad_request": ("请求无效。", True),
    "name_saved": ("已保存您的姓名。", False),
}


def _page(title: str, body: str, who: str | None = None) -> str:
    user = f'<span class="who">审核人：{escape(who)}</span>' if who else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)} · deident 审核台</title><style>{CSS}</style></head><body>"
        f'<header class="top"><a href="/review/"><b>deident 审核台</b></a><span>先审后发</span>{user}</header>'
        f"<main>{body}</main><script>{JS}</script></body></html>\n"
    )


def _badge(status: str, label: str) -> str:
    return f'<span class="badge b-{escape(status)}">{escape(label)}</span>'


def _msg(code: str | None, extra: str = "") -> str:
    if not code or code not in MESSAGES:
        return ""
    text, bad = MESSAGES[code]
    return f'<div class="msg{" bad" if bad else ""}" role="status">{escape(text + extra)}</div>'


def queue_page(doc: Mapping[str, Any], who: str | None, msg: str | None = None) -> str:
    t = doc["totals"]
    flt = doc["filter"]
    filters = [
        (None, "全部文件", t["files"]),
        ("unreviewed", "待审核", t.get("unreviewed", 0)),
        ("ready", "待批准", t.get("ready", 0)),
        ("approved", "已批准", t.get("approved", 0)),
        ("blocked", "已阻止", t.get("blocked", 0)),
    ]
    counts = "".join(
        f'<a class="count{" on" if flt == key else ""}" href="/review/{"?status=" + key if key else ""}">'
        f"<b>{n}</b>{escape(label)}</a>"
        for key, label, n in filters
    )
    rows = []
    for f in doc["files"]:
        c = f["counts"]
        pub = f["publish"]
        approvals = "、".join(pub["approvals"]) if pub["approvals"] else "—"
        rows.append(
            "<tr>"
            f'<td><a href="/review/file/{escape(f["id"])}">{escape(f["path"])}</a></td>'
            f"<td>{_badge(f['status'], f['status_label'])}</td>"
            f"<td>{c['findings']}</td><td>{c['unreviewed']}</td><td>{c['confirmed']}</td><td>{c['not_pii']}</td>"
            f"<td>{escape(approvals)}</td>"
            f"<td class=meta>{escape(f['problem'] or '')}</td>"
            "</tr>"
        )
    table = (
        '<table class="queue"><thead><tr><th>文件</th><th>状态</th><th>发现（处）</th><th>待审核</th>'
        "<th>确认是个人信息</th><th>不是个人信息</th><th>批准人</th><th>说明</th></tr></thead>"
        f"<tbody>{''.join(rows) or '<tr><td colspan=8>没有文件。</td></tr>'}</tbody></table>"
    )
    body = (
        "<h1>审核队列</h1>"
        + _msg(msg)
        + '<div class="warn">本页面含未脱敏的个人信息，仅供审核人员在本机使用。</div>'
        + f'<div class="counts">{counts}</div>'
        + f"<p class=meta>发现共 {t['findings']} 处，待审核 {t['unreviewed_findings']} 处。"
        + f"批准后的文件复制到发布目录：<code>{escape(doc['publish_dir'])}</code>；"
        + f"脱敏规则：{escape(doc['policy'])}。</p>"
        + table
    )
    return _page("审核队列", body, who)


def _parts_html(parts: Sequence[Mapping[str, str]]) -> str:
    out = []
    for p in parts:
        if "f" in p:
            out.append(
                f'<mark data-f="{escape(p["f"])}" class="s-{escape(p["s"])}" id="m-{escape(p["f"])}">'
                f"{escape(p['t'])}</mark>"
            )
        else:
            out.append(escape(p["t"]))
    return "".join(out)


def _document(doc: Mapping[str, Any]) -> str:
    out = ['<div class="doc"><div class="cols"><div class="colhead">原文（读者看到的样子）</div>'
           '<div class="colhead">脱敏预览（由脱敏副本生成）</div>']  # fmt: skip
    for p in doc["pages"]:
        boxes = "".join(
            f'<div class="box s-{escape(b["state"])}" data-f="{escape(b["finding"])}" title="第{p["number"]}页" '
            f'style="left:{b["left"]}%;top:{b["top"]}%;width:{b["width"]}%;height:{b["height"]}%"></div>'
            for b in p["boxes"]
        )
        ratio = f"aspect-ratio:1/{p['ratio']}"
        out.append(
            f'<div class="page" style="{ratio}"><img loading="lazy" alt="第{p["number"]}页" '
            f'src="{escape(p["original"])}">{boxes}</div>'
        )
        if p["masked"]:
            out.append(
                f'<div class="page masked" style="{ratio}"><img loading="lazy" alt="第{p["number"]}页（脱敏）" '
                f'src="{escape(p["masked"])}"></div>'
            )
        else:
            out.append('<div class="page meta">（没有脱敏副本）</div>')
    for pl in doc["places"]:
        masked = pl["masked"]
        masked_html = (
            escape(masked) if masked is not None else '<span class="meta">（脱敏副本中无此处）</span>'
        )
        out.append(
            f'<div class="place"><div class="where">{escape(pl["where"])}</div>'
            f'<div class="txt">{_parts_html(pl["parts"])}</div>'
            f'<div class="masked"><div class="txt">{masked_html}</div></div></div>'
        )
    if doc["places_hidden"]:
        out.append(
            f'<div class="meta" style="grid-column:1/3">另有 {doc["places_hidden"]} 处内容没有发现，未列出。</div>'
        )
    out.append("</div></div>")
    return "".join(out)


def _card(fid: str, f: Mapping[str, Any], csrf: str) -> str:
    who = ""
    if f["reviewer"]:
        who = f'<div class="meta">{escape(f["reviewer"])}' + (
            f"：{escape(f['reason'])}</div>" if f["reason"] else "</div>"
        )
    options = "".join(f"<option>{escape(r)}</option>" for r in REASONS)
    action = f"/review/file/{escape(fid)}/decide"
    hidden = f'<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="finding" value="{escape(f["id"])}">'
    return (
        f'<div class="card" id="f-{escape(f["id"])}" data-f="{escape(f["id"])}" data-state="{escape(f["state"])}">'
        f"<div>{escape(f['entity_label'])} {_badge(f['state'], f['state_label'])} "
        f'<span class="meta">置信度 {f["score"]:.2f}</span></div>'
        f'<div class="val">{escape(f["text"])}</div>'
        f'<div class="meta">上下文：{escape(f["before"])}【{escape(f["text"])}】{escape(f["after"])}</div>'
        f'<div class="meta">脱敏后：{escape(f["masked"])}　位置：{escape(f["where"])}</div>'
        f'<div class="meta">依据：{escape(f["why"])}</div>{who}'
        f'<form method="post" action="{action}">{hidden}<input type="hidden" name="verdict" value="confirmed">'
        '<button class="yes" type="submit">确认是个人信息 <kbd>Y</kbd></button></form>'
        f'<form method="post" action="{action}">{hidden}<input type="hidden" name="verdict" value="not_pii">'
        f'<select name="reason" aria-label="理由"><option value="">选择理由…</option>{options}</select>'
        '<input type="text" name="other" placeholder="其他理由（不要引用原文）" style="display:none">'
        '<button class="no" type="submit">不是个人信息 <kbd>N</kbd></button></form>'
        "</div>"
    )


def _approve_box(doc: Mapping[str, Any], csrf: str) -> str:
    f = doc["file"]
    pub = f["publish"]
    c = f["counts"]
    if pub["approved"]:
        state = f"<p>已批准发布（{escape('、'.join(pub['approvals']))}）。</p>"
    elif f["scan_status"] == "blocked":
        state = "<p>此文件无法被完整检查，不能批准。</p>"
    elif c["unreviewed"]:
        state = f"<p>还有 {c['unreviewed']} 处待审核；全部审核后才能批准。</p>"
    elif pub["kind"] == "masked":
        state = "<p>将发布<b>脱敏副本</b>（有发现被确认为个人信息）。</p>"
    elif pub["kind"] == "original":
        state = "<p>将发布<b>原文件</b>（没有需要遮盖的个人信息）。</p>"
    else:
        state = "<p>没有可发布的脱敏副本（脱敏失败），不能批准。</p>"
    if pub["approvals"] and not pub["approved"]:
        state += f"<p>已有批准 {len(pub['approvals'])}/{pub['required']}。</p>"
    disabled = "" if pub["sha256"] and not pub["approved"] else " disabled"
    sha = f'<div class="meta">sha256 {escape(pub["sha256"] or "—")}</div>'
    return (
        f'<div class="approve">{state}{sha}'
        f'<form method="post" action="/review/file/{escape(f["id"])}/approve">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="sha256" value="{escape(pub["sha256"] or "")}">'
        f'<button class="primary" type="submit" id="approve"{disabled}>批准发布</button></form></div>'
    )


def file_page(
    doc: Mapping[str, Any], who: str | None, csrf: str, msg: str | None = None, extra: str = ""
) -> str:
    f = doc["file"]
    c = f["counts"]
    head = (
        f'<p><a href="/review/">← 返回队列</a></p><h1>{escape(f["path"])} {_badge(f["status"], f["status_label"])}</h1>'
        f'<p class="meta">共 {c["findings"]} 处：待审核 {c["unreviewed"]}，确认是个人信息 {c["confirmed"]}，'
        f"不是个人信息 {c['not_pii']}。sha256 {escape(f['sha256'] or '—')}</p>"
    )
    for note in f["notes"]:
        head += f'<div class="meta">说明：{escape(note)}</div>'
    if f["problem"]:
        head += (
            f'<div class="blocked-box">问题：<b>{escape(f["problem"])}</b>'
            f"{'（' + escape(f['reason'] or '') + '）' if f['reason'] else ''}<br>"
            f"怎么办：{escape(f['what_to_do'] or '')}</div>"
        )
    cards = "".join(_card(f["id"], x, csrf) for x in doc["findings"])
    if not doc["findings"] and f["scan_status"] != "blocked":
        cards = "<p>未发现个人信息。</p>"
    low = ""
    if doc["low_confidence"]:
        items = "".join(
            f'<div class="card low"><div>{escape(x["entity_label"])} <span class="meta">置信度 {x["score"]:.2f}</span></div>'
            f'<div class="val">{escape(x["text"])}</div>'
            f'<div class="meta">上下文：{escape(x["before"])}【{escape(x["text"])}】{escape(x["after"])}</div>'
            f'<div class="meta">位置：{escape(x["where"])}；依据：{escape(x["why"])}</div></div>'
            for x in doc["low_confidence"]
        )
        low = (
            f'<h2 id="low">低置信度候选（{len(doc["low_confidence"])}）</h2>'
            f'<p class="meta">置信度低于报告阈值 {doc["min_score"]:.2f}，未计入发现，请看一眼：'
            "如确有个人信息，请在原文件中处理后重新上传。</p>" + items
        )
    if doc["masked_residual"]:
        items = "".join(
            f'<div class="card low"><div>{escape(x["entity_label"])} <span class="meta">置信度 {x["score"]:.2f}</span></div>'
            f'<div class="val">{escape(x["text"])}</div>'
            f'<div class="meta">上下文：{escape(x["before"])}【{escape(x["text"])}】{escape(x["after"])}</div>'
            f'<div class="meta">位置：{escape(x["where"])}；依据：{escape(x["why"])}</div></div>'
            for x in doc["masked_residual"]
        )
        low += (
            f'<h2 id="residual">脱敏副本中的疑似残留（{len(doc["masked_residual"])}）</h2>'
            '<p class="meta">脱敏副本再次检查时（较低阈值）仍像个人信息的内容：请对照右侧预览确认已遮盖干净。</p>'
            + items
        )
    keys = '<p class="keys">键盘：<kbd>J</kbd>/<kbd>K</kbd> 上下移动，<kbd>Y</kbd> 确认是个人信息，<kbd>N</kbd> 不是个人信息（选择理由后回车）。</p>'
    panel = f'<aside class="panel">{_approve_box(doc, csrf)}{keys}<h2>发现（{len(doc["findings"])}）</h2>{cards}{low}</aside>'
    show_doc = doc["pages"] or doc["places"]
    body = (
        head
        + _msg(msg, extra)
        + f'<div class="layout"><section>{_document(doc) if show_doc else ""}</section>{panel}</div>'
    )
    return _page(f["path"], body, who)


def login_page(msg: str | None = None) -> str:
    bad = '<div class="msg bad">令牌无效。</div>' if msg == "bad_token" else ""
    body = (
        "<h1>登录审核台</h1>" + bad + '<form class="login" method="post" action="/review/login">'
        "<label>审核令牌（由管理员分配）<input type=password name=token autocomplete=off autofocus></label>"
        "<button class=primary type=submit>登录</button></form>"
    )
    return _page("登录", body)


def name_page(csrf: str, account: str) -> str:
    body = (
        "<h1>欢迎使用审核台</h1><p>第一次使用，请填写您的姓名：它会记录在每一条审核决定和批准中。</p>"
        f'<form class="login" method="post" action="/review/account"><input type=hidden name=csrf value="{escape(csrf)}">'
        "<label>审核人姓名<input type=text name=name autocomplete=name autofocus required maxlength=40></label>"
        f'<button class=primary type=submit>保存</button><p class="meta">保存在 {escape(account)}</p></form>'
    )
    return _page("审核人", body)
