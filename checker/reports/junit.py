"""``--format junit``: JUnit XML for CI test tabs (Jenkins, GitLab, Azure).  One test case per rule that
ran (classname: its area), failing when it has findings at or above ``--fail-on`` that a manager has not
accepted; the audit itself is a test case, in error when the run is partial.  Written with the standard
library, web text stripped of the control characters XML 1.0 forbids (the common JUnit libraries fail
on them)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from checker.engine.context import AuditContext
from checker.engine.rule import Rule
from checker.models import Severity
from checker.reports.atomic import write_atomically
from checker.reports.records import Row, clean
from checker.reports.summary import area_name

#: Findings listed in one failure's text; the rest are counted (the workbook has them all).
MAX_LISTED = 200


def fails(row: Row, fail_on) -> bool:
    """A finding that fails the run: at or above ``fail_on`` and not accepted by a manager."""
    return fail_on != "never" and row.finding.severity.rank >= Severity(fail_on).rank and not row.accepted


def _line(row: Row) -> str:
    f = row.finding
    where = " ".join(x for x in (f.sku or "", f.url or (str(f.source) if f.source else "")) if x)
    return clean(f"#{row.number} {f.severity.value} {f.code} {where}: {f.message}")


def junit_tree(ctx: AuditContext, rows: list[Row], rules: list[Rule], fail_on) -> ET.ElementTree:
    fail_on = getattr(fail_on, "value", fail_on)
    by_code: dict[str, list[Row]] = {}
    for row in rows:
        by_code.setdefault(row.finding.code, []).append(row)
    codes = list(dict.fromkeys([r.code for r in rules] + list(by_code)))
    names = {r.code: r.name for r in rules}
    suites = ET.Element("testsuites", name="store-checker")
    by_area: dict[str, list[str]] = {}
    for code in codes:
        by_area.setdefault(area_name(code), []).append(code)
    total = failed = errored = 0
    for area, area_codes in [("audit", [""]), *by_area.items()]:
        suite = ET.SubElement(suites, "testsuite", name=clean(area))
        tests = failures = errors = 0
        for code in area_codes:
            tests += 1
            if not code:  # the audit as a whole: complete, or partial (an error, not a failure)
                case = ET.SubElement(suite, "testcase", classname="store-checker", name="audit complete 审核完成")
                if ctx.partial:
                    errors += 1
                    ET.SubElement(case, "error", message=clean(ctx.interrupted_reason or "partial"),
                                  type="partial").text = clean(ctx.interrupted_reason)
                continue
            found = by_code.get(code, [])
            case = ET.SubElement(suite, "testcase", classname=clean(f"store-checker.{area}"),
                                 name=clean(f"{code} {names.get(code) or found[0].finding.rule_name}"))
            failing = [r for r in found if fails(r, fail_on)]
            if failing:
                failures += 1
                text = "\n".join(_line(r) for r in failing[:MAX_LISTED])
                if len(failing) > MAX_LISTED:
                    text += f"\n… 另有 {len(failing) - MAX_LISTED} 条 / and {len(failing) - MAX_LISTED} more"
                ET.SubElement(case, "failure", message=clean(f"{len(failing)} finding(s) at or above {fail_on}"),
                              type=failing[0].finding.severity.value).text = text
            rest = [r for r in found if not fails(r, fail_on)]
            if rest:
                ET.SubElement(case, "system-out").text = "\n".join(_line(r) for r in rest[:MAX_LISTED])
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        total, failed, errored = total + tests, failed + failures, errored + errors
    suites.set("tests", str(total))
    suites.set("failures", str(failed))
    suites.set("errors", str(errored))
    return ET.ElementTree(suites)


def write_junit(path: Path, ctx: AuditContext, rows: list[Row], rules: list[Rule], *, fail_on="error") -> Path:
    tree = junit_tree(ctx, rows, rules, fail_on)
    ET.indent(tree)
    return write_atomically(path, ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True))
