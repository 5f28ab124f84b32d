"""Builders of real .docx/.xlsx packages with personal data in each hidden place.

Documents are written as raw OOXML (not through python-docx/openpyxl) so that every place is
exactly where Word/Excel/WPS put it: split runs, headers of each kind, tracked deletions, text
boxes stored twice, chart and pivot caches … Each `*_case` function returns the package bytes
and the personal values it hides, so tests can look for every one of them in the masked copy.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field

from tests.factories import pii

RNG = random.Random(20241122)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
X = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_W = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CT_X = "application/vnd.openxmlformats-officedocument.spreadsheetml"

W_DECL = (
    f'xmlns:w="{W}" xmlns:r="{R}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'mc:Ignorable="wps"'
)
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# A 1x1 transparent PNG: alt-text tests need a real picture part.
PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8ff"
    "ff3f0005fe02fea7a6a0c60000000049454e44ae426082"
)


def ids(n: int = 1) -> list[str]:
    return [pii.resident_id(RNG) for _ in range(n)]


def mobiles(n: int = 1) -> list[str]:
    return [pii.mobile(RNG) for _ in range(n)]


def run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


@dataclass
class Docx:
    """A .docx package under construction: body paragraphs plus any extra part."""

    body: list[str] = field(default_factory=list)
    sect: str = ""  # extra children of w:sectPr (header/footer references, w:titlePg)
    parts: dict[str, bytes] = field(default_factory=dict)
    doc_rels: list[tuple[str, str, str, bool]] = field(default_factory=list)  # id, type, target, external
    overrides: dict[str, str] = field(default_factory=dict)  # part -> content type
    defaults: dict[str, str] = field(default_factory=dict)  # extension -> content type
    root_rels: list[tuple[str, str, str]] = field(default_factory=list)

    def add_part(self, name: str, xml: str, content_type: str | None, rel_type: str | None = None) -> str:
        self.parts[name] = (XML_HEAD + xml).encode()
        if content_type:
            self.overrides[name] = content_type
        rid = f"rId{100 + len(self.doc_rels)}"
        if rel_type:
            self.doc_rels.append((rid, f"{RT}/{rel_type}", name.removeprefix("word/"), False))
        return rid

    def to_bytes(self) -> bytes:
        body = "".join(self.body) + f"<w:sectPr>{self.sect}</w:sectPr>"
        doc = f"<w:document {W_DECL}><w:body>{body}</w:body></w:document>"
        overrides = {"word/document.xml": f"{CT_W}.document.main+xml", **self.overrides}
        defaults = {
            "rels": "application/vnd.openxmlformats-package.relationships+xml",
            "xml": "application/xml",
            **self.defaults,
        }
        root_rels = [("rId1", f"{RT}/officeDocument", "word/document.xml"), *self.root_rels]
        return _zip(
            {
                "[Content_Types].xml": _content_types(defaults, overrides),
                "_rels/.rels": _rels([(i, t, tg, False) for i, t, tg in root_rels]),
                "word/document.xml": (XML_HEAD + doc).encode(),
                "word/_rels/document.xml.rels": _rels(self.doc_rels),
                **self.parts,
            }
        )


def _content_types(defaults: dict[str, str], overrides: dict[str, str]) -> bytes:
    items = "".join(f'<Default Extension="{e}" ContentType="{c}"/>' for e, c in defaults.items())
    items += "".join(f'<Override PartName="/{p}" ContentType="{c}"/>' for p, c in overrides.items())
    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    return (XML_HEAD + f'<Types xmlns="{ns}">{items}</Types>').encode()


def _rels(rels: list[tuple[str, str, str, bool]]) -> bytes:
    external = ' TargetMode="External"'
    items = "".join(
        f'<Relationship Id="{i}" Type="{t}" Target="{tg}"{external if ext else ""}/>'
        for i, t, tg, ext in rels
    )
    return (XML_HEAD + f'<Relationships xmlns="{PR}">{items}</Relationships>').encode()


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _story(kind: str, inner: str) -> str:
    return f"<w:{kind} {W_DECL}>{inner}</w:{kind}>"


# --------------------------------------------------------------------------- DOCX cases
# Each returns (package bytes, personal values that must not survive masking).


def docx_split_runs() -> tuple[bytes, list[str]]:
    (rid,) = ids()
    d = Docx()
    # Spell check and revisions cut numbers anywhere: three runs, the middle one bold.
    d.body.append(para(run("申请人身份证号码："), run(rid[:5]), run(rid[5:12], bold=True), run(rid[12:])))
    return d.to_bytes(), [rid]


def docx_headers_footers() -> tuple[bytes, list[str]]:
    phones = mobiles(4)
    d = Docx()
    d.body.append(para(run("正文")))
    refs = ""
    for i, kind in enumerate(("default", "first", "even")):
        rid = d.add_part(
            f"word/header{i + 1}.xml",
            _story("hdr", para(run(f"联系人手机：{phones[i]}"))),
            f"{CT_W}.header+xml",
            "header",
        )
        refs += f'<w:headerReference w:type="{kind}" r:id="{rid}"/>'
    rid = d.add_part(
        "word/footer1.xml", _story("ftr", para(run(f"电话{phones[3]}"))), f"{CT_W}.footer+xml", "footer"
    )
    d.sect = refs + f'<w:footerReference w:type="default" r:id="{rid}"/><w:titlePg/>'
    return d.to_bytes(), phones


def docx_notes() -> tuple[bytes, list[str]]:
    foot, end = ids(2)
    d = Docx()
    d.body.append(
        para(
            run("见脚注"),
            '<w:r><w:footnoteReference w:id="1"/></w:r>',
            '<w:r><w:endnoteReference w:id="1"/></w:r>',
        )
    )
    d.add_part(
        "word/footnotes.xml",
        _story("footnotes", f'<w:footnote w:id="1">{para(run("身份证号" + foot))}</w:footnote>'),
        f"{CT_W}.footnotes+xml",
        "footnotes",
    )
    d.add_part(
        "word/endnotes.xml",
        _story("endnotes", f'<w:endnote w:id="1">{para(run("身份证号" + end))}</w:endnote>'),
        f"{CT_W}.endnotes+xml",
        "endnotes",
    )
    return d.to_bytes(), [foot, end]


def docx_comments() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    d = Docx()
    d.body.append(
        para(
            '<w:commentRangeStart w:id="0"/>',
            run("被批注的文字"),
            '<w:commentRangeEnd w:id="0"/>',
            '<w:r><w:commentReference w:id="0"/></w:r>',
        )
    )
    comment = (
        f'<w:comment w:id="0" w:author="审核员" w:initials="SH">{para(run("请核实手机" + phone))}</w:comment>'
    )
    d.add_part("word/comments.xml", _story("comments", comment), f"{CT_W}.comments+xml", "comments")
    return d.to_bytes(), [phone]


def docx_tracked_changes() -> tuple[bytes, list[str]]:
    old, new = ids(2)
    d = Docx()
    # The old number was deleted with track changes on: it is still in the file as w:delText.
    d.body.append(
        para(
            run("身份证号："),
            f'<w:del w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>{old[:9]}</w:delText></w:r>'
            f"<w:r><w:rPr><w:b/></w:rPr><w:delText>{old[9:]}</w:delText></w:r></w:del>",
            f'<w:ins w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z">{run(new)}</w:ins>',
        )
    )
    return d.to_bytes(), [old, new]


def docx_text_box() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    box = para(run("联系电话：" + phone))
    d = Docx()
    # Word stores a text box twice: the DrawingML choice and the VML fallback.
    d.body.append(
        para(
            '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
            'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            '<wp:extent cx="1828800" cy="457200"/><wp:wrapNone/><wp:docPr id="1" name="文本框 1"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"<wps:wsp><wps:spPr/><wps:txbx><w:txbxContent>{box}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
            "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
            f'<mc:Fallback><w:pict><v:shape style="width:144pt;height:36pt"><v:textbox><w:txbxContent>{box}'
            "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    return d.to_bytes(), [phone]


def docx_content_control() -> tuple[bytes, list[str]]:
    (rid,) = ids()
    d = Docx()
    d.body.append(
        '<w:sdt><w:sdtPr><w:alias w:val="身份证号"/><w:tag w:val="idcard"/></w:sdtPr>'
        f"<w:sdtContent>{para(run('身份证号码'), run(rid))}</w:sdtContent></w:sdt>"
    )
    return d.to_bytes(), [rid]


def docx_fields() -> tuple[bytes, list[str]]:
    mail, mail2 = "zhangsan1990@qq.com", "lisi.gz@163.com"
    d = Docx()
    d.body.append(
        para(
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r><w:instrText xml:space="preserve"> HYPERLINK "mailto:{mail}" </w:instrText></w:r>',
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
            run("发邮件"),
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        )
    )
    d.body.append(
        para(f'<w:fldSimple w:instr=" HYPERLINK &quot;mailto:{mail2}&quot; ">{run("联系")}</w:fldSimple>')
    )
    return d.to_bytes(), [mail, mail2]


def docx_hyperlinks() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    mail = "wangwu88@126.com"
    d = Docx()
    d.doc_rels.append(("rIdTel", f"{RT}/hyperlink", f"tel:{phone}", True))
    d.doc_rels.append(("rIdMail", f"{RT}/hyperlink", f"mailto:{mail}", True))
    d.body.append(
        para(
            f'<w:hyperlink r:id="rIdTel">{run("拨打电话")}</w:hyperlink>',
            f'<w:hyperlink r:id="rIdMail">{run("写信")}</w:hyperlink>',
        )
    )
    return d.to_bytes(), [phone, mail]


def docx_alt_text() -> tuple[bytes, list[str]]:
    (rid,) = ids()
    d = Docx()
    d.parts["word/media/image1.png"] = PNG_1x1
    d.defaults["png"] = "image/png"
    d.doc_rels.append(("rIdImg", f"{RT}/image", "media/image1.png", False))
    d.body.append(
        para(
            '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="952500" cy="952500"/>'
            f'<wp:docPr id="1" name="图片 1" descr="身份证复印件 {rid}"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="image1.png" descr="{rid}"/><pic:cNvPicPr/></pic:nvPicPr>'
            '<pic:blipFill><a:blip r:embed="rIdImg"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )
    )
    return d.to_bytes(), [rid]


def docx_properties() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    (rid,) = ids()
    mail = "author.home@qq.com"
    d = Docx()
    d.body.append(para(run("正文")))
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    d.add_part(
        "docProps/core.xml",
        f'<cp:coreProperties xmlns:cp="{cp}" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>材料</dc:title><dc:creator>{mail}</dc:creator><cp:lastModifiedBy>手机{phone}</cp:lastModifiedBy>"
        "</cp:coreProperties>",
        "application/vnd.openxmlformats-package.core-properties+xml",
    )
    d.root_rels.append(
        (
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        )
    )
    ep = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    d.add_part(
        "docProps/app.xml",
        f'<Properties xmlns="{ep}"><Company>联系电话{phone}</Company></Properties>',
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    )
    d.root_rels.append(("rId3", f"{RT}/extended-properties", "docProps/app.xml"))
    cu = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    d.add_part(
        "docProps/custom.xml",
        f'<Properties xmlns="{cu}" xmlns:vt="{vt}"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" '
        f'pid="2" name="身份证号"><vt:lpwstr>{rid}</vt:lpwstr></property></Properties>',
        "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    )
    d.root_rels.append(("rId4", f"{RT}/custom-properties", "docProps/custom.xml"))
    return d.to_bytes(), [phone, rid, mail]


def docx_table() -> tuple[bytes, list[str]]:
    """A roster with a mistyped ID (wrong check digit) that only the column header reveals."""
    good = ids(1)[0]
    bad = pii.resident_id_bad_checksum(RNG)
    (phone,) = mobiles()

    def row(*cells: str) -> str:
        return "<w:tr>" + "".join(f"<w:tc>{para(run(c))}</w:tc>" for c in cells) + "</w:tr>"

    table = "<w:tbl>" + row("序号", "姓名", "身份证号码", "联系电话") + row("1", "张三", good, phone)
    table += row("2", "李四", bad, "无") + "</w:tbl>"
    d = Docx()
    d.body.append(table)
    return d.to_bytes(), [good, bad, phone]


DOCX_CASES = {
    "split_runs": docx_split_runs,
    "headers_footers": docx_headers_footers,
    "footnotes_endnotes": docx_notes,
    "comments": docx_comments,
    "tracked_changes": docx_tracked_changes,
    "text_box": docx_text_box,
    "content_control": docx_content_control,
    "fields": docx_fields,
    "hyperlinks": docx_hyperlinks,
    "alt_text": docx_alt_text,
    "properties": docx_properties,
    "table": docx_table,
}
