"""The AD wording rules on real copy: false alarms on real product titles and descriptions, and
recall of the core art. 9(3) terms of public 广告法 lists.

    .venv/bin/python benchmarks/bench_ad_realcopy.py                  # this checkout
    .venv/bin/python benchmarks/bench_ad_realcopy.py --before main    # also the same figures for a git revision
    .venv/bin/python benchmarks/bench_ad_realcopy.py --unjudged       # list flags nobody has judged yet

The set (``benchmarks/realcopy/``, sources and licences in its MANIFEST.md):

* ``texts.jsonl.gz``: 11,813 real texts nobody here wrote: 7,998 Taobao product titles
  (Simplified Chinese) and 2,103 Abt.com product names with 1,712 descriptions (English);
* ``judgements.csv``: every flag the lexicon raised on them, now or at an earlier revision,
  judged by hand: ``claim`` (the wording claims something about the product) or ``not``
  (a name, a specification, an ordinal, a disclosure...), with a note;
* ``core_terms.toml``: the core art. 9(3) terms of the public lists, each put in a sentence and
  in a title, in Simplified and in Traditional Chinese, where it is used as a claim.

Printed: flags raised, the share of them judged ``not`` (false alarms; target <= 10 %), flags
not yet judged (judge them before trusting the figures), and recall of the core terms (target
>= 95 %) with the terms missed.  Figures only: nothing here is asserted.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections import Counter
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "realcopy"


def load_texts() -> list[dict[str, str]]:
    with gzip.open(DATA / "texts.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def load_judgements() -> dict[tuple[str, int, str], tuple[str, str]]:
    """(text id, start, matched text) -> (verdict, note)."""
    with open(DATA / "judgements.csv", encoding="utf-8", newline="") as f:
        return {(r["id"], int(r["start"]), r["match"]): (r["verdict"], r["note"]) for r in csv.DictReader(f)}


def measure() -> dict:
    """Flags and recall with the ``checker_rules`` importable now (this checkout or ``--root``)."""
    from checker_rules.ad.matcher import get_matcher

    matcher = get_matcher()
    flags = []
    for text in load_texts():
        for hit in matcher.scan(text["text"]):
            flags.append({"id": text["id"], "start": hit.start, "match": hit.text, "term": hit.entry.spec.term,
                          "category": hit.entry.spec.category, "excerpt": hit.excerpt(text["text"], 12)})
    core = tomllib.loads((DATA / "core_terms.toml").read_text(encoding="utf-8"))
    missed = []
    checks = 0
    for term in core["term"]:
        for script in ("zh-Hans", "zh-Hant"):
            spelling = term.get("hant", term["term"]) if script == "zh-Hant" else term["term"]
            for kind in ("sentence", "title"):
                template = core["templates"][f"{kind}_{script}"]
                text = term.get(f"{kind}_{script}") or template.format(term=spelling)
                checks += 1
                if not any(spelling.lower() in hit.text.lower() or hit.text.lower() in spelling.lower()
                           for hit in matcher.scan(text)):
                    missed.append(f"{term['term']} ({script} {kind}: {text})")
    return {"flags": flags, "checks": checks, "missed": missed, "terms": len(core["term"])}


def report(label: str, result: dict, judgements: dict) -> None:
    flags = result["flags"]
    verdicts = Counter()
    by_term_false: Counter[str] = Counter()
    by_category: dict[str, Counter[str]] = {}
    for flag in flags:
        verdict = judgements.get((flag["id"], flag["start"], flag["match"]), ("unjudged", ""))[0]
        verdicts[verdict] += 1
        by_category.setdefault(flag["category"], Counter())[verdict] += 1
        if verdict == "not":
            by_term_false[flag["term"]] += 1
    judged = verdicts["claim"] + verdicts["not"]
    share = verdicts["not"] / judged if judged else 0.0
    recall = 1 - len(result["missed"]) / result["checks"] if result["checks"] else 0.0
    print(f"{label}")
    print(f"  real copy: {len(flags)} flags on {len(load_texts()):,} texts; judged: {verdicts['claim']} claims, "
          f"{verdicts['not']} false alarms ({share:.1%} of judged flags, target <= 10 %), {verdicts['unjudged']} unjudged")
    print("  by category: " + ", ".join(
        f"{c} {v['not']}/{v['claim'] + v['not']} false" for c, v in sorted(by_category.items())))
    if by_term_false:
        print("  false alarms by term: " + ", ".join(f"{t} {n}" for t, n in by_term_false.most_common(12)))
    spans: dict[str, list[tuple[int, int]]] = {}
    for flag in flags:
        spans.setdefault(flag["id"], []).append((flag["start"], flag["start"] + len(flag["match"])))
    lost = [f"{i} {m}" for (i, start, m), (verdict, _) in judgements.items() if verdict == "claim"
            and not any(a < start + len(m) and start < b for a, b in spans.get(i, ()))]
    print(f"  judged claims not flagged (real-copy misses): {len(lost)}" + (f": {', '.join(lost[:10])}" if lost else ""))
    print(f"  core art. 9(3) terms of the public lists: {result['terms']} terms x 2 scripts x (sentence, title) = "
          f"{result['checks']} checks; recall {recall:.1%} (target >= 95 %)")
    for miss in result["missed"][:40]:
        print(f"    missed: {miss}")


def checkout(revision: str, into: Path) -> Path:
    """``checker/`` and ``rules/`` of a git revision, laid out so ``checker_rules`` imports from it."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "checker", "rules"],
                          capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    (into / "checker_rules").symlink_to(into / "rules", target_is_directory=True)
    return into


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", metavar="REV", help="also measure this git revision's lexicon and matcher")
    ap.add_argument("--unjudged", action="store_true", help="list the flags without a judgement")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # used for --before
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.root:
        sys.path.insert(0, str(args.root))
    if args.json:
        print(json.dumps(measure(), ensure_ascii=False))
        return
    judgements = load_judgements()
    if args.before:
        with tempfile.TemporaryDirectory(prefix="bench_ad_realcopy_") as tmp:
            root = checkout(args.before, Path(tmp))
            out = subprocess.run([sys.executable, __file__, "--json", "--root", str(root)],
                                 capture_output=True, text=True, check=True).stdout
        before = json.loads(out)
        report(f"before ({args.before})", before, judgements)
    else:
        before = None
    now = measure()
    report("now (this checkout)", now, judgements)
    if args.unjudged:
        seen = set()
        for flag in (before["flags"] if before else []) + now["flags"]:
            key = (flag["id"], flag["start"], flag["match"])
            if key not in judgements and key not in seen:
                seen.add(key)
                print(f"{flag['id']},{flag['start']},{flag['match']},{flag['term']},{flag['category']},{flag['excerpt']}")


if __name__ == "__main__":
    main()
