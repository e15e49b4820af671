#!/usr/bin/env bash
# Previz render + encode speed as a multiple of real time, cold versus cached renders, and the
# cost of re-rendering after a one-shot edit. Prints a Markdown table for BENCHMARKS.md.
# Usage: scripts/bench-render.sh [example ...]   (default: every example)
set -euo pipefail
cd "$(dirname "$0")/.."
# Previz needs only the `render` feature; leaving candle out keeps the build short. The binary
# goes wherever CARGO_TARGET_DIR says (default: target/).
target=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --locked -p scenec --no-default-features --features render >&2
bin=$target/release/scenec
examples=("$@")
if [ ${#examples[@]} -eq 0 ]; then
    for dir in examples/*/; do
        [ -f "$dir/film.scene" ] && examples+=("$(basename "$dir")")
    done
fi

now() { date +%s.%N; }
echo "| example | size | film length | cold render | × real time | cached render | one-shot edit re-render | edit / cold |"
echo "|---|---|---|---|---|---|---|---|"
for ex in "${examples[@]}"; do
    work=$(mktemp -d)
    cp -r "examples/$ex/." "$work/"
    rm -rf "$work/.scene-cache" "$work"/*.mp4
    sched=$("$bin" schedule "$work/film.scene")
    frames=$(printf '%s' "$sched" | python3 -c 'import json,sys; print(json.load(sys.stdin)["frames"])')
    fps=$(printf '%s' "$sched" | python3 -c 'import json,sys; print(json.load(sys.stdin)["fps"])')
    size=$(printf '%s' "$sched" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%dx%d" % (d["width"], d["height"]))')
    last=$(printf '%s' "$sched" | python3 -c 'import json,sys; print(json.load(sys.stdin)["shots"][-1]["name"])')
    t0=$(now); "$bin" render "$work/film.scene" -o "$work/out.mp4" --json >/dev/null; t1=$(now)
    "$bin" render "$work/film.scene" -o "$work/out.mp4" --json >/dev/null; t2=$(now)
    # Edit the last shot: add a prompt keyframe at its start.
    python3 - "$work/film.scene" "$last" <<'PY'
import re, sys
path, shot = sys.argv[1], sys.argv[2]
src = open(path).read()
m = re.search(r'shot\s+' + re.escape(shot) + r'\s+[^{]*\{', src)
src = src[:m.end()] + '\n        prompt "a benchmark edit"\n' + src[m.end():]
open(path, 'w').write(src)
PY
    t3=$(now); "$bin" render "$work/film.scene" -o "$work/out.mp4" --json >/dev/null; t4=$(now)
    python3 - "$ex" "$size" "$frames" "$fps" "$t0" "$t1" "$t2" "$t3" "$t4" <<'PY'
import sys
ex, size, frames, fps, t0, t1, t2, t3, t4 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), *map(float, sys.argv[5:])
length = frames / fps
cold, warm, edit = t1 - t0, t2 - t1, t4 - t3
print(f"| {ex} | {size} | {length:.1f} s ({frames} frames) | {cold:.2f} s | {length / cold:.1f}× | {warm:.2f} s | {edit:.2f} s | {edit / cold:.0%} |")
PY
    rm -rf "$work"
done
# Other work on the machine slows every number above: say how busy it was.
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores."
