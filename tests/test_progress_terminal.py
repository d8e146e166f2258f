"""Progress on the terminal (issue 20): a tqdm bar with rate and ETA that fits a narrow terminal with
Chinese labels, redrawn in place; plain lines without a terminal.  Through the real CLI, in a
pseudo-terminal."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from checker.cli import main

PRODUCT = '<h1 class="product-title">OK</h1><span data-sku="OK-1"></span><span class="price-current">¥9</span>'


@pytest.fixture
def store(one_page_store):
    return one_page_store

def _run_in_terminal(args: list[str], columns: int) -> tuple[int, str]:
    """The CLI in a pseudo-terminal ``columns`` wide (stderr on it; stdout, the summary, discarded)."""
    import fcntl
    import os
    import pty
    import select
    import struct
    import subprocess
    import sys
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen([sys.executable, "-m", "checker", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while select.select([master], [], [], 60)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=60), out.decode("utf-8", "replace")


def test_progress_bar_fits_a_narrow_terminal_with_rate_and_eta(store, tmp_path):
    from checker.reports.console import display_width

    locs = "".join(f"<url><loc>http://shop.local/p/{n}.html</loc></url>" for n in range(30))
    (store / "sitemap.xml").write_text(f"<urlset>{locs}</urlset>", encoding="utf-8")
    for n in range(30):
        (store / "p" / f"{n}.html").write_text(PRODUCT.replace("OK-1", f"OK-{n}"), encoding="utf-8")
    code, err = _run_in_terminal(["audit", "--serve", str(store), "-o", str(tmp_path / "r.xlsx")], columns=60)
    assert code == 0, err
    lines = err.replace("\r\n", "\n").split("\n")
    bar_lines = [line for line in lines if "抓取 pages" in line]
    assert len(bar_lines) == 1  # redrawn in place (\r), never stacked line after line
    frames = bar_lines[0].split("\r")
    assert all(display_width(frame) <= 60 for frame in frames), frames
    last = frames[-1]
    assert "30/30" in last and "页/s" in last and re.search(r"\[\d\d:\d\d<\d\d:\d\d", last), last  # rate, ETA


def test_progress_without_a_terminal_is_plain_lines(store, tmp_path):
    result = CliRunner().invoke(main, ["audit", "--serve", str(store), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0
    assert "抓取页面 pages: 1/1\n" in result.output and "\r" not in result.output
