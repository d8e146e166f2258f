"""``checker inspect URL``: a shop page's extraction field by field with each value's source, served by a
real HTTP server on 127.0.0.1 (real saved pages from tests/realpages)."""

from __future__ import annotations

import gzip
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from click.testing import CliRunner

from checker.sources.cli import inspect_command

PAGES = Path(__file__).parent / "realpages"


def _page(name: str) -> bytes:
    return gzip.decompress((PAGES / f"{name}.html.gz").read_bytes())


ROUTES = {
    "/p/keystick-wall-sconce": ("text/html; charset=utf-8", _page("ms-rejuvenation")),
    "/dp/1849759375": ("text/html; charset=utf-8", _page("amazon-co-uk")),
    "/blog/tea": ("text/html; charset=utf-8", b"<html><head><title>Tea</title></head><body><p>About tea.</p></body></html>"),
    "/api/stock": ("text/csv; charset=utf-8", "SKU,库存\nA-1,5\n".encode()),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        ctype, body = ROUTES.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in ROUTES else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run(*args: str):
    return CliRunner().invoke(inspect_command, list(args), catch_exceptions=False)


def test_inspect_url_prints_each_field_with_its_source_and_the_disagreement():
    with serving() as origin:
        result = run(f"{origin}/p/keystick-wall-sconce")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "product read from: JSON-LD" in result.output
    price = next(i for i, line in enumerate(lines) if line.strip().startswith("price "))
    assert "120.00" in lines[price] and "[OpenGraph]" in lines[price]
    assert "JSON-LD says: 150.00" in lines[price + 1]  # the disagreement is shown, not hidden
    assert any(line.strip().startswith("title") and "Keystick Wall Sconce  [JSON-LD]" in line for line in lines)


def test_inspect_url_as_json():
    with serving() as origin:
        result = run(f"{origin}/dp/1849759375", "--format", "json")
    info = json.loads(result.output)
    assert info["product_found"] and info["extracted_from"] == "text"
    assert info["fields"]["title"]["value"].startswith("Vegetable Perfection")
    assert info["fields"]["title"]["source"] == "text (product region)"
    assert info["fields"]["price"]["value"] == ""  # only carousels show prices on this page


def test_inspect_url_of_a_page_without_a_product():
    with serving() as origin:
        result = run(f"{origin}/blog/tea")
    assert result.exit_code == 0
    assert "no product read (not a product page)" in result.output


def test_inspect_url_that_answers_csv_is_read_as_an_export():
    with serving() as origin:
        result = run(f"{origin}/api/stock")
    assert "no product read" not in result.output
    assert "SKU" in result.output


def test_inspect_url_that_cannot_be_fetched_exits_2():
    with serving() as origin:
        result = run(f"{origin}/missing-page")
    assert result.exit_code == 2
    assert "cannot read the page" in result.output


def test_inspect_saved_page_with_page_flag():
    result = run("--page", str(PAGES / "ogs-taobao.html.gz"))
    assert result.exit_code == 0
    assert "乳白亚克力外壳" in result.output
