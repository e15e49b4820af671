#!/usr/bin/env bash
# Installs the system packages scenec needs to build and test (FFmpeg development files for
# ffmpeg-next, clang for its bindgen, ffprobe for tests, GNU time for the peak memory the
# adversarial suite bounds). Sourced by setup.sh and test.sh.
set -euo pipefail

SCENEC_APT_PACKAGES=(
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
    libavfilter-dev libavdevice-dev libclang-dev clang pkg-config ffmpeg time
)

scenec_missing_packages() {
    local missing=()
    for p in "${SCENEC_APT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    echo "${missing[@]:-}"
}

scenec_install_deps() {
    local missing
    missing=$(scenec_missing_packages)
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
    if ! command -v cargo >/dev/null; then
        echo "scenec needs a Rust toolchain (1.85 or newer): install it with rustup (https://rustup.rs)." >&2
        exit 2
    fi
}
