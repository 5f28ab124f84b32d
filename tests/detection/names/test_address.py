"""CN_ADDRESS: cue words, public addresses, dwellings, the gazetteer levels, and properties of
the address grammar (generated addresses are found whole and masking keeps their prefix)."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deident
from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.names.address import AddressDetector
from deident.detection.names.gazetteer import load_gazetteer
from deident.detection.spec import load_specs


@pytest.fixture(scope="module")
def detector() -> AddressDetector:
    spec = next(s for s in load_specs() if s.id == "cn_address")
    return AddressDetector(spec, ScanConfig())


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.create()


def found(det: AddressDetector, text: str, min_score: float = 0.5) -> list[str]:
    return [f.text for f in det.detect(text, text) if f.score >= min_score]


POSITIVE = [
    ("申请人张三，家住广东省深圳市南山区粤海街道科技园路18号阳光小区3栋2单元501室。",
     "广东省深圳市南山区粤海街道科技园路18号阳光小区3栋2单元501室", "家住 + full address"),
    ("户籍地：湖南省邵阳市隆回县桃洪镇新建村3组", "湖南省邵阳市隆回县桃洪镇新建村3组", "户籍地 + village group"),
    ("李四，男，住北京市朝阳区建国路88号院3号楼1单元101室", "北京市朝阳区建国路88号院3号楼1单元101室", "bare 住"),
    ("住湖北省襄樊市樊城区人民路5号", "湖北省襄樊市樊城区人民路5号", "abolished city (襄樊 → 襄阳 2010)"),
    ("被征收人王五，现住中山路12号", "中山路12号", "road named after a city alias (中山)"),
    ("家住河南省洛阳市孟津县城关镇东街村", "河南省洛阳市孟津县城关镇东街村", "village without a number"),
    ("住址：深圳市南山区西丽街道和平巷469号，联系电话", "深圳市南山区西丽街道和平巷469号", "和 inside a road name"),
    ("通讯地址：湛江市廉江市人民大道中373号7栋303房。", "湛江市廉江市人民大道中373号7栋303房", "大道中 + 房"),
    ("户籍地址：广东省深圳市南山区南头街道府前路76号碧桂园16栋3单元3105室。",
     "广东省深圳市南山区南头街道府前路76号碧桂园16栋3单元3105室", "estate after the road number"),
    ("现住址为文明路91号金城小区7栋2单元1604室", "文明路91号金城小区7栋2单元1604室", "estate with 城 inside"),
    ("广东省深圳市南山区粤海街道科技园路18号3栋501室", "广东省深圳市南山区粤海街道科技园路18号3栋501室", "dwelling without cue"),
]  # fmt: skip

NEGATIVE = [
    ("深圳市民政局办公地址：深圳市福田区福中三路1号", "办公地址 of an agency"),
    ("地址：深圳市福田区福中三路1号 邮编：518000", "letterhead"),
    ("本局联系地址：广州市越秀区中山路1号", "联系地址 of an agency"),
    ("项目位于南山区科技园路18号，总投资5亿元。", "project location"),
    ("沿中山路1号至5号路段实施交通管制。", "road numbers in prose"),
    ("第3组负责宣传，第4队负责后勤。", "working groups"),
    ("落实“放管服”改革，推进街道、社区服务下沉。", "街道 and 社区 as words"),
]


@pytest.mark.parametrize(("text", "expected", "why"), POSITIVE, ids=[c[2] for c in POSITIVE])
def test_finds_home_addresses(detector: AddressDetector, text: str, expected: str, why: str) -> None:
    assert found(detector, text) == [expected]


@pytest.mark.parametrize(("text", "why"), NEGATIVE, ids=[c[1] for c in NEGATIVE])
def test_public_or_no_address(detector: AddressDetector, text: str, why: str) -> None:
    assert found(detector, text) == []


def test_levels_say_where_each_division_ends(detector: AddressDetector) -> None:
    text = "家住广东省深圳市南山区粤海街道科技园路18号"
    (f,) = detector.detect(text, text)
    assert f.attributes["levels"] == {"province": 3, "city": 6, "county": 9, "township": 13}
    assert f.text[: f.attributes["levels"]["township"]] == "广东省深圳市南山区粤海街道"


def test_municipality_is_province_and_city(detector: AddressDetector) -> None:
    text = "住北京市朝阳区建国路88号"
    (f,) = detector.detect(text, text)
    assert f.attributes["levels"] == {"province": 3, "city": 3, "county": 6}


def test_table_cell_address_alone_is_reported(detector: AddressDetector) -> None:
    # 房屋坐落 columns are not declared by any header rule; a full address alone in a cell is.
    assert found(detector, "湛江市廉江市安铺镇人民大道中412号") == ["湛江市廉江市安铺镇人民大道中412号"]


def test_tab_cell_address_is_reported_but_not_a_footer_line(detector: AddressDetector) -> None:
    row = "1\t欧阳坚伟\t320103320102009\t成都市武侯区九洲江大道52号\t5,000.00"
    assert found(detector, row) == ["成都市武侯区九洲江大道52号"]
    footer = "某市民政局\n深圳市福田区福中三路1号\n电话：0755-88888888"
    assert found(detector, footer) == []


# Addresses alone in a roster cell, as people type them (shapes of the Chinese address-parsing
# corpus, leodotnet/neural-chinese-address-parsing dev split; values invented).
@pytest.mark.parametrize(
    "cell",
    [
        "浙江省嘉善县苏家浜235",  # a hamlet and a bare number
        "杭州市滨江区逸天广场52幢413",  # 广场 is no estate keyword; a bare room after 幢
        "金华市义乌市大陈镇178号",  # a township and a number, no road
        "江苏苏州市相城区安元佳苑2区8幢1128",  # an estate's 区 part
        "杭州市西湖区三墩镇丰盛九座13-2021",  # a dashed building-room
    ],
)
def test_address_alone_in_a_cell(detector: AddressDetector, cell: str) -> None:
    assert found(detector, cell) == [cell]
    row = f"3\t王小明\t{cell}\t已核实"
    assert found(detector, row) == [cell]


@pytest.mark.parametrize(
    "cell",
    [
        "成都市12345政务服务便民热线工单",  # a title: text runs on after the number
        "浙江省2023年度部门预算",  # a year
        "杭州市发放补贴500万元",  # an amount
        "市民政局\t0755-12345678",  # an agency and its office number
        # ofdrw's sample invoice: its signature certificate names the issuing tax office
        "重庆市国家税务局1H0F",
        "重庆市国税0",
    ],
)
def test_cells_that_are_not_addresses(detector: AddressDetector, cell: str) -> None:
    assert found(detector, cell) == []


@pytest.mark.parametrize(
    ("prefix", "levels"),
    [
        (
            "山西省阳泉市城区上站街道",
            {"province": 3, "city": 6, "county": 8, "township": 12},
        ),  # 城区: county here
        ("广东深圳南山区粤海街道", {"province": 2, "city": 4, "county": 7, "township": 11}),  # short forms
        ("上海市嘉定区南翔镇", {"province": 3, "city": 3, "county": 6, "township": 9}),  # municipality
        ("西藏自治区山南市错那市", {"province": 5, "city": 8, "county": 11}),  # renamed 2023
    ],
)
def test_gazetteer_chains(prefix: str, levels: dict[str, int]) -> None:
    end, got = load_gazetteer().chain_at(prefix, 0, len(prefix))
    assert (end, got) == (len(prefix), levels)


def test_gazetteer_keeps_abolished_units() -> None:
    gaz = load_gazetteer()
    for name in ("襄樊市", "柳州地区", "下城区", "江干区", "襄阳市", "拱墅区"):
        assert name in gaz.names, name


def test_mask_text_keeps_prefix_to_township() -> None:
    text = "申请人张三，家住广东省深圳市南山区粤海街道科技园路18号阳光小区3栋2单元501室。"
    masked = deident.mask_text(text).text
    detail = "科技园路18号阳光小区3栋2单元501室"
    assert masked == "申请人张*，家住广东省深圳市南山区粤海街道" + "*" * len(detail) + "。"


# --- properties of the grammar -----------------------------------------------------------


def _chains() -> list[tuple[str, str, str, str]]:
    """Every (province, city, county, township) chain of the shipped gazetteer (current units;
    municipalities, whose province and city share a name, are tested on their own above)."""
    raw = resources.files("deident").joinpath("data/divisions.tsv.gz").read_bytes()
    rows = [line.split("\t") for line in gzip.decompress(raw).decode("utf-8").splitlines()]
    by_code = {(r[0], r[3]): r for r in rows if r[3] and r[5] == "current"}
    chains = []
    for r in rows:
        if r[0] != "township" or r[5] != "current" or not r[1].endswith(("街道", "镇", "乡")):
            continue
        county = by_code.get(("county", r[4]))
        city = county and by_code.get(("city", county[4]))
        province = city and by_code.get(("province", city[4]))
        if county and city and province and city[1] != province[1] and len(r[1]) <= 8:
            chains.append((province[1], city[1], county[1], r[1]))
    return chains


CHAINS = _chains()
ROADS = ("人民路", "解放大道", "建设北路", "和平巷", "中山路", "新华街", "府前路", "青年路", "环城东路")
ESTATES = ("阳光花园", "金城小区", "翠湖苑", "锦绣华庭", "幸福家园")
CUES = ("家住", "住址：", "户籍地：", "现住", "家庭住址：", "居住在")


@st.composite
def addresses(draw: st.DrawFn) -> tuple[str, str, int]:
    """(cue, address, offset where the township ends)."""
    province, city, county, town = draw(st.sampled_from(CHAINS))
    prefix = province + city + county + town
    detail = draw(st.sampled_from(ROADS)) + f"{draw(st.integers(1, 999))}号"
    if draw(st.booleans()):
        detail += draw(st.sampled_from(ESTATES)) + f"{draw(st.integers(1, 40))}栋"
        detail += f"{draw(st.integers(1, 6))}单元{draw(st.integers(101, 3305))}室"
    return draw(st.sampled_from(CUES)), prefix + detail, len(prefix)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=addresses())
def test_generated_addresses_are_found_whole(detector: AddressDetector, case: tuple[str, str, int]) -> None:
    cue, address, township_end = case
    text = f"申请人{cue}{address}，联系电话见附件。"
    got = [f for f in detector.detect(text, text) if f.score >= 0.5]
    assert [f.text for f in got] == [address]
    assert got[0].attributes["levels"]["township"] == township_end


@settings(max_examples=60, deadline=None)
@given(case=addresses())
def test_masking_keeps_the_prefix_and_masks_the_rest(case: tuple[str, str, int]) -> None:
    cue, address, township_end = case
    text = f"{cue}{address}。"
    masked = deident.mask_text(text).text
    start = len(cue)
    assert masked[: start + township_end] == text[: start + township_end]
    rest = masked[start + township_end : start + len(address)]
    assert rest == "*" * len(rest) and len(masked) == len(text)
