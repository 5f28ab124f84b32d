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
from decimal import Decimal

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


def docx_smart_tags_and_custom_xml() -> tuple[bytes, list[str]]:
    """Smart tags wrap runs; content controls bound to custom XML keep their data in
    customXml/item1.xml as well."""
    (phone,) = mobiles()
    (rid,) = ids()
    d = Docx()
    d.body.append(
        para(
            run("联系人手机"),
            f'<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="phone">'
            f'<w:smartTagPr><w:attr w:name="number" w:val="x"/></w:smartTagPr>{run(phone)}</w:smartTag>',
        )
    )
    d.parts["customXml/item1.xml"] = (
        XML_HEAD + f"<root><申请人><证件号>{rid}</证件号></申请人></root>"
    ).encode()
    return d.to_bytes(), [phone, rid]


DOCX_CASES = {
    "smart_tags_custom_xml": docx_smart_tags_and_custom_xml,
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


# --------------------------------------------------------------------------- XLSX
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
STYLES = (
    f'<styleSheet xmlns="{X}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]  # str -> shared string; ("num", v) ("inline", s) ("f", formula, cached str) None
    state: str | None = None
    tail: str = ""  # XML after sheetData (dataValidations, headerFooter …), in schema order
    rels: list[tuple[str, str, str, bool]] = field(default_factory=list)


@dataclass
class Xlsx:
    sheets: list[Sheet] = field(default_factory=list)
    sst: list[str] = field(default_factory=list)  # raw <si> inner XML
    defined_names: str = ""
    parts: dict[str, bytes] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    wb_rels: list[tuple[str, str, str, bool]] = field(default_factory=list)
    wb_tail: str = ""  # after definedNames (pivotCaches)
    defaults: dict[str, str] = field(default_factory=dict)  # extension -> content type (png …)

    _sst_index: dict[str, int] = field(default_factory=dict)

    def shared(self, text: str) -> int:
        inner = f"<t>{_esc(text)}</t>"
        if inner not in self._sst_index:
            self._sst_index[inner] = len(self.sst)
            self.sst.append(inner)
        return self._sst_index[inner]

    def add_part(self, name: str, xml: str, content_type: str) -> None:
        self.parts[name] = (XML_HEAD + xml).encode()
        self.overrides[name] = content_type

    def _cell(self, ref: str, spec: object) -> str:
        if spec is None:
            return ""
        if isinstance(spec, str):
            return f'<c r="{ref}" t="s"><v>{self.shared(spec)}</v></c>'
        kind, *args = spec  # type: ignore[misc]
        if kind == "num":
            return f'<c r="{ref}"><v>{args[0]}</v></c>'
        if kind == "inline":
            return f'<c r="{ref}" t="inlineStr"><is><t>{_esc(args[0])}</t></is></c>'
        if kind == "rich":  # a shared string with several runs
            runs = "".join(f"<r><t>{_esc(t)}</t></r>" for t in args)
            self.sst.append(runs)
            return f'<c r="{ref}" t="s"><v>{len(self.sst) - 1}</v></c>'
        if kind == "f":
            return f'<c r="{ref}" t="str"><f>{_esc(args[0])}</f><v>{_esc(args[1])}</v></c>'
        raise ValueError(kind)

    def to_bytes(self) -> bytes:
        parts: dict[str, bytes] = {}
        overrides = {"xl/workbook.xml": f"{CT_X}.sheet.main+xml", "xl/styles.xml": f"{CT_X}.styles+xml"}
        wb_rels = [("rIdStyles", f"{RT}/styles", "styles.xml", False), *self.wb_rels]
        sheets_xml = ""
        for i, sheet in enumerate(self.sheets, start=1):
            rows = ""
            for r, cells in enumerate(sheet.rows, start=1):
                cx = "".join(self._cell(f"{_col(c)}{r}", spec) for c, spec in enumerate(cells, start=1))
                rows += f'<row r="{r}">{cx}</row>'
            ws = f'<worksheet xmlns="{X}" xmlns:r="{R}"><sheetData>{rows}</sheetData>{sheet.tail}</worksheet>'
            parts[f"xl/worksheets/sheet{i}.xml"] = (XML_HEAD + ws).encode()
            overrides[f"xl/worksheets/sheet{i}.xml"] = f"{CT_X}.worksheet+xml"
            if sheet.rels:
                parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = _rels(sheet.rels)
            wb_rels.append((f"rIdS{i}", f"{RT}/worksheet", f"worksheets/sheet{i}.xml", False))
            state = f' state="{sheet.state}"' if sheet.state else ""
            sheets_xml += f'<sheet name="{_esc(sheet.name)}" sheetId="{i}"{state} r:id="rIdS{i}"/>'
        if self.sst:
            items = "".join(f"<si>{s}</si>" for s in self.sst)
            sst = f'<sst xmlns="{X}" count="{len(self.sst)}" uniqueCount="{len(self.sst)}">{items}</sst>'
            parts["xl/sharedStrings.xml"] = (XML_HEAD + sst).encode()
            overrides["xl/sharedStrings.xml"] = f"{CT_X}.sharedStrings+xml"
            wb_rels.append(("rIdSST", f"{RT}/sharedStrings", "sharedStrings.xml", False))
        names = f"<definedNames>{self.defined_names}</definedNames>" if self.defined_names else ""
        wb = f'<workbook xmlns="{X}" xmlns:r="{R}"><sheets>{sheets_xml}</sheets>{names}{self.wb_tail}</workbook>'
        defaults = {
            "rels": "application/vnd.openxmlformats-package.relationships+xml",
            "xml": "application/xml",
            **self.defaults,
        }
        return _zip(
            {
                "[Content_Types].xml": _content_types(defaults, {**overrides, **self.overrides}),
                "_rels/.rels": _rels([("rId1", f"{RT}/officeDocument", "xl/workbook.xml", False)]),
                "xl/workbook.xml": (XML_HEAD + wb).encode(),
                "xl/_rels/workbook.xml.rels": _rels(wb_rels),
                "xl/styles.xml": (XML_HEAD + STYLES).encode(),
                **parts,
                **self.parts,
            }
        )


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def roster_rows(n: int, rng: random.Random = RNG) -> tuple[list[list[object]], list[str]]:
    """A subsidy roster: header row plus n people; returns rows and the personal values."""
    rows: list[list[object]] = [["序号", "姓名", "身份证号码", "联系电话", "家庭住址", "补贴金额"]]
    values: list[str] = []
    for i in range(n):
        name, rid, phone = pii.person_name(rng), pii.resident_id(rng), pii.mobile(rng)
        rows.append([("num", str(i + 1)), name, rid, phone, "某某村", ("num", "1200")])
        values += [rid, phone]
    return rows, values


def xlsx_hidden_sheets() -> tuple[bytes, list[str]]:
    a, b, c = ids(3)
    x = Xlsx()
    x.sheets.append(Sheet("公示", [["项目"], ["说明"]]))
    x.sheets.append(Sheet("底稿", [["身份证号码"], [a]], state="hidden"))
    x.sheets.append(Sheet("原始", [["证件号"], [("inline", b)], [f"备注 身份证{c}"]], state="veryHidden"))
    return x.to_bytes(), [a, b, c]


def xlsx_shared_mixed() -> tuple[bytes, list[str]]:
    """The same string in a 身份证号码 column and in a free-text column: hinted per cell."""
    bad = pii.resident_id_bad_checksum(RNG)
    x = Xlsx()
    x.sheets.append(Sheet("名单", [["序号", "身份证号码"], [("num", "1"), bad]]))
    x.sheets.append(Sheet("备注", [["说明"], [bad]]))
    return x.to_bytes(), [bad]


def xlsx_shared_conflict() -> tuple[bytes, list[str]]:
    """The same digits under 身份证号码 and under 银行账号: two hints for one shared string."""
    value = pii.resident_id_bad_checksum(RNG)
    x = Xlsx()
    x.sheets.append(Sheet("名单", [["身份证号码", "银行账号"], [value, value]]))
    return x.to_bytes(), [value]


def xlsx_rich_shared() -> tuple[bytes, list[str]]:
    (rid,) = ids()
    x = Xlsx()
    x.sheets.append(Sheet("名单", [["备注"], [("rich", "身份证", rid[:8], rid[8:])]]))
    return x.to_bytes(), [rid]


def xlsx_numbers() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    rid = next(r for r in iter(lambda: ids()[0], None) if r.isdigit())  # an X cannot be a number
    as_double = f"{float(rid):.16E}"  # what Excel writes: 4.4088119900101101E+17
    x = Xlsx()
    x.sheets.append(Sheet("名单", [["编码", "号码"], [("num", phone), ("num", as_double)]]))
    # The double kept 16-17 significant digits: what the file holds is the rounded number.
    return x.to_bytes(), [phone, str(int(Decimal(as_double)))]


def xlsx_formulas() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    x = Xlsx()
    x.sheets.append(
        Sheet("表", [["说明"], [("f", f'CONCATENATE("联系电话","{phone}")', f"联系电话{phone}")]])
    )
    return x.to_bytes(), [phone]


def xlsx_comments() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    (rid,) = ids()
    mail = "reviewer.home@qq.com"
    x = Xlsx()
    sheet = Sheet("表", [["数据"]], tail='<legacyDrawing r:id="rIdVml"/>')
    sheet.rels = [
        ("rIdCm", f"{RT}/comments", "../comments1.xml", False),
        ("rIdVml", f"{RT}/vmlDrawing", "../drawings/vmlDrawing1.vml", False),
        (
            "rIdTc",
            "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
            "../threadedComments/threadedComment1.xml",
            False,
        ),
    ]
    x.sheets.append(sheet)
    x.add_part(
        "xl/comments1.xml",
        f'<comments xmlns="{X}"><authors><author>tc={{1}}</author></authors><commentList>'
        f'<comment ref="A1" authorId="0"><text><r><t>核对手机</t></r><r><t>{phone}</t></r></text></comment>'
        "</commentList></comments>",
        f"{CT_X}.comments+xml",
    )
    x.parts["xl/drawings/vmlDrawing1.vml"] = (
        b'<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape id="_x0000_s1025"><br></v:shape></xml>'
    )
    x.overrides["xl/drawings/vmlDrawing1.vml"] = "application/vnd.openxmlformats-officedocument.vmlDrawing"
    tcns = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
    x.add_part(
        "xl/threadedComments/threadedComment1.xml",
        f'<ThreadedComments xmlns="{tcns}"><threadedComment ref="A1" dT="2024-01-01T00:00:00.00" '
        f'personId="{{11111111-1111-1111-1111-111111111111}}" id="{{22222222-2222-2222-2222-222222222222}}">'
        f"<text>身份证{rid}</text></threadedComment></ThreadedComments>",
        "application/vnd.ms-excel.threadedcomments+xml",
    )
    x.add_part(
        "xl/persons/person.xml",
        f'<personList xmlns="{tcns}"><person displayName="{mail}" '
        f'id="{{11111111-1111-1111-1111-111111111111}}" userId="{mail}" providerId="None"/></personList>',
        "application/vnd.ms-excel.person+xml",
    )
    x.wb_rels.append(
        (
            "rIdPerson",
            "http://schemas.microsoft.com/office/2017/10/relationships/person",
            "persons/person.xml",
            False,
        )
    )
    return x.to_bytes(), [phone, rid, mail]


def xlsx_header_footer() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    x = Xlsx()
    x.sheets.append(
        Sheet(
            "表",
            [["数据"]],
            tail=f"<headerFooter><oddHeader>&amp;C联系人手机{phone}</oddHeader></headerFooter>",
        )
    )
    return x.to_bytes(), [phone]


def xlsx_data_validation() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    x = Xlsx()
    dv = (
        '<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="A2">'
        f'<formula1>"张三{phone},李四"</formula1></dataValidation></dataValidations>'
    )
    x.sheets.append(Sheet("表", [["联系人"]], tail=dv))
    return x.to_bytes(), [phone]


def xlsx_defined_names() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    x = Xlsx()
    x.sheets.append(Sheet("表", [["数据"]]))
    x.defined_names = f'<definedName name="联系电话">"{phone}"</definedName>'
    return x.to_bytes(), [phone]


def xlsx_chart() -> tuple[bytes, list[str]]:
    (rid,) = ids()
    (phone,) = mobiles()
    x = Xlsx()
    sheet = Sheet("表", [["身份证号码", "电话"], [rid, ("num", phone)]], tail='<drawing r:id="rIdDr"/>')
    sheet.rels = [("rIdDr", f"{RT}/drawing", "../drawings/drawing1.xml", False)]
    x.sheets.append(sheet)
    xdr = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
    x.add_part(
        "xl/drawings/drawing1.xml",
        f'<xdr:wsDr xmlns:xdr="{xdr}" xmlns:a="{A}" xmlns:r="{R}" xmlns:c="{C}"><xdr:twoCellAnchor>'
        "<xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        "<xdr:to><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>15</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/>'
        '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
        f'<a:graphicData uri="{C}"><c:chart r:id="rIdCh"/></a:graphicData></a:graphic></xdr:graphicFrame>'
        "<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>",
        "application/vnd.openxmlformats-officedocument.drawing+xml",
    )
    x.parts["xl/drawings/_rels/drawing1.xml.rels"] = _rels(
        [("rIdCh", f"{RT}/chart", "../charts/chart1.xml", False)]
    )
    x.add_part(
        "xl/charts/chart1.xml",
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}"><c:chart><c:plotArea><c:layout/>'
        '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:ser><c:idx val="0"/><c:order val="0"/>'
        f'<c:cat><c:strRef><c:f>表!$A$2</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>{rid}</c:v></c:pt>'
        "</c:strCache></c:strRef></c:cat>"
        f'<c:val><c:numRef><c:f>表!$B$2</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="1"/>'
        f'<c:pt idx="0"><c:v>{phone}</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser>'
        '<c:axId val="1"/><c:axId val="2"/></c:barChart>'
        '<c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="b"/><c:crossAx val="2"/></c:catAx>'
        '<c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="l"/><c:crossAx val="1"/></c:valAx>'
        "</c:plotArea></c:chart></c:chartSpace>",
        "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
    )
    return x.to_bytes(), [rid, phone]


def xlsx_pivot() -> tuple[bytes, list[str]]:
    a, b = ids(2)
    x = Xlsx()
    x.sheets.append(Sheet("数据", [["身份证号码", "金额"], [a, ("num", "100")], [b, ("num", "200")]]))
    x.wb_rels.append(("rIdPc", f"{RT}/pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml", False))
    x.wb_tail = '<pivotCaches><pivotCache cacheId="1" r:id="rIdPc"/></pivotCaches>'
    x.add_part(
        "xl/pivotCache/pivotCacheDefinition1.xml",
        f'<pivotCacheDefinition xmlns="{X}" xmlns:r="{R}" r:id="rIdRec" recordCount="2">'
        '<cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="数据"/></cacheSource>'
        f'<cacheFields count="2"><cacheField name="身份证号码" numFmtId="0"><sharedItems count="2">'
        f'<s v="{a}"/><s v="{b}"/></sharedItems></cacheField>'
        '<cacheField name="金额" numFmtId="0"><sharedItems containsSemiMixedTypes="0" containsString="0" '
        'containsNumber="1" containsInteger="1" minValue="100" maxValue="200"/></cacheField></cacheFields>'
        "</pivotCacheDefinition>",
        f"{CT_X}.pivotCacheDefinition+xml",
    )
    x.parts["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = _rels(
        [("rIdRec", f"{RT}/pivotCacheRecords", "pivotCacheRecords1.xml", False)]
    )
    x.add_part(
        "xl/pivotCache/pivotCacheRecords1.xml",
        f'<pivotCacheRecords xmlns="{X}" count="2"><r><s v="{a}"/><n v="100"/></r>'
        f'<r><s v="{b}"/><n v="200"/></r></pivotCacheRecords>',
        f"{CT_X}.pivotCacheRecords+xml",
    )
    return x.to_bytes(), [a, b]


def xlsx_properties() -> tuple[bytes, list[str]]:
    (phone,) = mobiles()
    x = Xlsx()
    x.sheets.append(Sheet("表", [["数据"]]))
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    x.add_part(
        "docProps/core.xml",
        f'<cp:coreProperties xmlns:cp="{cp}" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>手机{phone}</dc:creator></cp:coreProperties>",
        "application/vnd.openxmlformats-package.core-properties+xml",
    )
    return x.to_bytes(), [phone]


def xlsx_roster(n: int = 20, rng: random.Random = RNG) -> tuple[bytes, list[str]]:
    rows, values = roster_rows(n, rng)
    x = Xlsx()
    x.sheets.append(Sheet("公示名单", rows))
    return x.to_bytes(), values


def xlsx_external_link() -> tuple[bytes, list[str]]:
    """A formula that refers to another workbook caches that workbook's values here."""
    (rid,) = ids()
    x = Xlsx()
    x.sheets.append(Sheet("表", [[("f", "[1]名单!C2", rid)]]))
    x.wb_rels.append(("rIdExt", f"{RT}/externalLink", "externalLinks/externalLink1.xml", False))
    x.wb_tail = '<externalReferences><externalReference r:id="rIdExt"/></externalReferences>'
    x.add_part(
        "xl/externalLinks/externalLink1.xml",
        f'<externalLink xmlns="{X}" xmlns:r="{R}"><externalBook r:id="rIdBook"><sheetNames>'
        '<sheetName val="名单"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="2">'
        f'<cell r="C2" t="str"><v>{rid}</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>',
        f"{CT_X}.externalLink+xml",
    )
    x.parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = _rels(
        [("rIdBook", f"{RT}/externalLinkPath", "file:///D:/名单.xlsx", True)]
    )
    return x.to_bytes(), [rid]


XLSX_CASES = {
    "external_link": xlsx_external_link,
    "hidden_sheets": xlsx_hidden_sheets,
    "shared_mixed_hints": xlsx_shared_mixed,
    "shared_conflicting_hints": xlsx_shared_conflict,
    "rich_shared_string": xlsx_rich_shared,
    "numbers": xlsx_numbers,
    "formulas": xlsx_formulas,
    "comments": xlsx_comments,
    "header_footer": xlsx_header_footer,
    "data_validation": xlsx_data_validation,
    "defined_names": xlsx_defined_names,
    "chart_cache": xlsx_chart,
    "pivot_cache": xlsx_pivot,
    "properties": xlsx_properties,
    "roster": xlsx_roster,
}


# --------------------------------------------------------------------------- pictures
# Pictures as Word, Excel and WPS store them. `pictures` are encoded image bytes (see
# `scans.encode`); widths are in inches on the page.


def docx_pictures(body: list[bytes], header: bytes | None = None, *, text: str = "附件：申请材料") -> bytes:
    """A .docx written by python-docx: `text`, then each body picture in its own paragraph,
    and `header` (if any) in the default header. python-docx stores identical bytes once."""
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    doc.add_paragraph(text)
    for data in body:
        doc.add_picture(io.BytesIO(data), width=Inches(6))
    if header is not None:
        doc.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(header), width=Inches(2))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def xlsx_pictures(anchors: list[tuple[bytes, str]], rows: list[list[str]] | None = None) -> bytes:
    """An .xlsx written by openpyxl with each (picture, anchor cell) on sheet 名单; every
    picture is its own xl/media part, even when two hold the same bytes."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XlImage

    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    for row in rows or [["序号", "姓名", "附件"]]:
        ws.append(row)
    for data, cell in anchors:
        ws.add_image(XlImage(io.BytesIO(data)), cell)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CT_CELLIMAGES = "application/vnd.wps-officedocument.cellimage+xml"
REL_CELLIMAGE = "http://www.wps.cn/officeDocument/2020/cellImage"


def xlsx_cell_images(people: list[tuple[str, bytes]], *, twice: tuple[int, ...] = ()) -> bytes:
    """A WPS roster with pictures in cells (嵌入单元格图片): `xl/cellimages.xml` names each
    picture ID_…, and column C of each row shows it with ``=DISPIMG("ID_…",1)``, as WPS writes
    it. The pictures of the people numbered in `twice` (1-based) are shown in column D too."""
    x = Xlsx()
    x.defaults["png"] = "image/png"
    x.defaults["jpeg"] = "image/jpeg"
    rows: list[list[object]] = [["序号", "姓名", "身份证照片", "备注"]]
    pics, rels = "", []
    for i, (name, data) in enumerate(people, start=1):
        pic_id = f"ID_{i:032X}"
        ext = "jpeg" if data[:2] == b"\xff\xd8" else "png"
        x.parts[f"xl/media/image{i}.{ext}"] = data
        rels.append((f"rId{i}", f"{RT}/image", f"media/image{i}.{ext}", False))
        formula = (f'_xlfn.DISPIMG("{pic_id}",1)', f'=DISPIMG("{pic_id}",1)')
        row: list[object] = [("num", str(i)), name, ("f", *formula)]
        if i in twice:
            row.append(("f", *formula))
        rows.append(row)
        pics += (
            "<etc:cellImage><xdr:pic><xdr:nvPicPr>"
            f'<xdr:cNvPr id="{i + 1}" name="{pic_id}" descr=""/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/>'
            "</xdr:cNvPicPr></xdr:nvPicPr>"
            f'<xdr:blipFill><a:blip r:embed="rId{i}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
            '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2160000" cy="1360000"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic></etc:cellImage>'
        )
    x.sheets.append(Sheet("名单", rows))
    xdr = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    etc = "http://www.wps.cn/officeDocument/2017/etCustomData"
    x.add_part(
        "xl/cellimages.xml",
        f'<etc:cellImages xmlns:xdr="{xdr}" xmlns:r="{R}" xmlns:a="{a}" xmlns:etc="{etc}">{pics}</etc:cellImages>',
        CT_CELLIMAGES,
    )
    x.parts["xl/_rels/cellimages.xml.rels"] = _rels(rels)
    x.wb_rels.append(("rIdCellImages", REL_CELLIMAGE, "cellimages.xml", False))
    return x.to_bytes()


def media_members(data: bytes) -> dict[str, bytes]:
    """Every picture member of a package (independent of deident: the zip listing only)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if "/media/" in f"/{n}" or n.endswith((".jpeg", ".png"))}


# --------------------------------------------------------------------------- checks
# Independent of deident's reader: raw zip members, tags stripped and raw.
_TAG = __import__("re").compile(r"<[^>]+>")


def part_texts(data: bytes) -> dict[str, tuple[str, str]]:
    """part -> (raw text, text with tags stripped) of every member of a zip."""
    out: dict[str, tuple[str, str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            raw = zf.read(name).decode("utf-8", errors="ignore")
            out[name] = (raw, _TAG.sub("", raw))
    return out


def leaks(data: bytes, values: list[str]) -> list[tuple[str, str]]:
    """(part, value) for every personal value still present anywhere in the package. Embedded
    packages are opened too."""
    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            blob = zf.read(name)
            if blob[:2] == b"PK":
                found += [(f"{name}/{p}", v) for p, v in leaks(blob, values)]
                continue
            raw = blob.decode("utf-8", errors="ignore")
            stripped = _TAG.sub("", raw)
            found += [(name, v) for v in values if v in raw or v in stripped]
    return found
