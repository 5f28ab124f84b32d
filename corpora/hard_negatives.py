"""Hard negatives: text full of numbers that look like personal data and are not.

A detector must report nothing on these files (already-masked values at most as
"already masked", never as a leak). Each file holds one family of classic false
positives, in the phrasing government pages use.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from tests.factories import pii

_DEPTS = ("府办", "府", "府函", "政办", "民", "财", "人社", "市监", "发改", "教")


def _doc_no(rng: random.Random) -> str:
    county = rng.choice(pii.GAZETTEER)[2]
    return f"{county[0]}{rng.choice(_DEPTS)}〔{rng.randint(2015, 2024)}〕{rng.randint(1, 300)}号"


def doc_numbers(rng: random.Random) -> str:
    lines = ["关于印发有关文件的通知（文号与索引号）", ""]
    for _ in range(25):
        credit = pii.social_credit_code(rng)
        lines.append(
            f"索引号：{credit}/{rng.randint(2015, 2024)}-{rng.randint(1, 99999):05d}　"
            f"发文字号：{_doc_no(rng)}　成文日期：{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
        lines.append(
            f"索引号 {rng.randint(0, 999999999):09d}/{rng.randint(2015, 2024)}-{rng.randint(1, 99999):05d} 主题分类 综合政务"
        )
    lines.append("根据《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）和"
                 "《广东省人民政府办公厅关于全面推进基层政务公开标准化规范化工作实施意见》（粤府办〔2020〕10号）。")  # fmt: skip
    return "\n".join(lines) + "\n"


def dates_amounts(rng: random.Random) -> str:
    lines = ["2023年度部门预算执行情况（日期、金额、邮编）", ""]
    for _ in range(25):
        y, m, d = rng.randint(1990, 2024), rng.randint(1, 12), rng.randint(1, 28)
        lines.append(
            f"{y}年{m}月{d}日　{y}-{m:02d}-{d:02d}　{y}{m:02d}{d:02d}　{y}.{m:02d}.{d:02d} "
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        )
        amount = rng.randint(10**6, 10**10)
        lines.append(
            f"预算总额{amount:,}.{rng.randint(0, 99):02d}元，其中财政拨款{amount // 3:,}元，"
            f"较上年增长{rng.randint(1, 30)}.{rng.randint(0, 9)}%，邮政编码：{rng.choice(('524400', '510030', '100010', '430014', '529000'))}。"
        )
    lines.append("主动公开政府信息 12345 条，其中主动公开规范性文件 1234 件，受理政府信息公开申请 5678 件。")
    return "\n".join(lines) + "\n"


def hotlines(rng: random.Random) -> str:
    lines = ["政务服务热线与办公电话（机关电话依法公开）", ""]
    for _ in range(20):
        area, n = rng.choice(pii.AREA_CODES)
        office = f"{area}-{rng.randint(2, 8)}{rng.randint(10 ** (n - 2), 10 ** (n - 1) - 1)}"
        label = rng.choice(
            ("办公电话", "咨询电话", "监督电话", "举报电话", "传真", "值班电话", "联系电话（办公室）")
        )
        lines.append(f"{rng.choice(pii.GAZETTEER)[2]}人民政府办公室　{label}：{office}")
    lines += [
        "政务服务便民热线：12345；消费者投诉举报专线：12315；人力资源社会保障服务热线：12333；",
        "纳税服务热线：12366；报警电话：110；火警：119；急救：120；交通事故报警：122；供电服务热线：95598。",
        "全国统一政务服务热线12345，24小时服务。客服电话：400-800-8888，免费电话800-830-1234。",
    ]
    return "\n".join(lines) + "\n"


def site_codes(rng: random.Random) -> str:
    lines = ["网站标识码、ICP 备案号与公安备案号", ""]
    for _ in range(20):
        region = rng.choice(sorted(pii.REGIONS))
        prov = rng.choice("粤鄂京沪浙苏川豫湘")
        lines.append(
            f"政府网站标识码：{region}{rng.randint(0, 9999):04d}　{prov}ICP备{rng.randint(10**7, 10**8 - 1)}号-{rng.randint(1, 9)}　"
            f"{prov}公网安备 {region}{rng.randint(10**7, 10**8 - 1)}号"
        )
    lines.append("主办单位：廉江市人民政府办公室　政府网站标识码：4408810001　粤ICP备05070829号-1")
    return "\n".join(lines) + "\n"


def credit_codes(rng: random.Random) -> str:
    lines = ["企业登记信息公示（统一社会信用代码）", "", "序号\t企业名称\t统一社会信用代码\t登记机关"]
    names = ("兴旺商贸有限公司", "惠民农业专业合作社", "鑫源建材经营部", "顺发物流有限公司", "绿源食品厂")
    for i in range(1, 31):
        code = pii.social_credit_code(rng, all_digit=i % 3 == 0, id_check_collision=i % 5 == 0)
        county = rng.choice(pii.GAZETTEER)[2]
        lines.append(f"{i}\t{county}{rng.choice(names)}\t{code}\t{county}市场监督管理局")
    for _ in range(10):
        code = pii.social_credit_code(rng, id_check_collision=True)
        lines.append(f"经营者名称：{rng.choice(names)}，统一社会信用代码{code}，已完成年报公示。")
    # Codes that are valid IDs as well: only the context word says what they are.
    units = ("人民政府办公室", "社会保险基金管理中心", "不动产登记中心", "公共资源交易中心")
    for _ in range(6):
        code = pii.credit_code_valid_as_id(rng)
        lines.append(f"{rng.choice(pii.GAZETTEER)[2]}{rng.choice(units)}　统一社会信用代码：{code}")
    return "\n".join(lines) + "\n"


def order_numbers(rng: random.Random) -> str:
    lines = ["订单号、准考证号、流水号与单据编号", ""]
    for _ in range(20):
        lines.append(
            f"订单号：{rng.randint(2019, 2024)}{rng.randint(10**13, 10**14 - 1)}　"
            f"准考证号：{rng.randint(10**11, 10**12 - 1)}　交易流水号：{rng.randint(10**17, 10**18 - 1)}"
        )
        lines.append(
            f"发票代码：{rng.randint(10**11, 10**12 - 1)}　发票号码：{rng.randint(10**7, 10**8 - 1)}　"
            f"快递单号：SF{rng.randint(10**11, 10**12 - 1)}　申请编号：YSQ{rng.randint(10**8, 10**9 - 1)}"
        )
    return "\n".join(lines) + "\n"


def premasked(rng: random.Random) -> str:
    lines = [
        "已按规定脱敏的公示名单（已打码，不是泄露）",
        "",
        "序号\t姓名\t身份证号码\t联系电话\t银行账号\t电子邮箱",
    ]
    for i in range(1, 21):
        name = pii.person_name(rng, kind="single")
        masked_name = name[0] + "*" * (len(name) - 1) if len(name) == 2 else name[0] + "*" + name[-1]
        card = pii.bank_card(rng)
        mail = pii.email(rng)
        local, _, domain = mail.partition("@")
        lines.append(
            f"{i}\t{masked_name}\t{pii.premasked_id(rng)}\t{pii.premasked_mobile(rng)}\t"
            f"{card[:6]}{'*' * (len(card) - 10)}{card[-4:]}\t{local[0]}***@{domain}"
        )
    v = pii.resident_id(rng)
    lines.append(
        f"身份证号：{v[:10]}****{v[-4:]}；手机：{pii.premasked_mobile(rng)}；另一种写法：{v[:6]}××××××××{v[-4:]}。"
    )
    return "\n".join(lines) + "\n"


def appointments(rng: random.Random) -> str:
    county = rng.choice(pii.GAZETTEER)[2]
    lines = [
        f"{county}人民政府关于任免工作人员职务的通知",
        f"{_doc_no(rng)}",
        "",
        "各镇人民政府、街道办事处，市直有关单位：",
    ]
    posts = (
        "市发展和改革局局长",
        "市财政局副局长",
        "市教育局局长",
        "市政务服务数据管理局副局长",
        "市民政局局长",
    )
    for _ in range(6):
        lines.append(f"经市人民政府研究决定：任命{pii.person_name(rng)}同志为{rng.choice(posts)}；")
        lines.append(f"免去{pii.person_name(rng)}同志的{rng.choice(posts)}职务。")
    lines.append(
        f"\n{county}人民政府\n{rng.randint(2019, 2024)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    )
    return "\n".join(lines) + "\n"


NEGATIVES: dict[str, Callable[[random.Random], str]] = {
    "文号与索引号.txt": doc_numbers,
    "日期金额邮编.txt": dates_amounts,
    "热线与办公电话.txt": hotlines,
    "网站标识码与备案号.txt": site_codes,
    "统一社会信用代码.txt": credit_codes,
    "订单号与准考证号.txt": order_numbers,
    "已脱敏数据.txt": premasked,
    "任免通知.txt": appointments,
}


def write_negatives(out: Path, seed: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"negatives:{seed}")
    paths = []
    for name, make in NEGATIVES.items():
        p = out / name
        p.write_text(make(rng), encoding="utf-8")
        paths.append(p)
    return paths
