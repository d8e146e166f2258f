"""Signals against a real ``checker audit`` process with its crawl worker processes, crawling a
slow shop on 127.0.0.1: SIGTERM does what Ctrl-C does (a PARTIAL workbook, exit 143), and the
workers die with their parent even when it is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from faultserver import routed

ROOT = Path(__file__).resolve().parent.parent
PAGES = 400  # above the crawler's WORKER_THRESHOLD: worker processes are forked


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(condition, limit: float = 30.0) -> bool:
    """Poll ``condition`` (a generous limit against a busy machine, not a timing assertion)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def slow_shop():
    with routed() as (server, shop):
        def slow_page(handler):
            time.sleep(0.05)
            return 200, "text/html; charset=utf-8", (f'<html><body><h1 class="product-title">Tea {handler.path}</h1>'
                                                     '<span class="price-current">99元</span></body></html>').encode()

        urls = "".join(f"<url><loc>{shop}/p/{n}.html</loc></url>" for n in range(PAGES))
        server.routes["/sitemap.xml"] = (200, "application/xml", f"<urlset>{urls}</urlset>".encode())
        server.routes["*"] = slow_page
        yield server, shop


def start_audit(tmp_path: Path, shop: str, workers: int = 2) -> tuple[subprocess.Popen, Path]:
    config = tmp_path / "checker.toml"
    config.write_text(f"[crawl]\nworkers = {workers}\nconcurrency = 2\nper_host_concurrency = 2\nmax_depth = 0\n"
                      "check_links = false\ncheck_images = false\ncache = false\n", encoding="utf-8")
    out = tmp_path / "audit.xlsx"
    process = subprocess.Popen([sys.executable, "-m", "checker", "audit", f"{shop}/sitemap.xml", "-o", str(out),
                                "--config", str(config), "-q"], cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return process, out


def crawling_in_workers(process: subprocess.Popen, server, workers: int = 2) -> set[int]:
    """Wait until the audit crawls in its ``workers`` worker processes; their pids."""
    assert wait_for(lambda: len(children(process.pid)) == workers and sum(server.hits.values()) > 40), \
        process.stderr.read().decode() if process.poll() is not None else "no workers"
    return children(process.pid)


@pytest.mark.parametrize("processes", [2, 0])
def test_sigterm_writes_a_partial_workbook_and_exits_143(tmp_path, slow_shop, processes):
    server, shop = slow_shop
    process, out = start_audit(tmp_path, shop, processes)
    try:
        workers = crawling_in_workers(process, server, processes)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, stderr.decode()
    assert wait_for(lambda: not any(alive(pid) for pid in workers))
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True) if r[0]}
    assert "PARTIAL" in summary["状态 Status"] and "SIGTERM" in str(summary.values())
    assert 1 <= summary["抓取页面 Pages crawled"] < PAGES
    assert "--resume" in stderr.decode()


def test_workers_die_with_a_killed_parent(tmp_path, slow_shop):
    server, shop = slow_shop
    process, _ = start_audit(tmp_path, shop)
    try:
        workers = crawling_in_workers(process, server)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert wait_for(lambda: not any(alive(pid) for pid in workers)), "crawl workers outlived their parent"
    finally:
        if process.poll() is None:
            process.kill()
        for pid in children(process.pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signal_exception,code", [("KeyboardInterrupt", 130), ("Terminated", 143)])
def test_a_signal_while_the_workbook_is_written(tmp_path, monkeypatch, signal_exception, code):
    """A second Ctrl-C (or a SIGTERM) that escapes the audit, as while its partial workbook is
    written, still exits 130 (143), not click's "Aborted!" 1."""
    from click.testing import CliRunner

    import checker.audit
    from checker.cli import main

    exception = KeyboardInterrupt if signal_exception == "KeyboardInterrupt" else checker.audit.Terminated

    def interrupted(*args, **kwargs):
        raise exception()

    monkeypatch.setattr(checker.audit, "run_audit", interrupted)
    (tmp_path / "checker.toml").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "http://127.0.0.1:9/", "--config", str(tmp_path / "checker.toml"),
                                       "-q", "-o", str(tmp_path / "a.xlsx")])
    assert result.exit_code == code, result.output
