"""Reading a request body: raw bytes with a file name, plain text, JSON text or multipart."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import unquote


class HttpError(Exception):
    """Answer the request with `status` and a JSON error `message` (never personal data)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.message, self.headers = status, message, headers or {}
        super().__init__(message)


class UploadError(HttpError):
    pass


@dataclass
class Upload:
    filename: str | None = None  # set for files
    data: bytes = b""
    text: str | None = None  # set for text scans
    fields: dict[str, str] = field(default_factory=dict)


def _params(header: str) -> tuple[str, Message]:
    m = Message()
    m["content-type"] = header
    return m.get_content_type(), m


def safe_filename(name: str) -> str:
    """Only the last path component: a client's 'C:\\x\\..\\a.docx' is 'a.docx'."""
    return PureWindowsPath(PurePosixPath(name).name).name.strip() or "upload"


def _multipart(body: bytes, boundary: str) -> Upload:
    up = Upload()
    delim = b"--" + boundary.encode("latin-1")
    chunks = body.split(delim)
    if len(chunks) < 3:
        raise UploadError(400, "malformed multipart body")
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise UploadError(400, "malformed multipart part")
        content = content.removesuffix(b"\r\n")
        m = Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            k, _, v = line.partition(":")
            if k:
                m[k.strip()] = v.strip()
        name = m.get_param("name", header="content-disposition")
        filename = m.get_filename()
        if filename is not None:
            if up.filename is not None:
                raise UploadError(400, "one file per request")
            up.filename, up.data = safe_filename(filename), content
        elif isinstance(name, str):
            up.fields[name] = content.decode("utf-8", "replace")
    if up.filename is None and "text" in up.fields:
        up.text = up.fields.pop("text")
    if up.filename is None and up.text is None:
        raise UploadError(400, "multipart body has no 'file' part")
    return up


def parse_upload(
    content_type: str | None, body: bytes, query_filename: str | None, header_filename: str | None
) -> Upload:
    ctype, m = _params(content_type or "")
    if not content_type:
        raise UploadError(415, "missing Content-Type")
    if ctype == "application/octet-stream":
        name = query_filename or (unquote(header_filename) if header_filename else None)
        if not name:
            raise UploadError(
                400, "a file upload needs ?filename=NAME.ext (the extension selects the reader)"
            )
        return Upload(filename=safe_filename(name), data=body)
    if ctype == "text/plain":
        charset = m.get_content_charset() or "utf-8"
        try:
            return Upload(text=body.decode(charset))
        except (LookupError, UnicodeDecodeError) as exc:
            raise UploadError(400, f"body is not valid {charset} text") from exc
    if ctype == "application/json":
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UploadError(400, "body is not valid JSON") from exc
        except RecursionError:
            raise UploadError(400, "JSON body nested too deeply") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise UploadError(400, 'JSON body must be {"text": "..."}')
        return Upload(text=doc["text"])
    if ctype == "multipart/form-data":
        boundary = m.get_param("boundary")
        if not isinstance(boundary, str) or not boundary:
            raise UploadError(400, "multipart body without boundary")
        return _multipart(body, boundary)
    raise UploadError(415, f"unsupported Content-Type {ctype}")
