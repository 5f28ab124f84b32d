"""Homes named as incident scenes in judgments and police narratives: what makes an address a
dwelling when no cue word (家庭住址, 家住) introduces it, and the estates written without a
keyword (`唯胜19栋301室`, `中山大楼3单元401室`).

A judgment names the scene of a theft by its address and then says whose home it is
(`…1085号被害人谭某某暂住地`, `…19栋3梯115室家中`), how it was entered (`…1121号，采用推门入室`)
or what stood below it (`…园617号楼下`). Shops, offices and sites are written in the same shapes
(`…18号某某超市`, `…中心3号楼201室`): a business word between the address and the home word, or
in the estate's name, keeps the address out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_HAN = "\u4e00-\u9fff"
_NUM = "[0-9一二三四五六七八九十百零〇两]+"
_CLAUSE = "[^，,。；;！!？?\n\r\t]"
# Whose home: a person written before 家 (被害人谭某某家, 其家, 张某的家); 家中/家里 need nobody.
_PERSON = "(?:被害人|失主|户主|房东|租户|业主|某[某甲乙丙丁0-9]*|[其他她我])"
_HOME_WORDS = "家中|家里|家门|家楼下|家院|住处|住所|住宅|暂住地|暂住处|租住房|租住处|租住屋|租房|出租屋|出租房|民房|宿舍|寝室|卧室"
_HOME_AFTER = re.compile(rf"({_CLAUSE}{{0,16}}?)({_HOME_WORDS}|{_PERSON}的?家)")
# A person's home, as opposed to a building of homes (宿舍, 民房): it outweighs 位于 before it.
_PERSONAL = re.compile("家|住处|住所|住宅|暂住|租住|租房")
# A business or a workplace between the address and the home word: 18号张某的店, 公司宿舍.
_BUSINESS = re.compile(
    "店|公司|超市|商场|商行|酒店|宾馆|旅馆|饭店|餐馆|网吧|厂|工地|市场|银行|办公|仓库|车间|诊所|医院|学校|项目"
)
# How the scene was entered, in the clause after it: …1121号，采用推门入室等手段.
_ENTERED = re.compile(rf"[，,]{_CLAUSE}{{0,14}}?(?:入室|入户|撬门|撬锁|撬窗|翻窗|爬窗|钻窗|推门|开锁|溜门)")
# A place that is no home named right after the address, in its clause: …村1组的联通基站,
# …18组584号桃源小超市, …10幢附近的一家小店, …4幢地下车库, …2楼大厅.
_PLACE_AFTER = re.compile(
    rf"{_CLAUSE}{{0,12}}?(?:基站|市场|餐馆|饭店|酒店|宾馆|超市|店|商铺|门市|公路|高速|桥下|工地|厂|大厅|停车|车位|车库|"
    "车棚|学校|小学|公司|仓库|鱼塘|水塘|田|地里|山上|场地|种)"
)
# Verbs that end a name read back from an estate (…开锁进入蔚蓝天成国际公馆B座1200房).
_VERBS = re.compile("进入|来到|前往|去到|走到|窜至|走至|潜入|撬开|手段|方式|开锁|经过")
# Below or at the door of a numbered building (…园617号楼下, …7栋门口), in a theft's narrative.
_BELOW = re.compile("(?:楼)?(?:下|门口|楼道|楼梯|附近|单元门)")
_BUILDING_END = re.compile(r"(?:号楼|栋|幢|单元)$")
_NUMBERED = re.compile(r"[0-9一二三四五六七八九十]+(?:号|室|栋|幢|单元|组|队|社|房)")
_THEFT = re.compile("被告人|被害人|犯罪嫌疑人|嫌疑人|失主|盗|窃|撬")

# An estate named without a keyword before its numbered parts: a building with a unit or a room,
# or a unit with a room (唯胜19栋301室, 中山大楼3单元401室, 红旗片区649号楼831号).
_BLOCK = rf"{_NUM}(?:号楼|栋|幢|座|号宿舍楼)"
_ENTRANCE = rf"{_NUM}(?:单元|门|梯)"
_FLOOR = rf"(?:{_NUM}(?:楼|层))?"
_ROOM = rf"(?:{_NUM}(?:室|户|房|号)|[0-9]{{3,5}})(?![0-9])"
# A building with a floor, a unit or a building alone only with a home after it (…南校区8号楼27楼五金
# 宿舍, 天利和二单元门口, …村16幢楼下).
_UNKEYED = re.compile(
    rf"(?:(?P<parts>{_BLOCK}(?:{_ENTRANCE})?{_FLOOR}{_ROOM}|{_BLOCK}{_ENTRANCE}|{_ENTRANCE}{_FLOOR}{_ROOM})"
    rf"|{_BLOCK}{_NUM}(?:楼|层)|{_ENTRANCE}|{_BLOCK})"
)
# Where one can start: a number and a building or unit word (one character class to scan for).
_CANDIDATE = re.compile(rf"{_NUM}(?:号楼|号宿舍楼|栋|幢|座|单元|门|梯)")
# Names that are an agency's, a school's or a business's, not an estate's.
_PUBLIC_NAME = re.compile(
    "公司|集团|局|政府|行政|政务|服务|机关|委员会|法院|检察院|派出所|中心|学校|学院|大学|中学|小学|医院|卫生|大厦|写字楼|宾馆|酒店|"
    "办公|银行|广场|商场|商城|市场|工业|产业|科技|物流|基地|厂|店|馆|站|厅|部|所|院|场"
)
_NAME = re.compile(rf"[{_HAN}]{{2,8}}$")
_NAME_STOP = "的在于为是到至和与及从由向将把被对等了着过即经进入某"
# A natural village's group after its village or community (丝绸社区董家一组).
# …三合村解放庄953号: a house number in a hamlet.
_HAMLET = re.compile(
    rf"(?:村|社区)(?P<h>(?:(?![乡镇路街道巷弄区县市])[{_HAN}]){{1,4}}?(?:[一二三四五六七八九十0-9]+[组队](?![长员])|[0-9]+号(?!楼)))"
)


def home_after(folded: str, start: int, end: int) -> tuple[str, bool] | None:
    """(the deciding word, whether a home word names it) when what follows the address at
    folded[start:end] makes it a dwelling in a narrative, else None. How a scene was entered or
    what stood below it is weaker: a shop or a shed named after it wins (`scene_context`)."""
    m = _HOME_AFTER.match(folded, end)
    # A company's or a factory's dormitory is its workers' home (…130房（工厂宿舍）).
    if m is not None and (m.group(2) in ("宿舍", "寝室") or not _BUSINESS.search(m.group(1))):
        return m.group(2)[-2:], True
    clause = folded[end : end + 1]
    if clause in "，," and _ENTERED.match(folded, end):
        return "入室", False
    if _BUILDING_END.search(folded, start, end) and _BELOW.match(folded, end):
        lo = max(0, start - 40)
        if _THEFT.search(folded, lo, min(len(folded), end + 40)):
            return "楼下", False
    return None


def scene_context(folded: str, start: int, end: int, cue: tuple[int, str] | None) -> tuple[str, str] | None:
    """("private" | "public", the deciding word) for an address in a narrative, by what
    follows it; `cue` is (end, kind) of the nearest cue word before it, if any."""
    if not _NUMBERED.search(folded, start, end):
        return None  # 宿舍二楼 is a floor, not an address
    home = home_after(folded, start, end)
    public_cue = cue is not None and cue[1] == "public" and cue[0] >= start - 2
    if home is not None and home[1] and (not public_cue or _PERSONAL.search(home[0])):
        return "private", home[0]
    place = _PLACE_AFTER.match(folded, end)
    if place is not None and (cue is None or cue[1] != "private"):
        return "public", place.group()[-2:]  # …10幢附近的一家小店: the shop, not the building
    if home is not None and not public_cue:
        return "private", home[0]
    return None


def name_floor(text: str, lo: int, k: int) -> int:
    """Where a name read back from `k` (no further than `lo`) starts at the latest: after the
    last verb of the narrative before it."""
    last = lo
    for m in _VERBS.finditer(text, lo, k):
        last = m.end()
    return last


def with_unkeyed(folded: str, anchors: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The keyword anchors (keyword, start, end) and the unkeyed ones, left to right; an unkeyed
    anchor that overlaps keyword anchors joins them (…工地353号 + 宿舍楼1030室)."""
    for k, tail in unkeyed_anchors(folded):
        over = [a for a in anchors if a[1] < tail and k < a[2]]
        anchors = [a for a in anchors if a not in over]
        kw = over[0][0] if over else ""
        anchors.append((kw, min([k] + [a[1] for a in over]), max([tail] + [a[2] for a in over])))
    return sorted(anchors, key=lambda a: a[1])


def unkeyed_anchors(folded: str) -> Iterator[tuple[int, int]]:
    """(start of the numbered parts, their end) of estates written without a keyword, when the
    name before them is no agency's or business's."""
    last = 0
    for c in _CANDIDATE.finditer(folded):
        k = c.start()
        if k < last or not k or not "\u4e00" <= folded[k - 1] <= "\u9fff":
            continue  # inside the last one, or no name before the parts
        m = _UNKEYED.match(folded, k)
        if m is None:
            continue
        last = m.end()
        name = _NAME.search(folded, max(0, k - 8), k)
        if name is None:
            continue
        word = name.group()
        for i in range(len(word) - 1, -1, -1):
            if word[i] in _NAME_STOP and not in_name(folded, name.start() + i):
                word = word[i + 1 :]
                break
        word = word[name_floor(word, 0, len(word)) :]
        if len(word) < 2:
            continue
        hit = None if m.group("parts") and not _PUBLIC_NAME.search(word) else home_after(folded, k, m.end())
        if m.group("parts") is None and hit is None:
            continue
        if _PUBLIC_NAME.search(word) and (hit is None or not hit[1]):
            continue  # a campus building is a home when a dormitory follows, not otherwise
        yield k, m.end()
    for m in _HAMLET.finditer(folded):
        if not any(c in _NAME_STOP for c in m.group("h")):
            yield m.start("h"), m.end()


def in_name(text: str, i: int) -> bool:
    """text[i] ends a name in running text (a stop character) yet here is part of a place name:
    住 in 住房/住宅 (住房公积金宿舍, 花园住宅小区), 和 in an estate's or a road's name."""
    nxt, prev = text[i + 1 : i + 2], text[i - 1 : i] if i else ""
    if text[i] == "住":
        return nxt in ("房", "宅")
    # 和 before a road keyword, or between a name and its numbered unit (天利和二单元; not 1单元和2单元).
    return text[i] == "和" and (
        nxt in ("路", "街", "巷")
        or (
            nxt in "一二三四五六七八九十0123456789"
            and "\u4e00" <= prev <= "\u9fff"
            and prev not in "元栋幢号室楼层组队"
        )
    )
