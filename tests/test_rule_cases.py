"""Every case of every installed rule pack (``<pack>/cases/<CODE>.toml``), run as a small audit with
only that rule through the real engine.  A case fails on a missing or an unexpected finding, and on
a rule that raised."""

from __future__ import annotations

import pytest

from checker.engine import load_packs
from checker.engine.cases import CaseError, check_case, compare, load_case_file, run_case
from checker.engine.docs import cases_of_pack
from checker.models import Finding, Severity

CASES = [rc for prefix in load_packs() for rc in cases_of_pack(prefix)]


@pytest.mark.parametrize("rc", CASES, ids=[rc.id for rc in CASES])
def test_rule_case(rc):
    problems = check_case(rc)
    assert not problems, f"{rc.path.name} case {rc.case.name!r}:\n  " + "\n  ".join(problems)


# -- the runner itself can fail -------------------------------------------------------------------
def _finding(**kw) -> Finding:
    return Finding(**{"code": "AD001", "severity": Severity.ERROR, "message": "使用绝对化用语「最佳」", **kw})


def test_compare_reports_missing_unexpected_and_mismatched_findings():
    found = [_finding(field="title", extra={"term": "最佳"})]
    assert compare(found, [{"code": "AD001", "field": "title", "term": "最佳"}]) == []
    assert compare(found, [{"code": "AD001", "message": "绝对化"}]) == []
    assert compare(found, []) == [f"unexpected finding: {found[0].code} error field='title' sku=None evidence='' "
                                  "{'term': '最佳'} | 使用绝对化用语「最佳」"]
    assert compare([], [{"code": "AD001"}]) == ["expected a finding with {'code': 'AD001'}, found none"]
    wrong_term = compare(found, [{"code": "AD001", "term": "顶级"}])
    assert len(wrong_term) == 2 and "found none" in wrong_term[0] and "unexpected" in wrong_term[1]
    assert compare(found, [{"code": "AD001", "severity": "warning"}]) != []
    # one finding cannot satisfy two expectations
    assert compare(found, [{"code": "AD001"}, {"code": "AD001"}]) == ["expected a finding with {'code': 'AD001'}, found none"]


def test_a_case_that_expects_the_wrong_thing_fails(tmp_path):
    path = tmp_path / "AD001.toml"
    path.write_text('[[case]]\nname = "wrong"\nproduct = { title = "品质最佳" }\nexpect = "none"\n\n'
                    '[[case]]\nname = "missing"\nproduct = { title = "品质优良" }\nexpect = [{ term = "最佳" }]\n',
                    encoding="utf-8")
    wrong, missing = load_case_file(path)
    assert [p.split(":")[0] for p in check_case(wrong)] == ["unexpected finding"]
    assert check_case(missing) == ["expected a finding with {'code': 'AD001', 'term': '最佳'}, found none"]


def test_a_rule_that_raises_fails_its_case(tmp_path, monkeypatch):
    from checker_rules.links.ln004_redirects import Redirects

    def broken(self, page, ctx):
        raise RuntimeError("boom")
        yield

    monkeypatch.setattr(Redirects, "check", broken)
    path = tmp_path / "LN004.toml"
    path.write_text('[[case]]\nname = "any page"\npage = { url = "/p/a.html" }\nexpect = "none"\n', encoding="utf-8")
    (rc,) = load_case_file(path)
    assert check_case(rc) == ["rule error: LN004: RuntimeError: boom"]


@pytest.mark.parametrize(("text", "message"), [
    ('[[case]]\nname = "x"\nproduct = {}\n', r"AD001.toml: case #1 'x': expect: Field required"),
    ('[[case]]\nname = "x"\nprodcut = {}\nexpect = "none"\n', r"case #1 'x': prodcut: Extra inputs are not permitted"),
    ('[[case]]\nname = "x"\nexpect = [{}]\n', r"an expected finding needs at least one key"),
    ('[[case]]\nname = "x"\nexpect = "none"\n[[case]]\nname = "x"\nexpect = "none"\n', r"case names used twice: x"),
    ('[[case]\n', r"AD001.toml: "),
])
def test_a_malformed_case_file_names_the_file_and_case(tmp_path, text, message):
    path = tmp_path / "AD001.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseError, match=message):
        load_case_file(path)


def test_a_case_file_is_named_after_its_code(tmp_path):
    path = tmp_path / "absolute.toml"
    path.write_text('[[case]]\nname = "x"\nexpect = "none"\n', encoding="utf-8")
    with pytest.raises(CaseError, match="named after its rule code"):
        load_case_file(path)


def test_pages_are_filed_as_the_crawler_files_them_for_site_rules():
    """A site rule's case sees links and images the way an audit does (extracted from HTML)."""
    (rc,) = [rc for rc in cases_of_pack("LN") if rc.id == "LN003:the landing page links to an off-shelf product"]
    findings, errors = run_case(rc)
    assert errors == [] and [f.extra["target"] for f in findings] == ["https://shop.example.com/p/old.html"]


def test_exports_in_a_case_are_read_through_the_real_readers(tmp_path):
    """A case can give an export as text (here GBK, with a title row and Chinese headers); a rule
    reading inventory lots sees them as an audit would, and bad rows are error rows."""
    path = tmp_path / "LN001.toml"
    path.write_text(
        '[[case]]\nname = "export"\nexpect = "none"\n'
        '[[case.sources]]\nkind = "inventory"\nfile = "库存.csv"\nencoding = "gb18030"\n'
        'text = """库存导出 2026-11-20\n商品编码,商品名称,数量,生产日期,保质期\n'
        'TEA-1,云南普洱茶,12,2026/3/1,12个月\nTEA-2,坏行,abc,2026/3/1,12个月\n"""\n',
        encoding="utf-8")
    (rc,) = load_case_file(path)
    from checker.engine.cases import case_config, read_case_sources
    from checker.engine.context import AuditContext

    ctx = AuditContext(config=case_config(rc))
    read_case_sources(rc.case.sources, ctx.config, ctx)
    assert [(lot.sku, lot.name, lot.quantity, str(lot.expiry_date)) for lot in ctx.lots] == [
        ("TEA-1", "云南普洱茶", 12, "2027-03-01")]
    assert len(ctx.errors) == 1 and "库存.csv" in ctx.errors[0].source and "abc" in ctx.errors[0].reason
