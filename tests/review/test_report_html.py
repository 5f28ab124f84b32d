from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.api import policy_for
from deident.config import ScanConfig
from deident.pipeline import scan_path
from deident.review.collect import ReviewItem, collect
from deident.review.decisions import NOT_PII, LedgerIndex, finding_id, record_decisions
from deident.review.ledger import Ledger
from deident.review.report_html import render, summary
from tests.factories.workflow import make_leak, write_clean, write_corrupt_docx, write_leaking

CFG = ScanConfig()


def _items(paths: list[Path], ledger: Ledger) -> list[ReviewItem]:
    pol = policy_for("gov")
    index = LedgerIndex.build(ledger.entries())
    return [
        collect(
            p, scan_path(p, CFG, display_path=p.name), config=CFG, policy=pol, index=index, key=ledger.key
        )
        for p in paths
    ]


@pytest.fixture
def site(tmp_path: Path) -> tuple[list[Path], object]:
    leak = make_leak(5)
    paths = [
        write_leaking(tmp_path / "救助名单.txt", leak),
        write_clean(tmp_path / "通知.txt"),
        write_corrupt_docx(tmp_path / "附件.docx"),
    ]
    return paths, leak


def test_report_shows_each_finding_in_context_with_masked_preview(site, ledger: Ledger) -> None:
    paths, leak = site
    items = _items(paths, ledger)
    html = render(items)
    # Each value highlighted in its context, and its masked form beside it.
    assert f"<mark>{leak.mobile}</mark>" in html
    assert f"<mark>{leak.mobile[:3]}****{leak.mobile[-4:]}</mark>" in html
    assert f"<mark>{leak.resident_id}</mark>" in html
    assert "联系电话：" in html  # the context around it
    assert "身份证号" in html and "手机号码" in html
    assert "阻止原因" in html and "corrupt" in html
    s = summary(items)
    assert s == {
        "files": 3, "clean": 1, "findings": 1, "blocked": 1, "approved": 0,
        "finding_count": 3, "unreviewed": 3, "not_pii": 0, "confirmed": 0,
    }  # fmt: skip
    # The masked preview column masks the neighbours of the finding too.
    masked_cells = re.findall(r'<td class="ctx masked">(.*?)</td>', html)
    assert masked_cells and all(leak.mobile not in c and leak.resident_id not in c for c in masked_cells)


def test_report_is_self_contained(site, ledger: Ledger) -> None:
    html = render(_items(site[0], ledger))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "<script" not in html.lower() and "@import" not in html and "url(" not in html
    assert '<meta charset="utf-8">' in html


def test_report_shows_decisions(site, ledger: Ledger) -> None:
    paths, _ = site
    rep = scan_path(paths[0], CFG, display_path=paths[0].name)
    fid = finding_id(ledger.key, rep.findings[0])
    record_decisions(
        ledger, rep, [fid], verdict=NOT_PII, reviewer="李强", reason="演练数据", path=paths[0].name
    )
    items = _items(paths, ledger)
    html = render(items)
    assert "已判定：非个人信息" in html and "演练数据" in html
    assert summary(items)["not_pii"] == 1 and summary(items)["unreviewed"] == 2


def test_markup_in_documents_is_escaped(tmp_path: Path, ledger: Ledger) -> None:
    p = tmp_path / "x.txt"
    leak = make_leak(9)
    p.write_text(f"<script>alert(1)</script>申请人：{leak.name}，联系电话：{leak.mobile}\n", encoding="utf-8")
    html = render(_items([p], ledger))
    assert "<script>" not in html and "&lt;script&gt;" in html


def _png_is_not_blank(png: bytes) -> bool:
    """Decode the PNG's pixel rows (stdlib only) and check they are not all one colour."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = 0
    while pos < len(png):
        n = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        data = png[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            width, height = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    raw = zlib.decompress(idat)
    assert width > 0 and height > 0
    # Filtered rows: sample bytes across the image; a blank page compresses to few distinct ones.
    return len(set(raw[:: max(1, len(raw) // 20000)])) > 8


@pytest.mark.slow
def test_report_renders_in_headless_chromium(site, ledger: Ledger, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("chromium is not installed")
    paths, leak = site
    out = tmp_path / "report.html"
    out.write_text(render(_items(paths, ledger)), encoding="utf-8")
    base = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]  # fmt: skip
    png = tmp_path / "shot.png"
    subprocess.run(
        [*base, f"--screenshot={png}", "--window-size=1280,2000", out.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert png.exists() and png.stat().st_size > 5000
    assert _png_is_not_blank(png.read_bytes())
    dom = subprocess.run(
        [*base, "--dump-dom", out.as_uri()], check=True, capture_output=True, timeout=120
    ).stdout
    text = dom.decode("utf-8")
    assert text.count('class="finding"') == 3
    assert f"<mark>{leak.resident_id}</mark>" in text
    assert "附件.docx" in text and "阻止原因" in text


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\x0b\x0c"), max_size=40
)


@settings(max_examples=60, deadline=None)
@given(before=_TEXT, value=_TEXT.filter(lambda s: s.strip() != ""), after=_TEXT)
def test_any_document_text_renders_as_text(before: str, value: str, after: str) -> None:
    """Whatever a document contains, the report shows it as text (escaped), never as markup."""
    import lxml.html

    from deident.model import Explanation, FileReport, Finding, Status
    from deident.review.collect import FindingView
    from deident.review.decisions import ReviewedFinding

    f = Finding(
        "PERSON",
        len(before),
        len(before) + len(value),
        value,
        0.9,
        "person",
        Explanation("person", "cue", 0.9),
    )
    rep = FileReport("<b>名单</b>.txt", "0" * 64, Status.FINDINGS, None, (f,))
    view = FindingView(
        ReviewedFinding(f, "0" * 16, "1" * 64, "unreviewed"), before, after, before, "某", after
    )
    html = render([ReviewItem(rep, (view,))])
    doc = lxml.html.fromstring(html.encode("utf-8"))
    (cell,) = doc.xpath('//td[contains(@class, "original")]')
    assert cell.xpath("string(mark)") == value
    assert cell.text_content() == before + value + after
    assert doc.xpath("//h2")[-1].text_content() == "<b>名单</b>.txt"
    assert not doc.xpath("//script") and not doc.xpath("//h2//b")


@pytest.mark.slow
def test_every_finding_of_the_samples_is_shown_in_its_context(ledger: Ledger) -> None:
    """The report finds each finding's place again in every format of the bundled samples."""
    from deident.review.collect import _segment_texts
    from deident.review.ledger import canonical

    samples = Path(__file__).resolve().parents[2] / "corpora" / "samples"
    files = sorted(p for p in samples.iterdir() if p.is_file())
    assert files, "corpora/samples is empty"
    seen = 0
    for p in files:
        rep = scan_path(p, CFG, display_path=p.name)
        if rep.status.value == "blocked":
            continue  # e.g. a format whose library is missing: nothing to show in context
        texts = _segment_texts(p, CFG)
        for f in rep.findings:
            assert texts.get(canonical(dict(f.location)), "")[f.start : f.end] == f.text, (p.name, f.location)
            seen += 1
    assert seen > 0
