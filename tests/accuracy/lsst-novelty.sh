#!/bin/sh
# lsst-novelty.sh: the README's novelty table.  Each of the 14 LSST classes is
# left out of training in turn (the preset trained on 80 % of the train split
# without it); the novelty scores of its objects are compared with those of
# the held-out 20 % of the other classes (AUROC, 1 = perfectly separated).
# Takes 14 trainings: run it as
#   meson test -C BUILD --benchmark lsst-novelty
# or directly: tests/accuracy/lsst-novelty.sh [PRESET.json] [novelty-eval options]
# (PASSBAND_BUILD_DIR, PASSBAND_SOURCE_DIR, PASSBAND_SHARED and PASSBAND_THREADS
# as in lsst-crossval.sh; PASSBAND_ENSEMBLE members per training, default 1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${PASSBAND_SOURCE_DIR:-$here/../..}
build=${PASSBAND_BUILD_DIR:-$src/build}
shared=${PASSBAND_SHARED:-$src/../shared}
cli=$build/src/cli/passband-cli
data=$shared/data/uea_lsst/LSST_TRAIN.ts
threads=${PASSBAND_THREADS:-2}
ensemble=${PASSBAND_ENSEMBLE:-1}
spec=${1:-$src/models/lsst-bigru.json}
[ $# -gt 0 ] && shift

if [ ! -e "$data" ]; then
  echo "lsst-novelty: $data is missing" >&2
  exit 77
fi
"$cli" novelty-eval --data "$data" --model "$spec" --threads "$threads" --ensemble "$ensemble" --json "$@" |
python3 -c '
import json, sys
keys = ["p99", "max_prob", "entropy", "energy", "mahalanobis", "knn"]
print("| left-out class | objects | accuracy on known | Π(1 − p) | 1 − max p | entropy | energy | Mahalanobis | nearest neighbour |")
print("|---|---|---|---|---|---|---|---|---|")
for line in sys.stdin:
    r = json.loads(line)
    if r["event"] == "class":
        print("| %d | %d | %.3f | %s |" % (r["left_out"], r["novel_objects"], r["known_accuracy"],
              " | ".join("%.3f" % r["auroc"][k] for k in keys)))
    else:
        print("| **mean** | | | %s |" % " | ".join("**%.3f**" % r["mean_auroc"][k] for k in keys))
        print("best: %s" % r["best"])
'
