#!/usr/bin/env python3
"""Side-by-side benchmark of the candle LTX-2 port against the PyTorch reference.

Same configuration, same machine, same thread count, one run: the LTX-2.3 transformer at its
real layer shapes (video stream 32 heads x 128, audio stream 32 x 64, gated attention,
cross-attention modulation; random weights) for one classifier-free-guided denoising step of a
256x256, 17-frame clip at 24 fps (batch 2, 3x8x8 = 192 video tokens, 18 audio tokens, 1024
text tokens), the 2.3 video VAE decoding that clip, and the audio decode (2.3 audio VAE and
bandwidth-extended vocoder, 18 latent frames to 0.71 s of 48 kHz stereo). Each measurement
runs in its own process so peak resident memory (VmHWM / ru_maxrss) is its own.

Usage (from the repository root):
    python3 compiler/model/bench/run_ltx2.py [--steps N] [--threads T] [--layers L] [--rounds R]
It uses the LTX-2 parity venv (tests/parity/.venv-ltx2, made by
tests/parity/make_ltx2_goldens.py) for PyTorch and builds the candle half with
`cargo build --release --example bench_ltx2`.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENV_PY = ROOT / "tests" / "parity" / ".venv-ltx2" / "bin" / "python"
TARGET = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))

TRANSFORMER_23 = dict(
    in_channels=128, out_channels=128, num_attention_heads=32, attention_head_dim=128, cross_attention_dim=4096,
    gated_attn=True, cross_attn_mod=True, audio_in_channels=128, audio_out_channels=128,
    audio_num_attention_heads=32, audio_attention_head_dim=64, audio_cross_attention_dim=2048,
    audio_gated_attn=True, audio_cross_attn_mod=True, caption_channels=3840, rope_type="split",
    use_prompt_embeddings=False, perturbed_attn=True,
)
VAE_23 = dict(
    block_out_channels=(256, 512, 1024, 1024), decoder_block_out_channels=(256, 512, 512, 1024),
    layers_per_block=(4, 6, 4, 2, 2), decoder_layers_per_block=(4, 6, 4, 2, 2),
    spatio_temporal_scaling=(True, True, True, True), decoder_spatio_temporal_scaling=(True, True, True, True),
    decoder_inject_noise=(False, False, False, False, False),
    downsample_type=("spatial", "temporal", "spatiotemporal", "spatiotemporal"),
    upsample_type=("spatiotemporal", "spatiotemporal", "temporal", "spatial"),
    upsample_residual=(False, False, False, False), upsample_factor=(2, 2, 1, 2), timestep_conditioning=False,
    decoder_causal=False, decoder_spatial_padding_mode="zeros", spatial_compression_ratio=32,
    temporal_compression_ratio=8,
)
AUDIO_VAE = dict(
    base_channels=128, output_channels=2, ch_mult=(1, 2, 4), num_res_blocks=2, latent_channels=8,
    norm_type="pixel", causality_axis="height", mel_bins=64,
)
VOCODER_23 = dict(
    in_channels=128, hidden_channels=1536, out_channels=2, upsample_kernel_sizes=[11, 4, 4, 4, 4, 4],
    upsample_factors=[5, 2, 2, 2, 2, 2], resnet_kernel_sizes=[3, 7, 11],
    resnet_dilations=[[1, 3, 5], [1, 3, 5], [1, 3, 5]], act_fn="snakebeta", antialias=True, antialias_ratio=2,
    antialias_kernel_size=12, final_act_fn=None, final_bias=False, bwe_in_channels=128, bwe_hidden_channels=512,
    bwe_out_channels=2, bwe_upsample_kernel_sizes=[12, 11, 4, 4, 4], bwe_upsample_factors=[6, 5, 2, 2, 2],
    bwe_resnet_kernel_sizes=[3, 7, 11], bwe_resnet_dilations=[[1, 3, 5], [1, 3, 5], [1, 3, 5]],
    bwe_act_fn="snakebeta", bwe_antialias=True, bwe_antialias_ratio=2, bwe_antialias_kernel_size=12,
    bwe_final_act_fn=None, bwe_final_bias=False, filter_length=512, hop_length=80, window_length=512,
    num_mel_channels=64, input_sampling_rate=16000, output_sampling_rate=48000,
)


def torch_half(what, steps, threads, layers):
    import resource

    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    lf, lh, lw, af = 3, 8, 8, 18
    with torch.no_grad():
        if what == "transformer":
            from diffusers import LTX2VideoTransformer3DModel

            m = LTX2VideoTransformer3DModel(**dict(TRANSFORMER_23, num_layers=layers)).eval()
            n = lf * lh * lw
            video = torch.randn(2, n, 128)
            audio = torch.randn(2, af, 128)
            text = torch.randn(2, 1024, 4096)
            audio_text = torch.randn(2, 1024, 2048)
            vt = torch.full((2, n), 900.0)
            sigma = torch.full((2,), 900.0)
            coords = m.rope.prepare_video_coords(2, lf, lh, lw, torch.device("cpu"), fps=24.0)
            acoords = m.audio_rope.prepare_audio_coords(2, af, torch.device("cpu"))

            def run():
                v, a = m(hidden_states=video, audio_hidden_states=audio, encoder_hidden_states=text,
                         audio_encoder_hidden_states=audio_text, timestep=vt, audio_timestep=sigma, sigma=sigma,
                         audio_sigma=sigma, video_coords=coords, audio_coords=acoords, use_cross_timestep=True,
                         return_dict=False)
                (v.sum() + a.sum()).item()

            label = (f"LTX-2.3 transformer step ({layers} layers, CFG batch 2, {n} video + {af} audio tokens, "
                     "1024 text tokens)")
        elif what == "vae":
            from diffusers import AutoencoderKLLTX2Video

            m = AutoencoderKLLTX2Video(**VAE_23).eval()
            z = torch.randn(1, 128, lf, lh, lw)

            def run():
                m.decode(z, None, return_dict=False)[0].sum().item()

            label = "LTX-2.3 video VAE decode 17x256x256"
        else:
            from diffusers import AutoencoderKLLTX2Audio
            from diffusers.pipelines.ltx2.vocoder import LTX2VocoderWithBWE

            dec = AutoencoderKLLTX2Audio(**AUDIO_VAE).eval()
            voc = LTX2VocoderWithBWE(**VOCODER_23).eval()
            z = torch.randn(1, 8, af, 16)

            def run():
                voc(dec.decode(z, return_dict=False)[0]).sum().item()

            label = "LTX-2.3 audio decode (audio VAE + BWE vocoder, 0.71 s of 48 kHz stereo)"
            m = torch.nn.ModuleList([dec, voc])
        weights_mib = sum(p.numel() * p.element_size() for p in m.parameters()) / 2**20
        run()
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(steps):
            run()
        per = (time.perf_counter() - start) / steps
        cpu = (time.process_time() - cpu) / steps
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"impl": "pytorch", "what": label, "seconds": round(per, 3), "cpu_seconds": round(cpu, 2),
                      "peak_rss_mib": round(peak),
                      "weights_mib": round(weights_mib)}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--torch-half", choices=["transformer", "vae", "audio"])
    ap.add_argument("--only", nargs="*", choices=["transformer", "vae", "audio"])
    ap.add_argument("--layers", type=int, default=2, help="transformer blocks (48 in the real model)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="alternate the two halves this many times; the summary keeps each side's fastest round")
    args = ap.parse_args()
    if args.torch_half:
        torch_half(args.torch_half, args.steps, args.threads, args.layers)
        return
    subprocess.check_call(
        ["cargo", "build", "--release", "-q", "-p", "scene-model", "--example", "bench_ltx2"],
        cwd=ROOT, env=dict(os.environ, CARGO_TARGET_DIR=TARGET),
    )
    exe = Path(TARGET) / "release" / "examples" / "bench_ltx2"
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads))
    results = []
    for what in [w for w in (args.only or ("transformer", "vae", "audio")) for _ in range(args.rounds)]:
        for cmd in (
            [str(VENV_PY), __file__, "--torch-half", what, "--steps", str(args.steps), "--threads",
             str(args.threads), "--layers", str(args.layers)],
            [str(exe), what, str(args.steps), str(args.layers)],
        ):
            load_before = os.getloadavg()[0]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
            line = [l for l in out.splitlines() if l.startswith("{")][-1]
            r = json.loads(line)
            r["load"] = f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
            results.append(r)
            print(json.dumps(r), flush=True)
    if args.rounds > 1:
        best = {}
        for r in results:
            key = (r["what"], r["impl"])
            if key not in best or r["seconds"] < best[key]["seconds"]:
                best[key] = dict(r, seconds_all=[x["seconds"] for x in results if (x["what"], x["impl"]) == key],
                                 cpu_all=[x.get("cpu_seconds") for x in results if (x["what"], x["impl"]) == key])
        results = list(best.values())
    print()
    print("| what | implementation | seconds | CPU seconds | peak RSS (MiB) | weights (MiB) | load average |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        rounds = f" (rounds: {', '.join(str(x) for x in r['seconds_all'])})" if "seconds_all" in r else ""
        cpus = f" (rounds: {', '.join(str(x) for x in r['cpu_all'])})" if "cpu_all" in r else ""
        print(f"| {r['what']} | {r['impl']} | {r['seconds']}{rounds} | {r.get('cpu_seconds', '')}{cpus} | "
              f"{r['peak_rss_mib']} | {r.get('weights_mib', '')} | {r['load']} |")


if __name__ == "__main__":
    sys.exit(main())
