"""nginx and wrk for the benchmarks: install if missing, run our OWN nginx on a free 127.0.0.1 port.

The system nginx configuration is never read or touched: the config is written into
``benchmarks/out/nginx/`` and nginx is started in the foreground with ``-p PREFIX -c CONF
-e ERRORLOG`` as a subprocess of the harness, and stopped (SIGQUIT, then SIGTERM) at the end.

    with Nginx(root) as server:          # root = the generated store's site/ folder
        server.origin                    # "http://127.0.0.1:PORT"
        server.worker_cpu_seconds()      # user+sys of the nginx worker so far

Server: 1 worker process, access_log off, sendfile, open_file_cache, keep-alive (100,000
requests per connection), no gzip.  ``http://shop.local`` in .xml/.txt files (sitemaps,
robots.txt) is rewritten to the real origin with ``sub_filter``, as ``checker audit --serve`` does.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "out"
APT_LOG = Path("/tmp/apt.log")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _apt_busy() -> bool:
    """Another apt/dpkg is running (an install may already be under way on this machine)."""
    try:
        out = subprocess.run(["pgrep", "-x", "apt-get|apt|dpkg"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return False
    return bool(out.strip())


def _which(name: str, extra: tuple[str, ...] = ()) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for path in extra:
        if os.access(path, os.X_OK):
            return path
    return None


def ensure_tools(log=print) -> tuple[str, str]:
    """Paths of nginx and wrk, installing ``nginx-light`` and ``wrk`` with apt-get if missing."""
    nginx = _which("nginx", ("/usr/sbin/nginx",))
    wrk = _which("wrk")
    if nginx and wrk:
        return nginx, wrk
    deadline = time.monotonic() + 600
    while _apt_busy() and time.monotonic() < deadline:  # someone else's install: wait for it
        log(f"  waiting for a running apt/dpkg (see {APT_LOG}) ...")
        time.sleep(10)
        nginx, wrk = _which("nginx", ("/usr/sbin/nginx",)), _which("wrk")
        if nginx and wrk:
            return nginx, wrk
    missing = [pkg for pkg, have in (("nginx-light", nginx), ("wrk", wrk)) if not have]
    if os.geteuid() != 0:
        raise RuntimeError(f"missing {', '.join(missing)}: run `sudo apt-get install -y {' '.join(missing)}`")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    log(f"  installing {' '.join(missing)} (apt-get) ...")
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=True)
        subprocess.run(install, env=env, capture_output=True, check=True)
    # Debian starts the packaged nginx service on install; we leave it alone (our own runs beside it).
    nginx, wrk = _which("nginx", ("/usr/sbin/nginx",)), _which("wrk")
    if not (nginx and wrk):
        raise RuntimeError("nginx / wrk still missing after apt-get install")
    return nginx, wrk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MIME_TYPES = {
    "text/html": "html htm", "application/xml": "xml", "text/plain": "txt", "text/css": "css",
    "application/javascript": "js", "image/png": "png", "image/jpeg": "jpg jpeg", "image/gif": "gif",
    "image/webp": "webp", "text/csv": "csv", "application/json": "json",
}  # fmt: skip


def nginx_conf(root: Path, port: int, prefix: Path) -> str:
    types = "\n".join(f"        {mime} {exts};" for mime, exts in MIME_TYPES.items())
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the store we own
    return f"""# Written by benchmarks/nginx.py for one benchmark run; not the system nginx.
{user}worker_processes 1;
daemon off;
master_process on;
worker_rlimit_nofile 65536;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 4096;
}}
http {{
    types {{
{types}
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/plain text/css application/xml application/javascript;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    # Each cached entry holds an open file: more entries than the worker may open (RLIMIT_NOFILE)
    # and nginx stops accepting connections ("Too many open files") on the 100,000-page store.
    open_file_cache max=16384 inactive=120s;
    open_file_cache_valid 120s;
    gzip off;
    server_tokens off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        server_name _;
        root {root};
        index index.html;
        location ~ /_ {{ return 404; }}
        location ~ \\.(xml|txt)$ {{
            sub_filter_types application/xml text/plain;
            sub_filter 'http://shop.local' 'http://127.0.0.1:{port}';
            sub_filter_once off;
            sub_filter_last_modified on;
        }}
    }}
}}
"""


def _pid_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            out += [int(x) for x in task.read_text().split()]
    return out


class Nginx:
    """Our own nginx serving ``root`` on a free 127.0.0.1 port (a context manager)."""

    def __init__(self, root: Path, *, port: int | None = None, out: Path = OUT_DIR, binary: str | None = None) -> None:
        self.root = Path(root).resolve()
        self.port = port or free_port()
        self.prefix = (out / "nginx").resolve()
        self.binary = binary or _which("nginx", ("/usr/sbin/nginx",)) or "nginx"
        self.proc: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Nginx:
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        conf = self.prefix / "nginx.conf"
        conf.write_text(nginx_conf(self.root, self.port, self.prefix), encoding="utf-8")
        cmd = [self.binary, "-p", str(self.prefix), "-c", str(conf), "-e", str(self.prefix / "error.log")]
        check = subprocess.run([*cmd, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.proc.stderr.read().decode(errors='replace') if self.proc.stderr else ''}")
            try:
                with urllib.request.urlopen(f"{self.origin}/robots.txt", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not answer on {self.origin} within 10 s")

    def worker_pids(self) -> list[int]:
        return _children(self.proc.pid) if self.proc else []

    def worker_cpu_seconds(self) -> float:
        return sum(_pid_cpu_seconds(pid) for pid in self.worker_pids())

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)  # graceful
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ------------------------------------------------------------------ wrk
WRK_LUA = r"""
-- Written by benchmarks/nginx.py: GET every path of a URL list in turn (threads start apart).
local paths = {}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  idx = (tid or 0) * math.floor(#paths / 2)
end
function request()
  idx = idx % #paths + 1
  return wrk.format("GET", paths[idx])
end
function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def wrk_command(wrk: str, origin: str, url_list: Path, out: Path, *, seconds: int = 5, connections: int = 64,
                threads: int = 2) -> list[str]:
    """The wrk command line for a raw fetch of every path in ``url_list`` (one path a line)."""
    script = out / "wrk_urls.lua"
    script.write_text(WRK_LUA, encoding="utf-8")
    return [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
            f"{origin}/", "--", str(url_list)]  # fmt: skip


def parse_wrk(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line[len("WRKJSON ") :])
    raise ValueError(f"no WRKJSON line in wrk output:\n{stdout[-2000:]}")
