"""Templates of the government documents in the corpus, one function per document type.

Each template writes into a `Doc` through a `Writer`, which labels every private value.
Public values (office and hotline numbers, 文号, dates, amounts, credit codes, agency
addresses) are written unlabelled on purpose: a detector that reports them is wrong.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from tests.factories import pii

from corpora.builder import Doc, Writer

ROSTER_ID = (
    "table",
    "table",
    "table",
    "table",
    "spaces",
    "fullwidth",
    "lower_x",
    "15_digit",
    "checksum_invalid",
)
ROSTER_MOBILE = ("table", "table", "table", "dashes", "spaces", "fullwidth")
ROSTER_CARD = ("table", "table", "table", "spaces", "len19", "luhn_invalid")
SUBSIDIES = (
    "城乡居民最低生活保障金",
    "高龄津贴",
    "困难残疾人生活补贴",
    "耕地地力保护补贴",
    "临时救助金",
    "特困人员供养金",
)


def _date(rng: random.Random, sep: str | None = None) -> str:
    y, m, d = rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28)
    return f"{y}年{m}月{d}日" if sep is None else f"{y}{sep}{m:02d}{sep}{d:02d}"


def _place(rng: random.Random) -> tuple[str, str, str, str]:
    prov, city, county, towns = rng.choice(pii.GAZETTEER)
    return prov, city, county, rng.choice(towns)


# Area codes of the gazetteer's cities: an agency's published number is a local one.
_AREA = {"湛江市": "0759", "广州市": "020", "江门市": "0750", "深圳市": "0755", "武汉市": "027",
         "杭州市": "0571", "成都市": "028", "郑州市": "0371", "南京市": "025", "长沙市": "0731"}  # fmt: skip
_CITY_OF = {county: city for _, city, county, _ in pii.GAZETTEER}


def _office_phone(rng: random.Random, place: str) -> str:
    """An agency's office number (public, never labelled) in the area of `place` (a city or county)."""
    area = _AREA[_CITY_OF.get(place, place)]
    n = 7 if area in ("0759", "0750") else 8
    return f"{area}-{rng.randint(2, 8)}{rng.randint(10 ** (n - 2), 10 ** (n - 1) - 1)}"


def _doc_no(rng: random.Random, county: str, dept: str) -> str:
    return f"{county[0]}{dept}〔{rng.randint(2019, 2024)}〕{rng.randint(1, 199)}号"


def _footer(doc: Doc, rng: random.Random, agency: str) -> None:
    doc.add("\n", agency, "\n", _date(rng), "\n")


def roster(w: Writer, doc: Doc) -> None:
    """公示名单: subsidy recipients as a tab-separated table."""
    rng = w.rng
    _, _, county, town = _place(rng)
    subsidy = rng.choice(SUBSIDIES)
    doc.add(f"关于{county}{town}{rng.randint(2019, 2024)}年度{subsidy}发放对象的公示\n\n")
    w.para(doc)
    doc.add(f"根据有关规定，经个人申请、入户调查、民主评议，现将拟享受{subsidy}人员名单予以公示。\n\n")
    doc.add("序号\t姓名\t身份证号码\t联系电话\t家庭住址\t补助金额（元）\n")
    for i in range(1, rng.randint(8, 16)):
        doc.add(f"{i}\t")
        w.name(doc, cue="table")
        doc.add("\t")
        w.value(doc, "CN_RESIDENT_ID", variant=w.cycler.next("roster_id", ROSTER_ID))
        doc.add("\t")
        w.value(doc, "CN_MOBILE", variant=w.cycler.next("roster_mobile", ROSTER_MOBILE))
        doc.add("\t")
        w.address(doc, table=True)
        doc.add(f"\t{rng.randint(3, 60) * 100:,}.00\n")
    start = dt.date(rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 20))
    end = start + dt.timedelta(days=rng.choice((5, 7, 7)))
    doc.add(
        f"\n公示期为{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日。"
        f"如有异议，请在公示期内向{town}社会事务办反映。"
    )
    doc.add(f"监督电话：{_office_phone(rng, county)}，政务服务便民热线：12345。\n")
    _footer(doc, rng, f"{county}{town}人民政府")


def penalty(w: Writer, doc: Doc) -> None:
    """行政处罚决定书: 当事人 with ID, address, phone; 文号 and a business credit code."""
    rng = w.rng
    _, _, county, _ = _place(rng)
    doc.add(f"{county}市场监督管理局\n行政处罚决定书\n{_doc_no(rng, county, '市监罚')}\n\n当事人：")
    w.name(doc)
    sex = rng.choice("男女")
    doc.add(f"，{sex}，{rng.randint(1955, 2000)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日出生，")
    w.field(doc, "公民身份号码", "CN_RESIDENT_ID")
    doc.add("住址：")
    w.address(doc)
    doc.add("，")
    w.field(doc, "联系电话", "CN_MOBILE", "。\n")
    code = pii.social_credit_code(rng, id_check_collision=rng.random() < 0.5)
    doc.add(
        f"经营场所名称：{county}{rng.choice(('兴旺', '顺发', '惠民', '鑫源'))}商行，统一社会信用代码：{code}。\n\n"
    )
    doc.add(f"{_date(rng)}，本局执法人员对当事人经营场所进行现场检查。")
    w.para(doc)
    doc.add(
        f"以上事实，有现场笔录、询问笔录、当事人身份证复印件等证据为证。\n本局决定对当事人处以罚款人民币{rng.randint(1, 50) * 1000}元。"
    )
    doc.add("当事人应当自收到本决定书之日起十五日内缴纳罚款。")
    if rng.random() < 0.5:
        doc.add("当事人申请通过本人银行账户")
        w.value(doc, "CN_BANK_CARD", variant="in_han")
        doc.add("退还多缴款项。")
    doc.add(
        f"\n如不服本处罚决定，可以在收到本处罚决定书之日起六十日内向{county}人民政府申请行政复议，"
        f"也可以在六个月内依法向人民法院提起行政诉讼。\n"
    )
    _footer(doc, rng, f"{county}市场监督管理局")


def foia_reply(w: Writer, doc: Doc) -> None:
    """政府信息公开申请答复书: 申请人 with phone, e-mail and postal address."""
    rng = w.rng
    _, city, county, _ = _place(rng)
    agency = f"{county}人民政府办公室"
    doc.add(f"{agency}\n政府信息公开申请答复书\n{_doc_no(rng, county, '府办依申复')}\n\n")
    w.name(doc)
    doc.add(rng.choice(("：\n", "先生：\n", "女士：\n")))
    doc.add(
        f"本机关于{_date(rng)}收到您提交的政府信息公开申请（申请编号：YSQ{rng.randint(2019, 2024)}{rng.randint(0, 99999):05d}），"
    )
    w.field(doc, "申请表所留联系电话", "CN_MOBILE")
    w.field(doc, "电子邮箱", "EMAIL_ADDRESS")
    doc.add("通讯地址：")
    w.address(doc)
    doc.add("。\n")
    w.para(doc)
    doc.add("经查，您申请公开的信息属于本机关主动公开范围，已在本机关门户网站公开，现予告知。\n")
    if rng.random() < 0.6:
        doc.add("本答复书已同时发送至您的邮箱")
        w.value(doc, "EMAIL_ADDRESS", variant="in_han")
        doc.add("请注意查收。\n")
    doc.add(f"如对本答复不服，可以自收到本答复之日起六十日内向{city}人民政府申请行政复议。")
    doc.add(f"咨询电话：{_office_phone(rng, county)}。\n")
    _footer(doc, rng, agency)


def hotline_ticket(w: Writer, doc: Doc) -> None:
    """12345 工单: caller, mobile, home phone and the complaint in prose (names with cues)."""
    rng = w.rng
    _, city, county, town = _place(rng)
    doc.add(f"{city}12345政务服务便民热线工单\n工单编号：GD{_date(rng, '')}{rng.randint(0, 99999):05d}\n")
    doc.add(
        f"来电时间：{_date(rng, '-')} {rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}\n来电人："
    )
    caller = w.name(doc)
    doc.add("\n")
    w.field(doc, "来电号码", "CN_MOBILE", "\n")
    if rng.random() < 0.6:
        w.field(doc, rng.choice(("家庭电话", "住宅电话")), "CN_LANDLINE", "\n")
    if rng.random() < 0.5:
        w.field(doc, "身份证号", "CN_RESIDENT_ID", "\n")
    doc.add("联系地址：")
    w.address(doc)
    doc.add("\n诉求内容：市民")
    w.name(doc, value=caller)
    doc.add(rng.choice(("来电反映，", "反映，", "称，")))
    doc.add(f"其所在小区附近{rng.choice(('施工噪音扰民', '路灯长期不亮', '垃圾清运不及时', '积水严重'))}，")
    doc.add("希望相关部门尽快处理。请承办单位联系")
    w.name(doc)
    doc.add(rng.choice(("先生", "女士")))
    doc.add("，手机")
    w.value(doc, "CN_MOBILE", variant=rng.choice(("in_han", "plain", "dashes")))
    doc.add("。\n")
    if rng.random() < 0.5:  # a relative as the contact person: the 联系人 cue
        doc.add("联系人：")
        w.name(doc)
        doc.add(f"（来电人{rng.choice(('之子', '之女', '配偶'))}），")
        w.field(doc, "联系电话", "CN_MOBILE", "\n")
    doc.add(f"承办单位：{county}{town}办事处\n办理时限：{rng.choice((1, 3, 5, 15))}个工作日\n")
    w.para(doc, 160)


def compensation(w: Writer, doc: Doc) -> None:
    """征收补偿公告: 被征收人, house location and bank account per household."""
    rng = w.rng
    _, _, county, town = _place(rng)
    doc.add(
        f"{county}人民政府\n关于{town}片区国有土地上房屋征收补偿情况的公告\n{_doc_no(rng, county, '府征补')}\n\n"
    )
    w.para(doc)
    doc.add(
        "现将被征收房屋补偿情况公告如下：\n序号\t被征收人\t身份证号码\t房屋坐落\t补偿金额（元）\t开户银行\t银行账号\n"
    )
    for i in range(1, rng.randint(6, 12)):
        doc.add(f"{i}\t")
        w.name(doc, cue="table")
        doc.add("\t")
        w.value(doc, "CN_RESIDENT_ID", variant=w.cycler.next("roster_id", ROSTER_ID))
        doc.add("\t")
        w.address(doc, table=True)
        bank = rng.choice(
            ("中国工商银行", "中国农业银行", "中国建设银行", "农村商业银行", "中国邮政储蓄银行")
        )
        doc.add(f"\t{rng.randint(50, 900) * 1000 + rng.randint(0, 99) * 10:,}.00\t{bank}\t")
        w.value(doc, "CN_BANK_CARD", variant=w.cycler.next("roster_card", ROSTER_CARD))
        doc.add("\n")
    doc.add("\n被征收人")
    w.name(doc)
    doc.add("的补偿款已存入其本人账户")
    w.value(doc, "CN_BANK_CARD", variant=rng.choice(("in_han", "plain", "spaces")))
    doc.add("，请注意查收。\n")
    doc.add(f"征收实施单位：{county}房屋征收事务中心，咨询电话：{_office_phone(rng, county)}。\n")
    _footer(doc, rng, f"{county}人民政府")


def traffic(w: Writer, doc: Doc) -> None:
    """机动车交通违法公告: plates in a table, a driver with ID and plate in prose."""
    rng = w.rng
    _, city, county, _ = _place(rng)
    doc.add(f"{city}公安局交通警察支队\n关于督促机动车所有人及时处理交通违法行为的公告\n\n")
    w.para(doc, 160)
    doc.add("\n序号\t号牌号码\t号牌种类\t违法时间\t违法地点\t违法行为\n")
    for i in range(1, rng.randint(6, 14)):
        doc.add(f"{i}\t")
        variant = w.value(doc, "CN_LICENSE_PLATE")
        kind = "新能源小型汽车" if variant.startswith("new_energy") else rng.choice(("小型汽车", "大型汽车"))
        doc.add(f"\t{kind}\t{_date(rng, '-')} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}\t")
        doc.add(
            f"{rng.choice(pii.ROADS)}与{rng.choice(pii.ROADS)}交叉路口\t{rng.choice(('闯红灯', '违法停车', '超速行驶', '不按导向车道行驶'))}\n"
        )
    doc.add("\n驾驶人")
    w.name(doc)
    doc.add("（")
    w.field(doc, "驾驶证号", "CN_RESIDENT_ID", "）", variant=rng.choice(("plain", "fullwidth", "spaces")))
    doc.add("驾驶")
    w.value(doc, "CN_LICENSE_PLATE")
    doc.add(rng.choice(("号小型汽车", "小型汽车", "号牌车辆")))
    doc.add(f"于{_date(rng)}在{county}发生交通违法行为，请于十五日内到辖区交警大队接受处理。\n")
    doc.add(f"咨询电话：{_office_phone(rng, city)}，监督电话：12345、122。\n")
    _footer(doc, rng, f"{city}公安局交通警察支队")


def exit_entry(w: Writer, doc: Doc) -> None:
    """出入境证件作废公告: passports and travel permits with names."""
    rng = w.rng
    _, city, _, _ = _place(rng)
    doc.add(f"{city}公安局出入境管理支队\n关于宣布出入境证件作废的公告\n\n")
    doc.add("下列人员持有的出入境证件已申报遗失，现宣布作废：\n序号\t姓名\t性别\t证件类型\t证件号码\n")
    kinds = (
        ("普通护照", "CN_PASSPORT"),
        ("往来港澳通行证", "CN_TRAVEL_PERMIT:hk_macau"),
        ("港澳居民来往内地通行证", "CN_TRAVEL_PERMIT:home_return"),
        ("台湾居民来往大陆通行证", "CN_TRAVEL_PERMIT:taiwan"),
    )
    for i in range(1, rng.randint(6, 12)):
        label, ent = rng.choice(kinds)
        doc.add(f"{i}\t")
        w.name(doc, cue="table")
        doc.add(f"\t{rng.choice('男女')}\t{label}\t")
        entity, _, variant = ent.partition(":")
        w.value(doc, entity, variant=variant or None)
        doc.add("\n")
    doc.add("\n申请人")
    w.name(doc)
    doc.add("持普通护照（护照号码：")
    w.value(doc, "CN_PASSPORT")
    doc.add("）申请换发，其")
    w.field(doc, "往来港澳通行证号码", "CN_TRAVEL_PERMIT", "。\n", variant="hk_macau")
    w.para(doc, 120)
    doc.add(f"办理地址：{city}公安局出入境接待大厅，咨询电话：{_office_phone(rng, city)}。\n")
    _footer(doc, rng, f"{city}公安局出入境管理支队")


def assistance(w: Writer, doc: Doc) -> None:
    """困难群众救助审批表 (prose form): applicant, household members, landline, account."""
    rng = w.rng
    _, _, county, town = _place(rng)
    doc.add(f"{county}{town}临时救助审批结果公示\n\n申请人：")
    applicant = w.name(doc)
    doc.add(f"，{rng.choice('男女')}，")
    w.field(doc, "身份证号", "CN_RESIDENT_ID")
    doc.add("家庭住址：")
    w.address(doc)
    doc.add("，")
    w.field(doc, rng.choice(("住宅电话", "家庭电话")), "CN_LANDLINE")
    w.field(doc, "手机", "CN_MOBILE", "。\n")
    doc.add("家庭成员：")
    for _ in range(rng.randint(1, 3)):
        w.name(doc)
        doc.add(f"（{rng.choice(('配偶', '长子', '次女', '母亲'))}）、")
    doc.add(
        f"共{rng.randint(2, 5)}人。\n救助事由：因病致困。救助金额：{rng.randint(5, 50) * 100}元，发放至申请人社会保障卡银行账户"
    )
    w.value(doc, "CN_BANK_CARD")
    doc.add("。\n经审核，")
    w.name(doc, value=applicant)
    doc.add("同志家庭符合临时救助条件，予以公示。\n")
    w.para(doc)
    doc.add(f"经办人：{town}社会事务办。监督电话：{_office_phone(rng, county)}。\n")
    _footer(doc, rng, f"{county}民政局")


def service_notice(w: Writer, doc: Doc) -> None:
    """公告送达: parties who could not be reached, each with ID, phone and address in prose."""
    rng = w.rng
    _, _, county, _ = _place(rng)
    agency = (
        f"{county}{rng.choice(('人力资源和社会保障局', '自然资源局', '住房和城乡建设局', '综合行政执法局'))}"
    )
    doc.add(f"{agency}\n公告送达书\n{_doc_no(rng, county, '公送')}\n\n")
    doc.add("因下列当事人下落不明，通过其他方式无法送达，依照有关规定，向其公告送达相关文书：\n")
    for i in range(1, rng.randint(5, 9)):
        doc.add(f"{i}. ")
        w.name(doc)
        doc.add(f"，{rng.choice('男女')}，")
        w.field(doc, rng.choice(("身份证号码", "公民身份号码", "身份证号")), "CN_RESIDENT_ID")
        w.field(doc, rng.choice(("联系电话", "手机号码", "手机")), "CN_MOBILE")
        extra = rng.random()
        if extra < 0.3:
            w.field(doc, "电子邮箱", "EMAIL_ADDRESS")
        elif extra < 0.55:
            w.field(doc, rng.choice(("银行账号", "银行卡号")), "CN_BANK_CARD")
        elif extra < 0.7:
            w.field(doc, rng.choice(("住宅电话", "家庭电话")), "CN_LANDLINE")
        doc.add("户籍地址：")
        w.address(doc)
        doc.add(
            f"。文书：《{rng.choice(('责令限期改正通知书', '工伤认定决定书', '行政处罚告知书', '限期拆除决定书'))}》\n"
        )
    doc.add("自公告之日起经过六十日，即视为送达。")
    w.para(doc)
    doc.add(f"联系地址：{county}人民政府行政服务中心三楼，办公电话：{_office_phone(rng, county)}。\n")
    _footer(doc, rng, agency)


DOC_TYPES: dict[str, Callable[[Writer, Doc], None]] = {
    "公示名单": roster,
    "行政处罚决定书": penalty,
    "政府信息公开申请答复书": foia_reply,
    "12345工单": hotline_ticket,
    "征收补偿公告": compensation,
    "车辆违法公告": traffic,
    "出入境证件公告": exit_entry,
    "临时救助公示": assistance,
    "公告送达书": service_notice,
}
