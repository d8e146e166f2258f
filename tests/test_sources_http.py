"""Sources read from an http(s) backend export endpoint: a server of our own on 127.0.0.1, no other network."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import export_generator

from checker.config import SourceConfig
from checker.sources import read_source
from checker.sources.cli import inspect_command
from checker.sources.location import redact_url

EXPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
TOKEN = "Bearer s3cr3t-t0ken-value"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        authorised = self.headers.get("Authorization") == TOKEN
        if path == "/api/items" and authorised:
            self._send(200, (EXPORTS / "catalog_api.json").read_bytes(), "application/json; charset=utf-8")
        elif path == "/api/items":
            self._send(401, b'{"code": 401, "msg": "token required"}', "application/json")
        elif path == "/download/stock":  # no extension in the URL: the name comes from Content-Disposition
            self._send(
                200,
                (EXPORTS / "inventory.xlsx").read_bytes(),
                "application/octet-stream",
                {"Content-Disposition": 'attachment; filename="stock-2026-11-20.xlsx"'},
            )
        elif path == "/export/inventory.csv":
            self._send(200, (EXPORTS / "inventory_gbk.csv").read_bytes(), "text/csv")
        elif path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/export/inventory.csv")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(500 * 1024 * 1024))
            self.end_headers()
        elif path == "/slow":
            time.sleep(2)
            self._send(200, b"sku\n", "text/csv")
        else:
            self._send(404, b"not found", "text/plain")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that gave up (the timeout tests) is expected: no traceback in the test output."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def all_text(result) -> str:
    parts = [result.source]
    for rec in (*result.errors, *result.warnings):
        parts += [rec.source, rec.location, rec.reason]
    for u in result.understanding:
        parts += [u.source, *(u.notes), u.failed or ""]
    parts += [str(r.source) for r in result.records]
    return "\n".join(parts)


def test_json_api_with_token_from_environment(server, monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_TOKEN", TOKEN)
    cfg = SourceConfig(kind="catalog", path=f"{server}/api/items?page=1", headers={"Authorization": "env:SHOP_TOKEN"})
    result = read_source(cfg, tmp_path)
    assert not result.failed and len(result.records) == len(export_generator().API_ITEMS)
    assert result.understanding[0].records_at == "$.data.list"
    assert result.records[0].sku == "TW-FOOD-1101" and result.records[0].source.file == f"{server}/api/items?page=1"
    assert "s3cr3t" not in all_text(result)


def test_wrong_or_missing_token(server, monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_TOKEN", "Bearer wrong-s3cr3t")
    cfg = SourceConfig(kind="catalog", path=f"{server}/api/items", headers={"Authorization": "env:SHOP_TOKEN"})
    result = read_source(cfg, tmp_path)
    assert result.failed and not result.records
    [err] = result.errors
    assert (
        err.reason == f"HTTP 401 Unauthorized from {server}/api/items (check the credentials in the source's headers)"
    )
    assert "s3cr3t" not in all_text(result)
    monkeypatch.delenv("SHOP_TOKEN")
    result = read_source(cfg, tmp_path)
    assert [e.reason for e in result.errors] == ["header Authorization: environment variable SHOP_TOKEN is not set"]


def test_xlsx_download_named_by_content_disposition(server, tmp_path):
    result = read_source(SourceConfig(kind="inventory", path=f"{server}/download/stock"), tmp_path)
    assert not result.failed and len(result.records) == 11
    assert result.understanding[0].format == "xlsx" and result.records[0].source.sheet == "库存明细"


def test_redirect_and_gbk_csv(server, tmp_path):
    result = read_source(SourceConfig(kind="inventory", path=f"{server}/moved"), tmp_path)
    assert len(result.records) == 10 and result.understanding[0].encoding == "gb18030 (GBK compatible)"
    assert [e.location for e in result.errors] == ["row 13, column 到期日 (I)"]


def test_limits_and_failures(server, tmp_path):
    huge = read_source(SourceConfig(kind="inventory", path=f"{server}/huge"), tmp_path)
    assert huge.errors[0].reason == "response of 524 MB exceeds max_download_mb"
    slow = read_source(SourceConfig(kind="inventory", path=f"{server}/slow", timeout=0.3), tmp_path)
    assert slow.errors[0].reason == f"timed out after 0.3 s fetching {server}/slow"
    missing = read_source(SourceConfig(kind="inventory", path=f"{server}/nope"), tmp_path)
    assert missing.errors[0].reason == f"HTTP 404 Not Found from {server}/nope"


def test_secrets_in_urls_are_masked(server, tmp_path):
    url = "http://user:pa55word@127.0.0.1:9/x.csv?access_token=abc123&page=2"
    assert redact_url(url) == "http://***@127.0.0.1:9/x.csv?access_token=***&page=2"
    result = read_source(SourceConfig(kind="inventory", path=url, timeout=1), tmp_path)
    assert result.failed and "abc123" not in all_text(result) and "pa55word" not in all_text(result)


def test_inspect_url_never_prints_the_token(server, monkeypatch):
    monkeypatch.setenv("SHOP_TOKEN", TOKEN)
    runner = CliRunner()
    ok = runner.invoke(inspect_command, [f"{server}/api/items", "--header", "Authorization=env:SHOP_TOKEN"])
    assert ok.exit_code == 0, ok.output
    assert "records at:  $.data.list" in ok.output and "kind:        catalog" in ok.output
    assert "s3cr3t" not in ok.output
    # a literal token on the command line is scrubbed from the output too
    denied = runner.invoke(inspect_command, [f"{server}/api/items", "--header", "Authorization: Bearer s3cr3t-literal"])
    assert denied.exit_code == 2 and "HTTP 401" in denied.output and "s3cr3t" not in denied.output
