"""The claims a complaint disputes, and where a product page still makes them (CP003).

A claim is disputed when the complaint negates it (不是纯棉, 不防水, not waterproof) or reports it as
said and then contradicts it (说是纯棉其实是涤纶, 页面写225g，实际250g, advertised as waterproof but).
Known claim words (``[claims] terms`` in ``causes.toml``) are found with a negation or a claim marker
before them; other claims are cut out of the "said X, but" patterns below.  Matching on the page is
fuzzy (rapidfuzz's partial ratio on the normalised texts, so Traditional, full-width and case do not
matter, and 100%纯棉 finds 纯棉100%), and a claim the page itself negates (不防水) is not a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from checker_rules.complaints.causes import Taxonomy, taxonomy
from rapidfuzz import fuzz

from checker.models import Product
from checker.text import normalise

_MARKERS = ("说是", "号称", "宣传", "宣称", "写着", "写的是", "写的", "标着", "标的是", "标注", "标明", "说好的", "页面写",
            "页面上写", "页面说", "详情页写", "广告说", "不是", "并非", "不", "没有", "非", "advertised as", "described as",
            "listed as", "sold as", "labelled", "labeled", "claims to be", "claimed to be", "says", "said", "not",
            "isn't", "wasn't", "aren't", "no")
_STOP = r"[，,。!！？?；;：:\n]|\.(?!\d)"  # not the point of 1.8m
_SAID_THEN = re.compile(
    r"(?:说是|号称|宣称|宣传(?:的|说)?|写着|写的是|标着|标的是|标注|说好的|页面上?写(?:的是|着)?|页面说|详情页写)"
    r"[\"'“”「」]?(?P<claim>[^，,。!！？?；;：:\n\"'“”「」]{2,16}?)[\"'“”「」]?(?:的)?[，,\s]*"
    r"(?:其实|实际|结果|但|可是|却|根本|完全|收到|怎么|包装)")
_EN_PATTERNS = (
    re.compile(r"(?:advertised|described|listed|sold|labell?ed)\s+as\s+(?:being\s+)?(?P<claim>[a-z0-9%\- ]{3,30}?)\s*"
               r"(?:,|;|\.|!|\bbut\b|\byet\b|\bit\b|$)"),
    re.compile(r"(?:not|isn't|wasn't|aren't|never)\s+(?P<claim>[a-z0-9%\- ]{3,30}?)\s+as\s+"
               r"(?:advertised|described|claimed|stated|listed|promised)"),
)


def disputed_claims(text: str, taxonomy: Taxonomy) -> list[str]:
    """The claims ``text`` (a complaint) says were made and did not hold, normalised, in order."""
    norm = normalise(text)
    found: list[str] = []
    terms = taxonomy.claim_terms
    for index, start, _ in taxonomy.claim_automaton.find_matches_as_indexes(norm, overlapping=True):
        term = terms[index]
        if term not in found and _framed(norm, start, term):
            found.append(term)
    for pattern in (_SAID_THEN, *_EN_PATTERNS):
        for m in pattern.finditer(norm):
            claim = m.group("claim").strip(" -的")
            if len(claim) >= 2 and not any(claim in f or f in claim for f in found):
                found.append(claim)
    return found


def _framed(norm: str, start: int, term: str) -> bool:
    """A claim marker or a negation right before the term (一点都不防水: 不 counts), not a brand-new word."""
    before = re.split(_STOP, norm[max(0, start - 10):start])[-1].rstrip()
    for filler in ("一点都", "一点也", "根本", "完全", "并", "也", "都", "就", "at all", "even", "really"):
        before = before.removesuffix(filler).rstrip()
    if not before:
        return False
    word_end = term[0].isascii() and term[0].isalnum()
    return any(before.endswith(m) and (not word_end or not m[0].isascii() or before == m
                                       or not before[-len(m) - 1].isalnum()) for m in _MARKERS)


def keeps_sentence(sentence: str) -> bool:
    """A description sentence CP003 reads after the crawl: one that makes a known claim (纯棉, 防水,
    waterproof); the rest of the description is dropped with the slim page."""
    return bool(taxonomy().claim_automaton.find_matches_as_indexes(normalise(sentence)))


def page_texts(product: Product) -> Iterator[tuple[str, str]]:
    """(field, text) of everything a page says about the product: of a crawled page's description, the
    sentences that make a known claim (:func:`keeps_sentence`)."""
    for name in ("title", "subtitle", "description", "meta_description"):
        value = getattr(product, name)
        if value:
            yield name, value
    for key, value in product.specs.items():
        yield f"specs[{key}]", f"{key} {value}"
    for label in product.labels:
        yield "labels", label
    for banner in product.banners:
        yield "banners", banner
    for variant in product.variants:
        if variant.name:
            yield "variants", variant.name


@lru_cache(maxsize=4096)  # a page's texts, asked once per claim complained about
def _normalised(text: str) -> str:
    return normalise(text)


def find_on_page(claim: str, product: Product, taxonomy: Taxonomy, threshold: float) -> tuple[str, str, float] | None:
    """(field, the page's text, score) where the page still makes ``claim``; None when it does not."""
    for name, text in page_texts(product):
        norm = _normalised(text)
        if len(norm) < len(claim) - 1:
            continue
        found = fuzz.partial_ratio_alignment(claim, norm, score_cutoff=threshold)
        if found is None:
            continue
        if taxonomy.negated(norm, found.dest_start):
            continue  # the page says 不防水 / not waterproof itself
        return name, text, found.score
    return None
