#!/bin/sh
# rrlyrae-crossval.sh: the README's RR Lyrae row.  Stratified 5-fold
# cross-validation of models/rrlyrae-bigru.json on the SDSS Stripe 82 RR Lyrae
# (ab against c) from the raw light curves, and of the same preset without
# its period features.  Takes about ten minutes on one thread:
#   meson test -C BUILD --benchmark --suite accuracy rrlyrae-crossval
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${PASSBAND_SOURCE_DIR:-$here/../..}
shared=${PASSBAND_SHARED:-$src/../shared}
archive=$shared/data/sdss_s82_rrlyrae/rrlyrae_sesar2010_lightcurves.tar.gz

if [ ! -f "$archive" ]; then
  echo "rrlyrae-crossval: $archive is missing" >&2
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$archive" -C "$tmp"
python3 -c '
import json, sys
spec = json.load(open(sys.argv[1]))
spec["name"] += " without period features"
spec["preprocessing"]["with_period_features"] = False
json.dump(spec, open(sys.argv[2], "w"))' "$src/models/rrlyrae-bigru.json" "$tmp/rrlyrae-bigru-no-period.json"
PASSBAND_CV_DATA=$tmp/light-curves "$here/lsst-crossval.sh" \
  "$src/models/rrlyrae-bigru.json" "$tmp/rrlyrae-bigru-no-period.json"
