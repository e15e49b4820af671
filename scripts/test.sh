#!/usr/bin/env bash
# Runs every test of the workspace: unit, snapshot, property, model parity, CLI and LSP
# end-to-end, and golden renders. Installs missing system packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
scenec_install_deps
scenec_install_test_deps

# A local S3 server for the farm's object-store test, pinned, in a venv of its own.
if [ ! -x target/venvs/moto/bin/moto_server ]; then
    echo "==> moto (a local S3 server) for the farm tests"
    python3 -m venv target/venvs/moto
    target/venvs/moto/bin/pip install --quiet --disable-pip-version-check 'moto[server]==5.1.22'
fi

# The front end and the language server must build without candle and FFmpeg
# (ARCHITECTURE.md, Invariants).
echo "==> front end without candle or FFmpeg"
cargo build --locked -p scenec --no-default-features
if cargo tree --locked -p scenec --no-default-features -e normal | grep -qE 'candle|ffmpeg'; then
    echo "scenec --no-default-features pulls in candle or FFmpeg" >&2
    exit 1
fi
if cargo tree --locked -p scene-lsp -e normal | grep -qE 'candle|ffmpeg'; then
    echo "scene-lsp pulls in candle or FFmpeg" >&2
    exit 1
fi
# The previz renderer and storyboards build without them too (compiler/previz/src/lib.rs).
if cargo tree --locked -p scene-previz -e normal | grep -qE 'candle|ffmpeg'; then
    echo "scene-previz pulls in candle or FFmpeg" >&2
    exit 1
fi

echo "==> tests"
cargo test --locked --workspace --no-fail-fast

echo "==> the farm on a real two-node Slurm cluster"
cargo build --locked -p scenec
tests/farm/slurm.sh target/debug/scenec
