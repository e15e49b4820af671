#!/usr/bin/env bash
# Watch-mode latency: the time from an editor's save (write a temporary file, rename it over the
# script) to `scenec watch --json` printing the summary of the re-render, for a one-shot edit.
# Usage: scripts/bench-watch.sh [example] [edits]   (default: neon_rain, 7 edits)
# Prints each edit's latency, the median, and the load average while it ran.
set -euo pipefail
cd "$(dirname "$0")/.."
example=${1:-neon_rain}
edits=${2:-7}
# Previz needs only the `render` feature; leaving candle out keeps the build short. The binary
# goes wherever CARGO_TARGET_DIR says (default: target/).
target=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --locked -p scenec --no-default-features --features render >&2
bin=$target/release/scenec

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "examples/$example/." "$work/"
rm -rf "$work/.scene-cache" "$work"/*.mp4
last=$("$bin" schedule "$work/film.scene" | python3 -c 'import json,sys; print(json.load(sys.stdin)["shots"][-1]["name"])')

python3 - "$bin" "$work" "$last" "$edits" <<'PY'
import json, os, re, statistics, subprocess, sys, threading, queue, time

binary, work, shot, edits = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
film = os.path.join(work, "film.scene")
original = open(film).read()
header = re.search(r"shot\s+" + re.escape(shot) + r"\s+[^{]*\{", original)
if header is None:
    sys.exit(f"cannot find shot {shot}")

watch = subprocess.Popen(
    [binary, "watch", "film.scene", "-o", "out.mp4", "--json"],
    cwd=work, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
)
lines = queue.Queue()

def read():
    for line in watch.stdout:
        lines.put((time.perf_counter(), line))

threading.Thread(target=read, daemon=True).start()

def summary(timeout):
    at, line = lines.get(timeout=timeout)
    return at, json.loads(line)

try:
    started = time.perf_counter()
    at, first = summary(600)
    print(f"initial render: {at - started:.2f} s, {len(first['rendered'])} shots")
    samples = []
    for n in range(edits):
        # One-shot edit: a prompt keyframe at the start of the last shot, different each time.
        text = original[: header.end()] + f'\n        prompt "a benchmark edit {n}"\n' + original[header.end():]
        tmp = film + ".swp~"
        with open(tmp, "w") as f:
            f.write(text)
        saved = time.perf_counter()
        os.rename(tmp, film)
        at, report = summary(600)
        samples.append(at - saved)
        print(f"edit {n + 1}: {1000 * (at - saved):.0f} ms, rendered {report['rendered']}, reused {len(report['reused'])}")
        if report["rendered"] != [shot]:
            sys.exit(f"expected only {shot} to re-render: {report}")
        # Let the watcher settle before the next save, as a writer would.
        time.sleep(0.5)
    print(f"median save -> new output: {1000 * statistics.median(samples):.0f} ms over {len(samples)} edits "
          f"(min {1000 * min(samples):.0f} ms, max {1000 * max(samples):.0f} ms)")
finally:
    watch.kill()
    watch.wait()
PY
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores."
