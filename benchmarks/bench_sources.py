"""Benchmark the source readers: 100,000-row inventory exports as XLSX and CSV.

    .venv/bin/python benchmarks/bench_sources.py [--rows 100000] [--out DIR] [--keep]

Generates the files (a temp dir by default, never committed), then reads and validates each one in a fresh
subprocess so that peak memory (``ru_maxrss``) belongs to that read alone, and prints rows/s and peak RSS.
Target on the 2-core reference machine: 100k rows in under 5 s and under 300 MB, for both formats.

Also measured, to justify choices made in checker/sources:
  * encoding detection: the cheap strict-decode pass vs charset-normalizer on the same GBK file;
  * per-row model building: ``model_construct`` after our own conversion vs pydantic validation.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADER = ["商品编码", "商品名称", "批次", "仓库", "可用库存", "库存状态", "生产日期", "保质期", "到期日"]
NAMES = ["西湖龙井 明前茶", "普洱熟茶饼", "每日坚果混合装", "有机高铁米粉", "秦岭百花土蜂蜜", "九蒸九晒黑芝麻丸"]
STATUSES = ["正常"] * 17 + ["冻结", "破损", "变质"]
SHELF = ["18个月", "12个月", "365天", "1年", "540", "2年"]
WAREHOUSES = ["华东仓", "华南仓", "华北仓", "西南仓"]


def rows(n: int):
    start = date(2025, 1, 1)
    for i in range(n):
        made = start + timedelta(days=(i * 7) % 650)
        expiry = made + timedelta(days=540) if i % 3 else None  # a third derived from production + shelf life
        yield [
            f"CN-{['TEA', 'SNK', 'FOOD', 'BABY'][i % 4]}-{i % 5000:04d}",
            NAMES[i % len(NAMES)],
            f"L{i:07d}",
            WAREHOUSES[i % len(WAREHOUSES)],
            (i * 37) % 5000 if i % 1000 else -1,  # a negative quantity every 1000 rows: row errors
            STATUSES[i % len(STATUSES)],
            made,
            SHELF[i % len(SHELF)],
            expiry,
        ]


def make_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("库存明细")
    ws.append(["商品库存导出 2026-11-20"])
    ws.append(HEADER)
    for row in rows(n):
        ws.append(row)
    wb.save(path)


def make_csv(path: Path, n: int, encoding: str) -> None:
    import csv

    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["商品库存导出 2026-11-20"])
        w.writerow(HEADER)
        for row in rows(n):
            made, expiry = row[6], row[8]
            row[6] = f"{made.year}/{made.month}/{made.day}" if row[4] % 2 else made.strftime("%Y年%m月%d日")
            row[8] = expiry.isoformat() if expiry else ""
            row[4] = f"{row[4]:,}"
            w.writerow(row)


def child(path: str) -> None:
    """Read one file as an inventory source; print JSON figures."""
    t0 = time.perf_counter()
    from checker.config import SourceConfig
    from checker.sources import read_source

    t1, c1 = time.perf_counter(), time.process_time()
    result = read_source(SourceConfig(kind="inventory", path=path), Path.cwd())
    t2, c2 = time.perf_counter(), time.process_time()
    u = result.understanding[0]
    print(
        json.dumps(
            {
                "import_s": t1 - t0,
                "read_s": t2 - t1,
                "cpu_s": c2 - c1,
                "rows": u.rows_read,
                "ok": u.rows_ok,
                "errors": u.rows_error,
                "encoding": u.encoding,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def detection_figures(path: Path) -> str:
    from charset_normalizer import from_bytes

    from checker.sources.textio import detect

    data = path.read_bytes()
    t = time.perf_counter()
    cheap = detect(data)
    t_cheap = time.perf_counter() - t
    t = time.perf_counter()
    best = from_bytes(data).best()
    t_cn = time.perf_counter() - t
    return (
        f"encoding detection on {len(data) / 1e6:.1f} MB: cheap pass {t_cheap * 1000:.0f} ms -> {cheap.label}; "
        f"charset-normalizer {t_cn * 1000:.0f} ms -> {best.encoding if best else None}"
    )


def construct_figures(n: int = 100_000) -> str:
    from checker.models import InventoryLot, SourceRef

    data = [
        dict(sku=f"CN-TEA-{i:04d}", name="西湖龙井", lot=f"L{i}", warehouse="华东仓", quantity=i, status="正常",
             production_date=date(2026, 1, 1), shelf_life_days=540, expiry_date=date(2027, 6, 25),
             source={"file": "x.csv", "row": i})
        for i in range(n)
    ]  # fmt: skip
    t = time.perf_counter()
    for d in data:
        InventoryLot.model_validate(d)
    t_validate = time.perf_counter() - t
    t = time.perf_counter()
    for d in data:
        ref = SourceRef.model_construct(file="x.csv", row=d["source"]["row"], sheet=None, url=None, column=None)
        InventoryLot.model_construct(**{**d, "source": ref})
    t_construct = time.perf_counter() - t
    return f"{n:,} InventoryLot: model_validate {t_validate:.2f} s, model_construct {t_construct:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--out", type=Path, help="where to write the files (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    cleanup = args.out is None and not args.keep
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_sources_"))
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "xlsx": out / "inventory_100k.xlsx",
        "csv (GBK)": out / "inventory_100k_gbk.csv",
        "csv (UTF-8)": out / "inventory_100k_utf8.csv",
    }
    t = time.perf_counter()
    make_xlsx(files["xlsx"], args.rows)
    make_csv(files["csv (GBK)"], args.rows, "gbk")
    make_csv(files["csv (UTF-8)"], args.rows, "utf-8")
    print(f"generated {args.rows:,}-row files in {time.perf_counter() - t:.1f} s ({out})")
    failed = False
    for label, path in files.items():
        m = measure(path)
        rate = m["rows"] / m["read_s"] if m["read_s"] else float("inf")
        ok = m["read_s"] < 5 and m["maxrss_mb"] < 300
        failed |= not ok
        print(
            f"{label:<12} {path.stat().st_size / 1e6:6.1f} MB  read+validate {m['read_s']:.2f} s "
            f"(CPU {m['cpu_s']:.2f} s) "
            f"({rate:,.0f} rows/s; {m['ok']:,} ok, {m['errors']:,} row errors)  peak RSS {m['maxrss_mb']:.0f} MB"
            f"  [imports {m['import_s']:.2f} s]  {'OK' if ok else 'OVER TARGET'}"
        )
    print(detection_figures(files["csv (GBK)"]))
    print(construct_figures(args.rows))
    if cleanup:
        shutil.rmtree(out, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
