#!/bin/sh
# lsst-crossval.sh: the README's accuracy table.  Stratified 5-fold
# cross-validation of the LSST presets on the UEA LSST train split only, next
# to the published test accuracies.  Takes minutes: run it as
#   meson test -C BUILD --benchmark --suite accuracy
# or directly: tests/accuracy/lsst-crossval.sh [PRESET.json ...]
# (the presets-crossval benchmark runs it on the small presets and keras-hybrid)
# (PASSBAND_BUILD_DIR, PASSBAND_SOURCE_DIR and PASSBAND_SHARED as in the tests;
# PASSBAND_CV_DATA scores another dataset, without the published rows:
# rrlyrae-crossval.sh does that for the SDSS RR Lyrae).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${PASSBAND_SOURCE_DIR:-$here/../..}
build=${PASSBAND_BUILD_DIR:-$src/build}
shared=${PASSBAND_SHARED:-$src/../shared}
cli=$build/src/cli/passband-cli
lsst=$shared/data/uea_lsst/LSST_TRAIN.ts
data=${PASSBAND_CV_DATA:-$lsst}
threads=${PASSBAND_THREADS:-1}
folds=${PASSBAND_FOLDS:-5}

if [ ! -e "$data" ]; then
  echo "lsst-crossval: $data is missing" >&2
  exit 77
fi
if [ $# -eq 0 ]; then
  set -- "$src/models/lsst-bigru.json"
fi

printf '| model | CV accuracy (mean ± std) | macro F1 | train accuracy | classes never predicted (all folds) | s per fold |\n|---|---|---|---|---|---|\n'
for spec in "$@"; do
  line=$("$cli" crossval --data "$data" --model "$spec" --folds "$folds" --threads "$threads" --json | tail -n 1)
  echo "$line" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
name = sys.argv[1].rsplit("/", 1)[-1]
print("| Passband %s (%d-fold CV, train split) | %.3f ± %.3f | %.3f ± %.3f | %.3f | %d | %.0f |" % (
    name, r["folds"], r["accuracy_mean"], r["accuracy_std"], r["macro_f1_mean"], r["macro_f1_std"],
    r["train_accuracy_mean"], r["never_predicted"], r["seconds_per_fold"]))' "$spec"
done
[ "$data" = "$lsst" ] || exit 0
cat <<'TABLE'
| ROCKET (published, UEA test split) | 0.632 | | | | |
| MiniRocket (published) | 0.643 | | | | |
| MultiRocket (published) | 0.636 | | | | |
| TapNet (published) | 0.568 | | | | |
| ResNet (published) | 0.573 | | | | |
| InceptionTime (published) | 0.446 | | | | |
| best reported | 0.69 | | | | |
TABLE
