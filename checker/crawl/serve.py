"""Serve a fixture store folder on 127.0.0.1 for a demo audit (``checker audit --serve DIR``).

A plain static server plus two things a real shop host does:
* ``_redirects`` (Netlify format: ``/from /to [status]``) is honoured, so redirect chains and
  loops can be part of a fixture store;
* the placeholder origin ``http://shop.local`` in XML/TXT files (sitemaps, robots.txt) is
  rewritten to the real origin, since the port is only known at run time.
Files whose name starts with ``_`` (the defects list, the redirects file) are never served.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

PLACEHOLDER_ORIGIN = "http://shop.local"


def read_redirects(root: Path) -> dict[str, tuple[str, int]]:
    rules: dict[str, tuple[str, int]] = {}
    path = root / "_redirects"
    if not path.is_file():
        return rules
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2:
            status = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 301
            rules[parts[0]] = (parts[1], status)
    return rules


class StoreHandler(SimpleHTTPRequestHandler):
    redirects: dict[str, tuple[str, int]] = {}

    def log_message(self, format, *args):  # keep the audit's stderr for the audit
        pass

    def _origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def send_head(self):
        path = urlsplit(self.path).path
        if path in self.redirects:
            target, status = self.redirects[path]
            self.send_response(status)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if any(part.startswith("_") for part in path.split("/")):
            self.send_error(404, "Not Found")
            return None
        if path.endswith((".xml", ".txt")):
            local = Path(self.translate_path(path))
            if local.is_file():
                body = local.read_bytes().replace(PLACEHOLDER_ORIGIN.encode(), self._origin().encode())
                self.send_response(200)
                self.send_header("Content-Type", "application/xml" if path.endswith(".xml") else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self._rewritten = body
                return None
        return super().send_head()

    def do_GET(self):
        self._rewritten = None
        f = self.send_head()
        if self._rewritten is not None:
            self.wfile.write(self._rewritten)
        elif f:
            try:
                self.copyfile(f, self.wfile)
            finally:
                f.close()

    def guess_type(self, path):
        mime = super().guess_type(path)
        return "text/html; charset=utf-8" if mime == "text/html" else mime


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def serve_directory(root: Path | str, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` in a background thread; yields the origin, e.g. ``http://127.0.0.1:40123``."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a directory")
    handler = type("Handler", (StoreHandler,), {"redirects": read_redirects(root)})
    server = _Server((host, port), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="fixture-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
