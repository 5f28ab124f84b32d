"""Table semantics: a column header that names its content makes every cell below it that entity.

A mistyped ID under 身份证号码 is still someone's ID, so formats pass the header of a cell's
column to the engine (`Segment.hint_entity`) and the engine reports the cell even when no
pattern or checksum matches.
"""

from __future__ import annotations

import re

# A header naming a column of numbers that are no one's identifier (订单编号, 流水号, 发票号码):
# a Luhn-valid order number below it is not a bank card.
NOT_PERSONAL = "NOT_PERSONAL"

# Order matters: more specific headers first (单位地址 is not a private address).
_HEADER_RULES: tuple[tuple[str, str | None], ...] = (
    # Identifier kinds whose headers hold 编号 (医保编号, 居住证编号) come before the public rule.
    (r"社会保障卡|社保卡", "CN_SOCIAL_SECURITY_CARD"),
    (r"医保|医疗保险卡|医疗保障卡", "CN_MEDICAL_INSURANCE_CARD"),
    (r"不动产权证|不动产证|房产证|房屋所有权证|产权证", "CN_PROPERTY_CERT"),
    (r"微信", "CN_WECHAT"),
    (r"QQ", "CN_QQ"),
    (r"病历号|病案号|住院号|门诊号|就诊卡号|就诊号", "CN_MEDICAL_RECORD"),
    (r"车架号|车辆识别代号|车辆识别代码|VIN", "CN_VIN"),
    (r"军官证|士兵证|文职干部证", "CN_MILITARY_ID"),
    (r"居住证", "CN_RESIDENCE_PERMIT"),
    (
        r"订单编号|订单号|流水号|交易号|交易单号|交易编号|发票号码|发票号|发票代码|合同编号|合同号|项目编号|"
        r"快递单号|运单号|单号|批次号|索引号",
        NOT_PERSONAL,
    ),
    # Public places and organisations: explicitly no entity.
    (
        r"单位地址|办公地址|单位名称|企业名称|办公电话|单位电话|咨询电话|监督电话|举报电话|统一社会信用代码|信用代码|文号|编号|序号|"
        r"与户主关系|与申请人关系|关系|性别|民族|年龄|号牌种类|车辆类型|证件类型|证件种类",
        "",
    ),
    (r"身份证|公民身份号码|证件号码|证件号|身份号码|证照号码|社会保障号|社保号", "CN_RESIDENT_ID"),
    (r"手机|移动电话|联系方式|联系电话|电话号码|电话", "CN_MOBILE"),
    (
        r"家庭住址|住址|居住地址|现住址|户籍地址|户籍地|联系地址|通讯地址|家庭地址|房屋坐落|坐落|房屋地址|地址|住所",
        "CN_ADDRESS",
    ),
    (r"银行账号|银行卡号|开户账号|银行账户|账号|卡号|存折号|存折", "CN_BANK_CARD"),
    (r"护照号|护照", "CN_PASSPORT"),
    (r"通行证|回乡证|台胞证", "CN_TRAVEL_PERMIT"),
    (r"车牌|号牌", "CN_LICENSE_PLATE"),
    (r"邮箱|电子邮件|E-?mail", "EMAIL_ADDRESS"),
    (
        r"姓名|户主|申请人|被征收人|被申请人|当事人|领取人|收款人|持卡人|户名|法定代表人|监护人|"
        r"联系人|经办人|投诉人|来电人|受益人|补偿对象|救助对象|困难对象|家庭成员|承包人|权利人|"
        r"被处罚人|违法行为人|驾驶人|车主|学生姓名|患者",
        "PERSON",
    ),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), e) for p, e in _HEADER_RULES)
_SPACES = re.compile(r"[\s\u3000:：*（）()]+")


def header_entity(header: str) -> str | None:
    """The entity a column header declares, or None. Headers longer than 12 characters are
    sentences, not headers, and declare nothing. `NOT_PERSONAL` declares that the column holds
    no one's identifier."""
    return _rule(_SPACES.sub("", header)) or None


def _rule(h: str) -> str | None:
    """The entity of the first header rule `h` (spaces removed) matches ("" for the public
    columns: 序号, 性别, 单位地址 …), or None when none does or `h` is too long for a header."""
    if not h or len(h) > 12:
        return None
    return next((entity for rx, entity in _COMPILED if rx.search(h)), None)


# Column titles that name no entity: in a header row they are labels, never a value to hint.
COLUMN_TITLES = frozenset(
    {
        "备注", "备注栏", "说明", "情况说明", "金额", "补贴金额", "发放金额", "补助金额", "救助金额", "标准",
        "补助标准", "日期", "时间", "签字", "签名", "签章", "盖章", "类别", "类型", "人数", "数量", "面积",
        "单位", "所属单位", "村组", "所属村", "乡镇", "事由", "原因", "状态", "结果", "处理结果", "意见",
    }
)  # fmt: skip


def is_label(text: str) -> bool:
    """`text` is a column title or a form label (姓名, 序号, 备注 …), not a value."""
    h = _SPACES.sub("", text)
    return h in COLUMN_TITLES or _rule(h) is not None


# A cell carries a value worth forcing only if it has a digit, a Latin letter or a Han character.
_HAS_VALUE = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
# Cells that are clearly not a value: 无, 略, 合计, 空, 不详 …
NON_VALUES = frozenset({"无", "略", "合计", "小计", "总计", "空", "不详", "暂无", "同上", "本人", "否", "是"})


def is_value_cell(text: str) -> bool:
    t = text.strip()
    return bool(t) and t not in NON_VALUES and _HAS_VALUE.search(t) is not None
