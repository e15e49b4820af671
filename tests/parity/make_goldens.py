#!/usr/bin/env python3
"""Reference goldens for the candle LTX-Video port (crate `scene-model`).

Builds tiny random configurations of every component with the pinned reference implementation
(diffusers / transformers / torch on the CPU), perturbs every weight so that a dropped or
misnamed tensor cannot pass, runs them with fixed inputs and writes

  tests/fixtures/ltx-tiny/          a complete diffusers model folder (the tiny model)
  tests/parity/goldens/vae090/      a second VAE in the 0.9.0 layout (other block types/flags)
  tests/parity/goldens/*.safetensors  inputs and outputs of each check
  tests/parity/goldens/*.json         configs and token ids that are not tensors

Every random draw that the reference pipeline makes (initial noise, posterior samples,
conditioning noise, per-step image-conditioning noise, decode noise, VAE noise injection) comes
from the project's own generator (SplitMix64 + Box-Muller, replayed here in numpy) by patching
`torch.randn` for the duration of the call, so the Rust pipeline can replay the same draws.

Run:  python3 tests/parity/make_goldens.py
It creates tests/parity/.venv with pinned packages on first use and re-runs itself there.
Re-running produces byte-identical files.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = HERE / ".venv"
PINS = [
    "torch==2.9.1",
    "diffusers==0.35.2",
    "transformers==4.57.1",
    "safetensors==0.6.2",
    "numpy==2.2.6",
    "sentencepiece==0.2.1",
    "tokenizers==0.22.1",
    "protobuf==6.32.1",
    "accelerate==1.10.1",
]


def ensure_venv():
    py = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    marker = VENV / "pins.txt"
    if not marker.exists() or marker.read_text() != "\n".join(PINS):
        subprocess.check_call([str(VENV / "bin" / "pip"), "install", "-q", *PINS])
        marker.write_text("\n".join(PINS))
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


ensure_venv()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

GOLDENS = HERE / "goldens"
FIXTURE = ROOT / "tests" / "fixtures" / "ltx-tiny"

# ----------------------------------------------------------------------------------------------
# The project's noise generator (must match compiler/model/src/rng.rs exactly).

GAMMA = np.uint64(0x9E3779B97F4A7C15)
C1 = np.uint64(0xBF58476D1CE4E5B9)
C2 = np.uint64(0x94D049BB133111EB)


class NoiseRng:
    def __init__(self, seed):
        self.seed = np.uint64(seed)
        self.counter = 0

    def normal(self, n):
        pairs = (n + 1) // 2
        k = np.arange(self.counter + 1, self.counter + 1 + 2 * pairs, dtype=np.uint64)
        self.counter += 2 * pairs
        with np.errstate(over="ignore"):
            z = self.seed + k * GAMMA
            z = (z ^ (z >> np.uint64(30))) * C1
            z = (z ^ (z >> np.uint64(27))) * C2
            z = z ^ (z >> np.uint64(31))
        u1 = ((z[0::2] >> np.uint64(11)) + np.uint64(1)).astype(np.float64) * (1.0 / 2.0**53)
        u2 = (z[1::2] >> np.uint64(11)).astype(np.float64) * (1.0 / 2.0**53)
        r = np.sqrt(-2.0 * np.log(u1))
        theta = 2.0 * np.pi * u2
        out = np.empty(2 * pairs, dtype=np.float64)
        out[0::2] = r * np.cos(theta)
        out[1::2] = r * np.sin(theta)
        return out[:n].astype(np.float32)

    def tensor(self, *shape):
        n = int(np.prod(shape)) if shape else 1
        return torch.from_numpy(self.normal(n).reshape(shape))


class PatchedRandn:
    """Routes every torch.randn call to the project's generator while active."""

    def __init__(self, rng):
        self.rng = rng
        self.log = []

    def __enter__(self):
        self.orig = torch.randn

        def randn(*size, generator=None, device=None, dtype=None, layout=None, **kw):
            if len(size) == 1 and isinstance(size[0], (tuple, list, torch.Size)):
                size = tuple(size[0])
            size = tuple(int(s) for s in size)
            self.log.append(size)
            t = self.rng.tensor(*size)
            return t.to(dtype or torch.float32)

        torch.randn = randn
        return self

    def __exit__(self, *exc):
        torch.randn = self.orig


def perturb(module, seed):
    """Moves every parameter and buffer away from its initial value (ones, zeros, ...)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(list(module.named_parameters()) + list(module.named_buffers())):
            if not p.dtype.is_floating_point:
                continue
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if name.endswith("latents_std"):
                p.copy_(1.0 + 0.3 * noise.abs())
            elif name.endswith("timestep_scale_multiplier"):
                p.copy_(p + 10.0 * noise)
            elif p.ndim == 1 and ("norm" in name.split(".")[-2] if "." in name else False):
                p.copy_(1.0 + 0.2 * noise)
            else:
                scale = max(float(p.float().std()) if p.numel() > 1 else 0.0, 0.05)
                p.copy_(p + 0.5 * scale * noise)


def round_to(module, dtype):
    """Rounds every weight to `dtype` so that storing it in that dtype loses nothing."""
    with torch.no_grad():
        for _, p in list(module.named_parameters()) + list(module.named_buffers()):
            if p.dtype.is_floating_point:
                p.copy_(p.to(dtype).to(torch.float32))


def seeded(seed):
    return torch.Generator().manual_seed(seed)


def save(name, tensors):
    GOLDENS.mkdir(parents=True, exist_ok=True)
    clean = {k: v.detach().contiguous().to(torch.float32) for k, v in tensors.items()}
    save_file(clean, str(GOLDENS / f"{name}.safetensors"))


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


# ----------------------------------------------------------------------------------------------
# Tiny configurations. Each keeps the code paths of the real 2B model and 0.9.x VAEs.

LATENT_CHANNELS = 8
T5_DIM = 32
MAX_SEQ = 128

TRANSFORMER_CFG = dict(
    in_channels=LATENT_CHANNELS,
    out_channels=LATENT_CHANNELS,
    patch_size=1,
    patch_size_t=1,
    num_attention_heads=2,
    attention_head_dim=8,  # inner 16: 16 % 6 == 4, so the rotary embedding is padded
    cross_attention_dim=16,
    num_layers=2,
    caption_channels=T5_DIM,
)

# 0.9.5 / 0.9.7 layout: LTXVideo095DownBlock3D with every downsample type, residual upsamplers
# with upsample_factor 2, timestep conditioning, and (as 0.9.1 has) noise injection.
VAE095_CFG = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=LATENT_CHANNELS,
    block_out_channels=(8, 16, 16, 32, 32),
    down_block_types=("LTXVideo095DownBlock3D",) * 4,
    decoder_block_out_channels=(8, 16, 32),
    layers_per_block=(1, 2, 1, 1, 1),
    decoder_layers_per_block=(1, 2, 1, 1),
    spatio_temporal_scaling=(True, True, True, True),
    decoder_spatio_temporal_scaling=(True, True, True),
    decoder_inject_noise=(True, False, True, True),
    downsample_type=("spatial", "temporal", "spatiotemporal", "spatiotemporal"),
    upsample_residual=(True, False, True),
    upsample_factor=(2, 2, 2),
    timestep_conditioning=True,
    patch_size=4,
    patch_size_t=1,
    resnet_norm_eps=1e-6,
    scaling_factor=1.0,
    encoder_causal=True,
    decoder_causal=False,
    spatial_compression_ratio=32,
    temporal_compression_ratio=8,
)

# 0.9.0 layout: LTXVideoDownBlock3D with conv downsampling and channel-changing conv_out,
# decoder up blocks with channel-changing conv_in, plain upsamplers, a block without scaling.
VAE090_CFG = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=LATENT_CHANNELS,
    block_out_channels=(8, 16, 16, 16),
    down_block_types=("LTXVideoDownBlock3D",) * 4,
    decoder_block_out_channels=(8, 16, 16, 16),
    layers_per_block=(1, 1, 2, 1, 1),
    decoder_layers_per_block=(1, 1, 2, 1, 1),
    spatio_temporal_scaling=(True, True, True, False),
    decoder_spatio_temporal_scaling=(True, True, True, False),
    decoder_inject_noise=(False, False, False, False, False),
    downsample_type=("conv", "conv", "conv", "conv"),
    upsample_residual=(False, False, False, False),
    upsample_factor=(1, 1, 1, 1),
    timestep_conditioning=False,
    patch_size=4,
    patch_size_t=1,
    resnet_norm_eps=1e-6,
    scaling_factor=1.0,
    encoder_causal=True,
    decoder_causal=False,
)

# As Lightricks/LTX-Video-0.9.5 configures it (static shift, stretched to a terminal value).
SCHEDULER_CFG = dict(
    num_train_timesteps=1000,
    shift=1.0,
    use_dynamic_shifting=False,
    base_shift=0.95,
    max_shift=2.05,
    base_image_seq_len=1024,
    max_image_seq_len=4096,
    shift_terminal=0.1,
    invert_sigmas=False,
    use_karras_sigmas=False,
    use_exponential_sigmas=False,
    use_beta_sigmas=False,
)

CORPUS = """a red fox runs across a snowy field at dawn
the camera pans slowly over a quiet harbour with small boats
a woman in a blue coat walks through a busy market in the rain
close up of hands kneading bread dough on a wooden table
aerial view of a winding river through green hills and forests
a cat sleeps on a sunny windowsill while curtains move in the breeze
night city street with neon signs reflected in puddles
an old man reads a newspaper on a park bench in autumn
waves crash against black rocks under a stormy grey sky
a child flies a yellow kite on a windy beach
slow motion of coffee poured into a white cup
the astronaut floats inside the space station looking at earth
a train crosses a stone bridge in the mountains
candles flicker on a table set for dinner
a dog chases a ball through tall grass in summer
low quality, blurry, distorted, watermark, jittery, worst quality
"""


def build_tokenizer(folder):
    import sentencepiece as spm
    from transformers import T5TokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    work = GOLDENS / "_spm_work"
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.txt"
    corpus.write_text(CORPUS * 4)
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(work / "spiece"),
        vocab_size=150,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        num_threads=1,
        character_coverage=1.0,
        minloglevel=2,
    )
    # add_prefix_space=True keeps sentencepiece's dummy prefix ("▁a", as the original T5
    # tokenizer.json has it). Converting a spiece.model-only folder with transformers 4.57
    # would otherwise produce prepend_scheme "never", which disagrees with sentencepiece.
    tok = T5TokenizerFast(
        vocab_file=str(work / "spiece.model"), extra_ids=0, model_max_length=MAX_SEQ, add_prefix_space=True
    )
    sp = spm.SentencePieceProcessor(model_file=str(work / "spiece.model"))
    for text in PROMPTS:
        assert tok(text).input_ids == sp.encode(text) + [1], text
    tok.save_pretrained(str(folder))
    for p in sorted(work.iterdir()):
        p.unlink()
    work.rmdir()
    return T5TokenizerFast.from_pretrained(str(folder))


def build_text_encoder(vocab_size):
    from transformers import T5Config, T5EncoderModel

    cfg = T5Config(
        vocab_size=vocab_size,
        d_model=T5_DIM,
        d_kv=8,
        d_ff=48,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        relative_attention_max_distance=16,
        feed_forward_proj="gated-gelu",
        dense_act_fn="gelu_new",
        is_gated_act=True,
        layer_norm_epsilon=1e-6,
        dropout_rate=0.0,
        tie_word_embeddings=False,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
    )
    torch.manual_seed(11)
    model = T5EncoderModel(cfg).eval()
    perturb(model, 12)
    round_to(model, torch.float16)
    return model


def build_models():
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXVideoTransformer3DModel

    torch.manual_seed(1)
    transformer = LTXVideoTransformer3DModel(**TRANSFORMER_CFG).eval()
    perturb(transformer, 2)
    round_to(transformer, torch.bfloat16)
    torch.manual_seed(3)
    vae = AutoencoderKLLTXVideo(**VAE095_CFG).eval()
    perturb(vae, 4)
    round_to(vae, torch.bfloat16)
    torch.manual_seed(5)
    vae090 = AutoencoderKLLTXVideo(**VAE090_CFG).eval()
    perturb(vae090, 6)
    scheduler = FlowMatchEulerDiscreteScheduler(**SCHEDULER_CFG)
    return transformer, vae, vae090, scheduler


def make_pipeline(transformer, vae, text_encoder, tokenizer, scheduler):
    from diffusers import LTXConditionPipeline

    return LTXConditionPipeline(
        scheduler=scheduler, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, transformer=transformer
    )


def write_fixture(pipe):
    """The tiny model as a user's folder. Weights were rounded to these dtypes before any
    golden was computed, so the bf16/f16 files hold exactly the values the reference used (and
    the loader's dtype conversion is exercised). The published folder ships spiece.model for
    T5TokenizerFast; the fast tokenizer also writes tokenizer.json (the Rust side reads either)."""
    pipe.transformer.to(torch.bfloat16)
    pipe.vae.to(torch.bfloat16)
    pipe.text_encoder.to(torch.float16)
    pipe.save_pretrained(str(FIXTURE), safe_serialization=True)


# ----------------------------------------------------------------------------------------------
# Goldens


def pack(latents):
    b, c, f, h, w = latents.shape
    return latents.permute(0, 2, 3, 4, 1).reshape(b, f * h * w, c)


def video_coords(num_frames, h, w, frame_index=0, frame_rate=25.0, batch=1):
    from diffusers import LTXConditionPipeline

    ids = LTXConditionPipeline._prepare_video_ids(batch, num_frames, h, w, 1, 1)
    ids = LTXConditionPipeline._scale_video_ids(ids, 32, 8, frame_index).float()
    ids[:, 0] = ids[:, 0] * (1.0 / frame_rate)
    return ids


def golden_transformer(transformer):
    g = seeded(100)
    lf, lh, lw = 3, 2, 3  # non-square latent grid
    n_main = lf * lh * lw
    # Two extra conditioning tokens' worth of a latent frame placed at pixel frame 9.
    cond = video_coords(1, lh, lw, frame_index=9)
    main = video_coords(lf, lh, lw)
    coords = torch.cat([cond, main], dim=2).repeat(2, 1, 1)
    n = coords.shape[2]
    hidden = torch.randn(2, n, LATENT_CHANNELS, generator=g)
    text = torch.randn(2, 12, T5_DIM, generator=g)
    mask = torch.ones(2, 12)
    mask[0, 7:] = 0
    mask[1, 10:] = 0
    timestep = torch.rand(2, n, generator=g) * 1000.0
    timestep[:, : n - n_main] = 0.0  # conditioning tokens at t = 0, as the pipeline makes them
    with torch.no_grad():
        out = transformer(
            hidden_states=hidden,
            encoder_hidden_states=text,
            timestep=timestep,
            encoder_attention_mask=mask,
            video_coords=coords,
            return_dict=False,
        )[0]
        # Same inputs with one timestep per sample ([B, 1]) as the plain text-to-video path.
        t1 = torch.tensor([[937.5], [120.0]])
        out_t1 = transformer(
            hidden_states=hidden,
            encoder_hidden_states=text,
            timestep=t1,
            encoder_attention_mask=mask,
            video_coords=coords,
            return_dict=False,
        )[0]
    save(
        "transformer",
        dict(
            hidden=hidden,
            text=text,
            mask=mask,
            timestep=timestep,
            coords=coords,
            out=out,
            timestep_single=t1,
            out_single=out_t1,
        ),
    )


def golden_vae(name, vae):
    g = seeded(200)
    video = torch.rand(1, 3, 9, 32, 96, generator=g) * 2.0 - 1.0
    latents = torch.randn(1, LATENT_CHANNELS, 3, 1, 3, generator=g)
    tensors = dict(video=video, latents=latents)
    with torch.no_grad():
        h = vae.encoder(video)
        tensors["encoded"] = h
        post = vae.encode(video).latent_dist
        tensors["posterior_mode"] = post.mode()
        rng = NoiseRng(7)
        with PatchedRandn(rng):
            tensors["posterior_sample"] = post.sample()
        if vae.config.timestep_conditioning:
            temb = torch.tensor([0.05])
            rng = NoiseRng(8)
            with PatchedRandn(rng) as pr:
                tensors["decoded"] = vae.decode(latents, temb, return_dict=False)[0]
            tensors["decode_timestep"] = temb
            # Tiled decode: temporal tiles of 2 latent frames (stride 1) and spatial tiles of
            # 1x2 latents (stride 1), blended as diffusers blends them.
            vae.enable_tiling(
                tile_sample_min_height=32,
                tile_sample_min_width=64,
                tile_sample_min_num_frames=16,
                tile_sample_stride_height=32,
                tile_sample_stride_width=32,
                tile_sample_stride_num_frames=8,
            )
            vae.use_framewise_decoding = True
            rng = NoiseRng(9)
            with PatchedRandn(rng):
                tensors["decoded_tiled"] = vae.decode(latents, temb, return_dict=False)[0]
            vae.disable_tiling()
            vae.use_framewise_decoding = False
        else:
            tensors["decoded"] = vae.decode(latents, return_dict=False)[0]
    save(name, tensors)


def golden_scheduler():
    from diffusers import FlowMatchEulerDiscreteScheduler
    from diffusers.pipelines.ltx.pipeline_ltx import calculate_shift
    from diffusers.pipelines.ltx.pipeline_ltx_condition import linear_quadratic_schedule

    published_dynamic = dict(SCHEDULER_CFG, use_dynamic_shifting=True)
    cases = {
        "static_terminal": (SCHEDULER_CFG, None),
        "dynamic_exponential": (published_dynamic, 4096 + 768),
        "dynamic_linear": (dict(published_dynamic, time_shift_type="linear", shift_terminal=None), 2000),
        "shift3": (dict(SCHEDULER_CFG, shift=3.0, shift_terminal=None), None),
    }
    meta = {}
    tensors = {}
    g = seeded(300)
    for case, (cfg, seq_len) in sorted(cases.items()):
        for mode in ("steps", "custom"):
            sched = FlowMatchEulerDiscreteScheduler(**cfg)
            kwargs = {}
            mu = None
            if cfg["use_dynamic_shifting"]:
                mu = calculate_shift(
                    seq_len, cfg["base_image_seq_len"], cfg["max_image_seq_len"], cfg["base_shift"], cfg["max_shift"]
                )
                kwargs["mu"] = mu
            steps = 7
            if mode == "custom":
                ts = (linear_quadratic_schedule(steps) * 1000.0).tolist()
                sched.set_timesteps(timesteps=ts, **kwargs)
            else:
                sched.set_timesteps(steps, **kwargs)
            key = f"{case}.{mode}"
            meta[key] = dict(config=cfg, mu=mu, seq_len=seq_len, steps=steps, mode=mode)
            tensors[f"{key}.timesteps"] = sched.timesteps.clone()
            tensors[f"{key}.sigmas"] = sched.sigmas.clone()
            # One Euler step with per-token timesteps (some tokens conditioned, t = 0 or lower).
            sample = torch.randn(2, 6, 4, generator=g)
            model_out = torch.randn(2, 6, 4, generator=g)
            t = sched.timesteps[1]
            per_token = t.expand(2, 6).clone()
            per_token[0, 0] = 0.0
            per_token[1, 1] = per_token[1, 1] * 0.5
            sched._step_index = None
            prev = sched.step(model_out, t, sample, per_token_timesteps=per_token, return_dict=False)[0]
            tensors[f"{key}.sample"] = sample
            tensors[f"{key}.model_out"] = model_out
            tensors[f"{key}.per_token"] = per_token
            tensors[f"{key}.prev"] = prev
    tensors["linear_quadratic.3"] = linear_quadratic_schedule(3)
    tensors["linear_quadratic.7"] = linear_quadratic_schedule(7)
    tensors["linear_quadratic.40"] = linear_quadratic_schedule(40)
    save("scheduler", tensors)
    write_json(GOLDENS / "scheduler.json", meta)


PROMPTS = [
    "a red fox runs across a snowy field at dawn",
    "Night city street, neon signs reflected in puddles!",
    "",
    "the  astronaut   floats\tinside the space station 12345 ü",
    "low quality, blurry, distorted",
]


def golden_text(tokenizer, text_encoder):
    enc = tokenizer(PROMPTS, padding="max_length", max_length=MAX_SEQ, truncation=True, add_special_tokens=True, return_tensors="pt")
    ids = enc.input_ids
    mask = enc.attention_mask
    with torch.no_grad():
        hidden = text_encoder(ids, attention_mask=mask)[0]
    save("text_encoder", dict(ids=ids.float(), mask=mask.float(), hidden=hidden))
    write_json(GOLDENS / "text_encoder.json", dict(prompts=PROMPTS, ids=ids.tolist()))


def make_image(seed, h, w):
    from PIL import Image

    g = seeded(seed)
    arr = (torch.rand(h, w, 3, generator=g) * 255.0).round().to(torch.uint8).numpy()
    # A smooth gradient plus noise so the image is not pure noise.
    yy, xx = np.mgrid[0:h, 0:w]
    arr = ((arr.astype(np.int32) // 3) + ((yy * 255 // h)[..., None] // 2) + ((xx * 255 // w)[..., None] // 4)).clip(0, 255)
    return Image.fromarray(arr.astype(np.uint8), "RGB")


GEN = dict(
    prompt="a red fox runs across a snowy field at dawn",
    negative_prompt="low quality, blurry",
    height=32,
    width=96,
    num_frames=17,
    frame_rate=25,
    num_inference_steps=3,
    guidance_scale=3.0,
    decode_timestep=0.05,
    decode_noise_scale=0.025,
    image_cond_noise_scale=0.15,
    seed=1234,
)


def golden_generation(pipe):
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    h, w = GEN["height"], GEN["width"]
    img0 = make_image(400, h, w)
    img1 = make_image(401, h, w)
    conditions = [
        LTXVideoCondition(image=img0, frame_index=0, strength=1.0),
        LTXVideoCondition(image=img1, frame_index=8, strength=0.8),
    ]
    common = dict(
        conditions=conditions,
        prompt=GEN["prompt"],
        negative_prompt=GEN["negative_prompt"],
        height=h,
        width=w,
        num_frames=GEN["num_frames"],
        frame_rate=GEN["frame_rate"],
        num_inference_steps=GEN["num_inference_steps"],
        guidance_scale=GEN["guidance_scale"],
        decode_timestep=GEN["decode_timestep"],
        decode_noise_scale=GEN["decode_noise_scale"],
        image_cond_noise_scale=GEN["image_cond_noise_scale"],
        max_sequence_length=MAX_SEQ,
    )
    with torch.no_grad():
        with PatchedRandn(NoiseRng(GEN["seed"])) as pr_lat:
            latents = pipe(**common, output_type="latent", return_dict=False)[0]
        with PatchedRandn(NoiseRng(GEN["seed"])) as pr:
            video = pipe(**common, output_type="np", return_dict=False)[0]
    video = torch.from_numpy(np.asarray(video[0]))  # [F, H, W, 3] in [0, 1]
    tensors = dict(
        cond0=torch.from_numpy(np.asarray(img0)).float(),
        cond1=torch.from_numpy(np.asarray(img1)).float(),
        latents=latents,
        video=video,
    )
    save("generation", tensors)
    meta = dict(GEN)
    meta["conditions"] = [dict(image="cond0", frame_index=0, strength=1.0), dict(image="cond1", frame_index=8, strength=0.8)]
    meta["draws"] = [list(s) for s in pr.log]
    write_json(GOLDENS / "generation.json", meta)

    # Video-to-video with a guide: encode the guide, noise it to `strength`, denoise the rest.
    guide_frames = 9
    guide = torch.rand(1, 3, guide_frames, h, w, generator=seeded(402))
    guide_u8 = (guide * 255.0).round()
    guide_in = guide_u8 / 255.0 * 2.0 - 1.0
    with torch.no_grad():
        lat = pipe.vae.encode(guide_in).latent_dist.mode()
        lat = pipe._normalize_latents(lat, pipe.vae.latents_mean, pipe.vae.latents_std)
        with PatchedRandn(NoiseRng(GEN["seed"] + 1)) as prg:
            guided = pipe(
                prompt=GEN["prompt"],
                negative_prompt=GEN["negative_prompt"],
                height=h,
                width=w,
                num_frames=guide_frames,
                frame_rate=GEN["frame_rate"],
                num_inference_steps=4,
                guidance_scale=GEN["guidance_scale"],
                decode_timestep=GEN["decode_timestep"],
                decode_noise_scale=GEN["decode_noise_scale"],
                latents=lat,
                denoise_strength=0.6,
                max_sequence_length=MAX_SEQ,
                output_type="np",
                return_dict=False,
            )[0]
    save("generation_guide", dict(guide=guide_u8.permute(0, 2, 3, 4, 1)[0], video=torch.from_numpy(np.asarray(guided[0]))))
    write_json(GOLDENS / "generation_guide.json", dict(steps=4, strength=0.6, seed=GEN["seed"] + 1, draws=[list(s) for s in prg.log]))


def golden_rng():
    r = NoiseRng(42)
    a = r.normal(7)
    b = r.normal(4)
    r2 = NoiseRng(2**64 - 5)
    c = r2.normal(3)
    save("rng", dict(seed42_first7=torch.from_numpy(a), seed42_next4=torch.from_numpy(b), seed_max=torch.from_numpy(c)))


def main():
    GOLDENS.mkdir(parents=True, exist_ok=True)
    transformer, vae, vae090, scheduler = build_models()
    tokenizer = build_tokenizer(FIXTURE / "tokenizer")
    text_encoder = build_text_encoder(len(tokenizer))
    pipe = make_pipeline(transformer, vae, text_encoder, tokenizer, scheduler)
    vae090.save_pretrained(str(GOLDENS / "vae090"), safe_serialization=True)

    golden_rng()
    golden_transformer(transformer)
    golden_vae("vae095", vae)
    golden_vae("vae090", vae090)
    golden_scheduler()
    golden_text(tokenizer, text_encoder)
    golden_generation(pipe)
    write_fixture(pipe)

    digest = hashlib.sha256()
    for base in (GOLDENS, FIXTURE):
        for p in sorted(base.rglob("*")):
            if p.is_file():
                digest.update(str(p.relative_to(ROOT)).encode())
                digest.update(p.read_bytes())
    print("goldens written; content sha256", digest.hexdigest())


if __name__ == "__main__":
    main()
