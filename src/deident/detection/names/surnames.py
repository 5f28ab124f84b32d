"""Chinese surnames: the 百家姓 single-character surnames plus common modern ones, and compound
surnames. The single list follows JioNLP's ``rule_pattern.SINGLE_CHINESE_FAMILY_NAME``
(Apache-2.0) with frequent surnames it lacks (付, 覃, 仝 …) added, and those of the frequency
list below that it lacked (丘, 芦, 甯, 丛, 苑, 畅).

`share` gives a surname's share of the population where ``data/surname_freq.tsv`` knows it
(299 surnames from the MIT-licensed ``mingzi`` package, licence in ``surname_freq.LICENSE``).
"""

from __future__ import annotations

import functools

from deident.detection.names.gazetteer import DATA_DIR

SINGLE: frozenset[str] = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌"
    "马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵"
    "湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏"
    "蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄"
    "曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙"
    "叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍郤璩桑桂"
    "濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙"
    "东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查後荆红游竺权逯盖益桓公"
    "仉督晋楚闫法汝鄢涂钦归海岳帅缑亢况后有琴商牟佘佴伯赏墨哈谯笪年爱阳佟言福"
    "付覃仝练谌兰候迟栗邸揭佀蹇隋宫郄卿肖冼邝苟粟敬雒禤麦"
    "南门原修代智银招旷植洛亓战"
    "丘芦甯丛苑畅"
)

# Surnames of the frequency list the rules do NOT read as surnames: far more words than names
# start with them (木材, 衣服, 保证, 官方, 占用, 主席, 楼房).
NOT_READ: frozenset[str] = frozenset("木衣保官占席楼")

COMPOUND: frozenset[str] = frozenset(
    (
        "万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 "
        "公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 子车 颛孙 端木 巫马 公西 漆雕 "
        "乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 羊舌 微生 梁丘 左丘 东门 西门 南宫 第五"
    ).split()
)


def surname_length(text: str, i: int) -> int:
    """Length of the surname starting at text[i] (2 for a compound surname), or 0."""
    if text[i : i + 2] in COMPOUND:
        return 2
    return 1 if i < len(text) and text[i] in SINGLE else 0


@functools.cache
def _shares() -> dict[str, float]:
    out = {}
    for line in (DATA_DIR / "surname_freq.tsv").read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("\t")
        if sep and not line.startswith("#"):
            out[name] = float(value)
    return out


def share(surname: str) -> float | None:
    """The surname's share of the population (王 0.077), or None when the list does not know it
    (a rare surname, or one of the compound surnames)."""
    return _shares().get(surname)
