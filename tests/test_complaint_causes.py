"""The complaint classifier (rules/complaints/causes.toml) on complaint texts written for it.

``fixtures/complaints/labelled.csv`` (377 texts: Simplified, Traditional, English, typos, colloquial,
negations) is what the keywords were written and tuned on, in three rounds; after each round a new
held-out set was written and measured before it was folded in: 56.9% (58 texts), 55.8% (77), and
``heldout.csv`` now (78 texts, written after the third round and never tuned on): the honest figure
for phrasing the keywords have not seen.  Most of what they miss is left unclassified, not guessed.
Both figures are printed (``pytest -s``); the floors are what the keywords reach today."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from checker_rules.complaints.causes import taxonomy

from checker.models import Complaint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "complaints"


def _accuracy(name: str) -> tuple[float, float, int]:
    """(share right, share classified as a wrong cause, texts) over one labelled file."""
    rows = list(csv.DictReader((FIXTURES / name).open(encoding="utf-8", newline="")))
    right = wrong = 0
    for row in rows:
        got = taxonomy().classify_text(row["text"])[0] or "none"
        right += got == row["expected"]
        wrong += got not in (row["expected"], "none")
    print(f"{name}: {right}/{len(rows)} right ({right / len(rows):.1%}), "
          f"{wrong} classified as a wrong cause ({wrong / len(rows):.1%})")
    return right / len(rows), wrong / len(rows), len(rows)


def test_accuracy_on_the_labelled_texts():
    right, wrong, count = _accuracy("labelled.csv")
    assert count >= 300
    assert right >= 0.98 and wrong <= 0.01


def test_accuracy_on_texts_the_keywords_were_not_tuned_on():
    right, wrong, _ = _accuracy("heldout.csv")
    assert right >= 0.48 and wrong <= 0.10  # misses are mostly left unclassified, not guessed


def test_every_cause_and_unclassified_appear_in_the_labelled_texts():
    rows = list(csv.DictReader((FIXTURES / "labelled.csv").open(encoding="utf-8", newline="")))
    assert {r["expected"] for r in rows} == {*taxonomy().causes, "none"}


@pytest.mark.parametrize(("text", "cause"), [
    ("没有破损，但是质量太差", "quality"),  # a negated damage phrase does not count
    ("包装完好无损，就是发货太慢", "stock"),
    ("不是质量问题，客服态度太差了", "service"),
    ("不是纯棉，是涤纶", "as_described"),  # a negated claim is the complaint
    ("Wasn't expired, but the packet was torn", "damaged"),
    ("物流破损", "damaged"),  # the goods arrived damaged: not a delivery complaint
    ("一直不发货", "stock"),  # 不发货 is the complaint, not a negated 发货
])
def test_negations(text, cause):
    assert taxonomy().classify_text(text)[0] == cause


def test_type_column_first_then_reason_then_text():
    t = taxonomy()
    assert t.classify(Complaint(category="物流問題", detail="衣服偏小")).cause == "logistics"
    by_reason = t.classify(Complaint(category="商品质量", reason="尺码不准", detail="收到就坏了"))
    assert (by_reason.cause, by_reason.via) == ("size", "reason")  # 商品质量 is a bucket, not a cause
    by_text = t.classify(Complaint(category="售后服务", detail="水壶外壳裂开"))
    assert (by_text.cause, by_text.via) == ("damaged", "detail")
    assert t.classify(Complaint(sku="A", detail="请尽快联系我")).cause is None


def test_resolved_outcomes():
    t = taxonomy()
    assert t.is_resolved(Complaint(outcome="已解决")) and t.is_resolved(Complaint(outcome="Closed"))
    assert not t.is_resolved(Complaint(outcome="未解决")) and not t.is_resolved(Complaint(outcome="处理中"))
    assert not t.is_resolved(Complaint())
