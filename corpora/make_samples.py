"""The small realistic files under corpora/samples/ that the README's first command scans.

Each holds synthetic private data in the places real uploads hide it: a CSV roster exported
from Excel (UTF-8 with BOM), a 行政处罚决定书 as plain text, a 征收补偿公告 web page
(table cells, a tel: link, a mailto: link, a data- attribute, an HTML comment) and a
12345 工单 in Markdown.
"""

from __future__ import annotations

import csv
import html
import io
import random
from pathlib import Path

from tests.factories import pii

from corpora.builder import Doc, Filler, Writer
from corpora.doctypes import penalty


def roster_csv(rng: random.Random) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(["序号", "姓名", "身份证号码", "联系电话", "家庭住址", "补助金额（元）"])
    for i in range(1, 9):
        out.writerow(
            [
                i,
                pii.person_name(rng),
                pii.resident_id(rng),
                pii.mobile(rng),
                pii.address(rng)[0],
                f"{rng.randint(3, 30) * 100}.00",
            ]
        )
    # Excel's "CSV UTF-8" export writes a BOM; Chinese staff open these in Excel.
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def penalty_txt(rng: random.Random) -> bytes:
    doc = Doc("行政处罚决定书")
    penalty(Writer(rng, Filler()), doc)
    return doc.text.encode("utf-8")


def compensation_html(rng: random.Random) -> bytes:
    county = "廉江市"
    rows = []
    for i in range(1, 6):
        name, card = pii.person_name(rng), pii.bank_card(rng)
        addr = pii.address(rng)[0]
        rows.append(
            f"      <tr><td>{i}</td><td>{html.escape(name)}</td><td>{pii.resident_id(rng)}</td>"
            f"<td>{html.escape(addr)}</td><td>{rng.randint(80, 600) * 1000:,}.00</td>"
            f'<td><span class="acct">{card[:4]}</span><span class="acct">{card[4:]}</span></td></tr>'
        )
    contact, mobile, mail = pii.person_name(rng), pii.mobile(rng), pii.email(rng)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="SiteName" content="{county}人民政府网">
  <meta name="ContentSource" content="{county}房屋征收事务中心">
  <title>关于城南片区国有土地上房屋征收补偿情况的公告</title>
</head>
<body>
  <div class="article">
    <h1>关于城南片区国有土地上房屋征收补偿情况的公告</h1>
    <p class="meta">索引号：11440881007252525K/2023-00123　发文字号：廉府征补〔2023〕7号　发布日期：2023-06-18</p>
    <p>根据《国有土地上房屋征收与补偿条例》，现将城南片区被征收房屋补偿情况公告如下：</p>
    <table border="1">
      <tr><th>序号</th><th>被征收人</th><th>身份证号码</th><th>房屋坐落</th><th>补偿金额（元）</th><th>银行账号</th></tr>
{chr(10).join(rows)}
    </table>
    <!-- 经办：{contact} {mobile} -->
    <p>被征收人对补偿有异议的，请联系征收实施单位（咨询电话：0759-6612345），或联系片区负责人{html.escape(contact)}
       <a href="tel:{mobile}" data-owner-phone="{mobile}">{mobile[:3]} {mobile[3:7]} {mobile[7:]}</a>，
       邮箱<a href="mailto:{mail}">{mail}</a>。</p>
    <p class="footer">{county}人民政府　2023年6月18日　政府网站标识码：4408810001　粤ICP备05070829号-1</p>
  </div>
</body>
</html>
""".encode()


def hotline_md(rng: random.Random) -> bytes:
    caller, helper = pii.person_name(rng), pii.person_name(rng, kind="compound")
    mobile, home = pii.mobile(rng), pii.landline(rng)
    addr = pii.address(rng, kind="estate")[0]
    full = pii.to_fullwidth(pii.resident_id(rng))
    return f"""# 12345 政务服务便民热线工单

| 项目 | 内容 |
| --- | --- |
| 工单编号 | GD2023061800123 |
| 来电时间 | 2023-06-18 09:31:22 |
| 来电人 | {caller} |
| 来电号码 | +86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]} |
| 住宅电话 | {home} |
| 身份证号 | {full} |
| 联系地址 | {addr} |

## 诉求内容

市民{caller}来电反映，其居住的小区地下车库长期积水，希望相关部门尽快处理。
请承办单位联系{helper}女士，手机{mobile}，办理结果请回复来电人。

## 办理情况

承办单位：城南街道办事处。办理时限：5 个工作日。监督电话：12345。
""".encode()


SAMPLES = {
    "公示名单.csv": roster_csv,
    "行政处罚决定书.txt": penalty_txt,
    "征收补偿公告.html": compensation_html,
    "12345工单.md": hotline_md,
}


def write_samples(out: Path, seed: int, *, office: bool = True) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in SAMPLES.items():
        # One generator per file: a sample does not change when another one's template does
        # (the .txt sample's filler depends on whether the seed documents are present).
        rng = random.Random(f"samples:{seed}:{name}")
        p = out / name
        p.write_bytes(make(rng))
        paths.append(p)
    if office:  # needs openpyxl and python-docx (the `office` extra); PDF needs LibreOffice
        from corpora.make_office_samples import write_office_samples

        paths += write_office_samples(out, seed)
    return paths
