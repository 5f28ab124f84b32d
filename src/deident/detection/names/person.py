"""Names of private persons (`PERSON`) found by the context that introduces them.

A Chinese name is a surname (one character, or a compound such as 欧阳) and one or two given
characters, or a minority name written with `·`. Surname characters start thousands of
ordinary words (高度, 周末, 黄金, 应当), so a name is only looked for where the text says a
person is named:
- after a cue (当事人, 申请人, 被征收人, 联系人, 市民, 姓名：…),
- before an honorific (先生, 女士, 同志) or a sex-and-age apposition ("张三，男，1980年"),
- in table columns (the engine forces the cell; `name_span` trims a cell to the name).

The length of the name is decided by what follows it: punctuation, a digit, or a word that
follows names (反映, 因, 等, 性别 …). Officials named in appointment and leadership notices
(任命, 免去, 领导小组, 局长 …) are public and not reported unless `config.flag_officials`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from deident.config import ScanConfig
from deident.detection.context import alternation, option_words
from deident.detection.names.gazetteer import word_list
from deident.detection.names.surnames import surname_length
from deident.detection.spanset import SpanSet
from deident.detection.spec import RecognizerSpec
from deident.model import Explanation, Finding

# The separators written between the parts of a minority name (· U+00B7 is standard; the
# others come from other input methods and fonts).
NAME_DOTS = "·•・‧⋅･∙．."
MINORITY = re.compile(
    rf"[\u4e00-\u9fff]{{1,8}}[{NAME_DOTS}][\u4e00-\u9fff]{{1,10}}(?:[{NAME_DOTS}][\u4e00-\u9fff]{{1,10}})?"
)
# What ends a minority name after its dot: characters of the sentence's words, and a head count
# after a list of names (…麦麦提二人以行窃为目的); no transliteration holds them.
MINORITY_STOP = re.compile("[的在于因向被将把从到等和与及是系至了已经]|[二两三四五六七八九十几数]人")
_SEPARATORS = "：: \u3000"
_TAB_ROW = re.compile(r"[^\n]*\t[^\n]*")
_LONG_NUMBER = re.compile(r"[0-9]{7,}|[0-9]{4,}[ -][0-9]{3,}")
_PRIORITY = {
    "cue": 0,
    "apposition": 1,
    "salutation": 1,
    "alone": 1,
    "before identifier": 2,
    "table row": 2,
    "honorific": 2,
    "weak cue": 3,
}
_SALUTATION = re.compile(
    r"(?m)^[ \t\u3000]*([\u4e00-\u9fff·•・‧⋅･∙．.]{2,20}?)(?:先生|女士|同志)?[：:][ \t\u3000]*$"
)
# A resident ID, a mobile number or a bank account (16 to 19 digits), not inside a longer run of digits.
_PERSONAL_NUMBER = re.compile(
    r"(?<![0-9])(?:[1-9][0-9]{16}[0-9Xx]|1[3-9][0-9]{9}|[3-6][0-9]{15,18})(?![0-9])"
)
_INTRO_END = "，,。；;！!、 （(\n"
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_SENTENCE = re.compile(r"[。；;！!？?\n\r]")


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


@functools.cache
def common_words() -> frozenset[str]:
    """Frequent words that begin with a surname character (see scripts/build_common_words.py)."""
    return frozenset(word_list("surname_words.txt.gz"))


_words = option_words
_alternation = alternation


class PersonDetector:
    def __init__(self, spec: RecognizerSpec, config: ScanConfig) -> None:
        self.spec = spec
        self.config = config
        opts = spec.options
        self.strong = frozenset(_words(opts, "strong_cues"))
        self.weak = frozenset(_words(opts, "weak_cues"))
        self.cues = _alternation([*self.strong, *self.weak])
        self.honorifics = _alternation(_words(opts, "honorifics"))
        pattern = opts.get("honorific_pattern")
        if self.honorifics is not None and pattern:
            self.honorifics = re.compile(f"{self.honorifics.pattern}|{pattern}")
        self.official_honorifics = frozenset(_words(opts, "official_honorifics"))
        self.followers = tuple(sorted(_words(opts, "followers"), key=len, reverse=True))
        self.long_followers = tuple(w for w in self.followers if len(w) >= 2)
        self.before = frozenset("".join(_words(opts, "before_chars")))
        self.given_stop = frozenset("".join(_words(opts, "given_stop_chars")))
        # Given names of two characters that hold a stop character (史和平, 张向阳, 邓和平).
        self.given_words = frozenset(_words(opts, "given_words"))
        # Words of one character that follow names and rarely end one (车卫 | 以…为名, 张芳 | 家).
        self.last_stop = frozenset("".join(_words(opts, "given_last_stop")))
        self.near_miss = frozenset(_words(opts, "near_miss"))
        self.intro = frozenset(_words(opts, "intro_cues"))
        self.weak_surnames = frozenset("".join(_words(opts, "weak_surnames")))
        self.common = common_words()
        self.titles = frozenset(_words(opts, "titles"))
        self.officials = _alternation(_words(opts, "official_words"))
        self.identifier_cues = _alternation(_words(opts, "identifier_cues"))
        self.official_window = int(opts.get("official_window", 40))
        self.gender = re.compile(str(opts.get("apposition", r"[，,（(]\s*[男女]\s*(?:[，,、；;）)]|性|$)")))
        scores = opts.get("scores", {})
        self.scores = {
            k: float(v)
            for k, v in {
                "strong": 0.85,
                "weak": 0.75,
                "honorific": 0.8,
                "apposition": 0.85,
                "salutation": 0.8,
                **scores,
            }.items()
        }

    # --- the name itself -----------------------------------------------------------------

    def _ends_name(self, t: str, e: int) -> bool:
        if e >= len(t) or not _is_han(t[e]):
            return True
        return t.startswith(self.followers, e)

    def _given_ok(self, given: str) -> bool:
        return given in self.given_words or all(_is_han(c) and c not in self.given_stop for c in given)

    def _plausible(self, t: str, s: int, e: int, strict: int) -> bool:
        """strict 0: after a strong cue and a colon; 1: after a strong cue; 2: weak evidence."""
        name = t[s:e]
        if name[surname_length(t, s) :] in self.titles:
            return False  # 王老师, 张主任: a surname and a title name nobody
        clear_end = e >= len(t) or not _is_han(t[e]) or t.startswith(self.long_followers, e)
        if name in self.near_miss and not (strict == 0 and clear_end):
            return False  # 高度, 黎明 … unless a form field says so (申请人：黎明，)
        if strict > 0 and surname_length(t, s) == 1 and t[s] in self.weak_surnames:
            return False  # 和, 于, 管, 从 start far more words than names: only a form field says so
        if strict == 0 or surname_length(t, s) == 2:
            # Compound surnames are frequent words themselves (东方, 司马) and say nothing.
            return True
        if strict == 1 and e < len(t) and t[e] in "（(":
            # A parenthesis with the person's details closes the name right after a strong cue
            # (驾驶人苏军（驾驶证号…）; a frequent word alone there is a word (患者家属, 当事人陈述).
            return True
        # Elsewhere a frequent word is a word, even if a person may bear it (高明, 苏军).
        if name in self.common:
            return False
        # A name that begins with a word (黄金凤) is a name when a clear end follows it
        # (市民黄金凤反映); before a one-character follower it is more likely the word (…方便的).
        return clear_end or not (name[:2] in self.common or name[:3] in self.common)

    def _minority_end(self, t: str, dot: int, end: int) -> int:
        """A minority name runs on after its dot until a word that follows names (买买提·艾力来电
        → 买买提·艾力); one-character followers are too common inside such names to cut at."""
        best = end
        for w in self.followers:
            if len(w) >= 2:
                i = t.find(w, dot + 3, best)
                if i != -1:
                    best = i
        # … or a character no transliteration holds (买买提·艾力至被害人家中: 至)
        stop = MINORITY_STOP.search(t, dot + 2, best)
        return stop.start() if stop is not None else best

    def name_at(self, t: str, s: int, *, strict: int = 0) -> int | None:
        """The end of a name starting at `s`, or None."""
        m = MINORITY.match(t, s)
        if m is not None:
            dot = t.rfind(next(c for c in NAME_DOTS if c in m.group()), s, m.end())
            return self._minority_end(t, dot, m.end())
        sl = surname_length(t, s)
        if sl == 0:
            return None
        for n_given in (2, 1):
            e = s + sl + n_given
            if e > len(t) or not self._given_ok(t[s + sl : e]):
                continue
            if n_given == 2 and (
                t.startswith(self.long_followers, e - 1)
                or (t[e - 1] in self.last_stop and self._ends_name(t, e - 1))
            ):
                continue  # 罗博 | 醉酒后, 车卫 | 以到: a word that follows names starts there, not 罗博醉 | 酒后
            if self._ends_name(t, e) and self._plausible(t, s, e, strict):
                return e
        return None

    def name_before(self, t: str, e: int, *, strict: int = 2) -> int | None:
        """The start of a name ending at `e` (before an honorific or an apposition), or None."""
        m = None
        for hit in MINORITY.finditer(t, max(0, e - 20), e):
            m = hit
        if m is not None and m.end() == e:
            s = m.start()
            # The part before the dot may have swallowed the cue or word before the name.
            if self.cues is not None:
                for c in self.cues.finditer(t, s, e):
                    s = c.end()
            while s < e and t[s] in self.before:
                s += 1
            return s
        found: list[int] = []
        for length in (4, 3, 2):
            s = e - length
            if s < 0:
                continue
            sl = surname_length(t, s)
            if sl == 0 or not 1 <= length - sl <= 2 or not self._given_ok(t[s + sl : e]):
                continue
            if self._plausible(t, s, e, strict):
                found.append(s)
        if not found:
            return None
        # Prefer the longest name that starts after a boundary (punctuation, a cue, 的/向/由 …);
        # otherwise a compound surname, then the three-character reading (the most common).
        for s in found:
            if s == 0 or not _is_han(t[s - 1]) or t[s - 1] in self.before:
                return s
            if self.cues is not None and any(m.end() == s for m in self.cues.finditer(t, max(0, s - 6), s)):
                return s
        for s in found:
            if surname_length(t, s) == 2:
                return s
        return next((s for s in found if e - s == 3), found[-1])

    def at_boundary(self, t: str, s: int) -> bool:
        """A name may start at `s`: the text starts there, or punctuation, a character that ends
        the word before a name (的, 向, 由 …) or a cue comes right before it. 中国国籍，男 and
        流程优化，身份证号码 have none: 国籍 and 程优化 are the tails of words."""
        if s == 0 or t[s - 1] in self.before:
            return True
        if not _is_han(t[s - 1]):
            return not (t[s - 1].isdigit() and t[s] in "年月日号时岁")  # 1971年出生，男
        return self.cues is not None and any(m.end() == s for m in self.cues.finditer(t, max(0, s - 6), s))

    def name_span(self, cell: str) -> tuple[int, int] | None:
        """For table cells under a name column: the span of the name in `cell`, if it has one."""
        t = cell.strip()
        off = len(cell) - len(cell.lstrip())
        e = self.name_at(t, 0)
        return (off, off + e) if e is not None else None

    def _row_names(self, t: str) -> Iterable[tuple[int, int]]:
        """Cells that hold exactly a name, in tab-separated rows that also hold a long number (an
        ID, a phone, a card): a table pasted into plain text has lost its header hint."""
        for row in _TAB_ROW.finditer(t):
            if _LONG_NUMBER.search(row.group()) is None:
                continue
            pos = row.start()
            for cell in row.group().split("\t"):
                lo = pos + len(cell) - len(cell.lstrip())
                hi = pos + len(cell.rstrip())
                pos += len(cell) + 1
                if 2 <= hi - lo <= 20 and self.name_at(t, lo, strict=2) == hi:
                    yield lo, hi

    # --- context -------------------------------------------------------------------------

    def official_word(self, t: str, s: int, e: int) -> str | None:
        """The word that makes t[s:e] an official acting in office, unless flag_officials."""
        if self.config.flag_officials or self.officials is None:
            return None
        lo, hi = max(0, s - self.official_window), min(len(t), e + self.official_window)
        for brk in _SENTENCE.finditer(t, lo, s):
            lo = brk.end()
        brk = _SENTENCE.search(t, e, hi)
        if brk is not None:
            hi = brk.start()
        m = self.officials.search(t, lo, hi)
        return m.group() if m else None

    def _finding(self, text: str, s: int, e: int, rule: str, cue: str | None, score: float) -> Finding:
        return Finding(
            entity_type=self.spec.entity,
            start=s,
            end=e,
            text=text[s:e],
            score=score,
            recognizer=self.spec.id,
            explanation=Explanation(
                recognizer=self.spec.id, pattern=rule, base_score=score, context_word=cue
            ),
        )

    # --- detection -----------------------------------------------------------------------

    def detect(self, text: str, folded: str) -> Iterable[Finding]:
        t = folded
        spans: list[tuple[int, int, str, str | None, float, bool]] = []

        def add(s: int, e: int, rule: str, cue: str | None, score: float, check_official: bool) -> None:
            spans.append((s, e, rule, cue, score, check_official))

        if self.cues is not None:
            for m in self.cues.finditer(t):
                cue = m.group()
                pos = m.end()
                colon = False
                while pos < len(t) and t[pos] in _SEPARATORS:
                    colon = colon or t[pos] in "：:"
                    pos += 1
                strong = cue in self.strong
                strict = 2 if not strong else (0 if colon else 1)
                e = self.name_at(t, pos, strict=strict)
                if e is None and cue in self.intro:
                    # 我叫阿吉那色，: a self-introduction names whatever runs to the punctuation.
                    run = _HAN_RUN.match(t, pos)
                    ok = run is not None and 2 <= run.end() - pos <= 5 and t[pos] not in self.given_stop
                    e = run.end() if ok and run.end() < len(t) and t[run.end()] in _INTRO_END else None
                rule = "cue" if strong else "weak cue"
                score = self.scores["strong" if strong else "weak"]
                while e is not None:
                    add(pos, e, rule, cue, score, not strong)
                    # Enumerations: 申请人张三、李四、王五
                    nxt = e
                    # 家庭成员：谭辉佳（长子）、孙敏（配偶）: skip a short parenthesis.
                    if nxt < len(t) and t[nxt] in "（(":
                        close = t.find("）" if t[nxt] == "（" else ")", nxt, nxt + 12)
                        nxt = close + 1 if close != -1 else nxt
                    if nxt < len(t) and t[nxt] in "、和及与":
                        pos = nxt + 1
                        e = self.name_at(t, pos, strict=max(strict, 1))
                    else:
                        break
        if self.honorifics is not None:
            for m in self.honorifics.finditer(t):
                if m.end() < len(t) and t[m.end()] in "们会社":
                    continue  # 女士们、先生们; 黄埔同学会, 老人会
                s = self.name_before(t, m.start())
                if s is not None:
                    official = m.group() in self.official_honorifics
                    add(s, m.start(), "honorific", m.group(), self.scores["honorific"], official)
        # The salutation of a reply letter (政府信息公开申请答复书): a name alone on its line before a colon.
        for m in _SALUTATION.finditer(t):
            s = m.start(1)
            e = self.name_at(t, s, strict=2)
            if e == m.end(1):
                add(s, e, "salutation", None, self.scores["salutation"], True)
        # A name right before its own identifiers (王五身份证号码…, 王五（联系电话…）.
        if self.identifier_cues is not None:
            for m in self.identifier_cues.finditer(t):
                e = m.start()
                while e > 0 and t[e - 1] in "，,（( ：:的":
                    e -= 1
                s = self.name_before(t, e, strict=2)
                if s is not None and self.at_boundary(t, s):
                    add(s, e, "before identifier", m.group(), self.scores["apposition"], True)
        # A name right before an ID, a mobile or an account number (待删除：欧阳鸣玉 440106…,
        # 张三13912345678, 王小明 6222021234567890123).
        for m in _PERSONAL_NUMBER.finditer(t):
            e = m.start()
            while e > 0 and t[e - 1] in " \u3000\t：:，,":
                e -= 1
            s = self.name_before(t, e, strict=2)
            if s is not None and self.at_boundary(t, s):
                add(s, e, "before identifier", None, self.scores["apposition"], True)
        # A minority name alone in its text (a table cell whose row lost its header in a wrapped
        # PDF row: 迪丽拜尔·阿卜杜拉): the dot names a person, nothing else stands there.
        lone = MINORITY.fullmatch(t.strip())
        if lone is not None and len(t.strip()) <= 24:
            s = len(t) - len(t.lstrip())
            add(s, s + len(t.strip()), "alone", None, self.scores["salutation"], True)
        if "\t" in t:
            for s, e in self._row_names(t):
                add(s, e, "table row", None, self.scores["table_row"], True)
        for m in self.gender.finditer(t):
            s = self.name_before(t, m.start(), strict=1)
            if s is not None and self.at_boundary(t, s):
                add(
                    s,
                    m.start(),
                    "apposition",
                    t[m.start() : m.end()].strip("，,（()）、；; "),
                    self.scores["apposition"],
                    True,
                )

        # Overlapping readings: the one with the strongest evidence wins (a cue names the start
        # of the name, an apposition only its end).
        taken = SpanSet()
        out: list[Finding] = []
        for s, e, rule, cue, score, check_official in sorted(spans, key=lambda x: (_PRIORITY[x[2]], x[0])):
            if taken.overlaps(s, e):
                continue
            if check_official and self.official_word(t, s, e) is not None:
                continue
            taken.add(s, e)
            out.append(self._finding(text, s, e, rule, cue, score))
        out.extend(self._repeats(text, t, taken, out))
        out.sort(key=lambda f: f.start)
        return out

    def _repeats(self, text: str, t: str, taken: SpanSet, named: list[Finding]) -> list[Finding]:
        """Other mentions of a name found here (来电人：黄金凤 … 市民黄金凤反映): once a person is
        named, every mention of the same name is theirs, cue or not."""
        names = sorted({f.text for f in named if len(f.text) >= 2}, key=len, reverse=True)
        if not names:
            return []
        extra: list[Finding] = []
        for m in re.finditer("|".join(re.escape(n) for n in names), t):
            s, e = m.start(), m.end()
            if taken.overlaps(s, e) or not self._ends_name(t, e):
                continue
            if s > 0 and _is_han(t[s - 1]) and surname_length(t, s - 1):
                continue  # 居马永: the name may be the tail of another one
            taken.add(s, e)
            extra.append(self._finding(text, s, e, "repeat", None, self.scores["repeat"]))
        return extra
