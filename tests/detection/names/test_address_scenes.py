"""Homes named as incident scenes in judgments: the address of a dwelling written in narrative,
without a cue word before it. Shapes from LawBench task 2-6 (CAIL2021 information extraction from
theft judgments, label 地点), with the blanked parts (`**`) filled as the benchmark sample does
(`benchmarks/scenes_sample.py`); the negatives are public places in the same shapes."""

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


@pytest.mark.parametrize(("text", "expected", "why"), SCENES, ids=[c[2] for c in SCENES])
def test_a_home_named_as_a_scene_is_an_address(
    detector: AddressDetector, text: str, expected: str, why: str
) -> None:
    assert found(detector, text) == [expected]


@pytest.mark.parametrize(("text", "why"), PUBLIC, ids=[c[1] for c in PUBLIC])
def test_public_places_in_the_same_shapes_are_not(detector: AddressDetector, text: str, why: str) -> None:
    assert found(detector, text) == []
