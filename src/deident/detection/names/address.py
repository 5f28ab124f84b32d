"""Home addresses (`CN_ADDRESS`): administrative divisions from the gazetteer, then the
address grammar (road + number, estate, building, unit, room, village, group).

Two ways in:
- an *anchor*: a road / estate / village keyword followed by numbered parts (路18号,
  小区3栋2单元501室, 村3组). The division chain and the road or estate name before it are parsed
  backwards from the anchor, so the finding covers the whole address;
- a private *cue* (家住, 户籍地 …) followed by divisions down to a village (家住某镇某村), which
  has no number at all.

Whether an address is *private* is a matter of context: a cue such as 家庭住址 makes it
personal data; an agency's own address (办公地址, 单位地址, a letterhead with 邮编) is public
and not reported. Without either, only dwellings (a room, unit or village group) are reported,
at a lower score.

`Finding.attributes["levels"]` maps each administrative level present to the offset (relative to
the finding's start) where it ends, so masking can keep the prefix down to a policy level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from deident.config import ScanConfig
from deident.detection.context import alternation, option_words
from deident.detection.names.cells import address_cells
from deident.detection.names.gazetteer import Gazetteer, load_gazetteer
from deident.detection.names.scenes import in_name, name_floor, scene_context, with_unkeyed
from deident.detection.numbers.normalise import is_masked_value
from deident.detection.spanset import SpanSet
from deident.detection.spec import RecognizerSpec
from deident.model import Explanation, Finding

_HAN = "\u4e00-\u9fff"
_NUM = "[0-9一二三四五六七八九十百千零〇两]+"
# One numbered part of an address: 18号, 3栋, 2单元, 501室, 3组, 3-2-501, A座, 附1号 …
_UNIT = (
    rf"(?:{_NUM}(?:[-－—]{_NUM})*(?:号楼|号院|号房|号商铺|号铺面|号门面|号档口|号铺|号|栋|幢|座|单元|室|房|户|层|楼|组|队|社(?!区)|期|排|弄"
    rf"|商铺|铺面|门面|档口|档|[门梯](?=[0-9]))"
    # Building-unit-room written with dashes and no words (西溪华东园7-6-1046, 春江景园91-1846).
    rf"|{_NUM}(?:[-－—]{_NUM}){{1,3}}(?![0-9])"
    # A room number written bare after the unit or the building (8栋2单元604, 3幢1203).
    rf"|(?<=[元栋幢])[0-9]{{3,5}}(?![0-9])"
    rf"|[A-Za-z][0-9]*(?:栋|座|幢|区|单元)|附{_NUM}号|之{_NUM}号?|[-－]{_NUM}(?:室|号|房)?)"
)
_ESTATE = (
    "(?:小区|花园|花苑|家园|嘉园|公寓|大厦|新村|山庄|宿舍楼|宿舍|住宅楼|居民楼|出租屋|出租房|名苑|雅苑|华庭|豪庭"
    "|苑|府|公馆|园|庭|城|湾|居)"
)
# Road keywords that may be followed by an estate name (解放路阳光小区3栋), with a direction or
# section after them (人民大道中, 解放路东段, 建设路二段). 道 (街道, 渠道) and 里 (这里) are so frequent
# in prose that only a number right after them makes an anchor.
_ROAD = "(?:(?:大道|大街|路|街)(?:[东南西北中](?:段|路)?|[一二三四五六七八九十]段)?|巷|弄|胡同)"
_VILLAGE = "(?:村|社区|屯|寨)"
# Characters that never belong to a place name in running text: they end the look-back.
_STOP = "的在于为是到至和与及从由向将把被对等了着过住址称系即经、"
# After a chain of divisions only these end a road name (和平巷, 向阳路 are names).
_CHAIN_STOP = "的是住址、"
_NAME_CHAR = rf"(?:(?![{_STOP}])[{_HAN}])"
# An estate after the road number must itself be followed by a numbered part or end the text
# run, or the lazy name would stop at the first estate-like character (金城小区 → 金城).
_ESTATE_PART = rf"{_NAME_CHAR}{{1,10}}?{_ESTATE}(?:(?:{_UNIT})+|(?![{_HAN}]))"
# An anchor is a keyword directly followed by a numbered part (路18号, 小区3栋, 村3组). Python's
# regex engine does not skip ahead on an alternation, so candidates are found by the keyword's
# last character followed by a number (a character class: fast), and the keyword is read back
# from there. A road followed by an estate name (解放路阳光小区3栋) anchors at the estate; the
# look-back reads the road as part of the name.
_KEYWORD = rf"{_ROAD}|{_VILLAGE}|里|道|村民委员会|村委会|{_ESTATE}|组|队"
_KEYWORD_RX = re.compile(rf"(?:{_KEYWORD})")
_NUMBER_START = "0-9一二三四五六七八九十百千零〇两A-Za-z附之\\-－"
_CANDIDATE = re.compile(
    "[" + "".join(sorted({c for c in re.sub(r"[^\u4e00-\u9fff]", "", _KEYWORD)})) + f"](?=[{_NUMBER_START}])"
)
_TAIL = re.compile(rf"(?:{_UNIT})+(?:{_ESTATE_PART})?")
_MAX_KEYWORD = 6

# Kinds of anchor that make an address a dwelling even without a cue.
_DWELLING = re.compile(
    r"室|单元|户|房|[幢栋][0-9一二三四五六七八九十]+号|[幢栋][0-9]{3,5}|[0-9一二三四五六七八九十]+[组队社](?![区会])|[0-9]+[-－—][0-9]+[-－—][0-9]+|商铺|门面|档口"
    # A numbered building of a residential estate (锦都嘉园210号楼, 五一小区1栋).
    r"|(?:小区|花园|家园|嘉园|新村|山庄|公寓|宿舍)[0-9一二三四五六七八九十]+(?:号楼|号院|幢|栋)"
    # A room numbered in a building (红旗片区649号楼831号).
    r"|号楼[0-9]+号"
)
# A dwelling named right after the address, in a judgment's or a report's narrative: …59号民房楼下,
# …262号27楼出租屋, …264号李某某家楼下, …973号即被害人潘某某家中, …347号体育路畅小区住宅楼下.
_DWELLING_AFTER = re.compile(
    r"(?:[即系为]?[\u4e00-\u9fff]{0,8}?家(?:中|里|楼下|门口|院)|[\u4e00-\u9fff]{0,8}?"
    r"(?:民房|出租屋|出租房|租住房|住处|住所|住宅|居民楼|宿舍|寝室))"
)
_NUMBERED = re.compile(r"[0-9一二三四五六七八九十]+(?:号|室|栋|幢|单元|组|队|房)")
# Narrative that places a home: 在其位于…的家中, 其位于…的住处 (位于 alone is an agency's cue).
_HOMES = "家中|家里|住处|住所|住宅|居所|出租屋|租住房"
_HOME_AFTER = re.compile(rf"的?(?:{_HOMES}|宿舍)")
_CELL_REST = re.compile(rf"[{_HAN}0-9A-Za-z\-－—#]+")
_WHOSE = r"(?:其|他|她|我|被告人|被害人|嫌疑人|本人)(?:家|本人)?(?:位于|坐落于|座落于|住在|在)"
_HOME_NARRATIVE = re.compile(
    rf"(?:{_WHOSE}|位于)([^，,。；;、\n\t（(]{{3,50}}?[0-9号室房栋幢楼组队元])(?:的[^，,。；;、\n\t]{{0,8}}?)?"
    rf"(?:{_HOMES}|宿舍)"
    rf"|{_WHOSE}([^，,。；;、\n\t（(]{{4,50}}?)(?:{_HOMES})"
)
_PERSON_NEAR = re.compile(
    r"被告人|被害人|失主|当事人|嫌疑人|申请人|户主|业主|租户|某某|某[甲乙丙丁]|[其他她我]家|家中|家里"
)
_HOME_BEFORE = re.compile(r"(?:其|他|她|我|被告人|被害人|嫌疑人|家)(?:家)?(?:位于|坐落于|在)$")
_TOWNSHIP = re.compile(rf"[{_HAN}]{{1,6}}?(?:街道办事处|街道|镇|乡)")
_VILLAGE_TAIL = re.compile(rf"{_NAME_CHAR}{{1,6}}?(?:村|社区|屯|寨)(?![民委])(?:{_UNIT})*")
# A form field's value: to the end of its line or sentence, at most 60 characters, and with a
# number or a place keyword in it (住址：不详 is no address).
_FIELD = re.compile(r"[^。；;，,\n\r\t]{4,60}(?=[。；;，,\n\r\t]|$)")
_FIELD_OK = re.compile(rf"[0-9]|{_KEYWORD}|镇|乡|街道|县|区")
# What a field cut by a line break continues with on the next line (a PDF's text read line by
# line: 家庭住址：广东省深圳市南山区 / 南头街道****).
_WRAPPED = re.compile(r"[\r\n]{1,2}[ \u3000]*[^。；;，,\n\r\t]{1,60}")
_BREAK = re.compile(r"[。；;！!？?\n\r]")
_MAX_NAME = 10  # road / estate / village name before its keyword
_LOOKBACK = 40


_words = option_words
_alternation = alternation


def _masked_field(folded: str, m: re.Match[str]) -> bool:
    """The field is masked already, on its line or, when a line break cuts it, on the next line
    where its masked rest stands: the administrative prefix a policy keeps is no address alone."""
    if is_masked_value(m.group()):
        return True
    rest = _WRAPPED.match(folded, m.end())
    return rest is not None and is_masked_value(rest.group())


class AddressDetector:
    def __init__(self, spec: RecognizerSpec, config: ScanConfig) -> None:
        self.spec = spec
        self.config = config
        opts = spec.options
        self.gazetteer: Gazetteer = load_gazetteer()
        self.window = int(opts.get("window", 20))
        self.private = _alternation(_words(opts, "private_cues"))
        self.neutral = _alternation(_words(opts, "neutral_cues"))
        self.public = _alternation(_words(opts, "public_cues"))
        self.agency = _alternation(_words(opts, "agency_words"))
        self.letterhead = _alternation(_words(opts, "letterhead_after"))
        # Cues that start a village-only address (家住某镇某村): no number to anchor on.
        self.lead = _alternation(_words(opts, "lead_cues"))
        scores = opts.get("scores", {})
        self.cue_score = float(scores.get("cue", 0.85))
        self.dwelling_score = float(scores.get("dwelling", 0.6))
        self.neutral_score = float(scores.get("neutral", 0.55))
        self.bare_score = float(scores.get("bare", 0.35))

    # --- the address itself ------------------------------------------------------------

    def _head(self, text: str, k: int) -> tuple[int, dict[str, int]]:
        """Where the address that has its keyword at `k` starts, and its level ends (absolute)."""
        lo = max(0, k - _LOOKBACK)
        seg = lo
        for i in range(k - 1, lo - 1, -1):
            c = text[i]
            if not ("\u4e00" <= c <= "\u9fff"):
                seg = i + 1
                break
        gaz = self.gazetteer
        # The leftmost division name from which a chain runs up to a plausible name.
        for p in range(seg, k):
            if gaz.match_at(text, p) is None:
                continue
            end, levels = gaz.chain_at(text, p, k - 1)  # k-1: the name keeps at least one char
            if not levels:
                continue
            end, levels = self._township(text, end, k, levels)
            if k - end <= _MAX_NAME and not any(c in _CHAIN_STOP for c in text[end:k]):
                return p, levels
        # No division: the name runs back to the last stop character, at most _MAX_NAME long.
        start = max(seg, k - _MAX_NAME)
        for i in range(k - 1, start - 1, -1):
            if text[i] in _STOP and not in_name(text, i):
                start = i + 1
                break
        start = max(start, name_floor(text, start, k))  # …开锁进入蔚蓝天成国际公馆B座
        end, levels = self._township(text, start, k, {})
        return start, levels

    def _township(
        self, text: str, pos: int, limit: int, levels: dict[str, int]
    ) -> tuple[int, dict[str, int]]:
        """A 镇/乡/街道 not in the gazetteer (new or renamed), right after the divisions."""
        if "township" in levels:
            return pos, levels
        m = _TOWNSHIP.match(text, pos, limit)
        if m is not None and m.end() < limit and (levels or m.end() - pos <= 6):
            levels = {**levels, "township": m.end()}
            return m.end(), levels
        return pos, levels

    def _forward(self, text: str, pos: int) -> tuple[int, dict[str, int]] | None:
        """After a lead cue: divisions, then a village (家住某县某镇某村3组)."""
        end, levels = self.gazetteer.chain_at(text, pos, min(len(text), pos + _LOOKBACK))
        end, levels = self._township(text, end, min(len(text), end + 12), levels)
        m = _VILLAGE_TAIL.match(text, end)
        if m is None or not levels:
            return None
        return m.end(), levels

    # --- context -----------------------------------------------------------------------

    def _context(self, folded: str, start: int, end: int) -> tuple[str, str | None]:
        """("private" | "public" | "none", the deciding word). The nearest cue wins."""
        lo = max(0, start - self.window)
        for brk in _BREAK.finditer(folded, lo, start):
            lo = brk.end()
        best: tuple[int, str, str] | None = None
        for kind, rx in (("private", self.private), ("public", self.public), ("neutral", self.neutral)):
            if rx is None:
                continue
            for m in rx.finditer(folded, lo, start):
                if best is None or m.end() > best[0] or (m.end() == best[0] and kind == "private"):
                    best = (m.end(), kind, m.group())
        if _HOME_AFTER.match(folded, end) and _HOME_BEFORE.search(folded, max(0, start - 6), start):
            return "private", "家中"
        home = _DWELLING_AFTER.match(folded, end)
        if (
            home is not None
            and (best is None or best[1] != "public" or best[0] < start - 2)
            and _NUMBERED.search(folded, start, end)  # 宿舍二楼 is a floor, not an address
        ):
            return "private", home.group()[-2:]
        scene = scene_context(folded, start, end, None if best is None else best[:2])
        if scene is not None:
            return scene
        after = self.letterhead is not None and self.letterhead.search(
            folded, end, min(len(folded), end + 12)
        )
        if after and (best is None or best[1] != "private"):
            return "public", "letterhead"
        # "，男，住广东省…": a bare 住 right before the address (as a word on its own it is in
        # 住房, 住建局 …, so it is only a cue when adjacent).
        if folded[max(0, start - 2) : start].rstrip("：:在于").endswith("住"):
            return "private", "住"
        if best is None:
            return "none", None
        _, kind, word = best
        if kind == "neutral":
            # 地址 / 联系地址: an agency's when the agency names itself just before the cue.
            cue_at = folded.rfind(word, lo, start)
            if self.agency is not None and self.agency.search(folded, max(0, cue_at - 8), cue_at):
                return "public", word
            return "neutral", word
        return kind, word

    @staticmethod
    def _alone(folded: str, start: int, end: int) -> bool:
        """folded[start:end] fills its text or its tab-separated cell (a table cell, a form
        field), give or take white space."""
        i = start
        while i > 0 and folded[i - 1] in " \u3000":
            i -= 1
        j = end
        while j < len(folded) and folded[j] in " \u3000\r":
            j += 1
        before = "" if i == 0 else folded[i - 1]
        after = "" if j == len(folded) else folded[j]
        if before not in ("", "\t", "\n") or after not in ("", "\t", "\n"):
            return False
        # A whole text (a cell handed over alone) or a tab-separated cell; a line of its own in
        # running text is more often an agency's footer than a person's address.
        return "\t" in (before, after) or (before == "" and after == "")

    # --- detection -----------------------------------------------------------------------

    def _finding(
        self, text: str, folded: str, start: int, end: int, levels: dict[str, int], rule: str
    ) -> Finding | None:
        kind, word = self._context(folded, start, end)
        if kind == "public":
            return None
        if kind == "private":
            score = self.cue_score
        elif kind == "neutral":
            score = max(
                self.neutral_score, self.dwelling_score if _DWELLING.search(folded, start, end) else 0.0
            )
        elif _DWELLING.search(folded, start, end):
            score = self.dwelling_score
        elif self._alone(folded, start, end):
            # A full address alone in its text (a table cell, a form field): private more often
            # than not, and an agency's address table is headed 办公地址 / 地址 anyway.
            score = self.neutral_score
        else:
            score = self.bare_score
        rel = {lv: e - start for lv, e in levels.items() if start < e <= end}
        return Finding(
            entity_type=self.spec.entity,
            start=start,
            end=end,
            text=text[start:end],
            score=score,
            recognizer=self.spec.id,
            explanation=Explanation(
                recognizer=self.spec.id,
                pattern=rule,
                base_score=score,
                context_word=word if kind in ("private", "neutral") else None,
                notes=tuple(f"{lv} level" for lv in rel),
            ),
            attributes={"levels": rel},
        )

    @staticmethod
    def _anchors(folded: str) -> Iterable[tuple[str, int, int]]:
        """(keyword, keyword start, end of the numbered parts) of every anchor, left to right."""
        last = 0
        for c in _CANDIDATE.finditer(folded):
            p = c.end()  # first character after the keyword
            if p <= last:
                continue
            k = next(
                (
                    p - n
                    for n in range(min(_MAX_KEYWORD, p), 0, -1)
                    if _KEYWORD_RX.fullmatch(folded, p - n, p)
                ),
                None,
            )
            if k is None:
                continue
            m = _TAIL.match(folded, p)
            if m is None:
                continue
            last = m.end()
            yield folded[k:p], k, m.end()

    def _label_fill(self, text: str, folded: str, found: list[Finding], taken: SpanSet) -> None:
        """A form field 家庭住址：… holds an address to its end, as the person wrote it (estates
        without a road, shop names, 电联 notes): the whole field is reported, replacing the
        anchored parts inside it."""
        if self.lead is None:
            return
        for c in self.lead.finditer(folded):
            pos = c.end()
            if pos >= len(folded) or folded[pos] not in "：:":
                continue
            pos += 1
            while pos < len(folded) and folded[pos] in " \u3000":
                pos += 1
            m = _FIELD.match(folded, pos)
            if m is None or not _FIELD_OK.search(m.group()) or _masked_field(folded, m):
                continue  # no address, or one masked already (浙江省杭州市西湖区****)
            end = m.end()
            while end > pos and folded[end - 1] in " \u3000，,":
                end -= 1
            if end - pos < 4:
                continue
            inside = [f for f in found if pos <= f.start and f.end <= end]
            if any(f.start == pos and f.end == end for f in inside):
                continue  # the anchor already reads the whole field
            if any(
                taken.overlaps(f.start, f.end)
                for f in found
                if f not in inside and pos < f.end and f.start < end
            ):
                continue
            for f in inside:
                found.remove(f)
            _, levels = self.gazetteer.chain_at(folded, pos, end)
            f = self._finding(text, folded, pos, end, levels, "form field")
            if f is not None:
                taken.add(pos, end)
                found.append(f)

    def _cells(self, text: str, folded: str, found: list[Finding], taken: SpanSet) -> None:
        """A text or a tab-separated cell that holds an address and nothing else
        (`cells.address_cells`) and that no anchor reads with a context word: the whole cell is
        reported, as an address alone in its cell is (`_alone`), replacing the parts an anchor
        read inside it."""
        for pos, end in address_cells(folded):
            inside = [f for f in found if pos <= f.start and f.end <= end]
            if any(f.explanation.context_word for f in inside):
                continue  # the address is read already, with what its context says (住…)
            if any(f not in inside and pos < f.end and f.start < end for f in found):
                continue
            for f in inside:
                found.remove(f)
            _, levels = self.gazetteer.chain_at(folded, pos, end)
            f = self._finding(text, folded, pos, end, levels, "address cell")
            if f is not None:
                taken.add(pos, end)
                found.append(f)

    def _home_in_narrative(self, text: str, folded: str, found: list[Finding], taken: SpanSet) -> None:
        """在其位于…的家中: the words between are the home's address, whole, however they are
        written (a judgment's incident scene, a penalty decision's place of storage)."""
        for m in _HOME_NARRATIVE.finditer(folded):
            group = 1 if m.group(1) is not None else 2
            pos, end = m.span(group)
            if not _FIELD_OK.search(m.group(group)) or is_masked_value(m.group(group)):
                continue
            if group == 1 and not _PERSON_NEAR.search(folded, max(0, m.start() - 12), m.end()):
                continue  # 项目位于…的职工宿舍: a bare 位于 needs a person whose home it is
            inside = [f for f in found if pos <= f.start and f.end <= end]
            if any(
                taken.overlaps(f.start, f.end)
                for f in found
                if f not in inside and pos < f.end and f.start < end
            ):
                continue
            for f in inside:
                found.remove(f)
            _, levels = self.gazetteer.chain_at(folded, pos, end)
            rel = {lv: e - pos for lv, e in levels.items() if pos < e <= end}
            taken.add(pos, end)
            found.append(
                Finding(
                    entity_type=self.spec.entity,
                    start=pos,
                    end=end,
                    text=text[pos:end],
                    score=self.cue_score,
                    recognizer=self.spec.id,
                    explanation=Explanation(
                        recognizer=self.spec.id,
                        pattern="home in narrative",
                        base_score=self.cue_score,
                        context_word="家中",
                        notes=tuple(f"{lv} level" for lv in rel),
                    ),
                    attributes={"levels": rel},
                )
            )

    def detect(self, text: str, folded: str) -> Iterable[Finding]:
        found: list[Finding] = []
        spans: list[tuple[int, int, dict[str, int]]] = []
        for kw, k, tail in with_unkeyed(folded, list(self._anchors(folded))):
            start, levels = self._head(folded, k)
            if spans and start <= spans[-1][1]:
                # The name of this part runs back into the previous address: one address
                # (…路5号金城 + 小区3栋…).
                prev_start, _, prev_levels = spans[-1]
                spans[-1] = (prev_start, tail, prev_levels)
                continue
            if k - start < 1 and kw in ("组", "队"):
                continue  # a bare "3组" is a working group, not an address
            spans.append((start, tail, levels))
        if len(spans) == 1:
            # An address alone in its text (a cell, a field) runs to the text's end when what
            # follows is short and unbroken: 美都广场C座1391, 逸天广场52幢413, 五楼服务台.
            start, end, levels = spans[0]
            rest = folded[end:].rstrip()
            if 0 < len(rest) <= 20 and _CELL_REST.fullmatch(rest) and not folded[:start].strip(" \u3000"):
                spans[0] = (start, end + len(rest), levels)
        taken = SpanSet()
        for start, end, levels in spans:
            taken.add(start, end)
            f = self._finding(text, folded, start, end, levels, "anchor")
            if f is not None:
                found.append(f)
        self._label_fill(text, folded, found, taken)
        self._home_in_narrative(text, folded, found, taken)
        self._cells(text, folded, found, taken)
        if self.lead is not None:
            for c in self.lead.finditer(folded):
                pos = c.end()
                while pos < len(folded) and folded[pos] in "：:为在于 ":
                    pos += 1
                if taken.overlaps(pos, pos + 1):
                    continue
                hit = self._forward(folded, pos)
                if hit is None:
                    continue
                end, levels = hit
                if taken.overlaps(pos, end):
                    continue
                taken.add(pos, end)
                f = self._finding(text, folded, pos, end, levels, "cue + village")
                if f is not None:
                    found.append(f)
        return found
