"""Which reader a web resource gets: Content-Disposition (RFC 6266 / 5987), magic bytes,
Content-Type, the URL. Rows note where each case comes from."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deident.formats.web.sniff import choose_suffix, filename_from_disposition
from tests.factories import office
from tests.factories.pdf import helvetica_pdf

XLSX, _ = office.xlsx_roster(2)
DOCX = office.Docx(body=[office.para(office.run("通知"))]).to_bytes()
PDF = helvetica_pdf([["hello"]])
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100


@pytest.mark.parametrize(
    ("header", "name"),
    [
        # RFC 5987 extended value, as TRS / 拓尔思 and most Java CMSs send Chinese names
        ("attachment; filename*=UTF-8''" + quote("公示名单.xlsx"), "公示名单.xlsx"),
        # both forms: filename* wins (RFC 6266 section 4.3)
        ("attachment; filename=\"list.xls\"; filename*=UTF-8''" + quote("名单.xlsx"), "名单.xlsx"),
        ('attachment; filename="notice.pdf"', "notice.pdf"),
        ("attachment; filename=notice.pdf", "notice.pdf"),
        # percent-encoded UTF-8 in the plain parameter (common in the wild)
        ("attachment; filename=" + quote("申请表.docx"), "申请表.docx"),
        # raw UTF-8 bytes read as latin-1 by the HTTP layer
        ('attachment; filename="' + "通知.doc".encode().decode("latin-1") + '"', "通知.doc"),
        # raw GBK bytes (IE-era servers)
        ('attachment; filename="' + "通知.doc".encode("gbk").decode("latin-1") + '"', "通知.doc"),
        # a path in the name is dropped
        ('attachment; filename="C:\\\\uploads\\\\a.pdf"', "a.pdf"),
        ("inline", None),
        (None, None),
    ],
)
def test_filename_from_disposition(header: str | None, name: str | None) -> None:
    assert filename_from_disposition(header) == name


@pytest.mark.parametrize(
    ("url", "ctype", "disp", "body", "suffix"),
    [
        # a CMS download URL, generic type, the name says .xlsx and the bytes are OOXML
        (
            "http://x/download.jsp?fileId=1",
            "application/octet-stream",
            "attachment; filename*=UTF-8''a.xlsx",
            XLSX,
            ".xlsx",
        ),
        # no name at all: the zip's members tell a workbook from a document
        ("http://x/download.jsp?fileId=2", "application/octet-stream", None, XLSX, ".xlsx"),
        ("http://x/download.jsp?fileId=3", "application/zip", None, DOCX, ".docx"),
        # the bytes beat a wrong Content-Type
        ("http://x/getfile?id=4", "text/html", None, PDF, ".pdf"),
        ("http://x/getfile?id=5", "application/octet-stream", 'attachment; filename="a.xls"', OLE, ".xls"),
        ("http://x/a.wps", "application/octet-stream", None, OLE, ".wps"),
        ("http://x/getfile?id=6", "application/octet-stream", None, OLE, ".doc"),
        # pages without a suffix
        ("http://x/xxgk/", "text/html; charset=gbk", None, b"<html><body>x</body></html>", ".html"),
        ("http://x/content.jsp?id=7", "text/html", None, b"  <!doctype html><p>x", ".html"),
        # an HTML error page at a .pdf URL is read as the HTML it is
        ("http://x/files/a.pdf", "text/html", None, b"<html>not found</html>", ".html"),
        # textual types without a structured reader are read as plain text (every character)
        ("http://x/api/list", "application/json", None, b'{"a": 1}', ".txt"),
        ("http://x/feed", "application/rss+xml", None, b"<rss/>", ".txt"),
        ("http://x/s.css", "text/css", None, b"body{}", ".txt"),
        # no reader: None (the caller blocks it)
        ("http://x/font", "font/woff2", None, b"wOF2\x00\x01", None),
        ("http://x/bin", "application/octet-stream", None, b"\x00\x01\x02", None),
    ],
)
def test_choose_suffix(url: str, ctype: str, disp: str | None, body: bytes, suffix: str | None) -> None:
    assert (
        choose_suffix(url=url, content_type=ctype, content_disposition=disp, head=body[:4096], whole=body)
        == suffix
    )


@given(
    st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and "\\" not in s and s.strip(". ") == s)
)
def test_rfc5987_names_round_trip(name: str) -> None:
    header = "attachment; filename*=UTF-8''" + quote(name + ".pdf", safe="")
    assert filename_from_disposition(header) == name + ".pdf"


@given(
    st.binary(max_size=64),
    st.sampled_from(["", "text/html", "application/octet-stream", "application/pdf", "font/woff2", "x/y"]),
    st.sampled_from(
        [None, "attachment; filename=a.xlsx", "attachment; filename*=UTF-8''%E5%90%8D.doc", "inline"]
    ),
    st.sampled_from(["http://g/download.jsp?id=1", "http://g/a.pdf", "http://g/", "http://g/x.exe"]),
)
def test_the_answer_is_always_a_registered_reader_or_none(
    head: bytes, ctype: str, disp: str | None, url: str
) -> None:
    from deident.formats import supported_suffixes

    got = choose_suffix(url=url, content_type=ctype, content_disposition=disp, head=head, whole=head)
    assert got is None or got in supported_suffixes()
