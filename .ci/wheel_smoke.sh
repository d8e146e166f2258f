#!/usr/bin/env bash
# The package as a user gets it: build the wheel from the tracked files, install it (dependencies from
# the lock) into a fresh venv outside the repo, and run the README's demo audit and `checker rules`
# from there. Fails when package data (lexicon, units, word lists, alias and currency tables) does not
# ship in the wheel, or the entry points (console script, rule packs) are missing.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
# A copy of the tracked files: an in-tree build would leave build/ and *.egg-info in the repo.
git -C "$repo" ls-files -z | tar -C "$repo" --null -T - -cf - | tar -C "$work/src" -xf -
"$repo/.venv/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation -w "$work/dist" "$work/src" \
    >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --require-hashes -r "$repo/requirements-lock.txt"
"$work/venv/bin/python" -m pip install --quiet --no-deps "$work"/dist/*.whl
cd "$work"  # nothing of the repo on sys.path
set +e
"$work/venv/bin/checker" audit --serve "$repo/fixtures/store" --config "$repo/fixtures/checker.toml" \
    --today 2026-11-23 -q -o "$work/reports" >"$work/summary.txt" 2>"$work/stderr.txt"
code=$?
set -e
if [ "$code" -ne 1 ] || ! grep -q "广告用语 Ad wording" "$work/summary.txt"; then
    echo "wheel smoke: the demo audit from the installed wheel exited $code (expected 1, with AD findings)"
    cat "$work/summary.txt" "$work/stderr.txt"
    exit 1
fi
"$work/venv/bin/checker" rules AD001 >"$work/rules.txt"  # to a file: grep -q would close the pipe early
grep -q "Lexicon (" "$work/rules.txt" || { echo "wheel smoke: no lexicon in the wheel"; cat "$work/rules.txt"; exit 1; }
echo "wheel smoke: $(basename "$work"/dist/*.whl) installed outside the repo; demo audit exit 1 with" \
     "$(grep -c '' "$work/summary.txt") summary lines; $(ls "$work"/reports/audit-*.xlsx | wc -l) workbook"
