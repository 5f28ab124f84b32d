"""URL facts: one canonical form per resource, the host it lives on, and the section (栏目)."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are when re-quoting a path or query (already-quoted stays quoted).
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


def _ascii_host(host: str) -> str:
    # 中文域名 (IDN) and their xn-- form are one host.
    host = host.lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def host_of(url: str) -> str:
    """host[:port] in lower case, the default port left out."""
    parts = urlsplit(url)
    host = _ascii_host(parts.hostname or "")
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


def canonical(url: str, base: str | None = None) -> str | None:
    """The absolute http(s) form of `url` (resolved against `base`), fragment dropped,
    scheme and host in lower case, non-ASCII path characters percent-encoded as UTF-8.
    None for other schemes (mailto:, tel:, javascript:) and malformed URLs."""
    try:
        absolute = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(absolute)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        netloc = host_of(absolute)
    except ValueError:
        return None
    path = quote(parts.path or "/", safe=_SAFE_PATH)
    query = quote(parts.query, safe=_SAFE_QUERY)
    return urlunsplit((scheme, netloc, path, query, ""))


def in_scope(url: str, hosts: frozenset[str]) -> bool:
    return host_of(url) in hosts


def section_of(url: str, depth: int = 1) -> str | None:
    """The section (栏目) a URL's path names: its first `depth` directory segments
    (``/xxgk/tzgg/2024/a.html`` -> ``/xxgk/``). None for a file at the root of the site
    (``/download.jsp?fileId=1``): such a resource belongs to the section that links it."""
    segments = urlsplit(url).path.split("/")[1:]
    dirs = segments[:-1]  # the last segment is the file (or empty for a directory URL)
    if not dirs:
        return None
    return "/" + "/".join(dirs[:depth]) + "/"
