"""Request bodies and tokens, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deident.errors import ConfigError
from deident.service.auth import load_tokens, parse_tokens, reviewer_for
from deident.service.upload import UploadError, parse_upload, safe_filename

BOUNDARY = "----deidentTestBoundary0123456789"


def multipart(filename: str, data: bytes, fields: dict[str, str] | None = None) -> bytes:
    out = b""
    for k, v in (fields or {}).items():
        out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    out += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return out + data + f"\r\n--{BOUNDARY}--\r\n".encode()


@given(st.binary(max_size=4096).filter(lambda b: BOUNDARY.encode() not in b))
def test_multipart_file_bytes_round_trip(data: bytes) -> None:
    up = parse_upload(
        f"multipart/form-data; boundary={BOUNDARY}",
        multipart("名单.xlsx", data, {"policy": "court"}),
        None,
        None,
    )
    assert up.filename == "名单.xlsx" and up.data == data and up.fields == {"policy": "court"}


@pytest.mark.parametrize(
    "name, safe",
    [
        ("a.docx", "a.docx"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\名单.xlsx", "名单.xlsx"),
        ("/", "upload"),
    ],
)
def test_file_names_lose_their_directories(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


@pytest.mark.parametrize(
    "ctype, body, status",
    [
        ("multipart/form-data", b"x", 400),  # no boundary
        (f"multipart/form-data; boundary={BOUNDARY}", b"garbage", 400),
        ("application/json", b"[1, 2]", 400),
        ("application/json", b"{not json", 400),
        ("text/plain; charset=utf-8", b"\xff\xfe\xfd", 400),
        ("text/html", b"<p>", 415),
    ],
)
def test_bad_bodies(ctype: str, body: bytes, status: int) -> None:
    with pytest.raises(UploadError) as e:
        parse_upload(ctype, body, None, None)
    assert e.value.status == status


def test_text_bodies_and_charsets() -> None:
    assert parse_upload("text/plain; charset=gb18030", "电话".encode("gb18030"), None, None).text == "电话"
    assert parse_upload("application/json", '{"text": "电话"}'.encode(), None, None).text == "电话"
    assert (
        parse_upload("application/octet-stream", b"x", None, "%E5%90%8D%E5%8D%95.txt").filename == "名单.txt"
    )


def test_tokens(tmp_path: Path) -> None:
    tokens = parse_tokens("# reviewers\n王芳=token-aaaa-1111\n李强 = token-bbbb-2222 # second\n")
    assert tokens == {"token-aaaa-1111": "王芳", "token-bbbb-2222": "李强"}
    assert reviewer_for("Bearer token-bbbb-2222", tokens) == "李强"
    assert reviewer_for("Bearer token-bbbb-222", tokens) is None
    assert reviewer_for("Basic dG9rZW4=", tokens) is None
    assert reviewer_for(None, tokens) is None
    f = tmp_path / "tokens"
    f.write_text("王芳=token-aaaa-1111\n", encoding="utf-8")
    assert load_tokens(f, "赵六=token-cccc-3333") == {"token-aaaa-1111": "王芳", "token-cccc-3333": "赵六"}
    with pytest.raises(ConfigError, match="at least 8"):
        parse_tokens("王芳=short")
    with pytest.raises(ConfigError):
        parse_tokens("no-equals-sign-here")
