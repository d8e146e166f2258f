"""AD rules (advertising-law wording): bad and good cases per code in Simplified, Traditional and
English, every lexicon exception, lexicon validation, and offsets into the original text."""

from __future__ import annotations

from pathlib import Path

import pytest
from checker_rules.ad.base import FIELDS, LexiconRule
from checker_rules.ad.lexicon import CATEGORY_CODES, LexiconError, load_lexicon
from checker_rules.ad.matcher import get_matcher

from checker.config import Config, ConfigError
from checker.engine import AuditContext, Engine, build_rules
from checker.engine.cases import DEFAULT_PRODUCT_URL, run_case
from checker.engine.docs import cases_of_pack, rule_docs
from checker.engine.registry import load_plugins
from checker.models import Image, ImageText, Product, Severity
from checker.text import OffsetMap, normalise, normalise_for_matching, to_halfwidth, to_simplified

LEXICON = load_lexicon()
MATCHER = get_matcher()
AD_CODES = ("AD001", "AD002", "AD003", "AD004", "AD005", "AD006")


def product(field: str = "description", text: str = "", **kwargs) -> Product:
    """A product whose ``field`` (one of the AD field names) holds ``text``."""
    data: dict = {"url": "https://shop.example.com/p/1.html", "sku": "SKU-1", **kwargs}
    if field == "specs":
        data["specs"] = {"规格": text}
    elif field == "image_alt":
        data["images"] = [Image(url="https://shop.example.com/i/1.jpg", alt=text)]
    elif field == "banner":
        data["banners"] = [text]
    elif field == "label":
        data["labels"] = [text]
    elif field.startswith("image:"):  # text read in an image (checker/ocr)
        data["image_texts"] = [ImageText(url="https://shop.example.com/i/2.jpg", role=field[6:], text=text,
                                         box=[[1, 2], [30, 2], [30, 9], [1, 9]])]
    else:
        data[field] = text
    return Product(**data)


def audit(prod: Product, config: Config | None = None, ctx: AuditContext | None = None):
    config = config or Config(select=["AD"])
    ctx = ctx or AuditContext(config=config)
    return [f for rule in build_rules(config) for f in rule.check(prod, ctx)]


def found(findings) -> set[tuple[str, str, str, str]]:
    return {(f.code, f.field, f.extra["term"], f.extra["canonical"]) for f in findings}


# ------------------------------------------------------------------------------------ what every AD finding carries
# The bad and good cases themselves are in rules/ad/cases/AD00N.toml (run by test_rule_cases.py).
AD_BAD_CASES = [rc for rc in cases_of_pack("AD") if rc.is_bad]


@pytest.mark.parametrize("rc", AD_BAD_CASES, ids=[rc.id for rc in AD_BAD_CASES])
def test_every_ad_finding_quotes_the_original_text_at_its_position(rc):
    findings, _ = run_case(rc)
    assert findings
    for f in findings:
        text = f.extra.get("spec") and rc.case.product["specs"][f.extra["spec"]] or _field_text(rc.case.product, f.field)
        start = f.extra["position"]
        assert text[start : start + len(f.extra["term"])] == f.extra["term"]
        assert f.evidence == text[max(0, start - 20) : start + len(f.extra["term"]) + 20].strip()
        assert f.url == rc.case.product.get("url", DEFAULT_PRODUCT_URL)
        assert f.suggestion and f.legal_basis and f.extra["reason"]
        assert f.extra["category"] == {c: k for k, c in CATEGORY_CODES.items()}[f.code]


def _field_text(product: dict, field: str) -> str:
    """The text of a case product's field, as the AD rules name fields."""
    if field == "image_alt":
        return product["images"][0]["alt"]
    if field in ("banner", "label"):
        return product[field + "s"][0]
    if field.startswith("image:"):
        return product["image_texts"][0]["text"]
    return product[field]


def test_ad001_message_names_the_term_in_chinese_and_english():
    (f,) = audit(product("title", "品质最佳"))
    assert f.message == '使用绝对化用语「最佳」/ Absolute claim "最佳"'
    assert "第九条第（三）项" in f.legal_basis and "art. 9(3)" in f.legal_basis
    assert f.severity is Severity.ERROR


def test_evidence_is_twenty_characters_either_side_of_the_original_text():
    before, after = "这是一段很长的商品描述文字用来测试证据截取是否正确的前文部分", "后文部分也需要足够长才能看出截取的边界是否正确无误"
    text = before + "頂級" + after
    (f,) = audit(product("description", text))
    assert f.evidence == before[-20:] + "頂級" + after[:20]
    assert f.extra["position"] == len(before)
    assert text[f.extra["position"] : f.extra["position"] + 2] == "頂級"


def test_a_term_repeated_in_one_text_is_one_finding_with_a_count():
    (f,) = audit(product("description", "最佳选择。真的最佳。"))
    assert f.extra["occurrences"] == 2 and f.extra["position"] == 0


def test_every_field_is_screened_and_named():
    for field in FIELDS:
        (f,) = audit(product(field, "品质最佳"))
        assert (f.code, f.field) == ("AD001", field)


def test_spec_and_image_findings_say_which_spec_and_image():
    prod = Product(url="u", specs={"材质": "顶级牛皮"},
                   images=[Image(url="https://x/a.jpg", alt="", title="顶级牛皮包")])
    [finding] = audit(prod)  # one term on one product: one finding, every place listed
    assert (finding.field, finding.extra["spec"]) == ("specs", "材质")
    assert finding.extra["places"] == ["specs:材质", "image_alt"] and "另见 image_alt" in finding.message
    [image] = audit(Product(url="u", images=[Image(url="https://x/a.jpg", alt="", title="顶级牛皮包")]))
    assert (image.field, image.extra["image"]) == ("image_alt", "https://x/a.jpg")


def test_a_term_written_in_several_fields_is_one_finding_with_its_places():
    prod = Product(url="u", sku="S", title="国家级工艺", banners=["限时", "国家级品质"], description="国家级认证，国家级")
    [finding] = [f for f in audit(prod) if f.extra["canonical"] == "国家级"]
    assert finding.field == "title" and finding.extra["places"] == ["title", "description", "banner[1]"]
    assert finding.extra["occurrences"] == 4


def test_configured_brand_names_are_never_flagged():
    prod = product("title", "最好牌保温杯 最好牌")
    assert found(audit(prod)) == {("AD001", "title", "最好", "最好")}
    assert audit(prod, Config(select=["AD"], brand_names=["最好牌"])) == []
    # Traditional and full-width spellings of the brand are the same brand.
    assert audit(product("title", "最好牌保溫杯"), Config(select=["AD"], brand_names=["最好牌"])) == []
    # Outside the brand name the word is still flagged.
    config = Config(select=["AD"], brand_names=["最好牌"])
    assert found(audit(product("title", "最好牌，品质最好"), config)) == {("AD001", "title", "最好", "最好")}


# ------------------------------------------------------------------------------------ exceptions (data)
EXCEPTIONS = [(e, x) for e in LEXICON.entries for x in e.spec.exceptions]


def _wrap(phrase: str) -> str:
    return f"说明：{phrase}。" if any("\u3400" <= c <= "\u9fff" for c in phrase) else f"Note: {phrase}."


@pytest.mark.parametrize(("entry", "phrase"), EXCEPTIONS, ids=[f"{e.spec.code}-{x}" for e, x in EXCEPTIONS])
def test_each_lexicon_exception_suppresses_its_term(entry, phrase):
    text = _wrap(phrase)
    start = text.index(phrase)
    inside = [h for h in MATCHER.scan(text) if start <= h.start and h.end <= start + len(phrase)]
    assert inside == [], f"{phrase!r} should not be flagged"
    # ... and the term is flagged without its context, so the exception is what makes the difference.
    assert any(h.entry == entry for h in MATCHER.scan(_wrap(entry.spec.term)))


ALLOWS = list(LEXICON.allows)


@pytest.mark.parametrize("allow", ALLOWS, ids=[a.spec.phrase for a in ALLOWS])
def test_each_allowed_disclaimer_is_not_flagged_but_its_terms_are(allow):
    assert MATCHER.scan(_wrap(allow.spec.phrase)) == ()
    terms = [e.spec.term for e in LEXICON.entries if normalise(e.spec.term) in normalise(allow.spec.phrase)]
    assert terms and all(MATCHER.scan(_wrap(t)) for t in terms)


def test_english_terms_match_whole_words_and_listed_inflections_only():
    def terms(text):
        return [h.text for h in MATCHER.scan(text)]

    assert terms("bestow secure curate cureless") == []
    assert terms("It cures, it cured, it is curing.") == ["cures", "cured", "curing"]
    assert terms("The BEST kettle") == ["BEST"]
    assert terms("ＢＥＳＴ水壶") == ["ＢＥＳＴ"]  # full-width, next to Chinese: still a word
    assert terms("#10 on the list") == []
    assert terms("Don’t miss out") == ["Don’t miss out"]  # typographic apostrophe


def test_taiwan_wording_of_a_term_and_of_an_exception_is_matched():
    # Character conversion maps 最高級 to 最高级, but Taiwan writes 最高階 and 晶片 (芯片).
    assert [(h.text, h.entry.spec.term) for h in MATCHER.scan("最高階品質")] == [("最高階", "最高级")]
    assert MATCHER.scan("晶片加持，續航更久") == ()
    assert [h.text for h in MATCHER.scan("大師加持")] == ["加持"]


def test_the_longest_overlapping_term_wins_and_is_reported_once():
    assert [h.entry.spec.term for h in MATCHER.scan("全国第一")] == ["全国第一"]
    assert [h.entry.spec.term for h in MATCHER.scan("全网最低价")] == ["全网最低"]


# ------------------------------------------------------------------------------------ severity and options
def test_severity_comes_from_the_lexicon_entry_unless_configured():
    (bare,) = audit(product("title", "夏天最适合"))  # bare 最: a warning in the lexicon
    assert (bare.extra["canonical"], bare.severity) == ("最", Severity.WARNING)
    config = Config(select=["AD"], severity={"AD001": "info"})
    assert {f.severity for f in audit(product("title", "夏天最适合，品质最佳"), config)} == {Severity.INFO}


def test_fields_option_limits_what_is_screened():
    config = Config(select=["AD001"], rules={"AD001": {"fields": ["title"]}})
    prod = Product(url="u", title="品质最佳", description="品质最佳")
    assert [f.field for f in audit(prod, config)] == ["title"]
    with pytest.raises(ConfigError, match="rules.AD001.fields"):
        build_rules(Config(select=["AD001"], rules={"AD001": {"fields": ["body"]}}))


def test_ad004_extra_terms_file_adds_terms_relative_to_the_config_file(tmp_path):
    (tmp_path / "terms").mkdir()
    (tmp_path / "terms" / "shop.toml").write_text(
        '[defaults]\ncategory = "AD004"\nseverity = "error"\nlegal_basis = "广告法第二十八条"\n'
        'reason = "保证效果"\nsuggestion = "删除"\n\n[[term]]\nterm = "包你满意到飞起"\n', encoding="utf-8")
    config_file = tmp_path / "checker.toml"
    config_file.write_text('select = ["AD004"]\n\n[rules.AD004]\nextra_terms_file = "terms/shop.toml"\n', encoding="utf-8")
    from checker.config import load_config

    config = load_config(config_file)
    findings = audit(product("title", "包你滿意到飛起，保证有效"), config)
    assert found(findings) == {("AD004", "title", "包你滿意到飛起", "包你满意到飞起"),
                               ("AD004", "title", "保证有效", "保证有效")}


def test_ad004_broken_extra_terms_file_is_one_error_row_not_one_per_product(tmp_path):
    config = Config(select=["AD004"], rules={"AD004": {"extra_terms_file": str(tmp_path / "missing.toml")}})
    ctx = AuditContext(config=config)
    (rule,) = build_rules(config)
    for _ in range(3):
        assert list(rule.check(product("title", "保证有效"), ctx)) == []
    assert len(ctx.errors) == 1
    assert ctx.errors[0].stage == "config" and "missing.toml" in ctx.errors[0].reason


def test_the_matcher_is_built_once_per_process():
    assert get_matcher() is get_matcher()
    assert MATCHER.pattern_count > 500


# ------------------------------------------------------------------------------------ docs
@pytest.mark.parametrize("code", AD_CODES)
def test_docs_include_legal_basis_and_lexicon_examples(code):
    cls = load_plugins()[code]
    assert issubclass(cls, LexiconRule)
    docs = rule_docs(cls)
    for section in ("What it checks:", "Why it matters:", "Bad:", "Good:", "Legal basis", "Lexicon ("):
        assert section in docs
    first_term = LEXICON.for_category(cls.category)[0].spec.term
    assert first_term in docs


# ------------------------------------------------------------------------------------ lexicon validation
GOOD_DEFAULTS = """
[defaults]
category = "absolute"
severity = "error"
legal_basis = "广告法第九条"
reason = "绝对化"
suggestion = "删除"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads_and_category_may_be_the_code(tmp_path):
    path = write(tmp_path, "ok.toml", GOOD_DEFAULTS.replace('"absolute"', '"AD001"') + '[[term]]\nterm = "最牛"\n')
    (entry,) = load_lexicon([path]).entries
    assert (entry.spec.term, entry.spec.category, entry.spec.code, entry.line) == ("最牛", "absolute", "AD001", 9)


def test_bad_field_value_names_file_line_entry_and_field(tmp_path):
    path = write(tmp_path, "bad.toml", GOOD_DEFAULTS + '[[term]]\nterm = "最牛"\n\n[[term]]\nterm = "最棒"\nseverity = "fatal"\n')
    with pytest.raises(LexiconError) as exc:
        load_lexicon([path])
    message = str(exc.value)
    assert message.startswith(f"{path}:12: term #2 '最棒': severity: ")
    assert "'error', 'warning' or 'info'" in message


def test_missing_field_says_where_it_may_be_set(tmp_path):
    path = write(tmp_path, "bad.toml", GOOD_DEFAULTS.replace('legal_basis = "广告法第九条"\n', "") + '[[term]]\nterm = "最牛"\n')
    with pytest.raises(LexiconError, match=r"bad\.toml:8: term #1 '最牛': legal_basis: Field required \(set it on the term or in \[defaults\]\)"):
        load_lexicon([path])


def test_unknown_category_is_an_error_listing_the_categories(tmp_path):
    path = write(tmp_path, "bad.toml", GOOD_DEFAULTS + '[[term]]\nterm = "大甩卖"\ncategory = "bargain"\n')
    with pytest.raises(LexiconError, match=r"term #1 '大甩卖': category: Input should be 'absolute', 'authority'"):
        load_lexicon([path])


def test_misspelt_key_is_an_error(tmp_path):
    path = write(tmp_path, "bad.toml", GOOD_DEFAULTS + '[[term]]\nterm = "最牛"\nsugestion = "删除"\n')
    with pytest.raises(LexiconError, match=r"term #1 '最牛': sugestion: Extra inputs are not permitted"):
        load_lexicon([path])


def test_missing_term_key_points_at_the_block(tmp_path):
    path = write(tmp_path, "bad.toml", GOOD_DEFAULTS + '[[term]]\nterm = "最牛"\n\n[[term]]\nreason = "x"\n')
    with pytest.raises(LexiconError, match=r"bad\.toml:11: term #2: term: Field required"):
        load_lexicon([path])


def test_duplicate_term_in_one_file(tmp_path):
    path = write(tmp_path, "dup.toml", GOOD_DEFAULTS + '[[term]]\nterm = "最牛"\n\n[[term]]\nterm = "最牛"\n')
    with pytest.raises(LexiconError, match=r"dup\.toml:12: term #2 '最牛': term: duplicate term '最牛': already listed at .*dup\.toml:9: term #1"):
        load_lexicon([path])


def test_duplicate_across_files_and_scripts(tmp_path):
    a = write(tmp_path, "a.toml", GOOD_DEFAULTS + '[[term]]\nterm = "顶级"\n')
    b = write(tmp_path, "b.toml", GOOD_DEFAULTS + '[[term]]\nterm = "牛"\nforms = ["頂級"]\n')
    with pytest.raises(LexiconError, match=r"b\.toml:9: term #1 '牛': forms: duplicate term '頂級': already listed at .*a\.toml:9: term #1 '顶级' \(as '顶级'\)"):
        load_lexicon([a, b])


def test_duplicate_against_the_built_in_lexicon(tmp_path):
    extra = write(tmp_path, "extra.toml", GOOD_DEFAULTS + '[[term]]\nterm = "ＢＥＳＴ"\n')
    with pytest.raises(LexiconError, match=r"duplicate term 'ＢＥＳＴ': already listed at .*absolute\.en\.toml"):
        get_matcher([extra])


def test_exception_must_contain_its_term(tmp_path):
    path = write(tmp_path, "bad.toml", GOOD_DEFAULTS + '[[term]]\nterm = "第一"\nexceptions = ["第二步"]\n')
    with pytest.raises(LexiconError, match=r"term #1 '第一': exceptions: '第二步' does not contain the term"):
        load_lexicon([path])


def test_allowed_phrase_must_contain_a_term(tmp_path):
    path = write(tmp_path, "bad.toml", GOOD_DEFAULTS + '[[term]]\nterm = "治疗"\n\n[[allow]]\nphrase = "请遵医嘱"\nreason = "提示"\n')
    with pytest.raises(LexiconError, match=r"bad\.toml:12: allow '请遵医嘱': phrase: contains no lexicon term"):
        load_lexicon([path])


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(LexiconError, match=r"bad\.toml: not valid TOML"):
        load_lexicon([write(tmp_path, "bad.toml", "[[term]\nterm = 1")])
    with pytest.raises(LexiconError, match=r"nope\.toml: cannot read lexicon file"):
        load_lexicon([tmp_path / "nope.toml"])


def test_lexicon_error_is_a_config_error_so_the_cli_exits_2():
    assert issubclass(LexiconError, ConfigError)


def test_the_built_in_lexicon_is_substantial():
    for category, code in CATEGORY_CODES.items():
        entries = LEXICON.for_category(category)
        chinese = [e for e in entries if e.spec.is_chinese]
        english = [e for e in entries if not e.spec.is_chinese]
        assert len(chinese) >= 40 and len(english) >= 10, code


# ------------------------------------------------------------------------------------ text normalisation
def test_halfwidth_and_simplified_keep_length():
    assert to_halfwidth("１００％　＃１ＡＢ") == "100% #1AB"
    assert to_simplified("頂級最後一天裏衞") == "顶级最后一天里卫"
    assert to_simplified("Simplified 简体 stays") == "Simplified 简体 stays"


def test_normalise_for_matching_with_full_width_text_maps_back_to_the_original():
    text = "全場１００％正品，ＮＯ．１品牌"
    norm, offsets = normalise_for_matching(text)
    assert norm == "全场100%正品,no.1品牌"
    assert offsets.is_identity and offsets[len(norm)] == len(text)
    i = norm.index("no.1")
    a, b = offsets.span(i, i + 4)
    assert text[a:b] == "ＮＯ．１"


def test_offsets_when_normalisation_changes_the_length():
    text = "５㎏装，最\u200b佳之选…品质ﬁne，最佳"
    norm, offsets = normalise_for_matching(text)
    assert norm == "5kg装,最佳之选...品质fine,最佳"
    assert not offsets.is_identity
    for term in ("最佳", "kg", "fine"):
        i = norm.index(term)
        a, b = offsets.span(i, i + len(term))
        assert normalise(text[a:b]) == term
    i = norm.rindex("最佳")
    assert offsets.span(i, i + 2) == (len(text) - 2, len(text))
    assert offsets[0] == 0 and offsets[len(norm)] == len(text)
    assert isinstance(offsets, OffsetMap)


def test_findings_quote_the_original_text_when_the_length_changes():
    text = "５㎏装，最\u200b佳之选"
    (f,) = audit(product("title", text))
    assert f.extra["term"] == "最\u200b佳" and f.extra["canonical"] == "最佳"
    assert f.evidence == text and f.extra["position"] == 4


def test_combining_marks_compose_and_case_folds():
    norm, offsets = normalise_for_matching("Cafe\u0301 STRASSE straße")
    assert norm == "café strasse strasse"
    a, b = offsets.span(0, 4)
    assert (a, b) == (0, 5)


def test_a_broken_built_in_lexicon_stops_the_audit_before_it_starts(tmp_path, monkeypatch):
    bad = write(tmp_path, "absolute.zh.toml", GOOD_DEFAULTS + '[[term]]\nterm = "最牛"\nseverity = "fatal"\n')
    monkeypatch.setattr("checker_rules.ad.matcher.default_files", lambda: [bad])
    with pytest.raises(ConfigError, match=r"absolute\.zh\.toml:9: term #1 '最牛': severity"):
        build_rules(Config(select=["AD001"]))


# ------------------------------------------------------------------------------------ one screening per product
def test_the_six_rules_share_one_screening_of_a_product(monkeypatch):
    import checker_rules.ad.base as base

    screenings = []
    real = base.screen
    monkeypatch.setattr(base, "screen", lambda *a: screenings.append(a) or real(*a))
    config = Config(select=["AD"])
    engine, ctx = Engine(build_rules(config)), AuditContext(config=config)
    prod = Product(url="u", title="品质最佳", description="本品可根治失眠")
    assert found(engine.check_scope("product", prod, ctx)) == {
        ("AD001", "title", "最佳", "最佳"), ("AD003", "description", "根治", "根治")}
    assert len(screenings) == 1  # six rules, one scan of the product's texts
    engine.check_scope("product", Product(url="v", title="最佳"), ctx)
    assert len(screenings) == 2  # the next product is screened anew


def test_a_product_changed_in_place_is_screened_again():
    config = Config(select=["AD"])
    engine, ctx = Engine(build_rules(config)), AuditContext(config=config)
    prod = Product(url="u", title="品质最佳", images=[Image(url="https://x/a.jpg", alt="顶级")], banners=["最后一天"])
    assert {f.code for f in engine.check_scope("product", prod, ctx)} == {"AD001", "AD005"}
    prod.title = "祖传秘方"
    prod.images[0].alt = "招财"
    prod.banners.append("国家机关特供")
    assert found(engine.check_scope("product", prod, ctx)) == {
        ("AD003", "title", "祖传秘方", "祖传秘方"), ("AD006", "image_alt", "招财", "招财"),
        ("AD005", "banner", "最后一天", "最后一天"), ("AD002", "banner", "机关特供", "机关特供"),
    }


def test_rules_with_their_own_fields_and_terms_do_not_share_a_stale_screening(tmp_path):
    extra = write(tmp_path, "extra.toml", GOOD_DEFAULTS.replace('"absolute"', '"AD003"') + '[[term]]\nterm = "包你长高"\n')
    config = Config(select=["AD"], rules={"AD001": {"fields": ["title"]}, "AD003": {"extra_terms_file": str(extra)}})
    prod = Product(url="u", title="品质最佳", description="最佳 包你长高 根治")
    assert found(audit(prod, config)) == {("AD001", "title", "最佳", "最佳"), ("AD003", "description", "包你长高", "包你长高"),
                                          ("AD003", "description", "根治", "根治")}


# ------------------------------------------------------------------------------------ normalisation fast path and cache
def test_the_fast_path_table_is_the_character_table():
    from checker.text import _tables

    tables = _tables()
    bmp = "".join(chr(cp) for cp in range(0xD800)) + "".join(chr(cp) for cp in range(0xE000, 0x10000))
    assert bmp.translate(tables.bmp) == bmp.translate(tables.table)


def test_astral_and_unsafe_characters_take_the_slow_path_with_the_same_result():
    # Ext. B Traditional (𧩙 -> 䜥), an emoji, a ligature and a combining mark next to ordinary text
    for text, expected in [("頂級😀最佳", "顶级😀最佳"), ("𧩙頂級", "䜥顶级"), ("ﬁne頂級", "fine顶级"),
                           ("Cafe\u0301頂級", "café顶级"), ("𝐁𝐄𝐒𝐓頂級", "best顶级")]:
        norm, _ = normalise_for_matching(text)
        assert norm == expected
        assert norm == "".join(normalise_for_matching(c)[0] for c in text) or "\u0301" in text


def test_derived_tables_survive_the_cache_file_and_a_damaged_file_is_ignored(tmp_path):
    from checker.text import _decode_tables, _derive_tables, _encode_tables
    from checker.textdata import Derived

    derived = _derive_tables()
    store = Derived(tmp_path / "cache" / "text-x")
    assert store.load("tables", lambda: derived, _encode_tables, _decode_tables) is derived
    path = tmp_path / "cache" / "text-x-tables.json"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    assert Derived(tmp_path / "cache" / "text-x").get("tables", _decode_tables) == derived  # a later process
    path.write_text('{"table": [[65, "ab"]', encoding="utf-8")  # truncated
    assert store.get("tables", _decode_tables) is None
    assert store.load("tables", lambda: derived, _encode_tables, _decode_tables) is derived
    path.write_text('{"table": [[65, "ab"]], "unsafe": "", "combining": ""}', encoding="utf-8")
    assert store.get("tables", _decode_tables) is None  # "ab" is not one character
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the folder should be: no cache, no error
    assert Derived(blocked / "text-x").load("tables", lambda: derived, _encode_tables, _decode_tables) is derived
    assert Derived(None).load("tables", lambda: derived, _encode_tables, _decode_tables) is derived


def test_the_matcher_is_the_same_with_and_without_the_cache_file(tmp_path):
    import subprocess
    import sys

    code = ("from checker_rules.ad.matcher import get_matcher; m = get_matcher(); "
            "print(sorted((p, i[:2], sorted(i[2])) for p, i in zip(m._patterns, m._info)))")
    env = {**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path)}
    outputs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
               for _ in range(2)]
    assert len(list((tmp_path / "store-checker").glob("text-*.json"))) == 3  # t2s, tables, variants
    assert outputs[0] == outputs[1]
    assert outputs[0].count("'") > 1000


def test_image_text_findings_name_the_image_and_the_box():
    prod = product("image:main", "全网最低价")
    (f,) = audit(prod)
    assert (f.field, f.extra["image"]) == ("image:main", "https://shop.example.com/i/2.jpg")
    assert f.extra["box"] == [[1, 2], [30, 2], [30, 9], [1, 9]]
    # A rule configured without the image fields does not read them.
    assert audit(prod, Config(select=["AD"], rules={"AD001": {"fields": ["title"]}})) == []
