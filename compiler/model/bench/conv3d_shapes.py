#!/usr/bin/env python3
"""PyTorch half of `compiler/model/examples/bench_conv3d.rs`: the LTX-2.3 video VAE decoder's
3D convolutions, one layer of each kind, as diffusers' LTX2VideoCausalConv3d computes them
(replicate padding in time, then conv3d with zero padding in space), random input and weights.

Usage (from the repository root, in the LTX-2 parity venv):
    tests/parity/.venv-ltx2/bin/python compiler/model/bench/conv3d_shapes.py THREADS [REPS] [PREFIX]
Prints, per layer, wall seconds and process CPU seconds per convolution after a warm-up.
"""

import sys
import time

import torch
import torch.nn.functional as F

# (name, input channels, output channels, frames, height, width); kept in step with
# bench_conv3d.rs.
LAYERS = [
    ("A mid", 1024, 1024, 3, 8, 8),
    ("B up0res", 512, 512, 5, 16, 16),
    ("C up1ups", 512, 4096, 5, 16, 16),
    ("D up1res", 512, 512, 9, 32, 32),
    ("E up2res", 256, 256, 17, 32, 32),
    ("F up3ups", 256, 512, 17, 32, 32),
    ("G up3res", 128, 128, 17, 64, 64),
    ("H out", 128, 48, 17, 64, 64),
]


def main():
    torch.set_num_threads(int(sys.argv[1]))
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    only = sys.argv[3] if len(sys.argv) > 3 else ""
    with torch.no_grad():
        for name, cin, cout, f, h, w in LAYERS:
            if not name.startswith(only):
                continue
            conv = torch.nn.Conv3d(cin, cout, 3, padding=(0, 1, 1))
            x = torch.randn(1, cin, f, h, w)

            def run():
                return conv(F.pad(x, (0, 0, 0, 0, 1, 1), mode="replicate"))

            run()
            start, cpu = time.perf_counter(), time.process_time()
            for _ in range(reps):
                run()
            wall = (time.perf_counter() - start) / reps
            cpu = (time.process_time() - cpu) / reps
            gflop = 2 * cout * cin * 27 * f * h * w / 1e9
            print(f"{name} {cin}->{cout} {f}x{h}x{w}: {wall:.3f} s, cpu {cpu:.3f} s, {gflop / cpu:.1f} GFLOP/cpu-s")


if __name__ == "__main__":
    main()
