"""Names in court judgments that no case cue (被告人, 被害人 …) introduces, read by
`deident.detection.model.cued` in a text that holds a case cue:
- after an act or a role word (`act_cues` in ``recognizers/ner_model.yaml``): the thing stolen
  from a person (盗窃了农利停放的), the owner (失主张芳家, 村民组王松林户), an accomplice (伙同柳芬);
  the name there needs stronger evidence than after a case cue (`cued.cued_end`, ``strict``);
- before the note that their case is dealt with elsewhere (`（均已判决）`, `（另案处理）`), and
  every item of the 、 list it closes (柳明芳、字艳（均已判决）): such a note follows persons only.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from re import Pattern
from typing import Protocol

from deident.detection.context import alternation, option_words
from deident.detection.model.words import frequent_words
from deident.detection.names.person import PersonDetector
from deident.detection.spec import RecognizerSpec

# （均已判决） （另案处理） （已判刑） （在逃） （另行处理） （均另案处理） （已死亡） （不起诉）
_CASE_NOTE = re.compile(
    r"[（(](?:均|均已|已|另案|另行|已被|尚|均另案)?(?:判决|判刑|处理|处罚|起诉|不起诉|在逃|死亡|追究)[^（）()]{0,4}[）)]"
)
_MASKED = frozenset("某*＊×●○□Xx")
_ITEM = re.compile(r"[\u4e00-\u9fff]{2,3}$")


class NerDetector(Protocol):
    spec: RecognizerSpec
    person: PersonDetector


_ACTS: weakref.WeakKeyDictionary[object, Pattern[str] | None] = weakref.WeakKeyDictionary()


def act_cues(det: NerDetector) -> Pattern[str] | None:
    """The act and role words after which a judgment names a person (``act_cues``), per detector."""
    try:
        return _ACTS[det]
    except KeyError:
        pattern = _ACTS[det] = alternation(option_words(det.spec.options, "act_cues"))
        return pattern


def listed_before(det: NerDetector, t: str, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of the names before a case note and of the 、 list it closes, that no span in
    `taken` touches. An item without a surname of the lists (字艳) counts when 、 stands on both
    sides and another item of the list is a name."""
    out: list[tuple[int, int]] = []
    person = det.person
    words = frequent_words()
    for m in _CASE_NOTE.finditer(t):
        e = m.start()
        items: list[tuple[int, int, bool]] = []
        while True:
            s = person.name_before(t, e, strict=1)
            if s is not None and (t[s:e] in words or t[s:e] in person.common):
                s = None  # 涉案车辆（另案处理）: a word
            if any(c in _MASKED for c in t[max(0, e - 4) : e]):
                break  # 张香兰、库某某（均另案处理）: masked already
            if s is not None:
                items.append((s, e, True))
            else:
                run = _ITEM.search(t, max(0, e - 3), e)
                if run is None or run.start() == 0 or t[run.start() - 1] != "、":
                    break  # the first item of a list is a name the rules read
                items.append((run.start(), e, False))
            s = items[-1][0]
            if s == 0 or t[s - 1] != "、":
                break
            e = s - 1
        if not any(named for *_, named in items):
            continue
        for s, e, _ in items:
            if not any(a < e and s < b for a, b in (*taken, *out)):
                out.append((s, e))
    return out
