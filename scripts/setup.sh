#!/usr/bin/env bash
# From a fresh Debian machine to a rendered film: installs what is missing, builds scenec and
# renders the first example with the built-in previz backend (no model weights needed).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
scenec_install_deps

echo "==> building scenec (release)"
cargo build --release --locked -p scenec -p scene-lsp

film=examples/neon_rain/film.scene
out=out/neon_rain.mp4
mkdir -p out
echo "==> checking $film"
./target/release/scenec check "$film"
echo "==> rendering $film to $out"
./target/release/scenec render "$film" -o "$out"
echo
echo "Done: $out (subtitles beside it: out/neon_rain.srt, out/neon_rain.vtt)."
echo "scenec is at ./target/release/scenec; try: ./target/release/scenec storyboard $film -o out/board.png"
