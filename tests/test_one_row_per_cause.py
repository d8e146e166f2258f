"""The fixture store's full audit (as `make audit` runs it): the Findings sheet has one row per cause and
its totals are the console's (issue 24)."""

from __future__ import annotations

from collections import Counter

import openpyxl

from checker.reports.summary import counts_by_area


def test_the_findings_sheet_has_one_row_per_cause_and_the_console_s_totals(store_audit):
    findings = store_audit.findings
    book = openpyxl.load_workbook(store_audit.workbook, read_only=True)
    rows = sum(sum(1 for _ in book[name].iter_rows(min_row=2)) for name in book.sheetnames
               if name.startswith("Findings"))
    _, totals = counts_by_area(findings)
    assert rows == len(findings) == sum(totals)
    # An ad term is one row per product, whatever the fields it is written in ...
    terms = Counter((f.code, f.url, f.extra["canonical"]) for f in findings if f.code.startswith("AD"))
    assert [k for k, n in terms.items() if n > 1] == []
    # ... and a broken link or image target one row, however many pages point at it.
    targets = Counter((f.code, f.extra["target"]) for f in findings if f.code in ("LN002", "LN003"))
    assert targets and [k for k, n in targets.items() if n > 1] == []
    assert len({f.fingerprint for f in findings}) == len(findings)
