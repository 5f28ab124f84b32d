"""Resident IDs (GB 11643) and 统一社会信用代码 (GB 32100): valid, invalid and colliding values.

Part of `tests.factories.pii` (import from there); split out to keep modules small.
"""

from __future__ import annotations

import datetime as _dt
import random
import string


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


# --- GB 11643 resident ID -------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Real county-level codes (GB/T 2260). The second table holds codes abolished in
# mergers: people born there keep the old code for life, so a detector must accept them.
REGIONS: dict[str, str] = {
    "110105": "北京市朝阳区",
    "110108": "北京市海淀区",
    "120101": "天津市和平区",
    "130102": "河北省石家庄市长安区",
    "140105": "山西省太原市小店区",
    "150102": "内蒙古自治区呼和浩特市新城区",
    "210102": "辽宁省沈阳市和平区",
    "220102": "吉林省长春市南关区",
    "230102": "黑龙江省哈尔滨市道里区",
    "310101": "上海市黄浦区",
    "310115": "上海市浦东新区",
    "320106": "江苏省南京市鼓楼区",
    "330106": "浙江省杭州市西湖区",
    "340104": "安徽省合肥市蜀山区",
    "350102": "福建省福州市鼓楼区",
    "360102": "江西省南昌市东湖区",
    "370202": "山东省青岛市市南区",
    "410105": "河南省郑州市金水区",
    "420102": "湖北省武汉市江岸区",
    "430104": "湖南省长沙市岳麓区",
    "440104": "广东省广州市越秀区",
    "440106": "广东省广州市天河区",
    "440305": "广东省深圳市南山区",
    "440703": "广东省江门市蓬江区",
    "440881": "广东省湛江市廉江市",
    "450103": "广西壮族自治区南宁市青秀区",
    "460105": "海南省海口市秀英区",
    "500103": "重庆市渝中区",
    "510107": "四川省成都市武侯区",
    "520102": "贵州省贵阳市南明区",
    "530102": "云南省昆明市五华区",
    "540102": "西藏自治区拉萨市城关区",
    "610113": "陕西省西安市雁塔区",
    "620102": "甘肃省兰州市城关区",
    "630102": "青海省西宁市城东区",
    "640104": "宁夏回族自治区银川市兴庆区",
    "650102": "新疆维吾尔自治区乌鲁木齐市天山区",
}
ABOLISHED_REGIONS: dict[str, str] = {
    "110103": "北京市崇文区",
    "110104": "北京市宣武区",
    "310103": "上海市卢湾区",
    "310108": "上海市闸北区",
    "320103": "江苏省南京市白下区",
    "330103": "浙江省杭州市下城区",
    "440107": "广东省广州市芳村区",
}
# Residence permits for people from Hong Kong, Macau and Taiwan: same check digit.
PERMIT_REGIONS = ("810000", "820000", "830000")


def id_check_char(body17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def _valid_date(yyyymmdd: str) -> bool:
    try:
        d = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return _dt.date(1900, 1, 1) <= d <= _dt.date.today()


def is_valid_resident_id(value: str) -> bool:
    """GB 11643 18-digit check (date and check digit), or a 15-digit ID with a real date."""
    v = value.upper()
    if len(v) == 18 and v[:17].isdigit() and (v[17].isdigit() or v[17] == "X"):
        return _valid_date(v[6:14]) and id_check_char(v[:17]) == v[17]
    if len(v) == 15 and v.isdigit():
        return _valid_date("19" + v[6:12])
    return False


def birth_date(rng: random.Random, lo: int = 1935, hi: int = 2015) -> str:
    start = _dt.date(lo, 1, 1).toordinal()
    end = _dt.date(hi, 12, 31).toordinal()
    return _dt.date.fromordinal(rng.randint(start, end)).strftime("%Y%m%d")


def region_code(rng: random.Random, *, abolished: bool | None = None) -> str:
    """A real region code; `abolished=None` mixes in abolished codes about 1 in 8 times."""
    if abolished is None:
        abolished = rng.random() < 0.125
    pool = ABOLISHED_REGIONS if abolished else REGIONS
    return rng.choice(sorted(pool))


def resident_id(
    rng: random.Random,
    *,
    region: str | None = None,
    birth: str | None = None,
    female: bool | None = None,
    want_x: bool | None = None,
    lower_x: bool = False,
) -> str:
    """A GB 11643 valid 18-character ID. `want_x=True` retries until the check char is X."""
    region = region or region_code(rng)
    birth = birth or birth_date(rng)
    while True:
        seq = rng.randint(0, 99)
        sex = rng.randint(0, 4) * 2 + (0 if female else 1) if female is not None else rng.randint(0, 9)
        body = f"{region}{birth}{seq:02d}{sex}"
        check = id_check_char(body)
        if want_x is None or (check == "X") == want_x:
            break
    if lower_x:
        check = check.lower()
    return body + check


def resident_id_bad_checksum(rng: random.Random) -> str:
    """Real region and date, wrong check character (a typo, or a made-up number)."""
    good = resident_id(rng)
    wrong = [c for c in _ID_CHECK if c != good[17]]
    return good[:17] + rng.choice(wrong)


def resident_id_bad_date(rng: random.Random) -> str:
    """Correct check digit but an impossible birth date (month 13 or day 32)."""
    region = region_code(rng, abolished=False)
    year = rng.randint(1950, 2000)
    birth = rng.choice([f"{year}13{rng.randint(1, 28):02d}", f"{year}{rng.randint(1, 12):02d}32"])
    body = f"{region}{birth}{rng.randint(0, 999):03d}"
    return body + id_check_char(body)


def resident_id_15(rng: random.Random) -> str:
    """A pre-1999 15-digit ID: region + YYMMDD + 3 digits, no check digit."""
    birth = birth_date(rng, 1930, 1984)
    return f"{region_code(rng)}{birth[2:]}{rng.randint(0, 999):03d}"


def residence_permit_id(rng: random.Random) -> str:
    """港澳台居民居住证 number: region 810000/820000/830000 with the GB 11643 check."""
    return resident_id(rng, region=rng.choice(PERMIT_REGIONS), birth=birth_date(rng, 1950, 2005))


# --- Hard negatives: GB 32100 credit codes and pre-masked values ----------------------

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def gb32100_check_char(body17: str) -> str:
    s = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - s % 31) % 31]


def gb32100_ok(code: str) -> bool:
    return (
        len(code) == 18
        and all(c in CREDIT_ALPHABET for c in code)
        and gb32100_check_char(code[:17]) == code[17]
    )


def social_credit_code(
    rng: random.Random, *, all_digit: bool = False, id_check_collision: bool = False
) -> str:
    """A GB 32100 valid 统一社会信用代码. `all_digit` draws one with no letters;
    `id_check_collision` additionally makes its 18th digit pass the GB 11643 check too
    (the classic false positive: only the birth-date check tells it is not an ID)."""
    while True:
        head = rng.choice(("91", "92", "93", "12", "11", "13", "51", "52", "31"))
        region = rng.choice(sorted(REGIONS))
        if all_digit or id_check_collision:
            org = _digits(rng, 9)
        else:
            # Newer codes' organisation part often starts with MA; older ones are digits.
            org = rng.choice(("MA", "")) + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
            org = org[:9]
        body = head + region + org
        check = gb32100_check_char(body)
        if (all_digit or id_check_collision) and not check.isdigit():
            continue
        if id_check_collision and id_check_char(body) != check:
            continue
        return body + check


# Real county codes ending in 19/20: after a 11/12 (机关/事业单位) head, such a code reads as a
# province + birth year 19xx/20xx when the string is taken as a resident ID.
_DOUBLE_VALID_REGIONS = ("110119", "120119", "310120", "500119")


def credit_code_valid_as_id(rng: random.Random) -> str:
    """The rarest, hardest negative: an all-digit 统一社会信用代码 (GB 32100 valid) that is also
    a fully valid resident ID (region prefix, real birth date, check digit). Only context
    (统一社会信用代码 next to it) can tell; a detector must honour that context."""
    while True:
        region = rng.choice(_DOUBLE_VALID_REGIONS)
        birth = birth_date(rng, 1950, 2010)
        if birth[:2] != region[4:]:  # the region code's last two digits are the century
            continue
        body = rng.choice(("11", "12")) + region + birth[2:] + _digits(rng, 3)
        check = gb32100_check_char(body)
        if check.isdigit() and id_check_char(body) == check:
            return body + check


def premasked_id(rng: random.Random) -> str:
    v = resident_id(rng)
    return v[:6] + "*" * 8 + v[-4:]
