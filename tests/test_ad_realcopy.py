"""AD lexicon features that real copy needed (issue 26): context words around a term, licensed
product categories, and the judged real-copy set the benchmark reads."""

from __future__ import annotations

import csv
import gzip
import json
import tomllib
from pathlib import Path

import pytest
from checker_rules.ad.lexicon import LexiconError, load_lexicon
from checker_rules.ad.matcher import Matcher

REALCOPY = Path(__file__).resolve().parent.parent / "benchmarks" / "realcopy"

DEFAULTS = """
[defaults]
category = "absolute"
severity = "error"
legal_basis = "广告法第九条"
reason = "绝对化"
suggestion = "删除"
"""


def matcher(tmp_path: Path, text: str, *more: str) -> Matcher:
    path = tmp_path / "lexicon.toml"
    path.write_text(DEFAULTS + text, encoding="utf-8")
    return Matcher(load_lexicon([path, *map(Path, more)]))


def terms(m: Matcher, text: str) -> list[str]:
    return [hit.text for hit in m.scan(text)]


def test_context_words_before_and_after_a_term_make_it_harmless(tmp_path):
    m = matcher(tmp_path, '[[term]]\nterm = "100%"\npreceded_by = ["棉"]\nfollowed_by = ["cotton"]\n')
    for harmless in ("棉100%", "棉 100%", "棉：100%", "100% cotton", "100%cotton", "100%: Cotton"):
        assert terms(m, harmless) == [], harmless
    assert terms(m, "100%好评") == ["100%"]
    assert terms(m, "100% 好评，棉100%") == ["100%"]  # the context covers only its own occurrence


def test_licensed_context_silences_only_its_category(tmp_path):
    m = matcher(
        tmp_path,
        '[[term]]\nterm = "最好"\n\n[[term]]\nterm = "消炎"\ncategory = "medical"\n\n'
        '[[licensed]]\ncategory = "AD003"\nphrases = ["兽药"]\npatterns = [\'\\d+片/盒\']\nreason = "兽药可标注功能主治"\n',
    )
    assert terms(m, "消炎，最好") == ["消炎", "最好"]
    assert terms(m, "兽药 消炎，最好") == ["最好"]
    assert terms(m, "消炎膏 10片/盒，最好") == ["最好"]
    assert terms(m, "消炎膏 十片一盒") == ["消炎"]


def test_a_licensed_context_with_a_broken_pattern_names_the_file_and_entry(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(DEFAULTS + '[[term]]\nterm = "最好"\n\n[[licensed]]\ncategory = "medical"\n'
                    'patterns = ["(片"]\nreason = "x"\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad\.toml: licensed #1: patterns: .*not a regular expression"):
        load_lexicon([path])


def test_the_judged_set_is_real_sized_and_every_judgement_points_at_a_text():
    with gzip.open(REALCOPY / "texts.jsonl.gz", "rt", encoding="utf-8") as f:
        texts = {row["id"]: row["text"] for row in map(json.loads, f)}
    assert len(texts) >= 2000
    with open(REALCOPY / "judgements.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["verdict"] for r in rows} <= {"claim", "not"}
    for r in rows:
        start = int(r["start"])
        assert texts[r["id"]][start : start + len(r["match"])] == r["match"], r
        assert r["note"].strip(), r
    core = tomllib.loads((REALCOPY / "core_terms.toml").read_text(encoding="utf-8"))
    assert all(term["lists"] for term in core["term"])
