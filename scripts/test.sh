#!/usr/bin/env bash
# Runs every test of the workspace: unit, snapshot, property, model parity, CLI and LSP
# end-to-end, and golden renders. Installs missing system packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
scenec_install_deps

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

echo "==> tests"
cargo test --locked --workspace --no-fail-fast
