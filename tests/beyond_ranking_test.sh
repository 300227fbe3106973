#!/bin/bash
# beyond_ranking_test.sh SOURCE_DIR SCRATCH: runs scripts/beyond_ranking.py on
# the committed beyond suites into SCRATCH and checks that ranking.csv and
# RANKING.md come out byte for byte as committed in results/beyond-ranking.
set -euo pipefail
src=$1 out=$2
rm -rf "$out"
cd "$src"
python3 scripts/beyond_ranking.py --out "$out" \
  --data mnist=results/beyond,results/beyond-ssp,results/beyond-backup \
  --data cifar10=results/beyond-cifar10,results/beyond-cifar10-ssp,results/beyond-cifar10-backup
for f in ranking.csv RANKING.md; do
  cmp "$out/$f" "results/beyond-ranking/$f" || { echo "$f differs from results/beyond-ranking/$f" >&2; exit 1; }
done
for f in ranking-mnist.png ranking-cifar10.svg; do test -s "$out/figures/$f"; done
echo "beyond ranking: tables regenerate byte for byte"
