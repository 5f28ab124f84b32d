"""Private persons' names and addresses, with the offset where an address's detail begins.

Part of `tests.factories.pii` (import from there); split out to keep modules small.
"""

from __future__ import annotations

import random

# --- Names and addresses -------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "司徒",
    "夏侯",
)
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力斌波宇浩凯鹏飞琳雪梅晨欣怡佳子轩俊峰海燕丹志坚春生金凤荣德福永军"
MINORITY_PARTS = ("阿依古丽", "买买提", "艾力", "热依拉", "古丽娜尔", "阿不都热合曼", "努尔", "帕提古丽", "吐尔逊", "依明",
                  "迪丽拜尔", "阿卜杜拉", "扎西", "尼玛", "巴特尔", "其其格")  # fmt: skip


# U+00B7 is the standard; U+2022, U+30FB, U+FF0E and U+2027 are what input methods produce.
MINORITY_SEPARATORS = ("•", "・", "．", "‧")


def person_name(rng: random.Random, *, kind: str | None = None) -> str:
    """kind: 'single' (2–3 chars), 'two' (2 chars), 'compound' (欧阳x / 欧阳xx), 'minority' (x·y),
    'minority_alt' (the separator as people actually type it: • ・ ． or a hyphen-like dot)."""
    kind = kind or rng.choices(("single", "two", "compound", "minority"), (70, 15, 10, 5))[0]
    if kind == "minority":
        a, b = rng.sample(MINORITY_PARTS, 2)
        return f"{a}·{b}"
    if kind == "minority_alt":
        a, b = rng.sample(MINORITY_PARTS, 2)
        return a + rng.choice(MINORITY_SEPARATORS) + b
    if kind == "compound":
        return rng.choice(COMPOUND_SURNAMES) + "".join(
            rng.choice(GIVEN_CHARS) for _ in range(rng.randint(1, 2))
        )
    n_given = 1 if kind == "two" else rng.choice((1, 2, 2, 2))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(n_given))


# province, city, county, townships (乡镇/街道). Real names, small on purpose.
GAZETTEER: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("广东省", "湛江市", "廉江市", ("罗州街道", "城南街道", "石城镇", "安铺镇", "横山镇")),
    ("广东省", "广州市", "天河区", ("石牌街道", "五山街道", "天河南街道", "棠下街道")),
    ("广东省", "江门市", "蓬江区", ("环市街道", "白沙街道", "杜阮镇", "棠下镇")),
    ("广东省", "深圳市", "南山区", ("粤海街道", "南头街道", "蛇口街道", "西丽街道")),
    ("湖北省", "武汉市", "江岸区", ("大智街道", "一元街道", "后湖街道")),
    ("浙江省", "杭州市", "西湖区", ("北山街道", "西溪街道", "转塘街道", "三墩镇")),
    ("四川省", "成都市", "武侯区", ("浆洗街街道", "玉林街道", "簇桥街道")),
    ("河南省", "郑州市", "金水区", ("经八路街道", "文化路街道", "花园路街道")),
    ("江苏省", "南京市", "鼓楼区", ("湖南路街道", "宁海路街道", "华侨路街道")),
    ("湖南省", "长沙市", "岳麓区", ("橘子洲街道", "望月湖街道", "含浦街道", "莲花镇")),
)
ROADS = ("人民大道中", "解放路", "中山路", "建设路", "文明路", "新华街", "环城北路", "南湖大道", "青年路", "和平巷",
         "九洲江大道", "东风路", "府前路")  # fmt: skip
ESTATES = (
    "阳光花园",
    "碧桂园",
    "金城小区",
    "翠湖苑",
    "锦绣华庭",
    "保利花园",
    "御景豪庭",
    "丽景小区",
    "幸福家园",
)
VILLAGES = ("新塘村", "石岭村", "下洋村", "高桥村", "和寮村", "龙湾村", "大坡村")


def address(rng: random.Random, *, kind: str | None = None) -> tuple[str, int]:
    """A private address and the offset where its detail begins: the part below 乡镇/街道
    (or below the county when the township is omitted), which `gov` masks.

    kind: 'street' (路 + 号), 'estate' (小区 栋 单元 室), 'village' (村 + 组), 'short' (no
    province, no township).
    """
    kind = kind or rng.choice(("street", "estate", "village", "short"))
    prov, city, county, towns = rng.choice(GAZETTEER)
    town = rng.choice(towns)
    if kind == "village":
        town = next((t for t in towns if t.endswith("镇")), town)
        detail = f"{rng.choice(VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 88)}号"
        prefix = prov + city + county + town
    elif kind == "estate":
        detail = (
            f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.choice(ESTATES)}{rng.randint(1, 30)}栋"
            f"{rng.randint(1, 4)}单元{rng.randint(1, 33)}0{rng.randint(1, 6)}室"
        )
        prefix = prov + city + county + town
    elif kind == "street":
        detail = f"{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        prefix = city + county + town
    elif kind == "short":
        detail = f"{rng.choice(ROADS)}{rng.randint(1, 500)}号{rng.randint(1, 20)}栋{rng.randint(1, 9)}0{rng.randint(1, 8)}房"
        prefix = city + county
    else:
        raise ValueError(kind)
    return prefix + detail, len(prefix)
