"""A name found once in a file is masked at every recurrence in it (issue 19): in a .txt and a .docx,
the name introduced by a cue in one segment (a paragraph, a table cell, the page header), named
bare in the others, before and after the introduction (`deident.pipeline._scan_segments`)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import deident
from tests.factories.office import CT_W, Docx, _story, para, run

_GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马胡郭林罗梁宋郑谢韩唐冯董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文南门"
names = st.builds(
    lambda s, g: s + g,
    st.sampled_from(_SURNAMES),
    st.text(alphabet=_GIVEN, min_size=1, max_size=2),
)
# Bare mentions, as a reply letter or a roster's remarks write them (no cue before the name).
_BARE = ["经核实，{}家庭收入低于标准。", "{}已于3月领取补助。", "{}签字确认，材料齐全。", "附：{}的书面说明"]
_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _masked(text: str, name: str) -> int:
    """Mentions of `name` masked in place: its surname, then masking characters."""
    return len(re.findall(re.escape(name[0]) + r"[*＊]", text))


@_SETTINGS
@given(name=names, where=st.integers(min_value=0, max_value=4), bare=st.permutations(_BARE))
@example(name="南小强", where=2, bare=_BARE)  # a surname outside the old list
# named bare before its introduction (found by this property: the first line stayed 钱丽, and
# 易强* where the model read 强辉 alone)
@example(name="钱丽", where=1, bare=_BARE)
@example(name="易强辉", where=1, bare=_BARE)
def test_txt_every_recurrence_is_masked(tmp_path: Path, name: str, where: int, bare: list[str]) -> None:
    lines = [b.format(name) for b in bare]
    lines.insert(where, f"申请人：{name}")
    src = tmp_path / "答复.txt"
    src.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    deident.mask_file(src, tmp_path / "out.txt", policy="gov")
    masked = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert name not in masked
    assert _masked(masked, name) == len(lines)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]
        return "\n".join(re.sub(r"<[^>]+>", "", z.read(n).decode("utf-8")) for n in parts)


def _cell_table(*rows: tuple[str, ...]) -> str:
    cells = ("<w:tr>" + "".join(f"<w:tc>{para(run(c))}</w:tc>" for c in r) + "</w:tr>" for r in rows)
    return "<w:tbl>" + "".join(cells) + "</w:tbl>"


@_SETTINGS
@given(
    name=names,
    intro=st.sampled_from(["header", "cell", "first", "last"]),
    bare=st.permutations(_BARE),
)
def test_docx_every_recurrence_is_masked(tmp_path: Path, name: str, intro: str, bare: list[str]) -> None:
    d = Docx()
    body = [para(run(b.format(name))) for b in bare[:3]]
    mentions = 3
    if intro == "header":
        rid = d.add_part(
            "word/header1.xml", _story("hdr", para(run(f"申请人：{name}"))), f"{CT_W}.header+xml", "header"
        )
        d.sect = f'<w:headerReference w:type="default" r:id="{rid}"/>'
    elif intro == "cell":
        body.insert(1, _cell_table(("序号", "申请人", "联系电话"), ("1", name, "13912345678")))
    else:
        body.insert(0 if intro == "first" else len(body), para(run(f"申请人：{name}")))
    d.body.extend(body)
    src = tmp_path / "答复.docx"
    src.write_bytes(d.to_bytes())
    deident.mask_file(src, tmp_path / "out.docx", policy="gov")
    masked = _docx_text(tmp_path / "out.docx")
    assert name not in masked
    assert _masked(masked, name) == mentions + 1
