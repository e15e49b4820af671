#!/bin/bash
# The device check: run on a GPU machine from the repository root, with the stripped, xz-compressed
# gpu_check example in .gpu/ (see tools/cuda/toolkit.sh). Writes memory traces under $OUT.
cd "$(dirname "$0")/../.."
libdirs=$(find / \( -name 'libcublas.so.13' -o -name 'libcurand.so.10' -o -name 'libcudart.so.13' -o -name 'libcublasLt.so.13' \) -not -path '/proc/*' 2>/dev/null | xargs -r -n1 dirname | sort -u | tr '\n' ':')
export LD_LIBRARY_PATH="${libdirs}${LD_LIBRARY_PATH:-}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
xz -dc .gpu/gpu_check.xz > /tmp/gpu_check && chmod +x /tmp/gpu_check
ldd /tmp/gpu_check | grep -E 'not found|cuda|cublas|curand'
mem() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$OUT/mem-$1.txt" & echo $!; }
run() { name=$1; shift; p=$(mem $name); s=$(date +%s%N); /tmp/gpu_check "$@" 2> "$OUT/err-$name.txt"; rc=$?; e=$(date +%s%N); kill $p; echo "$name rc=$rc wall_ms=$(( (e - s) / 1000000 )) peak_gpu_mib=$(sort -n "$OUT/mem-$name.txt" | tail -1)"; tail -5 "$OUT/err-$name.txt"; }
run parity parity
run step28 ltx-step 768 512 97 28 3
run vae ltx-vae 768 512 97
run ltx2parity ltx2-parity cuda
run ltx2step48 ltx2-step 768 512 121 48 3
