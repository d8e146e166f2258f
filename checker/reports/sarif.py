"""``--format sarif``: SARIF 2.1.0 for code hosts (GitHub code scanning, Azure DevOps, GitLab).

Rules come from each rule's metadata and docs; each result has its level, message and locations: an
export finding points at its file and row; a page finding has a logical location (the SKU, the URL) and,
as its physical location, the catalog row of its SKU when the catalog has one, else the page's URL.
Code hosts refuse more than 25,000 results per run or more than 10 MB gzipped: past either, the
highest severities are kept (findings come sorted by severity) and the run says how many were left out."""

from __future__ import annotations

import gzip
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from checker import __version__
from checker.engine.context import AuditContext
from checker.engine.docs import rule_docs
from checker.engine.registry import load_plugins
from checker.engine.rule import Rule
from checker.models import SourceRef
from checker.reports.atomic import write_atomically
from checker.reports.records import Row, clean
from checker.reports.summary import area_name

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
MAX_RESULTS = 25_000
MAX_GZIPPED_BYTES = 10 * 1000 * 1000
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "storeChecker/v1"


@lru_cache(maxsize=1024)
def file_uri(file: str, base: Path | None = None) -> str:
    """An export file as a SARIF URI: relative to the working folder (the repository, in CI) when under
    it, else an absolute ``file:`` URI.  ``base``: the folder relative paths are read from (the config's)."""
    path = Path(file)
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    try:
        return quote(path.resolve().relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return path.resolve().as_uri()


def sources_base(ctx: AuditContext) -> Path:
    """Where the audit read relative source paths from (as :func:`checker.audit.load_sources` does)."""
    return ctx.config.path.parent if ctx.config.path else Path.cwd()


def _file_location(ref: SourceRef, base: Path) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": file_uri(ref.file or "", base)}}
    if ref.row is not None and ref.row >= 1:
        location["region"] = {"startLine": ref.row}
    return location


def _locations(row: Row, catalog_rows: dict[str, SourceRef], base: Path) -> list[dict[str, Any]]:
    f = row.finding
    source = f.source
    if source is not None and source.file:
        location: dict[str, Any] = {"physicalLocation": _file_location(source, base)}
    else:
        url = f.url or (source.url if source is not None else None)
        physical = catalog_rows.get(f.sku or "") if f.sku else None
        location = {}
        if physical is not None:
            location["physicalLocation"] = _file_location(physical, base)
        elif url:
            location["physicalLocation"] = {"artifactLocation": {"uri": url}}
        logical = [{"name": f.sku, "kind": "object", "fullyQualifiedName": f"sku:{f.sku}"}] if f.sku else []
        if url:
            logical.append({"name": url, "kind": "resource", "fullyQualifiedName": url})
        if logical:
            location["logicalLocations"] = logical
    return [location] if location else []


def _rule_descriptor(cls) -> dict[str, Any]:
    docs = rule_docs(cls)
    first = docs.split("\n\n", 1)[0].strip() if docs else cls.summary
    return {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": cls.summary},
        "fullDescription": {"text": first or cls.summary},
        "help": {"text": docs or cls.summary},
        "defaultConfiguration": {"level": LEVELS[cls.severity.value]},
        "properties": {"area": cls.area(), "areaName": area_name(cls.code), "legalBasis": cls.legal_basis,
                       "tags": [cls.area()]},
    }


def _result(row: Row, rule_index: dict[str, int], catalog_rows, base: Path) -> dict[str, Any]:
    f = row.finding
    text = clean(f.message)
    if f.sku:
        text = f"[{f.sku}] {text}"
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": LEVELS[f.severity.value],
        "message": {"text": text or f.code},
        "locations": _locations(row, catalog_rows, base),
        "partialFingerprints": {FINGERPRINT_KEY: row.fingerprint},
        "properties": {"number": row.number, "severity": f.severity.value, "sku": f.sku, "field": f.field,
                       "evidence": clean(f.evidence), "suggestion": clean(f.suggestion), "status": row.status,
                       "owner": row.owner, "note": row.note, "repeatOf": list(f.repeat_of),
                       "escalatedBy": f.escalated_by},
    }
    if f.code in rule_index:
        result["ruleIndex"] = rule_index[f.code]
    if row.baseline_state:
        result["baselineState"] = row.baseline_state
    return result


def sarif_document(ctx: AuditContext, rows: list[Row], rules: list[Rule], *, fixed=(),
                   max_results: int = MAX_RESULTS, max_gzipped: int = MAX_GZIPPED_BYTES) -> dict[str, Any]:
    registry = load_plugins()
    codes = list(dict.fromkeys([r.code for r in rules] + [row.finding.code for row in rows]))
    descriptors = [_rule_descriptor(registry[c]) if c in registry else {"id": c} for c in codes]
    rule_index = {c: i for i, c in enumerate(codes)}
    catalog_rows = {item.sku: item.source for item in ctx.catalog if item.source is not None and item.source.file}
    base = sources_base(ctx)
    results = [_result(row, rule_index, catalog_rows, base) for row in rows[:max_results]]
    absent = [{"ruleId": p.code or "unknown", "level": LEVELS.get(p.severity, "none"), "baselineState": "absent",
                 "message": {"text": clean(p.message) or p.code or p.fingerprint},
                 "partialFingerprints": {FINGERPRINT_KEY: p.fingerprint}} for p in fixed]
    kept = len(results)
    while True:
        document = _document(ctx, descriptors, results[:kept] + absent)
        if kept < len(rows):
            _say_truncated(document, kept, len(rows), max_results, max_gzipped)
        size = _gzipped_size(document)
        if size <= max_gzipped or kept == 0:
            return document
        kept = int(kept * max_gzipped / size * 0.9)  # in proportion, with a margin


def _say_truncated(document: dict[str, Any], kept: int, total: int, max_results: int, max_gzipped: int) -> None:
    mb = f"{max_gzipped / 1_000_000:g}"
    note = (f"只写入最严重的 {kept:,} 条，共 {total:,} 条（代码托管平台上限：{max_results:,} 条、压缩后 {mb} MB）/ "
            f"only the {kept:,} most severe of {total:,} findings written (code hosts accept {max_results:,} "
            f"results and {mb} MB gzipped per run); the JSON report and the workbook have them all")
    run = document["runs"][0]
    run["properties"]["truncated"] = {"kept": kept, "total": total, "note": note}
    run["invocations"][0]["toolExecutionNotifications"].insert(0, {"level": "warning", "message": {"text": note}})


def _gzipped_size(document: dict[str, Any]) -> int:
    return len(gzip.compress(json.dumps(document, ensure_ascii=False).encode("utf-8"), compresslevel=6))


def _document(ctx: AuditContext, descriptors, results) -> dict[str, Any]:
    notifications = [{"level": "warning", "message": {"text": clean(f"[{e.stage}] {e.source} {e.location} "
                                                               f"{e.reason}".replace("  ", " "))}}
                     for e in ctx.errors[:1000]]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "store-checker", "version": __version__, "semanticVersion": __version__,
                                "rules": descriptors}},
            "invocations": [{"executionSuccessful": not ctx.partial,
                             "toolExecutionNotifications": notifications,
                             **({"exitCodeDescription": clean(ctx.interrupted_reason)} if ctx.partial else {})}],
            "results": results,
            "properties": {"partial": ctx.partial, "startUrls": list(ctx.start_urls),
                           "workingDirectory": os.getcwd()},
        }],
    }


def write_sarif(path: Path, ctx: AuditContext, rows: list[Row], rules: list[Rule], **kwargs) -> Path:
    document = sarif_document(ctx, rows, rules, **kwargs)
    return write_atomically(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
