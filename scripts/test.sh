#!/usr/bin/env bash
# Runs every test of the workspace: unit, snapshot, property, model parity, CLI and LSP
# end-to-end, and golden renders. Installs missing system packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
scenec_install_deps
scenec_install_test_deps

# A local S3 server for the farm's object-store test, pinned, in a venv of its own.
# A venv is tied to its path: one copied or moved from elsewhere has scripts that no longer run,
# so the check runs the server's script rather than looking for it.
if ! target/venvs/moto/bin/moto_server --help >/dev/null 2>&1; then
    echo "==> moto (a local S3 server) for the farm tests"
    rm -rf target/venvs/moto
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

# Signing (the c2pa crate) stays out of the front end and the language server, and brings no
# HTTP client into scenec.
if cargo tree --locked -p scenec --no-default-features -e normal | grep -q ' c2pa v'; then
    echo "scenec --no-default-features pulls in c2pa" >&2
    exit 1
fi
if cargo tree --locked -p scene-lsp -e normal | grep -q ' c2pa v'; then
    echo "scene-lsp pulls in c2pa" >&2
    exit 1
fi
# The one HTTP client in scenec is object_store's (the farm's S3 cache); c2pa brings none.
for client in reqwest ureq hyper; do
    if cargo tree --locked -p scenec -e normal -i "$client" 2>/dev/null | grep -q ' c2pa v'; then
        echo "c2pa pulls in $client (build it without its default features)" >&2
        exit 1
    fi
done

# The CAI's own C2PA reader (c2pa-python, pinned, from PyPI) checks signed films in the
# `content_credentials` tests; build its venv first so that a failure names its cause.
echo "==> c2pa-python for the Content Credentials tests"
python3 tests/c2pa/check.py --setup

echo "==> tests"
# The adversarial suite (tests/hostile, in the scenec crate) fuzzes the check, fmt and schedule
# entry points for a fixed number of seeded inputs each: deterministic, so a failure here
# reproduces anywhere with the same seed.
export SCENEC_FUZZ_ITERATIONS="${SCENEC_FUZZ_ITERATIONS:-2000}"
cargo test --locked --workspace --no-fail-fast

echo "==> the farm on a real two-node Slurm cluster"
cargo build --locked -p scenec
tests/farm/slurm.sh target/debug/scenec
