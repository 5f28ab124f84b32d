"""Homes named as incident scenes in judgments: the address of a dwelling written in narrative,
without a cue word before it. Shapes from LawBench task 2-6 (CAIL2021 information extraction from
theft judgments, label 地点), with the blanked parts (`**`) filled as the benchmark sample does
(`benchmarks/scenes_sample.py`); the negatives are public places in the same shapes.

`SCENES_2` and `PUBLIC_2` are the second pass (issue #19): shapes of the full CAIL2021 set's `dev`
split and of LawBench's `test` split, written anew with other names and numbers (the held-out
`test2` split was not read)."""

from __future__ import annotations

import pytest

from deident.config import ScanConfig
from deident.detection.names.address import AddressDetector
from deident.detection.spec import load_specs


@pytest.fixture(scope="module")
def detector() -> AddressDetector:
    spec = next(s for s in load_specs() if s.id == "cn_address")
    return AddressDetector(spec, ScanConfig())


def found(det: AddressDetector, text: str) -> list[str]:
    return [f.text for f in det.detect(text, text) if f.score >= 0.5]


SCENES = [
    ("被告人莫某某走至本市七星区锦都嘉园210号楼下，见被害人梁某某停放在此处的电动车",
     "七星区锦都嘉园210号楼", "a numbered building of an estate"),
    ("谢某某窜至长沙市芙蓉区中院教工宿舍楼20栋654室，趁被害人柳某某熟睡之机",
     "长沙市芙蓉区中院教工宿舍楼20栋654室", "宿舍楼 + building + room"),
    ("到被害人张某某位于南安市衙前镇五金宿舍1楼657室的宿舍内实施盗窃",
     "南安市衙前镇五金宿舍1楼657室", "位于…的宿舍内 (位于 alone is an agency's cue)"),
    ("徐某某通过爬窗户进入位于南昌县云莫山庄1191室的失主刘某某家中，盗得金项链一条",
     "南昌县云莫山庄1191室", "位于…的失主…家中"),
    ("至被害人陈某某位于福建省福清市安置小区霞逢期18栋497室住处内，通过钻窗方式进入室内",
     "福建省福清市安置小区霞逢期18栋497室", "位于…住处 without 的"),
    ("将孙某某停放在寇家沟村59号民房楼下的一辆棕红色电动车盗走", "寇家沟村59号", "…民房楼下"),
    ("被告人雷某某在安康高新区张岭村264号李某某家楼下，以强行扳开车头锁的方式",
     "安康高新区张岭村264号", "a person's home named after the number"),
    ("林某某进入温州市龙湾区古塘街道建河路横燕子弄973号即被害人潘某某家中，将放在一楼的",
     "温州市龙湾区古塘街道建河路横燕子弄973号", "…号即被害人…家中"),
    ("民警根据线索在昆明市盘龙区月渡新村262号27楼出租屋将阎某某抓获。",
     "昆明市盘龙区月渡新村262号27楼", "…出租屋"),
    ("将李某丙停放在长征村二组451号民房下的一辆雅迪牌电动车盗走", "长征村二组451号", "group + number + 民房"),
    ("去到广州市花都区钟公庙镇兴议村吹台出租屋674房，以撬开防盗网翻窗的方式",
     "广州市花都区钟公庙镇兴议村吹台出租屋674房", "出租屋 + room"),
]  # fmt: skip

PUBLIC = [
    ("被告人黄某某在上述公司宿舍二楼北侧第二间宿舍外过道处，伸手通过窗户", "a floor, no address"),
    ("市民服务中心位于人民路18号的办公楼内，设有12个窗口。", "an agency's building"),
    ("新馆位于解放路5号的市档案馆东侧，6月1日起开放。", "a public building after 位于"),
    ("项目位于南山区科技园路18号，总投资5亿元。", "a project's location"),
    ("本项目位于人民路18号的职工宿舍楼改造工程，工期90天。", "a project at a staff dormitory"),
]


SCENES_2 = [
    ("被告人王某某至丹阳市禾库镇吼山村1133号，采用推门入室等手段窃得人民币300元。",
     "丹阳市禾库镇吼山村1133号", "CAIL2021 dev: how it was entered, in the next clause"),
    ("被告人乔某甲至本市新北区湖塘镇师桥村887号被害人谭某某暂住地，窃得手机一部。",
     "新北区湖塘镇师桥村887号", "CAIL2021 dev: …号被害人某某暂住地"),
    ("肖某某在百花区吴宁镇张南19栋301室被害人曾某某家的主卧室，窃取了现金。",
     "百花区吴宁镇张南19栋301室", "CAIL2021 dev: an estate without a keyword, building + room"),
    ("进入到天津市西青区杨柳青镇盛世绿园36号楼2门280室被害人张某某的住处，盗取现金。",
     "天津市西青区杨柳青镇盛世绿园36号楼2门280室", "CAIL2021 dev: 门 numbers a building's entrance"),
    ("在福鼎市桐城镇西村体育场路泽兰巷51号19栋3梯319室家中被公安人员抓获。",
     "福鼎市桐城镇西村体育场路泽兰巷51号19栋3梯319室", "CAIL2021 dev: 梯 numbers a stairwell"),
    ("在晃州镇住房公积金宿舍301室，被告人采取撬锁的手段进入室内。",
     "晃州镇住房公积金宿舍301室", "CAIL2021 dev: 住 of 住房 is no cue"),
    ("被告人刘某甲经过涟源市石马山镇丝绸社区董家一组被害人何某某家时，见门未锁。",
     "涟源市石马山镇丝绸社区董家一组", "CAIL2021 dev: a hamlet's group after its community"),
    ("被告人来某某至临泉县新河镇三合村解放庄53号张某某家，溜门进入二楼卧室。",
     "临泉县新河镇三合村解放庄53号", "CAIL2021 dev: a hamlet's house number after its village"),
    ("吕某某进入东太和路外东山弄45号511室被害人潘某某家中，窃得人民币700元。",
     "东太和路外东山弄45号511室", "CAIL2021 dev: 和 in a road's name"),
    ("至本市沙河口区黄河路黎明园11号楼下，将被害人于某某的电动车盗走。",
     "沙河口区黄河路黎明园11号楼", "CAIL2021 dev: below a numbered building, in a theft"),
    ("被告人杨某某到南安市丰州镇红旗片区49号楼31号，盗走被害人吴某某人民币210元。",
     "南安市丰州镇红旗片区49号楼31号", "CAIL2021 dev: a room numbered in a building"),
    ("被告人黄某某至丹阳市中南工地3号宿舍楼103室，采用翻窗方式进入宿舍内窃得现金。",
     "丹阳市中南工地3号宿舍楼103室", "CAIL2021 dev: a site's numbered dormitory"),
    ("先后撬锁进入位于北京市石景山区古城大街15号的被害人彭某某、王某某的家中。",
     "北京市石景山区古城大街15号", "CAIL2021 dev: 位于…的被害人甲、乙的家中"),
    ("在大安镇天利和二单元门口旁盗窃了黎某某停放在该处的电动车。",
     "大安镇天利和二单元", "LawBench test: an estate without a keyword before its unit"),
    ("曹某某来到西安市外事学院南校区8号楼28楼五金宿舍门口，发现门未上锁且室内无人。",
     "西安市外事学院南校区8号楼28楼", "LawBench test: a campus building's dormitory floor"),
]  # fmt: skip

PUBLIC_2 = [
    (
        "被告人在眉山市东坡区古溪镇杨梅岗村1组的联通基站盗割电缆。",
        "CAIL2021 dev: a base station in a village group",
    ),
    ("被告人李某某来到重庆市大渡口区吴家村16社新修公路旁一家废品收购站。", "CAIL2021 dev: a roadside yard"),
    (
        "被告人杨某某来到台州市黄岩区留和新村10幢附近的一家小店，假装扫码。",
        "CAIL2021 dev: a shop by a building",
    ),
    (
        "被告人朱某某在本市武侯区簇桥镇东陈村18组584号桃源小超市，撬开门锁后进入店内。",
        "CAIL2021 dev: a shop's number",
    ),
    ("被告人刘某某受雇在乌拉特前旗双峰村24社种葵花。", "LawBench test: a field in a village group"),
    ("被告人窜至本市某小区4幢地下车库，盗走电动车。", "CAIL2021 dev: an estate's garage"),
    ("请到行政服务大楼3单元201室办理。", "an agency's building written like an estate"),
    ("被告人在学院8号楼28楼教室门口盗窃。", "a campus building without a dormitory"),
]


@pytest.mark.parametrize(("text", "expected", "why"), SCENES_2, ids=[c[2] for c in SCENES_2])
def test_a_home_named_as_a_scene_in_the_second_pass_is_an_address(
    detector: AddressDetector, text: str, expected: str, why: str
) -> None:
    assert found(detector, text) == [expected]


@pytest.mark.parametrize(("text", "why"), PUBLIC_2, ids=[c[1] for c in PUBLIC_2])
def test_public_places_after_scenes_are_not_homes(detector: AddressDetector, text: str, why: str) -> None:
    assert found(detector, text) == []


@pytest.mark.parametrize(("text", "expected", "why"), SCENES, ids=[c[2] for c in SCENES])
def test_a_home_named_as_a_scene_is_an_address(
    detector: AddressDetector, text: str, expected: str, why: str
) -> None:
    assert found(detector, text) == [expected]


@pytest.mark.parametrize(("text", "why"), PUBLIC, ids=[c[1] for c in PUBLIC])
def test_public_places_in_the_same_shapes_are_not(detector: AddressDetector, text: str, why: str) -> None:
    assert found(detector, text) == []
