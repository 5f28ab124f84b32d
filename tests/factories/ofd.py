"""OFD files for tests: pages written by a real producer, easyofd's OFD writer (Apache-2.0,
its `draw/ofdtemplate.py`: the templates and packaging its PDF->OFD converter uses), with the
parts easyofd does not write (annotations, attachments, custom tags, templates, metadata)
added as GB/T 33190 XML.

easyofd's package imports PyMuPDF (AGPL) at the top, so it is installed with --no-deps and only
its template module is loaded, from its file; it needs xmltodict and loguru (MIT).
"""

from __future__ import annotations

import importlib.util
import io
import os
import random
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.factories import pii

RNG = random.Random(33190)
NS = "http://www.ofdspec.org/2016"


def easyofd_templates() -> ModuleType | None:
    spec = importlib.util.find_spec("easyofd")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "draw" / "ofdtemplate.py"
    mod_spec = importlib.util.spec_from_file_location("easyofd_ofdtemplate", path)
    if mod_spec is None or mod_spec.loader is None:
        return None
    module = importlib.util.module_from_spec(mod_spec)
    try:
        mod_spec.loader.exec_module(module)
    except ImportError:
        return None
    return module


def _text_object(
    text: str, x: float, y: float, size: float = 4.0, advance: float | None = None
) -> dict[str, Any]:
    """One TextObject per span, as easyofd's PDF converter writes them (DeltaX "g n d")."""
    adv = advance or size
    n = len(text)
    return {
        "@ID": 0,
        "@Boundary": f"{x} {y - size} {adv * n + size} {size * 1.5}",
        "@Font": "2",
        "@Size": f"{size}",
        "ofd:FillColor": {"@Value": "0 0 0"},
        "ofd:TextCode": {"@X": "0", "@Y": f"{size}", "@DeltaX": f"g {n - 1} {adv}", "#text": text}
        if n > 1
        else {"@X": "0", "@Y": f"{size}", "#text": text},
    }


def _glyph_objects(
    text: str, x: float, y: float, size: float = 4.0, adv: float = 2.2
) -> list[dict[str, Any]]:
    """A value spread over one TextObject per glyph, as some PDF converters write digits."""
    return [_text_object(ch, x + i * adv, y, size) for i, ch in enumerate(text)]


def make_ofd(workdir: Path) -> tuple[bytes, list[str]]:
    """A two-page OFD with personal data on pages, in a template, an annotation, an attachment,
    a custom tag and the metadata. Returns the file bytes and the personal values."""
    t = easyofd_templates()
    if t is None:
        raise RuntimeError("easyofd (with xmltodict and loguru) is needed to build OFD test files")
    name1, name2, name3 = pii.person_name(RNG), pii.person_name(RNG), pii.person_name(RNG)
    id1, id2, id3 = pii.resident_id(RNG), pii.resident_id(RNG), pii.resident_id(RNG)
    tel1, tel2, tel3, tel4 = (pii.mobile(RNG) for _ in range(4))
    page1 = [
        _text_object("关于发放2023年度困难群众补贴的公示", 30, 20, 5.0),
        _text_object("申请人：", 20, 40),
        _text_object(name1, 36, 40),
        _text_object("身份证号：", 20, 50),
        *_glyph_objects(id1, 40, 50),
        _text_object("联系电话：", 20, 60),
        _text_object(tel1, 40, 60, 4.0, 2.2),
    ]
    # A table row: two numbers in neighbouring cells must not merge into one digit run.
    page2 = [
        _text_object("姓名", 20, 30),
        _text_object("联系电话", 60, 30),
        _text_object("身份证号码", 110, 30),
        _text_object(name2, 20, 40),
        _text_object(tel2, 60, 40, 4.0, 2.2),
        _text_object(id2, 110, 40, 4.0, 2.2),
    ]
    id_obj = t.CurId()
    ofd = t.OFDTemplate(id_obj=id_obj)
    pages = [{"@ID": 0, "@BaseLoc": f"Pages/Page_{i}/Content.xml"} for i in range(2)]
    document = t.DocumentTemplate(Page=pages, id_obj=id_obj, PhysicalBox="0 0 210 297")
    public_res = t.PublicResTemplate(Font=[{"@FontName": "宋体", "@FamilyName": "宋体"}], id_obj=id_obj)
    document_res = t.DocumentResTemplate(MultiMedia=[], id_obj=id_obj)
    contents = [
        t.ContentTemplate(
            PhysicalBox="0 0 210 297",
            ImageObject=[],
            CGTransform=[],
            PathObject=[],
            TextObject=objs,
            id_obj=id_obj,
        )
        for objs in (page1, page2)
    ]
    cwd = Path.cwd()
    os.chdir(workdir)  # easyofd writes its package to ./test.ofd
    try:
        data = t.OFDStructure(
            "test", ofd=ofd, document=document, public_res=public_res, document_res=document_res,
            content_res=contents, res_static={},
        )()  # fmt: skip
    finally:
        os.chdir(cwd)
    extra = {
        "Doc_0/Tpls/Tpl_0/Content.xml": _page_xml(_tpl_text(f"联系人：{name3} 电话：{tel3}")),
        "Doc_0/Annots/Annotations.xml": (
            f'<ofd:Annotations xmlns:ofd="{NS}"><ofd:Page PageID="1">'
            "<ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc></ofd:Page></ofd:Annotations>"
        ),
        "Doc_0/Annots/Page_0/Annotation.xml": (
            f'<ofd:PageAnnot xmlns:ofd="{NS}"><ofd:Annot ID="90" Type="Stamp" Creator="审核员" '
            f'Remark="核对身份证号 {id3}"><ofd:Parameters><ofd:Parameter Name="联系电话">{tel4}'
            '</ofd:Parameter></ofd:Parameters><ofd:Appearance Boundary="10 10 80 20">'
            f'<ofd:TextObject ID="91" Boundary="0 0 80 20" Font="2" Size="4"><ofd:TextCode X="0" Y="5" '
            f'DeltaX="g 5 4">经办人{name3}</ofd:TextCode></ofd:TextObject></ofd:Appearance></ofd:Annot>'
            "</ofd:PageAnnot>"
        ),
        "Doc_0/Attachs/Attachments.xml": (
            f'<ofd:Attachments xmlns:ofd="{NS}"><ofd:Attachment ID="95" Name="{name2}身份证复印件说明" '
            'Format="txt"><ofd:FileLoc>申请表.txt</ofd:FileLoc></ofd:Attachment></ofd:Attachments>'
        ),
        "Doc_0/Tags/CustomTags.xml": (
            f'<ofd:CustomTags xmlns:ofd="{NS}"><ofd:CustomTag NameSpace="urn:gov:apply">'
            "<ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>"
        ),
        "Doc_0/Tags/CustomTag.xml": f"<申请><姓名>{name1}</姓名><身份证号>{id1}</身份证号></申请>",
    }
    attachment = f"申请人：{name2}\n身份证号码：{id2}\n联系电话：{tel2}\n".encode()
    data = _add_parts(data, extra, {"Doc_0/Attachs/申请表.txt": attachment}, author=name1, phone=tel1)
    return data, [name1, name2, name3, id1, id2, id3, tel1, tel2, tel3, tel4]


def _tpl_text(text: str) -> str:
    return (
        f'<ofd:TextObject ID="80" Boundary="20 280 170 8" Font="2" Size="3.5">'
        f'<ofd:TextCode X="0" Y="4" DeltaX="g {len(text) - 1} 3.5">{text}</ofd:TextCode></ofd:TextObject>'
    )


def _page_xml(objects: str) -> str:
    return (
        f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="70" Type="Background">{objects}'
        "</ofd:Layer></ofd:Content></ofd:Page>"
    )


def _add_parts(
    data: bytes, xml_parts: dict[str, str], files: dict[str, bytes], *, author: str, phone: str
) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info)
            name = info.filename.lstrip("/")
            if name == "OFD.xml":
                body = body.replace(
                    b"</ofd:DocInfo>",
                    (
                        f"<ofd:Title>补贴公示</ofd:Title><ofd:Author>{author}</ofd:Author>"
                        f'<ofd:CustomDatas><ofd:CustomData Name="联系电话">{phone}</ofd:CustomData>'
                        "</ofd:CustomDatas></ofd:DocInfo>"
                    ).encode(),
                )
            elif name == "Doc_0/Document.xml":
                body = body.replace(
                    b"</ofd:CommonData>",
                    b'<ofd:TemplatePage ID="60" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>',
                ).replace(
                    b"</ofd:Document>",
                    b"<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>"
                    b"<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>"
                    b"<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>",
                )
            out.writestr(name, body)
        for name, xml in xml_parts.items():
            out.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>\n' + xml)
        for name, raw in files.items():
            out.writestr(name, raw)
    return buf.getvalue()
