"""The engine's own contracts: packs that declare themselves (as a third-party package would ship
one), and the per-item memo rules share."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint

import pytest

import checker.engine.registry as registry
from checker.config import Config
from checker.engine import AuditContext, Engine, build_rules
from checker.engine.context import ItemMemo
from checker.engine.pack import RuleRegistrationError
from checker.models import Finding, Severity
from checker.reports.summary import area_name

PACK_INIT = '''"""ZZ: a third-party pack."""
from checker.engine import RulePack

PACK = RulePack(prefix="ZZ", area_zh="测试区", area_en="Test area", docs=__doc__)
'''
RULE = '''from checker.engine import Rule, register


@register
class Shout(Rule):
    """Titles in capitals.

    What it checks:
        The title.

    Why it matters:
        Shouting.
    """

    code, name, scope, summary = "ZZ001", "zz.shout", "product", "大写标题 / Shouting title"

    def check(self, product, ctx):
        if product.title.isupper():
            yield self.finding("大写 / Shouting", sku=product.sku, field="title")
'''


@pytest.fixture
def fresh_registry(monkeypatch, tmp_path):
    """The registry as a process that has not loaded packs yet, with one more entry point (a
    package on sys.path, as a third-party pack would be installed)."""
    monkeypatch.setattr(registry, "_REGISTRY", {})
    monkeypatch.setattr(registry, "_PACKS", {})
    real = registry.entry_points(group=registry.ENTRY_POINT_GROUP)
    extra: list[EntryPoint] = []
    monkeypatch.setattr(registry, "entry_points", lambda group: [*real, *extra])
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "zzpack" or m.startswith("zzpack.") or m.startswith("checker_rules")]:
        monkeypatch.delitem(sys.modules, name)
    before = set(sys.modules)
    yield tmp_path, extra
    # Packs first imported by the test go too: left in sys.modules, a later load would find them imported
    # and register nothing in the restored registry (the file failed when run alone).
    for name in [m for m in sys.modules if m not in before and (m.startswith(("checker_rules", "zzpack")))]:
        del sys.modules[name]


def test_a_third_party_pack_declares_its_area_and_its_modules_are_found(fresh_registry):
    folder, extra = fresh_registry
    (folder / "zzpack").mkdir()
    (folder / "zzpack" / "__init__.py").write_text(PACK_INIT, encoding="utf-8")
    (folder / "zzpack" / "zz001_shout.py").write_text(RULE, encoding="utf-8")  # no import list anywhere
    extra.append(EntryPoint(name="ZZ", value="zzpack", group=registry.ENTRY_POINT_GROUP))
    assert "ZZ001" in registry.load_plugins()
    assert registry.load_packs()["ZZ"].codes == ("ZZ001",)
    assert area_name("ZZ001") == "测试区 Test area"  # the report names the area as the pack does
    config = Config(select=["ZZ"])
    (finding,) = Engine(build_rules(config)).check_scope("product", _product("LOUD"), AuditContext(config=config))
    assert finding.area == "ZZ"


@pytest.mark.parametrize(("init", "message"), [
    ('"""no PACK"""\n', "declares no PACK"),
    (PACK_INIT.replace('prefix="ZZ"', 'prefix="ZY"'), "entry-point name 'ZZ' and PACK.prefix 'ZY' differ"),
    (PACK_INIT.replace('area_zh="测试区"', 'area_zh=""'), "needs area_zh and area_en"),
])
def test_a_pack_that_does_not_declare_itself_properly_is_refused(fresh_registry, init, message):
    folder, extra = fresh_registry
    (folder / "zzpack").mkdir()
    (folder / "zzpack" / "__init__.py").write_text(init, encoding="utf-8")
    extra.append(EntryPoint(name="ZZ", value="zzpack", group=registry.ENTRY_POINT_GROUP))
    with pytest.raises(RuleRegistrationError, match=message):
        registry.load_plugins()


def test_a_pack_registering_codes_outside_its_prefix_is_refused(fresh_registry):
    folder, extra = fresh_registry
    (folder / "zzpack").mkdir()
    (folder / "zzpack" / "__init__.py").write_text(PACK_INIT, encoding="utf-8")
    (folder / "zzpack" / "zz001_shout.py").write_text(RULE.replace('"ZZ001"', '"ZX001"'), encoding="utf-8")
    extra.append(EntryPoint(name="ZZ", value="zzpack", group=registry.ENTRY_POINT_GROUP))
    with pytest.raises(RuleRegistrationError, match="outside its prefix 'ZZ': ZX001"):
        registry.load_plugins()


def _product(title: str):
    from checker.models import Product

    return Product(url="https://shop.example.com/p/1.html", sku="S1", title=title)


def test_item_memo_computes_once_per_item_and_key():
    memo, calls = ItemMemo(), []
    a, b = _product("a"), _product("b")

    def compute(label):
        return lambda: calls.append(label) or label

    assert memo.get(a, "k", compute("a1")) == "a1"
    assert memo.get(a, "k", compute("again")) == "a1"  # same item, same key: remembered
    assert memo.get(a, "other", compute("a2")) == "a2"  # another key: computed
    assert memo.get(b, "k", compute("b1")) == "b1"  # another item: the last one is forgotten
    assert memo.get(a, "k", compute("a3")) == "a3"
    memo.start(a)  # the engine starts each item afresh (it may have changed in place)
    assert memo.get(a, "k", compute("a4")) == "a4"
    assert calls == ["a1", "a2", "b1", "a3", "a4"]


def test_the_engine_starts_the_memo_for_each_item():
    config = Config(select=["AD001"])
    engine, ctx = Engine(build_rules(config)), AuditContext(config=config)
    product = _product("品质最佳")
    assert [f.extra["term"] for f in engine.check_scope("product", product, ctx)] == ["最佳"]
    product.title = "品质顶级"  # changed in place, checked again: screened anew, not from the memo
    assert [f.extra["term"] for f in engine.check_scope("product", product, ctx)] == ["顶级"]


def test_finding_area_and_code_pattern_are_one_thing():
    from checker.codes import SELECTOR, area_of, is_code

    assert area_of("AD001") == "AD" == Finding(code="AD001", severity=Severity.ERROR, message="m").area
    assert is_code("AD001") and is_code("ABC123") and not is_code("AD01") and not is_code("ad001")
    assert SELECTOR.fullmatch("AD0") and SELECTOR.fullmatch("ALL") and not SELECTOR.fullmatch("AD0001")


def test_a_trusted_finding_is_the_validated_finding():
    """Rule.finding builds findings without pydantic (checker.models.trusted_finding): what it builds must
    hold what a validated Finding holds, compare equal, dump, copy and hash its fingerprint alike."""
    from checker.models import Finding, Severity, SourceRef
    from checker.trusted import trusted_finding

    source = SourceRef(file="inventory.csv", row=3)
    values = dict(code="ST002", rule_name="stock.x", severity=Severity.ERROR, message="m", sku="S1", url="https://a/p",
                  field="expiry_date", evidence="L1", suggestion="s", legal_basis="l", source=source,
                  extra={"lot": "L1", "days_left": 3})
    fast, checked = trusted_finding(**values), Finding(**values)
    assert fast == checked and fast.model_dump() == checked.model_dump()
    assert fast.model_fields_set == checked.model_fields_set and fast.fingerprint == checked.fingerprint
    assert Finding.model_validate(fast.model_dump()) == checked
    raised = fast.model_copy(update={"severity": Severity.INFO, "repeat_of": ["T1"]})
    assert raised.severity is Severity.INFO and raised.repeat_of == ["T1"] and fast.repeat_of == []
    assert trusted_finding(**values).repeat_of is not fast.repeat_of  # each its own list
    assert fast.model_dump_json() == checked.model_dump_json()


def test_site_rules_see_the_text_read_in_a_page_s_images():
    """The OCR stage runs after the crawl (the stored pages have no image text): AuditContext joins what it
    read to the products the site rules read back."""
    from checker.engine import AuditContext
    from checker.models import FetchResult, ImageText, Page, Product

    ctx = AuditContext()
    url = "https://shop.example.com/p/a.html"
    page = Page(fetch=FetchResult(url=url, final_url=url, status=200), product=Product(url=url, sku="A"))
    ctx.add_page_targets(page, {}, {})
    line = ImageText(url="https://shop.example.com/img/a.jpg", text="临期特惠")
    ctx.image_texts[url] = [line]
    [product] = ctx.site_products()
    assert product.image_texts == [line] and product.sku == "A"
