"""The fast reader's compiled loop (`deident.formats.pdf._glyphs`) gives exactly the glyphs of its
Python twin (`fast_text._chars_python`, the reference): text, undecodable count and every float,
for upright and turned text, sizes PDFium cannot tell, and fonts without a unicode map."""

from __future__ import annotations

import math
import os
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.formats.pdf import fast_text
from tests.factories import pdf as f

if fast_text._GLYPHS is None:  # pragma: no cover - a platform without a C compiler at build time
    if os.environ.get("DEIDENT_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("DEIDENT_PURE_PYTHON is set: nothing compiled to compare", allow_module_level=True)
    pytest.fail(
        "deident.formats.pdf._glyphs is not compiled: build the wheel with a C compiler "
        "(DEIDENT_REQUIRE_NATIVE=1 makes a failed compile an error)",
        pytrace=False,
    )


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch):
    compiled = list(fast_text.extract_pages_fast(data, max_pages=10))
    with monkeypatch.context() as m:
        m.setattr(fast_text, "_GLYPHS", None)
        python = list(fast_text.extract_pages_fast(data, max_pages=10))
    return compiled, python


def _page(ops: bytes) -> bytes:
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 5 0 R >>",
    }
    body = zlib.compress(ops)
    objs[5] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    return f.build_pdf(objs, 1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    degrees=st.sampled_from([0, 1, 2.5, 30, 45, 89, 90, 91, 135, 180, 270, 359]),
    size=st.sampled_from([0.01, 0.5, 9, 10.5, 12, 300, 5000]),
    text=st.text("0123456789 ABCxyz-()", min_size=1, max_size=20),
)
def test_compiled_and_python_glyphs_are_the_same(monkeypatch, degrees, size, text):
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    escaped = text.replace("(", "\\(").replace(")", "\\)").encode()
    ops = b"BT /F1 %g Tf %f %f %f %f 100 400 Tm (%s) Tj ET\nBT /F1 12 Tf 72 700 Td (upright 138) Tj ET" % (
        size,
        c,
        s,
        -s,
        c,
        escaped,
    )
    compiled, python = _both(_page(ops), monkeypatch)
    assert compiled == python
    assert compiled[0].glyphs  # something was read


@pytest.mark.parametrize("tounicode", [True, False])
def test_cjk_fonts_with_and_without_a_unicode_map(monkeypatch, tounicode):
    data = f.identity_h_pdf(["申请人张伟，身份证号440881199001011233。"], tounicode=tounicode, kern_every=3)
    compiled, python = _both(data, monkeypatch)
    assert compiled == python
    assert (compiled[0].undecodable > 0) is not tounicode


def test_real_export_with_tables_and_ideographic_spaces(monkeypatch, tmp_path):
    if not f.have_soffice():
        pytest.skip("LibreOffice (soffice) not installed")
    import random

    pdf = f.roster_pdf(
        tmp_path, f.roster_rows(random.Random(5), 30), body=["公民身份号码为360102\u300020150306"]
    )
    compiled, python = _both(pdf.read_bytes(), monkeypatch)
    assert compiled == python
    assert sum(len(p.glyphs) for p in compiled) > 1000
