#!/usr/bin/env bash
# Every preset in models/ and the layer specs beside this script, each trained
# briefly on simulated data, exported as ONNX, checked by onnx.checker and run
# in ONNX Runtime on encoded objects of mixed lengths: the probabilities must
# match `passband-cli predict` within 1e-5 (onnx-parity.js).  Every other model
# carries a calibration temperature and class offsets (the prior correction),
# which both must apply.
#
#   test-onnx-parity.sh PASSBAND_CLI SOURCE_DIR PYTHON3
#
# ONNX Runtime comes from .ci/install-deps (.ci/onnxruntime) or
# $PASSBAND_ONNXRUNTIME_DIR.  Without it the test is skipped, except in CI
# ($CI set), where it fails.
set -euo pipefail

cli=$1
src=$2
python=$3
here="$src/tests/onnx"
ort_dir=${PASSBAND_ONNXRUNTIME_DIR:-$src/.ci/onnxruntime}
train_data=${PASSBAND_ONNX_TRAIN:-sim:100:1}
test_data=${PASSBAND_ONNX_DATA:-sim:40:7}

missing() {
  if [ -n "${CI:-}" ]; then
    echo "FAIL: $1 (CI must run this test; see .ci/install-deps)" >&2
    exit 1
  fi
  echo "SKIP: $1" >&2
  exit 77
}

command -v node >/dev/null 2>&1 || missing "node is not installed"
[ -f "$ort_dir/node_modules/onnxruntime-node/package.json" ] \
  || missing "ONNX Runtime is not installed in $ort_dir"
"$python" -c 'import onnx.checker' 2>/dev/null || missing "python3-onnx is not installed"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Trains, exports, encodes, predicts and compares one spec; the outcome goes to $dir/result.
run_one() {
  local spec=$1 t=$2 dir=$3
  mkdir -p "$dir"
  # the model file's calibration (temperature t, and class offsets with t != 1) is what predict
  # applies and export writes
  if ! "$cli" train --data "$train_data" --model "$spec" --out "$dir/model.json" --epochs 2 \
         >"$dir/log" 2>&1 \
     || ! "$python" -c 'import json, sys
m = json.load(open(sys.argv[1]))
m["calibration"] = {"temperature": float(sys.argv[2])}
if float(sys.argv[2]) != 1:
    m["calibration"]["class_offsets"] = [0.4 * (c % 3 - 1) for c in range(len(m["classes"]))]
json.dump(m, open(sys.argv[1], "w"))' "$dir/model.json" "$t" >>"$dir/log" 2>&1 \
     || ! "$cli" export --model "$dir/model.json" --onnx "$dir/model.onnx" >>"$dir/log" 2>&1 \
     || ! "$cli" encode --model "$dir/model.json" --data "$test_data" --out "$dir/inputs" >>"$dir/log" 2>&1 \
     || ! "$cli" predict --model "$dir/model.json" --data "$test_data" --out "$dir/predict.csv" >>"$dir/log" 2>&1
  then
    { echo "FAIL"; cat "$dir/log"; } >"$dir/result"
    return
  fi
  if ! "$python" -c 'import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)' \
         "$dir/model.onnx" >>"$dir/log" 2>&1; then
    { echo "FAIL: onnx.checker"; cat "$dir/log"; } >"$dir/result"
    return
  fi
  node "$here/onnx-parity.js" "$ort_dir" "$dir/model.onnx" "$dir/inputs" "$dir/predict.csv" \
    >"$dir/result" 2>&1 || echo "FAIL" >>"$dir/result"
}

specs=("$src"/models/*.json "$here"/layers-*.json)
temperatures=(1.7 1)
# two at a time: the machine's two cores
i=0
for spec in "${specs[@]}"; do
  name=$(basename "$spec" .json)
  # alternate the temperature so both kinds of graph are run
  run_one "$spec" "${temperatures[$(( i % 2 ))]}" "$work/$name" &
  i=$((i + 1))
  if (( i % 2 == 0 )); then
    wait
  fi
done
wait

failed=0
for spec in "${specs[@]}"; do
  name=$(basename "$spec" .json)
  echo "$name: $(cat "$work/$name/result")"
  grep -q FAIL "$work/$name/result" && failed=1
done
exit $failed
