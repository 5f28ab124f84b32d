"""Valid and invalid personal data values for tests, the corpus generator and hypothesis.

Every generator takes a `random.Random` so that callers control determinism (the corpus
is reproducible per seed; hypothesis drives the same functions through `st.randoms`).
Values are synthetic: region codes are real (so that a region check cannot reject them),
everything else is random. Validators (`is_valid_resident_id`, `luhn_ok`, `gb32100_ok`)
are independent re-implementations of the standards so that tests do not trust the
engine's own validators.

Usage::

    from tests.factories import pii
    rng = random.Random(1)
    pii.resident_id(rng)                  # '44088119900101123X'-like, GB 11643 valid
    pii.resident_id(rng, want_x=False)    # all digits (1 in 11 IDs end in X): for float() / Excel numbers
    pii.mobile(rng, prefix="138")         # '138xxxxxxxx'
    pii.bank_card(rng, length=19)         # UnionPay BIN, Luhn valid
    pii.render(value, "fullwidth", rng)   # '１３８…'

The values live in three small modules (`pii_ids`: resident IDs and credit codes,
`pii_people`: names and addresses, `pii_render`: how values are written); import them all
from here. Hypothesis strategies: `resident_ids()`, `resident_ids_15()`, `mobiles()`, `bank_cards()`,
`emails()`, `person_names()`, `addresses()`, `social_credit_codes()`, `rngs()`,
`chinese_filler()`.
"""

from __future__ import annotations

import random
import string

from tests.factories.pii_ids import (
    ABOLISHED_REGIONS,
    CREDIT_ALPHABET,
    PERMIT_REGIONS,
    REGIONS,
    _digits,
    birth_date,
    credit_code_valid_as_id,
    gb32100_check_char,
    gb32100_ok,
    id_check_char,
    is_valid_resident_id,
    premasked_id,
    region_code,
    residence_permit_id,
    resident_id,
    resident_id_15,
    resident_id_bad_checksum,
    resident_id_bad_date,
    social_credit_code,
)
from tests.factories.pii_people import (
    COMPOUND_SURNAMES,
    ESTATES,
    GAZETTEER,
    GIVEN_CHARS,
    MINORITY_PARTS,
    MINORITY_SEPARATORS,
    ROADS,
    SURNAMES,
    VILLAGES,
    address,
    person_name,
)
from tests.factories.pii_render import (
    ZERO_WIDTH,
    group,
    insert_zero_width,
    render,
    to_fullwidth,
)

# --- Mobile and landline -------------------------------------------------------------

ALLOCATED_MOBILE_PREFIXES: tuple[str, ...] = (
    *(f"13{d}" for d in range(10)),
    "145", "147", "149",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "162", "165", "166", "167",
    "170", "171", "172", "173", "175", "176", "177", "178",
    *(f"18{d}" for d in range(10)),
    "190", "191", "192", "193", "195", "196", "197", "198", "199",
)  # fmt: skip
# Syntactically mobile-like (1[3-9]x) but not allocated to any carrier.
UNALLOCATED_MOBILE_PREFIXES: tuple[str, ...] = (
    "140", "141", "142", "143", "144", "146", "148", "154", "160", "161", "163", "164",
    "168", "169", "174", "179", "194",
)  # fmt: skip


def mobile(rng: random.Random, *, prefix: str | None = None) -> str:
    prefix = prefix or rng.choice(ALLOCATED_MOBILE_PREFIXES)
    return prefix + "".join(rng.choice(string.digits) for _ in range(11 - len(prefix)))


# (area code, local number length). Agencies' office numbers are public; these are homes.
AREA_CODES: tuple[tuple[str, int], ...] = (
    ("010", 8), ("020", 8), ("021", 8), ("022", 8), ("023", 8), ("024", 8), ("025", 8),
    ("027", 8), ("028", 8), ("029", 8), ("0755", 8), ("0571", 8), ("0759", 7), ("0750", 7),
    ("0898", 8), ("0731", 8), ("0371", 8), ("0991", 7), ("0851", 8),
)  # fmt: skip


def landline(rng: random.Random, *, dash: bool = True) -> str:
    area, n = rng.choice(AREA_CODES)
    local = str(rng.randint(2, 8)) + "".join(rng.choice(string.digits) for _ in range(n - 1))
    return f"{area}-{local}" if dash else area + local


# --- Bank cards ----------------------------------------------------------------------

# UnionPay issuer prefixes (62…) of large Chinese banks, plus two older non-62 debit BINs.
UNIONPAY_BINS: tuple[str, ...] = (
    "622202", "621226", "622848", "621700", "622700", "622588", "621483", "622609",
    "623058", "621661", "622262", "621799", "622630", "625968",
)  # fmt: skip


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    for d in string.digits:
        if luhn_ok(partial + d):
            return d
    raise AssertionError("unreachable")


def bank_card(rng: random.Random, *, length: int | None = None, luhn: bool = True) -> str:
    """A UnionPay card number of 16–19 digits; `luhn=False` gives a Luhn failure."""
    length = length or rng.choice((16, 16, 19, 19, 17, 18))
    body = rng.choice(UNIONPAY_BINS)
    body += "".join(rng.choice(string.digits) for _ in range(length - len(body) - 1))
    check = luhn_check_digit(body)
    if not luhn:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return body + check


# --- E-mail, passports, permits, plates ----------------------------------------------

_PINYIN = (
    "zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "ma", "zhu", "hu", "guo", "he", "lin", "luo", "liang", "wei", "fang", "xiaoming", "jun",
    "hua", "ling", "jie", "ping", "qiang", "yan", "lei", "min", "ting", "hao", "yu",
)  # fmt: skip
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "139.com", "gmail.com",
                 "hotmail.com", "yeah.net", "sohu.com", "aliyun.com")  # fmt: skip


def email(rng: random.Random) -> str:
    kind = rng.randint(0, 3)
    if kind == 0:  # QQ mail: the QQ number is the local part
        local = str(rng.randint(10_000, 3_999_999_999))
        return f"{local}@qq.com"
    sep = rng.choice(("", "", ".", "_"))
    local = rng.choice(_PINYIN) + sep + rng.choice(_PINYIN)
    if kind >= 2:
        local += str(rng.randint(1, 2024))
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # I and O are not used on plates
_PASSPORT_LETTERS = _PLATE_LETTERS


def passport(rng: random.Random, *, kind: str | None = None) -> str:
    """Ordinary passports: E + 8 digits, older G + 8 digits, newer E + letter + 7 digits."""
    kind = kind or rng.choice(("E8", "G8", "EL7"))
    if kind == "E8":
        return "E" + _digits(rng, 8)
    if kind == "G8":
        return "G" + _digits(rng, 8)
    if kind == "EL7":
        return "E" + rng.choice(_PASSPORT_LETTERS) + _digits(rng, 7)
    raise ValueError(kind)


def travel_permit(rng: random.Random, *, kind: str | None = None) -> str:
    """hk_macau: 往来港澳通行证 C + 8; home_return: 回乡证 H/M + 8; taiwan: 台胞证 8 digits."""
    kind = kind or rng.choice(("hk_macau", "home_return", "taiwan"))
    if kind == "hk_macau":
        return "C" + _digits(rng, 8)
    if kind == "home_return":
        return rng.choice("HM") + _digits(rng, 8)
    if kind == "taiwan":
        return _digits(rng, 8)
    raise ValueError(kind)


PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def plate(rng: random.Random, *, new_energy: bool = False, dot: bool = False) -> str:
    """粤B12345 (fuel, 5 characters after the letter) or 粤BD12345 (new energy, 6)."""
    head = rng.choice(PLATE_PROVINCES) + rng.choice(_PLATE_LETTERS)
    if new_energy:
        tail = rng.choice("DF") + rng.choice(_PLATE_LETTERS + string.digits) + _digits(rng, 4)
    else:
        n_letters = rng.choice((0, 0, 1, 1, 2))
        chars = [rng.choice(string.digits) for _ in range(5)]
        for i in rng.sample(range(5), n_letters):
            chars[i] = rng.choice(_PLATE_LETTERS)
        tail = "".join(chars)
    return head + ("·" if dot else "") + tail


def premasked_mobile(rng: random.Random) -> str:
    v = mobile(rng)
    return v[:3] + "****" + v[-4:]


# --- Hypothesis strategies -----------------------------------------------------------


def _st():  # imported lazily: the corpus generator must not need hypothesis
    from hypothesis import strategies as st

    return st


def _seeded(make):
    # A seed, not st.randoms(): hypothesis draws a small integer (no "large base example"
    # health check in callers' tests) and reproduces a failure from it.
    return _st().integers(0, 2**32 - 1).map(lambda seed: make(random.Random(seed)))


def resident_ids():
    return _seeded(resident_id)


def resident_ids_15():
    return _seeded(resident_id_15)


def mobiles():
    return _seeded(mobile)


def bank_cards(*, luhn: bool = True):
    return _seeded(lambda r: bank_card(r, luhn=luhn))


def emails():
    return _seeded(email)


def person_names():
    return _seeded(person_name)


def addresses():
    return _seeded(address)


def social_credit_codes():
    return _seeded(lambda r: social_credit_code(r, all_digit=r.random() < 0.5))


def rngs():
    """A `random.Random` for tests that draw several related values."""
    return _st().integers(0, 2**32 - 1).map(random.Random)


# Han characters and punctuation that never form PII on their own: for embedding values.
FILLER_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def chinese_filler(min_size: int = 0, max_size: int = 40):
    return _st().text(alphabet=FILLER_CHARS + "，。、：；", min_size=min_size, max_size=max_size)


__all__ = [
    "ABOLISHED_REGIONS",
    "ALLOCATED_MOBILE_PREFIXES",
    "AREA_CODES",
    "COMPOUND_SURNAMES",
    "CREDIT_ALPHABET",
    "EMAIL_DOMAINS",
    "ESTATES",
    "FILLER_CHARS",
    "GAZETTEER",
    "GIVEN_CHARS",
    "MINORITY_PARTS",
    "MINORITY_SEPARATORS",
    "PERMIT_REGIONS",
    "PLATE_PROVINCES",
    "REGIONS",
    "ROADS",
    "SURNAMES",
    "UNALLOCATED_MOBILE_PREFIXES",
    "UNIONPAY_BINS",
    "VILLAGES",
    "ZERO_WIDTH",
    "address",
    "addresses",
    "bank_card",
    "bank_cards",
    "birth_date",
    "chinese_filler",
    "credit_code_valid_as_id",
    "email",
    "emails",
    "gb32100_check_char",
    "gb32100_ok",
    "group",
    "id_check_char",
    "insert_zero_width",
    "is_valid_resident_id",
    "landline",
    "luhn_check_digit",
    "luhn_ok",
    "mobile",
    "mobiles",
    "passport",
    "person_name",
    "person_names",
    "plate",
    "premasked_id",
    "premasked_mobile",
    "region_code",
    "render",
    "residence_permit_id",
    "resident_id",
    "resident_id_15",
    "resident_id_bad_checksum",
    "resident_id_bad_date",
    "resident_ids",
    "resident_ids_15",
    "rngs",
    "social_credit_code",
    "social_credit_codes",
    "to_fullwidth",
    "travel_permit",
]
