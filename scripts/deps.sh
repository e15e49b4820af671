#!/usr/bin/env bash
# Installs the system packages scenec needs to build and test (FFmpeg development files for
# ffmpeg-next, clang for its bindgen, ffprobe for tests, GNU time for the peak memory the
# adversarial suite bounds, eSpeak NG and its data for the scratch voices — loaded at run time,
# so `scenec check` still runs without it —, openssl and python3-venv for the Content
# Credentials tests' test certificates and their pinned c2pa-python reader). Sourced by setup.sh
# and test.sh.
set -euo pipefail

SCENEC_APT_PACKAGES=(
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
    libavfilter-dev libavdevice-dev libclang-dev clang pkg-config ffmpeg time
    libespeak-ng-dev espeak-ng-data openssl python3-venv
)

# Only the tests need these: a real Slurm (the farm's end-to-end test runs a two-node cluster on
# this machine) and Python venvs for small independent checkers (moto, a local S3 server).
SCENEC_TEST_APT_PACKAGES=(slurm-wlm munge python3-venv)

scenec_missing_packages() {
    local missing=()
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    echo "${missing[@]:-}"
}

scenec_install_deps() {
    scenec_install_packages "${SCENEC_APT_PACKAGES[@]}"
    if ! command -v cargo >/dev/null; then
        echo "scenec needs a Rust toolchain (1.85 or newer): install it with rustup (https://rustup.rs)." >&2
        exit 2
    fi
}

scenec_install_test_deps() {
    scenec_install_packages "${SCENEC_TEST_APT_PACKAGES[@]}"
}

scenec_install_packages() {
    local missing
    missing=$(scenec_missing_packages "$@")
    if [ -n "$missing" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "==> installing system packages: $missing"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
        else
            echo "scenec needs these Debian packages, which are not installed:" >&2
            echo "    $missing" >&2
            echo "Install them as root:  sudo apt-get install --no-install-recommends $missing" >&2
            exit 2
        fi
    fi
}
