"""Which pages point at which targets: numbers per page kept in a temporary file, read in one pass."""

from __future__ import annotations

import random
from array import array

import pytest

from checker.engine import pagestore
from checker.engine.context import NO_TARGETS, SAMPLE_PAGES, AuditContext, TargetIndex
from checker.models import FetchResult, Page

ORIGIN = "https://shop.example.com"


def filed_index(pages: int, seed: int = 3) -> tuple[TargetIndex, list[list[int]]]:
    """An index of ``pages`` pages: ~30 shared nav links each, a few of their own, some with none."""
    rng = random.Random(seed)
    index = TargetIndex()
    targets = [index.number(f"{ORIGIN}/t/{n}.html", f"link {n}") for n in range(3000)]
    per_page = []
    for n in range(pages):
        numbers = [] if n % 11 == 0 else targets[:30] + rng.sample(targets[30:], rng.randrange(0, 40))
        rng.shuffle(numbers)
        per_page.append(numbers)
        index.add(n, array("I", numbers))
    return index, per_page


def expected(per_page: list[list[int]], wanted: list[int]) -> dict[str, list[int]]:
    """The same question answered the plain way."""
    found: dict[str, list[int]] = {}
    for page_number, numbers in enumerate(per_page):
        for number in numbers:
            if number in wanted:
                found.setdefault(f"{ORIGIN}/t/{number}.html", []).append(page_number)
    return found


@pytest.mark.parametrize("batch", [1, 512, 1 << 20])
def test_pointing_at_equals_a_plain_computation(monkeypatch, batch):
    monkeypatch.setattr(pagestore, "READ_BATCH", batch)  # pages split over many reads, or one
    index, per_page = filed_index(1200)
    rng = random.Random(batch)
    for wanted in ([5], [40, 41, 2999], rng.sample(range(3000), 25), [0, *rng.sample(range(30, 3000), 5)]):
        targets = [f"{ORIGIN}/t/{n}.html" for n in wanted] + [f"{ORIGIN}/unknown.html"]
        found = index.pointing_at(targets)
        assert found == expected(per_page, wanted)
        assert {t: sorted(p) for t, p in found.items()} == found  # pages in page-number order
    assert index.pointing_at([f"{ORIGIN}/unknown.html"]) == {}


def test_targets_are_numbered_once_with_the_first_label_given():
    index = TargetIndex()
    assert index.number("a") == 0 and index.number("b", "B") == 1 and index.number("a", "A") == 0
    index.number("a", "other")
    assert list(index) == ["a", "b"] and len(index) == 2 and "a" in index and "c" not in index
    assert (index.label("a"), index.label("b"), index.label("c")) == ("A", "B", "")


def test_pages_are_filed_in_order_and_any_int_sequence_is_taken():
    index = TargetIndex()
    for target in "abc":
        index.number(target)
    index.add(0, array("I", [2, 0]))
    index.add(1, NO_TARGETS)
    index.add(2, [1, 2])  # a list
    index.add(3, array("H", [0]))  # another item size
    with pytest.raises(ValueError, match="out of order"):
        index.add(5, array("I", [0]))
    assert index.pointing_at("abc") == {"a": [0, 3], "b": [2], "c": [0, 2]}
    assert len(NO_TARGETS) == 0  # shared: never appended to


def test_pages_pointing_at_gives_the_stored_entries():
    ctx = AuditContext()
    for n in range(300):
        url = f"{ORIGIN}/p/{n}.html"
        page = Page(fetch=FetchResult(url=url, final_url=url, status=200))
        ctx.add_page_targets(page, {f"{ORIGIN}/nav.html": "nav", f"{ORIGIN}/p/{n + 1}.html": "next"},
                             {f"{ORIGIN}/img/{n % 3}.jpg": "main"})
    dead = [f"{ORIGIN}/p/7.html", f"{ORIGIN}/p/300.html"]
    got = [(t, e.url, e.page().url) for t, e in ctx.pages_pointing_at(ctx.links, dead)]
    assert got == [(dead[0], f"{ORIGIN}/p/6.html", f"{ORIGIN}/p/6.html"),
                   (dead[1], f"{ORIGIN}/p/299.html", f"{ORIGIN}/p/299.html")]
    assert len(ctx.links.pointing_at([f"{ORIGIN}/nav.html"])[f"{ORIGIN}/nav.html"]) == 300
    assert ctx.images.pointing_at([f"{ORIGIN}/img/2.jpg"])[f"{ORIGIN}/img/2.jpg"] == list(range(2, 300, 3))


def test_reach_counts_the_pages_and_keeps_the_first_few_by_url():
    """One count and SAMPLE_PAGES pages per target, however many pages point at it (a dead nav link
    on every page is one finding, issue 22), the same sample whatever order the pages came in."""
    pages = [f"{ORIGIN}/p/{n}.html" for n in random.Random(5).sample(range(2000), 2000)]  # crawl order
    ctx = AuditContext()
    for url in pages:
        page = Page(fetch=FetchResult(url=url, final_url=url, status=200))
        ctx.add_page_targets(page, {f"{ORIGIN}/nav.html": "nav", url + "?next": "next"}, {})
    nav, one = f"{ORIGIN}/nav.html", pages[7] + "?next"
    reaches = {r.target: r for r in ctx.reach(ctx.links, [nav, one, f"{ORIGIN}/unknown.html"])}
    assert set(reaches) == {nav, one}
    assert reaches[nav].pages == 2000 and [p.url for p in reaches[nav].sample] == sorted(pages)[:SAMPLE_PAGES]
    assert reaches[one].pages == 1 and [p.url for p in reaches[one].sample] == [pages[7]]
    assert reaches[one].where() == ("", "")
    assert "on 2000 pages (e.g. " in reaches[nav].where()[1] and "共 2000 个页面" in reaches[nav].where()[0]
