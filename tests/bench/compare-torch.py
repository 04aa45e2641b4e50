#!/usr/bin/env python3
"""Times PyTorch and Passband on the same three training shapes, in the same run on the
same machine, and prints the ratios with the OpenBLAS kernel family that ran.

    apt-get install -y python3-torch python3-numpy
    python3 tests/bench/compare-torch.py [--build build] [--shared ../shared] [--a-subset 2048]

PyTorch runs with OPENBLAS_NUM_THREADS=1 (its best configuration on two cores, see
../shared/perf/README.md); Passband runs bench-core with 1 and with 2 training threads.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

PRESETS = [("a", "misweeper-lstm"), ("b", "hybrid-rnn-conv1d"), ("c", "gru2")]


def run_torch(shared, subset, archs):
    script = os.path.join(shared, "perf", "torch_rnn_bench.py")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "torch.json")
        subprocess.run(["/usr/bin/python3", script, "--arch", *archs, "--a-subset", str(subset),
                        "--out", out], check=True, env=env, stdout=subprocess.DEVNULL)
        with open(out) as f:
            return {r["arch"]: r for r in json.load(f)}


def run_passband(build, preset, threads, subset):
    exe = os.path.join(build, "tests", "bench", "bench-core")
    args = [exe, preset, "--threads", str(threads)]
    if preset == "misweeper-lstm":
        args += ["--subset", str(subset)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(top, "build"))
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(top), "shared"))
    ap.add_argument("--a-subset", type=int, default=2048,
                    help="objects timed for misweeper-lstm (scaled to 7848)")
    ap.add_argument("--only", nargs="+", choices=[p for _, p in PRESETS])
    args = ap.parse_args()

    presets = [(a, p) for a, p in PRESETS if not args.only or p in args.only]
    torch = run_torch(args.shared, args.a_subset, [a for a, _ in presets])
    rows = []
    for arch, preset in presets:
        t = torch[arch]
        torch_s = t["epoch_s_full_N_extrapolated"]
        for threads in (1, 2):
            r = run_passband(args.build, preset, threads, args.a_subset)
            rows.append({
                "bench": preset, "threads": threads, "corename": r.get("corename"),
                "torch_coretype": t.get("OPENBLAS_CORETYPE"),
                "epoch_seconds": r["epoch_seconds"], "torch_epoch_seconds": torch_s,
                "ratio": r["epoch_seconds"] / torch_s,
                "infer_objects_per_second": r["infer_objects_per_second"],
                "torch_infer_objects_per_second": t["infer_objects_per_s"],
                "peak_rss_mb": r["peak_rss_mb"], "torch_peak_rss_mb": t["peak_rss_mib"],
            })
            print(json.dumps(rows[-1]), flush=True)
    print("\n| bench | threads | OpenBLAS core | Passband s/epoch | PyTorch s/epoch | ratio |",
          file=sys.stderr)
    print("|---|---|---|---|---|---|", file=sys.stderr)
    for r in rows:
        print(f"| {r['bench']} | {r['threads']} | {r['corename']} | {r['epoch_seconds']:.3f} "
              f"| {r['torch_epoch_seconds']:.3f} | {r['ratio']:.2f} |", file=sys.stderr)


if __name__ == "__main__":
    main()
