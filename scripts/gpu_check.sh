#!/usr/bin/env bash
# The GPU target on whatever Vulkan device is present (a GPU, or Mesa's lavapipe):
# builds with `--features gpu`, runs the GPU behaviour tests, then the bandwidth example,
# and prints a table. One target dir for all of it (CARGO_TARGET_DIR is honoured).
#
#   scripts/gpu_check.sh                 # 10^8 elements and an 8192^2 grid, 20 repetitions
#   NUMBOX_GPU_N=1000000 NUMBOX_GPU_REPS=5 NUMBOX_GPU_SIDE=1024 scripts/gpu_check.sh  # lavapipe
set -euo pipefail
cd "$(dirname "$0")/.."
n="${NUMBOX_GPU_N:-100000000}"
reps="${NUMBOX_GPU_REPS:-20}"
side="${NUMBOX_GPU_SIDE:-8192}"

echo "==== build (--features gpu)"
start=$(date +%s)
cargo test --features gpu --test gpu --no-run
cargo build --features gpu --example gpu_bandwidth
echo "build: $(( $(date +%s) - start )) s"

echo "==== GPU behaviour tests"
cargo test --features gpu --test gpu

echo "==== bandwidth (n = $n, grid ${side}x${side}, $reps repetitions)"
echo "| device | kernel | elements | per call | bandwidth |"
echo "|---|---|---|---|---|"
cargo run --quiet --features gpu --example gpu_bandwidth -- "$n" "$reps" "$side" \
  2> >(grep -v XDG_RUNTIME_DIR >&2)
