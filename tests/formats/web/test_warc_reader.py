"""`deident scan site.warc.gz`: each 2xx response of a WARC (written here with warcio, not by
the patrol) is read through the format registry; findings are located by URL and record."""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from deident.config import ScanConfig
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories import office, pii

RNG = random.Random(1515)
RID, PHONE = pii.resident_id(RNG), pii.mobile(RNG)
XLSX, ROSTER = office.xlsx_roster(3, random.Random(7))


def _write(path: Path, records: list[tuple[str, str, list[tuple[str, str]], bytes, dict[str, str]]]) -> Path:
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=path.suffix == ".gz")
        for url, status, headers, body, extra in records:
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            rec = w.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict=extra,
            )
            w.write_record(rec)
    return path


def _page(text: str) -> bytes:
    return f"<html><body><p>{text}</p></body></html>".encode()


def _site(tmp: Path, name: str = "site.warc.gz", extra: list | None = None) -> Path:
    records = [
        ("http://gov.example/xxgk/a.html", "200 OK", [("Content-Type", "text/html; charset=utf-8")],
         _page(f"身份证号码：{RID}"), {}),
        ("http://gov.example/download.jsp?fileId=1", "200 OK",
         [("Content-Type", "application/octet-stream"),
          ("Content-Disposition", "attachment; filename*=UTF-8''" + quote("名单.xlsx"))], XLSX, {}),
        ("http://gov.example/gz.html", "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
         zlib.compress(_page(f"手机：{PHONE}"), wbits=31), {}),
        ("http://gov.example/gone.html", "404 Not Found", [("Content-Type", "text/html")], _page(RID), {}),
        ("http://gov.example/clean.html", "200 OK", [("Content-Type", "text/html")], _page("政策解读"), {}),
        *(extra or []),
    ]  # fmt: skip
    return _write(tmp / name, records)


def test_every_response_is_read_and_located_by_url(tmp_path: Path) -> None:
    report = scan_path(_site(tmp_path), ScanConfig())
    assert report.status is Status.FINDINGS
    by_url: dict[str, set[str]] = {}
    for f in report.findings:
        assert f.location["record_id"].startswith("<urn:uuid:")
        by_url.setdefault(f.location["url"], set()).add(f.text)
    assert RID in by_url["http://gov.example/xxgk/a.html"]
    assert set(ROSTER) <= by_url["http://gov.example/download.jsp?fileId=1"]
    assert PHONE in by_url["http://gov.example/gz.html"]  # Content-Encoding decoded
    assert "http://gov.example/gone.html" not in by_url  # an error page is not the resource
    xlsx_locations = [f.location for f in report.findings if "fileId" in f.location["url"]]
    assert all("sheet" in loc for loc in xlsx_locations)


def test_plain_warc_reads_too(tmp_path: Path) -> None:
    report = scan_path(_site(tmp_path, "site.warc"), ScanConfig())
    assert RID in {f.text for f in report.findings}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (("http://gov.example/f.woff2", "200 OK", [("Content-Type", "font/woff2")], b"wOF2\x00\x00", {}),
         "unsupported type"),
        (("http://gov.example/big.pdf", "200 OK", [("Content-Type", "application/pdf")], b"%PDF-1.7\n",
          {"WARC-Truncated": "length"}), "too large"),
        # an encoding nobody can undo here is not read as (garbage) text
        (("http://gov.example/z.html", "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "zstd")],
          b"\x28\xb5\x2f\xfd garbage", {}), "unsupported type"),
    ],
)  # fmt: skip
def test_a_record_that_cannot_be_read_blocks_the_warc(tmp_path: Path, record: tuple, reason: str) -> None:
    report = scan_path(_site(tmp_path, extra=[record]), ScanConfig())
    assert report.status is Status.BLOCKED
    assert report.reason == reason
    assert record[0] in (report.detail or "")


def test_not_a_warc_is_corrupt(tmp_path: Path) -> None:
    bad = tmp_path / "x.warc.gz"
    bad.write_bytes(zlib.compress(b"hello", wbits=31))
    assert scan_path(bad, ScanConfig()).status is Status.BLOCKED


def test_evidence_is_never_rewritten(tmp_path: Path) -> None:
    src = _site(tmp_path)
    result = mask_path(src, tmp_path / "out" / "site.warc.gz", ScanConfig(), Policy.load("gov"))
    assert result.output is None and "cannot mask" in (result.report.reason or "")
    clean = _write(tmp_path / "clean.warc.gz", [("http://g/c.html", "200 OK", [("Content-Type", "text/html")],
                                                  _page("通知"), {})])  # fmt: skip
    ok = mask_path(clean, tmp_path / "out" / "clean.warc.gz", ScanConfig(), Policy.load("gov"))
    assert ok.output is not None and Path(ok.output).read_bytes() == clean.read_bytes()
