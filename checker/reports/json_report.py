"""``--format json``: the audit as one versioned JSON document, the stable machine model of a run
(schema: ``audit.schema.json`` beside this module; README "JSON report").  Bump
:data:`SCHEMA_VERSION`'s major number on any change that removes or renames a field."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from checker import __version__
from checker.engine.context import AuditContext
from checker.engine.rule import Rule
from checker.messages import reason_label, stage_label
from checker.models import Severity
from checker.reports.atomic import write_atomically
from checker.reports.coverage import coverage
from checker.reports.priority import fix_first, places
from checker.reports.records import Row, finding_record

SCHEMA_VERSION = "1.0"
SCHEMA_FILE = Path(__file__).with_name("audit.schema.json")


def run_facts(ctx: AuditContext, fail_on, baseline) -> dict[str, Any]:
    window = ctx.promotion
    return {
        "status": "partial" if ctx.partial else "complete",
        "interrupted_reason": ctx.interrupted_reason or None,
        "scope": ctx.scope_note or None,
        "ocr": ctx.ocr_summary or None,
        "started": ctx.started.isoformat(timespec="seconds"),
        "finished": datetime.now().isoformat(timespec="seconds"),
        "today": ctx.today.isoformat(),
        "promotion": {"start": window.start.isoformat(), "end": window.end.isoformat(),
                      "configured": bool(window.configured)},
        "start_urls": list(ctx.start_urls),
        "config": str(ctx.config.path) if ctx.config.path else None,
        "fail_on": str(getattr(fail_on, "value", fail_on)),
        "baseline": str(baseline.path) if baseline is not None else None,
    }


def audit_document(ctx: AuditContext, rows: list[Row], rules: list[Rule], *, fail_on="error", baseline=None,
                   fixed=()) -> dict[str, Any]:
    by_severity = {s.value: 0 for s in Severity}
    for row in rows:
        by_severity[row.finding.severity.value] += 1
    return {
        "schema": "store-checker/audit",
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "store-checker", "version": __version__},
        "run": run_facts(ctx, fail_on, baseline),
        "counts": {
            "pages": len(ctx.pages), "pages_ok": ctx.pages.ok_count, "products": ctx.product_count,
            "targets_checked": len(ctx.checked), "inventory_rows": len(ctx.lots), "catalog_rows": len(ctx.catalog),
            "price_records": len(ctx.prices), "complaints": len(ctx.complaints), "errors": len(ctx.errors),
            "findings": len(rows), "findings_by_severity": by_severity,
        },
        "coverage": [{"area": a.area, "name": a.name, "status": a.status, "why": a.why, "rules": list(a.codes)}
                     for a in coverage(ctx, rules)],
        "rules": [{"code": r.code, "name": r.name, "severity": r.level.value, "summary": r.summary} for r in rules],
        "fix_first": [row.number for row in fix_first(rows)],
        "findings": [{**finding_record(row), "places": places(row)} for row in rows],
        "fixed": [{"fingerprint": p.fingerprint, "code": p.code, "severity": p.severity, "sku": p.sku, "url": p.url,
                   "message": p.message, "status": p.status, "owner": p.owner, "note": p.note} for p in fixed],
        "errors": [{"stage": e.stage, "stage_label": stage_label(e.stage), "source": e.source,
                    "location": e.location, "reason": e.reason, "reason_label": reason_label(e.reason)}
                   for e in ctx.errors],
        "products": [p.model_dump(mode="json") for p in ctx.site_products()],
    }


def write_json(path: Path, ctx: AuditContext, rows: list[Row], rules: list[Rule], **kwargs) -> Path:
    document = audit_document(ctx, rows, rules, **kwargs)
    return write_atomically(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
