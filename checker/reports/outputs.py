"""``--format xlsx,json,sarif,junit,github``: which reports an audit writes, each beside the workbook with
its stem (``-o out/audit.xlsx --format xlsx,sarif`` -> ``out/audit.xlsx`` + ``out/audit.sarif``).
A machine report that cannot be written is an Errors row of the audit; the others are still written."""

from __future__ import annotations

from pathlib import Path

from checker.engine.context import AuditContext
from checker.engine.rule import Rule
from checker.models import ErrorRecord, Finding
from checker.reports.records import Row, finding_rows

FORMATS = ("xlsx", "json", "sarif", "junit", "github")
SUFFIXES = {"xlsx": ".xlsx", "json": ".json", "sarif": ".sarif", "junit": ".junit.xml"}
DEFAULT_FORMATS = ("xlsx",)


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``"xlsx, sarif"`` -> ``("xlsx", "sarif")``; ValueError naming what is not a format."""
    if not text:
        return DEFAULT_FORMATS
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise ValueError(f"--format: 未知格式 / unknown format {', '.join(unknown) or repr(text)} "
                         f"(choose from {', '.join(FORMATS)})")
    return tuple(dict.fromkeys(names))


def report_path(workbook: Path, fmt: str) -> Path:
    """The file of ``fmt`` beside ``workbook``, with its stem."""
    stem = workbook.name.removesuffix(workbook.suffix) if workbook.suffix else workbook.name
    return workbook.with_name(stem + SUFFIXES[fmt])


def write_reports(workbook: Path, formats, ctx: AuditContext, findings: list[Finding], rules: list[Rule], *,
                  baseline=None, fail_on="error") -> tuple[list[Row], dict[str, Path]]:
    """Every file report asked for; the rows (numbered, fingerprinted, baseline-carried) they share."""
    from checker.reports.xlsx import write_workbook

    rows = finding_rows(findings, baseline, ctx.config.owners)
    fixed = baseline.fixed({r.fingerprint for r in rows}) if baseline is not None else []
    written: dict[str, Path] = {}
    if "xlsx" in formats:
        written["xlsx"] = write_workbook(workbook, ctx, findings, rules, rows=rows, fixed=fixed)
    for fmt in ("json", "sarif", "junit"):
        if fmt not in formats:
            continue
        path = report_path(workbook, fmt)
        try:
            written[fmt] = _write(fmt, path, ctx, rows, rules, baseline=baseline, fixed=fixed, fail_on=fail_on)
        except Exception as exc:  # noqa: BLE001 -- one report failing leaves the others
            ctx.errors.append(ErrorRecord(stage="report", source=str(path),
                                          reason=f"无法写入报告 / cannot write the report: {type(exc).__name__}: {exc}"))
    return rows, written


def _write(fmt: str, path: Path, ctx, rows, rules, *, baseline, fixed, fail_on) -> Path:
    if fmt == "json":
        from checker.reports.json_report import write_json

        return write_json(path, ctx, rows, rules, fail_on=fail_on, baseline=baseline, fixed=fixed)
    if fmt == "sarif":
        from checker.reports.sarif import write_sarif

        return write_sarif(path, ctx, rows, rules, fixed=fixed)
    from checker.reports.junit import write_junit

    return write_junit(path, ctx, rows, rules, fail_on=fail_on)
