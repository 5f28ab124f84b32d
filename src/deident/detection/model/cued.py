"""Names right after a case cue (被告人, 被害人, 犯罪嫌疑人, 受害人 …) that neither the person rules
nor the model's span read whole: a rare surname the model leaves out (寻丽丽 where it reads 丽丽,
揭翠芳 where it reads 翠芳 with doubt), a name run into the next word (江岩多次, 文帅驾车,
郁丽艳宅), a clause the pre-filter kept from the model (皮敏先后来到).

After such a cue a person is named: a surname of the list, of the frequency list (占) or of
``case_surnames`` (寻), and one or two given characters. Where the name ends is decided by
evidence, never by taking the longer reading blindly, in this order:
- a word that follows names comes next where the model's span ends (寻 + the model's 丽丽 |
  发现);
- else a word that follows names comes next, whatever the model reads (武伟刚 | 多次 where it
  reads 武伟, 王国庆 | 证言 where it reads the frequent word 王国): the person rules' followers
  (江岩 | 多次, 文帅 | 驾车, 郁丽艳 | 宅) and ``case_followers`` (马婷 | 提交), the longer reading
  first as the person rules read a name after a cue, unless such a word starts at its last
  character (罗博 | 醉酒后, not 罗博醉 | 酒后);
- else the model's own span ends there (揭 + the model's 翠芳);
- the same name is written again in the text and ended there (文帅 … 文帅。).
A frequent word where the name would start is a word (被害人家中, 被告人全部退赃, 被告人占有),
unless the model reads a name starting there (``case_words``: legal words the frequency list
misses, 归案, 容留, and the words of a surname outside the lists: 寻衅, 寻机); a weak surname
(将, 向, 于) needs the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from re import Pattern
from typing import TYPE_CHECKING, Protocol

from deident.detection.model.acts import act_cues, listed_before
from deident.detection.model.words import frequent_words
from deident.detection.names.person import MINORITY, NAME_DOTS, PersonDetector
from deident.detection.names.surnames import share, surname_length
from deident.detection.spec import RecognizerSpec

if TYPE_CHECKING:
    from deident.detection.model.lac import LacModel

_MASKED = frozenset("某*＊×●○□Xx")
# A name of two to six characters introduced with its sex: 阿吉那色，男，彝族 / 扎西多吉，男。
_NOT_IN_NAME = frozenset("系是在为的了因经被将把及等曾已均其该")
# Words of one character after a name that say whose place it is (失主张芳家, 王松林户, 郁丽艳宅): a
# given name rarely ends with one.
_OWNER = frozenset("家户宅处")
_PREPOSITIONS = frozenset("向于和从与对给")
_MASKED_AFTER = re.compile(r"[0-9０-９甲乙丙丁]*[某*＊×●○□Xx]")
_HAN_DOT = re.compile(f"[\u4e00-\u9fff][{re.escape(NAME_DOTS)}][\u4e00-\u9fff]")
_CLAUSE_END = re.compile(r"[，,、：:（）()“”\"《》〈〉〔〕\[\]【】\s。；;！!？?]")
_CONTEXT = 6  # characters read after the clause (as the pre-filter sends them: `clause_context`)
_APPOSITION = re.compile(r"[\u4e00-\u9fff]{2,6}(?=[，,][男女](?:[，,。；;（(、 ]|$))")


class NerDetector(Protocol):
    """What of `deident.detection.model.ner.NerDetector` the rule reads."""

    person: PersonDetector
    words: frozenset[str]
    case_cues: Pattern[str] | None
    case_surnames: frozenset[str]
    case_followers: tuple[str, ...]
    case_words: frozenset[str]
    foreign_chars: frozenset[str]
    judge: Callable[..., float | None]
    office: Pattern[str] | None
    triggers: Pattern[str] | None
    model: LacModel
    spec: RecognizerSpec


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _surname(det: NerDetector, t: str, p: int) -> int:
    sl = surname_length(t, p)
    if sl:
        return sl
    return 1 if p < len(t) and (t[p] in det.case_surnames or share(t[p]) is not None) else 0


def _recurs(det: NerDetector, t: str, p: int, e: int) -> bool:
    """t[p:e] is written again elsewhere in the text and ended there as a name."""
    name = t[p:e]
    i = t.find(name)
    while i >= 0:
        if i != p and det.person._ends_name(t, i + len(name)):
            return True
        i = t.find(name, i + 1)
    return False


def _given_read(t: str, p: int, per: Sequence[tuple[int, int]]) -> bool:
    """A weak surname with a share of the population (向, 于, 和, 管) at `p` whose given name
    of two characters the model reads right after it (被告人向桂华与, 被告人和丽华利用, 受害人管金兰),
    after a preposition the first of them no frequent surname (被告人向王丽借款: 向 + 王丽)."""
    if share(t[p]) is None:
        return False  # 将, 把, 以: words, not surnames
    given = t[p + 1 : p + 3]
    if len(given) < 2 or given[0] == given[1] or given[0] in "小阿老大":
        return False  # 被告人向小明借款, 向阿强: a preposition before a nickname
    # a preposition (向, 于, 和, 从) takes a person: 向王丽借款 is 向 + 王丽; 管金兰 is a name
    frequent = (share(t[p + 1]) or 0) >= 0.001 and t[p] in _PREPOSITIONS
    return not frequent and any(a == p + 1 and b == p + 3 for a, b in per)


def _read(det: NerDetector, t: str, p: int) -> list[tuple[int, int]]:
    """The model's names in the clause around `p` (from the punctuation before it to the one after
    it, and `_CONTEXT` characters more), read now: its clause was not sent."""
    lo = p
    while lo > 0 and _CLAUSE_END.match(t, lo - 1) is None and p - lo < 40:
        lo -= 1
    m = _CLAUSE_END.search(t, p, p + 40)
    hi = min(len(t), (m.start() if m else p + 40) + _CONTEXT)
    (spans,) = det.model.spans([t[lo:hi]])
    return [(lo + a, lo + b) for a, b, label, *_ in spans if label == "PER"]


def _bounded(det: NerDetector, t: str, p: int, sl: int, e: int, at_start: bool) -> bool:
    """A word that follows names comes after t[p:e], and none starts at its last character."""
    if e - p == 2 and not at_start and t[p:e] in det.person.common:
        return False  # a frequent word (高明, 苏军) needs the model
    if e - p - sl == 2 and (
        t.startswith(det.person.long_followers, e - 1)
        or t.startswith(det.case_followers, e - 1)
        or (t[e - 1] in _OWNER and det.person._ends_name(t, e - 1))
    ):
        return False  # 罗博 | 醉酒后, not 罗博醉 | 酒后; 张芳 | 家, not 张芳家
    return det.person._ends_name(t, e) or t.startswith(det.case_followers, e)


def _word_after(det: NerDetector, t: str, p: int, e: int) -> bool:
    """A frequent word of two or three characters starts at `e` (仓库, 公司, 共计, 头部) and no
    word runs across `e` (坚仓, 园共, 航头): the text is cut there into words, so a name of a
    surname and given characters the lists do not join to a word ends there (被害人戴坚仓库内,
    被告人柴园园共计, 被害人车宇航头部)."""
    words = frequent_words()
    if t[p:e] in words or t[p:e] in det.words:
        return False  # 被害人车辆: a word, not a name
    if not (t[e : e + 2] in words or t[e : e + 3] in words):
        return False
    return not any(t[a : e + n] in words for a in range(max(p + 1, e - 2), e) for n in (1, 2))


def _apposition_end(det: NerDetector, t: str, p: int) -> int | None:
    """被告人阿吉那色，男，彝族: the judgment's own introduction of a person, where whatever runs
    from the cue to ``，男，`` / ``，女，`` is the name, a surname of the lists or not (Yi, Tibetan and
    other names written without a dot: 阿吉那色, 吉克石体, 扎西多吉)."""
    m = _APPOSITION.match(t, p)
    if m is None or any(c in _MASKED or c in _NOT_IN_NAME for c in m.group()):
        return None
    if t[p : p + 2] in det.words or t[p : p + 2] in det.case_words:
        return None  # 被告人系…，男: a word, not a name
    return m.end()


def _weak_read(det: NerDetector, t: str, p: int, per: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """`per` and, where the pre-filter kept the clause from the model (a weak surname inside a
    clause: 被告人于春丽到案后), the model's names in that clause read now: only where a name of
    two given characters may start there (not 被告人于当日, 被告人向王丽借款, 被告人将…)."""
    given = t[p + 1 : p + 3]
    if (
        share(t[p]) is None
        or len(given) < 2
        or not det.person._given_ok(given)
        or given in frequent_words()
        or given in det.words
        or any(a <= p + 2 and p < b for a, b in per)  # the model read the clause: it said no
    ):
        return list(per)
    return [*per, *_read(det, t, p)]


def _run_end(det: NerDetector, t: str, p: int, per: Sequence[tuple[int, int]], listed: bool) -> int | None:
    """被告人阿吉那色至…, 被告人阿吉那色、拉马日色经合谋: a name without a surname of the lists that
    the model starts at `p` (it reads 阿吉) or that follows such a name in a 、 list, run on to the
    first word that follows names, 、 or punctuation: three to six characters, none a character
    names do not hold, no frequent word inside (not 被告人阿里巴巴公司)."""
    stop = None
    for e in range(p + 1, min(len(t), p + 6) + 1):
        if (
            e >= len(t)
            or not _is_han(t[e])
            or det.person._ends_name(t, e)
            or t.startswith(det.case_followers, e)
        ):
            stop = e
            break
    if stop is None or stop - p < 3:
        return None  # two characters: the judge decides (阿宝多次)
    name = t[p:stop]
    if any(c in _NOT_IN_NAME or c in _MASKED for c in name):
        return None
    words = frequent_words()
    if any(
        name[a : a + n] in words or name[a : a + n] in det.words for a in range(len(name) - 1) for n in (2, 3)
    ):
        return None
    if listed:
        return stop
    if t[p] not in det.foreign_chars:
        return None  # 阿, 扎, 吉 …: transliterations start there
    if any(a == p for a, _ in per) or any(a == p for a, _ in _read(det, t, p)):
        return stop  # the model starts a name there
    return None


def cued_end(
    det: NerDetector,
    t: str,
    p: int,
    per: Sequence[tuple[int, int]],
    strict: bool = False,
    listed: bool = False,
) -> int | None:
    """The end of the name right after a case cue ending at `p`, or None. `strict`: after an act
    (盗窃了, 失主, 伙同): only a word that follows names or the model's own name from `p` ends it.
    `listed`: an item of a 、 list whose first item had no surname of the lists (拉马日色)."""
    sl = _surname(det, t, p)
    end = None if strict else _apposition_end(det, t, p)
    if end is not None and (not sl or (end - p > 3 and t[p] not in det.person.weak_surnames)):
        return end  # 阿吉那色，男 / 欧阳娜娜，女: the introduction names the whole run
    if not sl:
        return None if strict else _run_end(det, t, p, per, listed)
    at_start = any(a == p for a, _ in per)
    if t[p] in det.person.weak_surnames:
        if strict:
            return None
        if not (at_start or _given_read(t, p, per)):
            per = _weak_read(det, t, p, per)
            at_start = any(a == p for a, _ in per)
            if not (at_start or _given_read(t, p, per)):
                return None  # 被告人将…, 被告人于…: a word, unless the model reads a name from there
    elif t[p] in det.person.given_stop:
        return None
    if not at_start and (
        t[p : p + 2] in det.words or t[p : p + 3] in det.words or t[p : p + 2] in det.case_words
    ):
        return None  # 被害人家中, 被告人全部退赃, 被告人占有, 被告人归案后, 被告人寻衅滋事
    ends = [n for n in (2, 1) if p + sl + n <= len(t) and det.person._given_ok(t[p + sl : p + sl + n])]
    ends = [p + sl + n for n in ends if t[p : p + sl + n] not in det.person.near_miss]
    if not ends:
        return None
    # 被告人付肖某, 伙同马谢2某: masked already
    ends = [e for e in ends if _MASKED_AFTER.match(t, e) is None]
    model = {b for a, b in per if p <= a <= p + sl}
    bounded = [e for e in ends if _bounded(det, t, p, sl, e, at_start)]
    if strict:
        # after an act, the model's name from there before 、 or a comma (伙同柳芬、李惠芳), or a
        # word that follows names (农利 | 停放, 张芳 | 家); not an object (窃取了东嘎（白螺）)
        model = {b for a, b in per if a == p}
        bounded = [
            e
            for e in bounded
            if t[p:e] not in frequent_words()
            and (e < len(t) and (_is_han(t[e]) or (t[e] in "、，," and e in model)))
        ]
    for e in ends:
        if e in model and e in bounded:
            return e  # the model's span ends there, before a word that follows names (寻丽丽 | 发现)
    if bounded:
        return bounded[0]  # a word that follows names (江岩 | 多次), whatever the model reads
    # where a word starts right after it and none runs across its end (戴坚 | 仓库内)
    cut = [] if strict else [e for e in ends if _word_after(det, t, p, e)]
    for e in ends:
        if e in model and t[p:e] not in det.words and (not cut or e in cut):
            return e  # the model's span ends there (揭 + 翠芳), not before a stray character (王军 | 园头部)
    if strict:
        return None
    if cut:
        return cut[0]
    for e in ends:
        if e in model:
            return e  # the model reads a word there as a name, and nothing says otherwise
    for e in ends:
        if _recurs(det, t, p, e):
            return e  # written again and ended there
    return None


def _items(
    det: NerDetector,
    t: str,
    p: int,
    per: Sequence[tuple[int, int]],
    taken: Sequence[tuple[int, int]],
    strict: bool,
) -> list[tuple[int, int]]:
    """The name at `p` and each further item of a 、 list after it."""
    out: list[tuple[int, int]] = []
    listed = False
    while True:
        e = next((b for a, b in taken if a == p), None)  # read already: on to the next item
        if e is None:
            e = cued_end(det, t, p, per, strict, listed)
            if e is None or any(a < e and p < b for a, b in taken):
                break
            out.append((p, e))
        listed = listed or not _surname(det, t, p)
        if not t.startswith("、", e):
            break
        p = e + 1
    return out


def cued_names(
    det: NerDetector, t: str, per: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """(start, end) of each name right after a case cue (and of the names listed after it with
    、) that no finding in `taken` touches."""
    out: list[tuple[int, int]] = []
    if det.case_cues is None:
        return out
    for m in det.case_cues.finditer(t):
        out.extend(_items(det, t, m.end(), per, taken, False))
    acts = act_cues(det)
    if acts is not None:
        for m in acts.finditer(t):
            out.extend(_items(det, t, m.end(), per, [*taken, *out], True))
    out.extend(listed_before(det, t, [*taken, *out]))
    out.extend(_dotted(det, t, per, [*taken, *out]))
    return out


def _worded(det: NerDetector, t: str, i: int) -> bool:
    """A frequent word of two or three characters holds t[i]."""
    words = frequent_words()
    return any(
        t[a : a + n] in words or t[a : a + n] in det.words
        for n in (2, 3)
        for a in range(max(0, i - n + 1), i + 1)
    )


def _dotted(
    det: NerDetector, t: str, per: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Minority names written with a dot that no cue introduces, where the model reads a name on
    both sides of the dot but not the whole (买买提·艾力来电: it reads 买提·艾力; 阿依古丽·买买提反映:
    阿依古丽 and 提): the whole name, from the start the person rules give it to its follower."""
    out: list[tuple[int, int]] = []
    if not per or _HAN_DOT.search(t) is None:
        return out
    for m in MINORITY.finditer(t):
        dot = next(i for i in range(m.start(), m.end()) if t[i] in NAME_DOTS)
        if not (
            any(a < dot <= b for a, b in per) and any(a <= dot + 1 < b or dot < a < m.end() for a, b in per)
        ):
            continue  # 中国·杭州: the model reads no name on one side
        e = det.person._minority_end(t, dot, m.end())
        # the model's end, where it ends the name sooner (克里斯蒂安·安徒生 | 博物馆)
        e = min([b for a, b in per if a <= dot + 1 < b or dot < a < e] + [e])
        s = det.person.name_before(t, e)
        if s is None:
            continue
        # the model's start, moved back over at most two characters that no word holds (买|买提·艾力;
        # not 干事|彼得·皮奥, 部长|卡洛斯·阿马特, 在|阿里·萨米扬)
        first = min(a for a, b in per if a < dot <= b)
        start = first
        while (
            start > max(s, first - 2) and t[start - 1] not in _NOT_IN_NAME and not _worded(det, t, start - 1)
        ):
            start -= 1
        s = start
        if any(c in _MASKED for c in t[s:e]) or any(a < e and s < b for a, b in taken):
            continue
        if det.judge(t, max(s, first), e) is None:
            continue  # an official in office (司法部长卡洛斯·阿马特), 安徒生博物馆
        if any(s <= a and b <= e and (a, b) != (s, e) for a, b in per):
            out.append((s, e))
    return out
