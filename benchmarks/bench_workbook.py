"""Micro-benchmark: write 100,000 findings to the audit workbook (target: under 10 s).

    .venv/bin/python benchmarks/bench_workbook.py              # 100,000 findings, 2 rounds
    .venv/bin/python benchmarks/bench_workbook.py -n 20000 --repeat 3

Times ``checker.reports.xlsx.write_workbook`` alone -- Summary, Findings (one row per finding,
17 columns, severity styles, hyperlinked URLs, the Status drop-down), Errors (2,000 rows) and
Rules -- into benchmarks/out/bench_workbook.xlsx.  Findings are built beforehand (not timed) with
realistic cells: bilingual messages, CJK evidence, a URL per finding (more than Excel's 65,530
hyperlinks per sheet, so the cap is exercised), file sources for a fifth of them.
Prints seconds, rows/s and the file size; peak RSS of this process.  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from checker.config import Config
from checker.engine import AuditContext, Engine
from checker.models import ErrorRecord, Finding, Severity, SourceRef
from checker.reports.xlsx import write_workbook

OUT = Path(__file__).resolve().parent / "out"

MESSAGES = [
    ("AD001", Severity.ERROR, "使用绝对化用语「最佳」/ Absolute claim \"最佳\"", "description", "本季最佳选择，品质领先同类。"),
    ("AD003", Severity.ERROR, "非医疗商品使用医疗、功效用语「治愈」/ Medical or efficacy claim \"治愈\"", "banner", "坚持使用可治愈失眠。"),
    ("AD005", Severity.WARNING, "制造时间紧迫或虚假稀缺「最后一天」/ False urgency", "banner", "最后一天！仅剩3件"),
    ("LN002", Severity.ERROR, "主图无法加载（HTTP 404）/ Broken main image (HTTP 404)", "image:main", "/img/missing/SC000123-2.jpg"),
    ("LN003", Severity.ERROR, "链接指向的页面不存在（HTTP 404）/ Link to a missing page (HTTP 404)", "link", "猜你喜欢 -> /p/SC000049-old.html"),
    ("LN005", Severity.WARNING, "https 页面引用了不安全的 http 资源（img）/ Insecure img on an https page", "resource:img", "http://cdn.example.com/a.png"),
    ("LN004", Severity.WARNING, "重定向链过长 / Redirect chain too long", "page", "/a -> /b -> /c"),
]  # fmt: skip


def build(n: int, seed: int = 1) -> tuple[AuditContext, list[Finding], list]:
    rng = random.Random(seed)
    config = Config()
    engine = Engine.from_config(config)
    ctx = AuditContext(config=config, today=date(2026, 11, 23), start_urls=["http://127.0.0.1:8080/sitemap.xml"])
    findings = []
    for i in range(n):
        code, severity, message, field, evidence = MESSAGES[i % len(MESSAGES)]
        sku = f"SC{rng.randrange(1, 100_000):06d}"
        source = SourceRef(file="exports/inventory.csv", row=rng.randrange(2, 200_000), column="到期日") if i % 5 == 0 else None
        findings.append(Finding(
            code=code, severity=severity, message=message, rule_name=code.lower(), sku=sku,
            url=f"http://127.0.0.1:8080/p/{sku}.html", field=field, evidence=f"{evidence} #{i}",
            suggestion="删除或改写该用语 / Remove or reword the claim", legal_basis="《广告法》第九条 / Advertising Law art. 9",
            source=source,
        ))  # fmt: skip
    ctx.errors = [ErrorRecord(stage="fetch", source=f"http://127.0.0.1:8080/p/SC{i:06d}-old.html", reason="HTTP 404")
                  for i in range(2_000)]  # fmt: skip
    return ctx, findings, engine.rules


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write N findings with checker.reports.xlsx.write_workbook")
    ap.add_argument("-n", type=int, default=100_000, help="findings (default 100,000)")
    ap.add_argument("--repeat", type=int, default=2, help="rounds; the median is reported (default 2)")
    args = ap.parse_args(argv)

    b0 = time.perf_counter()
    ctx, findings, rules = build(args.n)
    print(f"built {len(findings):,} findings in {time.perf_counter() - b0:.1f} s (not timed)")
    path = OUT / "bench_workbook.xlsx"
    times = []
    for k in range(1, args.repeat + 1):
        t0 = time.perf_counter()
        write_workbook(path, ctx, findings, rules)
        dt = time.perf_counter() - t0
        times.append(dt)
        print(f"round {k}: {dt:.2f} s, {len(findings) / dt:,.0f} rows/s")
    median = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "under" if median < 10 else "OVER"
    print(f"write_workbook, {len(findings):,} findings + {len(ctx.errors):,} errors: median {median:.2f} s, "
          f"{len(findings) / median:,.0f} rows/s ({verdict} the 10 s target); "
          f"{path.stat().st_size / 2**20:.1f} MB file; peak RSS {rss:.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
