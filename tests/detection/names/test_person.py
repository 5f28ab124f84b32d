"""PERSON: tables of cases per context (cue words, honorifics, appositions, salutations,
enumerations, minority names), near-miss words and officials."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.names.person import PersonDetector
from deident.detection.spec import load_specs
from tests.factories.pii import person_names


def _detector(**config: object) -> PersonDetector:
    spec = next(s for s in load_specs() if s.id == "person")
    return PersonDetector(spec, ScanConfig(**config))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def detector() -> PersonDetector:
    return _detector()


def names(det: PersonDetector, text: str) -> list[str]:
    return [f.text for f in det.detect(text, text)]


# (text, expected names, where the case comes from)
POSITIVE = [
    ("申请人张三反映其房屋被强拆。", ["张三"], "cue, follower word ends the name"),
    ("市民张伟强反映噪音扰民", ["张伟强"], "weak cue, three characters"),
    ("被征收人：欧阳明华，男，身份证号码……", ["欧阳明华"], "compound surname after cue and colon"),
    ("被征收人司马斌的补偿款已存入其账户", ["司马斌"], "compound surname that is also a word"),
    ("驾驶人苏军（驾驶证号：440881199001011233）", ["苏军"], "common word closed by a parenthesis"),
    ("申请人马永持普通护照出境", ["马永"], "持 follows the name"),
    ("姓名：张三性别：男", ["张三"], "form field run together"),
    ("联系人：黄金凤，电话13812345678", ["黄金凤"], "name beginning with a word (黄金)"),
    ("市民买买提·艾力来电咨询。", ["买买提·艾力"], "minority name, cut before 来电"),
    ("申请人阿依古丽·买买提，女，", ["阿依古丽·买买提"], "minority name after a cue"),
    (
        "被告人艾力·吐尔孙、努尔艾力·麦麦提二人以行窃为目的来到",
        ["艾力·吐尔孙", "努尔艾力·麦麦提"],
        "CAIL2021 theft facts: a head count (二人) ends a minority name, not the clause",
    ),
    ("被告人买买提·艾力等人盗窃", ["买买提·艾力"], "等人 ends a minority name"),
    ("民警将被害人田兵带到派出所。", ["田兵"], "judgments: 带到 follows a name (not 田兵带)"),
    ("感谢张伟明先生的来信", ["张伟明"], "honorific"),
    ("兹证明陈晓梅同学在我校就读。", ["陈晓梅"], "同学 after a name"),
    ("现将欧阳娜等3人的低保申请公示如下。", ["欧阳娜"], "等3人 after a name"),
    ("请承办单位联系令狐海凯先生，手机", ["令狐海凯"], "honorific, compound surname"),
    ("李四，男，1980年生，住北京市", ["李四"], "sex apposition"),
    ("阿不都热合曼·依明，男，维吾尔族", ["阿不都热合曼·依明"], "apposition, minority name"),
    ("韦伟凤：\n本机关于2024年3月收到您的申请", ["韦伟凤"], "salutation of a reply letter"),
    ("东方志先生：\n本机关于", ["东方志"], "salutation with honorific"),
    ("申请人张三、李四、王五因征收补偿", ["张三", "李四", "王五"], "enumeration after a cue"),
    ("家庭成员：谭辉佳（长子）、孙敏（配偶），共4人", ["谭辉佳", "孙敏"], "enumeration with relations"),
    ("户主：肖伟浩", ["肖伟浩"], "modern surname 肖"),
    ("诉求内容：市民黄金凤反映，其居住的小区", ["黄金凤"], "name beginning with a word, clear end"),
    ("1\t欧阳坚伟\t320103320102009\t178-3778-3533\t5,000.00", ["欧阳坚伟"], "tab row with an ID, no header"),
    ("2\t迪丽拜尔‧巴特尔\t610113 20090619 8533", ["迪丽拜尔‧巴特尔"], "tab row, minority name"),
    ("王五身份证号码为440881199001011233", ["王五"], "name before its ID number"),
    ("张三（身份证号：440881199001011233）", ["张三"], "name before a parenthesised ID"),
    ("李四的联系电话为13812345678", ["李四"], "name before 的联系电话"),
]

NEGATIVE = [
    ("各级各部门要高度重视，周末不休息。", "高度, 周末 begin with surnames"),
    ("黄金周期间石城镇游客众多，王府井大街人流密集。", "near-miss words and places"),
    ("申请人应当提交书面申请材料。", "应当 after a cue is a word"),
    ("当事人和解的，可以撤回申请。", "和解 after a cue"),
    ("市民群众普遍反映，市民高度评价。", "weak cue followed by words"),
    ("居民方便办事，市民黄金周出游，村民周末反映。", "words after weak cues"),
    ("女士们、先生们，全体同志们：", "honorifics in the plural"),
    ("王先生来电反映", "surname alone identifies nobody"),
    ("同学们好，全体同学请注意，高度一致等3人", "同学 and 等3人 without a name"),
    ("经研究，任命张伟同志为市民政局局长。", "appointment notice (official)"),
    ("张三，男，汉族，1970年生，中共党员，现任某某局局长。", "任前公示 of an official"),
    ("领导小组组长由李明同志担任，副组长为王强同志。", "leadership group"),
    ("本机关于2024年3月1日收到申请。", "本机关 is not a salutation"),
    ("请携带居民身份证原件，申请人身份证复印件一份。", "居民 and 申请 before 身份证"),
    ("联系人：王老师；负责人：张主任", "surname and title"),
    ("患者家属、学生家长陪同", "frequent words after cues"),
    ("当事人陈述，申请人承诺", "verbs after cues"),
    ("当事人：华为技术有限公司；申请人：王某", "companies and 某"),
    ("序号\t姓名\t身份证号码", "header row"),
    ("3\t党员\t13812345678\t农民\t高中", "words in a tab row"),
    ("1\t张三\t局长\t13812345678", "official in a tab row"),
    ("1\t张三\t男\t汉族", "tab row without any number"),
]


@pytest.mark.parametrize(("text", "expected", "why"), POSITIVE, ids=[c[2] for c in POSITIVE])
def test_finds_private_persons(detector: PersonDetector, text: str, expected: list[str], why: str) -> None:
    assert names(detector, text) == expected


@pytest.mark.parametrize(("text", "why"), NEGATIVE, ids=[c[1] for c in NEGATIVE])
def test_no_finding(detector: PersonDetector, text: str, why: str) -> None:
    assert names(detector, text) == []


def test_officials_are_reported_when_configured() -> None:
    det = _detector(flag_officials=True)
    assert names(det, "经研究，任命张伟同志为市民政局局长。") == ["张伟"]
    assert names(det, "张三，男，汉族，1970年生，中共党员，现任某某局局长。") == ["张三"]


def test_findings_carry_offsets_and_explanation(detector: PersonDetector) -> None:
    text = "被征收人：欧阳明华，男"
    (f,) = detector.detect(text, text)
    assert text[f.start : f.end] == f.text == "欧阳明华"
    assert f.entity_type == "PERSON" and f.recognizer == "person"
    assert f.explanation.pattern == "cue" and f.explanation.context_word == "被征收人"


def test_offsets_index_the_original_text_when_folded_differs(detector: PersonDetector) -> None:
    text = "申请人：张三，电话１３８"
    folded = "申请人：张三，电话138"
    (f,) = detector.detect(text, folded)
    assert f.text == "张三" and text[f.start : f.end] == "张三"


@pytest.mark.parametrize(
    ("cell", "span"),
    [("张三", (0, 2)), (" 欧阳明华 ", (1, 5)), ("阿依古丽·买买提", (0, 8)), ("合计", None), ("", None)],
)
def test_name_span_trims_a_table_cell(
    detector: PersonDetector, cell: str, span: tuple[int, int] | None
) -> None:
    assert detector.name_span(cell) == span


def test_engine_reports_names_and_forces_name_columns() -> None:
    engine = Engine.create()
    found = engine.analyze("申请人张三反映其房屋被强拆。")
    assert [(f.entity_type, f.text) for f in found] == [("PERSON", "张三")]
    # A table cell under 姓名 carries no cue: the engine reports it from the header hint.
    cell = engine.analyze("周末", hint_entity="PERSON", hint_reason="column header 姓名")
    assert [(f.entity_type, f.text) for f in cell] == [("PERSON", "周末")]


def test_seed_documents_give_no_names_or_addresses() -> None:
    """Real government prose without private data (the issue allows at most 2 findings of
    every type over the five seeds; names and addresses contribute none)."""
    from tests.conftest import seed_files

    seeds = seed_files()
    engine = Engine.create()
    found = [
        f
        for p in seeds
        for line in p.read_text(encoding="utf-8").splitlines()
        for f in engine.analyze(line)
        if f.entity_type in ("PERSON", "CN_ADDRESS")
    ]
    assert found == []


# --- properties ---------------------------------------------------------------------------

FORM_CUES = ("申请人：", "被征收人：", "当事人：", "户主：", "联系人：", "姓名：")
ENDINGS = ("，男，1980年生。", "，联系电话13812345678。", "（身份证号码见附件）", "\t", "")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=person_names(), cue=st.sampled_from(FORM_CUES), ending=st.sampled_from(ENDINGS))
def test_any_name_in_a_form_field_is_found_whole(
    detector: PersonDetector, name: str, cue: str, ending: str
) -> None:
    text = f"{cue}{name}{ending}"
    assert names(detector, text) == [name]
