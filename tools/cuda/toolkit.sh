#!/usr/bin/env bash
# Builds `--features cuda` on a machine without the CUDA toolkit or an NVIDIA driver (the
# project's development VMs), so that the binaries can be carried to a GPU machine and run there.
#
# NVIDIA publishes the CUDA 13.0 compiler, headers and libraries as PyPI wheels; this script puts
# them in a venv, lays them out as a toolkit root, and adds a stub `libcuda.so` (the driver
# library, which only a machine with the driver has) holding every driver-API symbol cudarc
# links against, so that the link succeeds. At run time the real `libcuda.so.1` is loaded.
#
# Usage:  tools/cuda/toolkit.sh [ROOT]        (default ROOT: target/cuda-toolkit)
#         . ROOT/env.sh && cargo build --release -p scene-model --features cuda --example gpu_check
# On the GPU machine, LD_LIBRARY_PATH must name the folders holding libcublas.so.13,
# libcublasLt.so.13, libcurand.so.10 and libcudart.so.13 (PyTorch's cu13 wheels carry them).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(realpath -m "${1:-target/cuda-toolkit}")
VENV=$ROOT/venv
# The driver on the GPU machines this was run on supports CUDA 13.0 (driver 580); every
# component is pinned to 13.0 so that the PTX the compiler emits is one that driver reads.
PINS=(nvidia-cuda-nvcc==13.0.88 nvidia-nvvm==13.0.88 nvidia-cuda-crt==13.0.88
      nvidia-cuda-runtime==13.0.96 nvidia-cuda-cccl==13.0.85 nvidia-cublas==13.0.2.14
      nvidia-curand==10.4.5.25 nvidia-cuda-nvrtc==13.0.88)
[ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --no-deps "${PINS[@]}"
CU=$("$VENV/bin/python" -c 'import nvidia, os; print(os.path.join(nvidia.__path__[0], "cu13"))')
mkdir -p "$ROOT/lib64" "$ROOT/stub"
for d in bin include nvvm; do ln -sfn "$CU/$d" "$ROOT/$d"; done
for lib in libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libnvrtc.so.13 libcudart.so.13; do
    ln -sfn "$CU/lib/$lib" "$ROOT/lib64/$lib"
    ln -sfn "$CU/lib/$lib" "$ROOT/lib64/${lib%%.so*}.so"
done
# Every driver-API function cudarc's bindings declare, as an empty function: enough to link.
CUDARC=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -maxdepth 1 -name 'cudarc-*' | sort -V | tail -1)
[ -n "$CUDARC" ] || { echo "cudarc's source is not in the cargo registry: run 'cargo fetch' first" >&2; exit 2; }
grep -oE '^\s+(pub )?fn cu[A-Za-z0-9_]+\(' "$CUDARC/src/driver/sys/mod.rs" \
    | sed -E 's/.*fn (cu[A-Za-z0-9_]+)\(/\1/' | sort -u \
    | awk '{print "void " $1 "(void) {}"}' > "$ROOT/stub/cuda_stub.c"
gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$ROOT/lib64/libcuda.so" "$ROOT/stub/cuda_stub.c"
cat > "$ROOT/env.sh" <<ENV
export CUDA_ROOT=$ROOT CUDA_PATH=$ROOT PATH=$ROOT/bin:\$PATH LIBRARY_PATH=$ROOT/lib64
# Hopper (H100/H200); set another compute capability for other cards.
export CUDA_COMPUTE_CAP=\${CUDA_COMPUTE_CAP:-90} CUDARC_CUDA_VERSION=13000
ENV
echo "toolkit in $ROOT; now: . $ROOT/env.sh"
