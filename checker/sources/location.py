"""Where a source's bytes come from: a local path, a glob, or an http(s) URL (a backend export endpoint).

Secrets: header values given as ``env:NAME`` are read from the environment at request time and are never
written anywhere; URLs are shown with credentials and token-like query parameters masked, and every message
leaving this package is scrubbed of the secret values as a last line of defence.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from checker.sources.errors import SourceError

_SECRET_PARAM = re.compile(r"token|key|secret|sig|signature|password|passwd|pwd|auth|access|session|credential", re.I)
_SENSITIVE_HEADER = re.compile(r"authorization|cookie|token|key|secret|auth|session", re.I)
_GLOB_CHARS = re.compile(r"[*?\[]")


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def redact_url(url: str) -> str:
    """The URL with user:password and token-like query values masked."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


@dataclass
class Secrets:
    values: list[str] = field(default_factory=list)

    def scrub(self, text: str) -> str:
        for value in self.values:
            if value:
                text = text.replace(value, "***")
        return text


def resolve_headers(headers: dict[str, str]) -> tuple[dict[str, str], Secrets]:
    """Header values with ``env:NAME`` replaced from the environment; the secrets to scrub from messages."""
    resolved: dict[str, str] = {}
    secrets = Secrets()
    for name, value in headers.items():
        if value.startswith("env:"):
            var = value[4:]
            if var not in os.environ:
                raise SourceError(f"header {name}: environment variable {var} is not set")
            value = os.environ[var]
            secrets.values.append(value)
        elif _SENSITIVE_HEADER.search(name):
            secrets.values.append(value)
        resolved[name] = value
    for value in list(secrets.values):  # "Bearer abc": also scrub the bare token
        if " " in value:
            secrets.values.append(value.split(" ", 1)[1])
    secrets.values.sort(key=len, reverse=True)
    return resolved, secrets


@dataclass
class Download:
    data: bytes
    content_type: str
    filename: str  # from Content-Disposition or the URL path, for the format guess


def download(url: str, headers: dict[str, str], timeout: float, max_bytes: int) -> Download:
    import httpx

    shown = redact_url(url)
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5, trust_env=False) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code >= 400:
                hint = " (check the credentials in the source's headers)" if response.status_code in (401, 403) else ""
                raise SourceError(f"HTTP {response.status_code} {response.reason_phrase} from {shown}{hint}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(f"response of {int(declared) / 1e6:,.0f} MB exceeds max_download_mb")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise SourceError(f"response from {shown} exceeds max_download_mb ({max_bytes / 1e6:,.0f} MB)")
                chunks.append(chunk)
            disposition = response.headers.get("content-disposition", "")
            m = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition, re.I)
            filename = m.group(1) if m else urlsplit(str(response.url)).path.rsplit("/", 1)[-1]
            return Download(b"".join(chunks), response.headers.get("content-type", ""), filename)
    except httpx.TimeoutException:
        raise SourceError(f"timed out after {timeout:g} s fetching {shown}") from None
    except httpx.TooManyRedirects:
        raise SourceError(f"too many redirects fetching {shown}") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot fetch {shown}: {type(exc).__name__}: {str(exc).replace(url, shown)}") from None


def expand(path: str, base_dir: Path) -> list[Path]:
    """Local files for a path or a glob, relative paths against ``base_dir``; SourceError when none."""
    p = Path(os.path.expanduser(path))
    if not p.is_absolute():
        p = base_dir / p
    if _GLOB_CHARS.search(path):
        matches = sorted(Path(m) for m in glob.glob(str(p), recursive=True) if Path(m).is_file())
        if not matches:
            raise SourceError(f"no file matches {path!r} (looked in {p.parent})")
        return matches
    if p.is_dir():
        raise SourceError(f"{path} is a directory; give a file or a glob such as '{path.rstrip('/')}/*.csv'")
    if not p.is_file():
        raise SourceError(f"file not found: {p}")
    return [p]


def display_path(path: Path, base_dir: Path) -> str:
    try:
        return str(path.resolve().relative_to(base_dir.resolve()))
    except ValueError:
        return str(path)
