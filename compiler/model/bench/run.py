#!/usr/bin/env python3
"""Side-by-side benchmark of the candle LTX-Video port against the PyTorch reference.

Same configuration, same machine, same thread count, one run: the LTX-Video 2B transformer at
its real layer shapes (28 layers, 32 heads x 64, T5-XXL caption width 4096, random weights)
for one denoising step of a 256x256, 17-frame clip with classifier-free guidance (batch 2,
192 latent tokens, 128 text tokens), and the 0.9.5 VAE decoding that clip. Each measurement
runs in its own process so peak resident memory (VmHWM / ru_maxrss) is its own.

Usage (from the repository root):
    python3 compiler/model/bench/run.py [--steps N] [--threads T]
It uses the parity venv (tests/parity/.venv, made by tests/parity/make_goldens.py) for
PyTorch and builds the candle half with `cargo build --release --example bench`.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENV_PY = ROOT / "tests" / "parity" / ".venv" / "bin" / "python"
TARGET = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))

VAE095 = {
    "block_out_channels": [128, 256, 512, 1024, 2048], "decoder_block_out_channels": [256, 512, 1024],
    "decoder_causal": False, "decoder_inject_noise": [False, False, False, False],
    "decoder_layers_per_block": [5, 5, 5, 5], "decoder_spatio_temporal_scaling": [True, True, True],
    "down_block_types": ["LTXVideo095DownBlock3D"] * 4,
    "downsample_type": ["spatial", "temporal", "spatiotemporal", "spatiotemporal"], "encoder_causal": True,
    "in_channels": 3, "latent_channels": 128, "layers_per_block": [4, 6, 6, 2, 2], "out_channels": 3,
    "patch_size": 4, "patch_size_t": 1, "resnet_norm_eps": 1e-06, "scaling_factor": 1.0,
    "spatial_compression_ratio": 32, "spatio_temporal_scaling": [True, True, True, True],
    "temporal_compression_ratio": 8, "timestep_conditioning": True, "upsample_factor": [2, 2, 2],
    "upsample_residual": [True, True, True],
}


def torch_half(what, steps, threads, layers):
    import resource

    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    lf, lh, lw = 3, 8, 8
    with torch.no_grad():
        if what == "transformer":
            from diffusers import LTXVideoTransformer3DModel

            m = LTXVideoTransformer3DModel(
                in_channels=128, out_channels=128, num_attention_heads=32, attention_head_dim=64,
                cross_attention_dim=2048, num_layers=layers, caption_channels=4096,
            ).eval()
            n = lf * lh * lw
            hidden = torch.randn(2, n, 128)
            text = torch.randn(2, 128, 4096)
            mask = torch.ones(2, 128)
            ts = torch.full((2, n), 900.0)
            t, y, x = torch.meshgrid(torch.arange(lf), torch.arange(lh), torch.arange(lw), indexing="ij")
            coords = torch.stack([t.flatten() * 8 / 25.0, y.flatten() * 32.0, x.flatten() * 32.0]).float()
            coords = coords[None].repeat(2, 1, 1)

            def run():
                m(hidden_states=hidden, encoder_hidden_states=text, timestep=ts, encoder_attention_mask=mask,
                  video_coords=coords, return_dict=False)[0].sum().item()

            label = f"transformer step ({layers} layers, CFG batch 2, {n} tokens)"
        else:
            from diffusers import AutoencoderKLLTXVideo

            vae = AutoencoderKLLTXVideo(**VAE095).eval()
            z = torch.randn(1, 128, lf, lh, lw)
            temb = torch.tensor([0.05])

            def run():
                vae.decode(z, temb, return_dict=False)[0].sum().item()

            label = "VAE decode 17x256x256"
            m = vae
        weights_mib = sum(p.numel() * p.element_size() for p in m.parameters()) / 2**20
        run()
        start = time.perf_counter()
        for _ in range(steps):
            run()
        per = (time.perf_counter() - start) / steps
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"impl": "pytorch", "what": label, "seconds": round(per, 3), "peak_rss_mib": round(peak),
                      "weights_mib": round(weights_mib)}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--torch-half", choices=["transformer", "vae"])
    ap.add_argument("--profile", choices=["release", "dev"], default="release")
    ap.add_argument("--only", nargs="*", choices=["transformer", "vae"])
    ap.add_argument("--layers", type=int, default=28, help="transformer blocks (28 in the 2B model)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="alternate the two halves this many times; the summary keeps each side's fastest "
                         "round (the machine is shared, so the slower rounds measure other people's builds)")
    args = ap.parse_args()
    if args.torch_half:
        torch_half(args.torch_half, args.steps, args.threads, args.layers)
        return
    profile = ["--release"] if args.profile == "release" else []
    subprocess.check_call(
        ["cargo", "build", *profile, "-q", "-p", "scene-model", "--example", "bench"],
        cwd=ROOT, env=dict(os.environ, CARGO_TARGET_DIR=TARGET),
    )
    exe = Path(TARGET) / ("release" if args.profile == "release" else "debug") / "examples" / "bench"
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads))
    results = []
    for what, _ in [(w, r) for w in (args.only or ("transformer", "vae")) for r in range(args.rounds)]:
        for cmd in (
            [str(VENV_PY), __file__, "--torch-half", what, "--steps", str(args.steps), "--threads",
             str(args.threads), "--layers", str(args.layers)],
            [str(exe), what, str(args.steps), str(args.layers)],
        ):
            load_before = os.getloadavg()[0]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
            line = [l for l in out.splitlines() if l.startswith("{")][-1]
            r = json.loads(line)
            # Other builds share the machine: record the 1-minute load average around each half.
            r["load"] = f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
            results.append(r)
            print(json.dumps(r), flush=True)
    if args.rounds > 1:
        best = {}
        for r in results:
            key = (r["what"], r["impl"])
            if key not in best or r["seconds"] < best[key]["seconds"]:
                best[key] = dict(r, seconds_all=[x["seconds"] for x in results if (x["what"], x["impl"]) == key])
        results = list(best.values())
    print()
    print("| what | implementation | seconds | peak RSS (MiB) | weights (MiB) | load average |")
    print("|---|---|---|---|---|---|")
    for r in results:
        rounds = f" (rounds: {', '.join(str(x) for x in r['seconds_all'])})" if "seconds_all" in r else ""
        print(f"| {r['what']} | {r['impl']} | {r['seconds']}{rounds} | {r['peak_rss_mib']} | "
              f"{r.get('weights_mib', '')} | {r['load']} |")


if __name__ == "__main__":
    sys.exit(main())
