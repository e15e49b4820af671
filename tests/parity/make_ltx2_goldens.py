#!/usr/bin/env python3
"""Reference goldens for the candle LTX-2 port (`scene-model`, module `ltx2`).

Builds tiny random configurations of every LTX-2 component with the pinned reference
implementation (diffusers 0.42.1 / transformers / torch on the CPU), perturbs every weight so that
a dropped or misnamed tensor cannot pass, runs them with fixed inputs and writes

  tests/fixtures/ltx2-tiny/             a complete diffusers LTX-2 folder in the 2.3 layout
  tests/fixtures/ltx2-tiny-upsampler/   the latent upsampler (a separate download, as published)
  tests/parity/goldens/ltx2/*.safetensors  inputs and outputs of each check
  tests/parity/goldens/ltx2/*.json         configs, token ids and draw logs that are not tensors
  tests/parity/goldens/ltx2/v20/        the components whose 2.0 layout differs (connectors,
                                        transformer, video VAE, vocoder, upsampler)

Every random draw the reference pipeline makes (video and audio noise, decode noise, VAE noise
injection) comes from the project's own generator (SplitMix64 + Box-Muller, replayed in numpy
here exactly as `compiler/model/src/rng.rs` draws) by patching `torch.randn` for the duration
of the call, so the Rust pipeline replays the same draws.

The pipeline goldens come from `LTX2ConditionPipeline`: with no conditions it is `LTX2Pipeline`
(text to video), with a condition at latent index 0 it is `LTX2ImageToVideoPipeline`, and it
also takes keyframes at later indices, which the scene backend needs. The three differ only in
the order the initial noise is drawn (the condition pipeline draws it in packed token order).

Run:  python3 tests/parity/make_ltx2_goldens.py
It creates tests/parity/.venv-ltx2 with pinned packages on first use and re-runs itself there.
Re-running produces byte-identical files.
"""

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = HERE / ".venv-ltx2"
PINS = [
    "torch==2.9.1",
    "diffusers==0.42.1",
    "transformers==5.25.0",
    "huggingface_hub==2.4.0",
    "tokenizers==0.23.3",
    "safetensors==0.8.0",
    "numpy==2.4.6",
    "sentencepiece==0.2.3",
    "protobuf==7.36.2",
    "accelerate==1.16.0",
    "pillow==13.0.0",
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

GOLDENS = HERE / "goldens" / "ltx2"
V20 = GOLDENS / "v20"
FIXTURE = ROOT / "tests" / "fixtures" / "ltx2-tiny"
UPSAMPLER_FIXTURE = ROOT / "tests" / "fixtures" / "ltx2-tiny-upsampler"

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


# Buffers that hold fixed signal-processing constants (filters, DFT and mel bases). They are
# stored in the weights, so the port must read them; they are set to meaningful values below
# instead of being perturbed into noise.
FIXED_BUFFERS = ("filter", "forward_basis", "inverse_basis", "mel_basis", "kernel")


def stored_tensors(module):
    """What a checkpoint holds: parameters and persistent buffers, each once (tied weights share
    a tensor). Non-persistent buffers (RoPE frequencies, Gemma's embedding scale, the
    resampler's filter) are computed from the config and must keep their computed values."""
    seen = set()
    out = []
    for name, t in sorted(module.state_dict(keep_vars=True).items()):
        if id(t) in seen:
            continue
        seen.add(id(t))
        out.append((name, t))
    return out


def perturb(module, seed, scale_up=1.0):
    """Moves every stored weight away from its initial value (ones, zeros, ...)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in stored_tensors(module):
            if not p.dtype.is_floating_point:
                continue
            leaf = name.split(".")[-1]
            if leaf in FIXED_BUFFERS:
                continue
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if leaf == "latents_std":
                p.copy_(1.0 + 0.3 * noise.abs())
            elif leaf == "timestep_scale_multiplier":
                p.copy_(p + 10.0 * noise)
            elif p.ndim == 1 and ("norm" in name.split(".")[-2] if "." in name else False):
                p.copy_(1.0 + 0.2 * noise)
            else:
                scale = max(float(p.float().std()) if p.numel() > 1 else 0.0, 0.05)
                p.copy_((p + 0.5 * scale * noise) * (scale_up if p.ndim > 1 else 1.0))


def round_to(module, dtype):
    """Rounds every stored weight to `dtype` so that storing it in that dtype loses nothing."""
    with torch.no_grad():
        for _, p in stored_tensors(module):
            if p.dtype.is_floating_point:
                p.copy_(p.to(dtype).to(torch.float32))


def seeded(seed):
    return torch.Generator().manual_seed(seed)


def save(path, tensors):
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = {k: v.detach().contiguous().to(torch.float32) for k, v in tensors.items()}
    save_file(clean, str(path))


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


# ----------------------------------------------------------------------------------------------
# Tiny configurations. Each keeps the code paths of the published 2.3 (and 2.0) checkpoints:
# same block types, flags, padding modes, rotary layout and normalisations, with small widths.

GEMMA_HIDDEN = 32
GEMMA_LAYERS = 4

GEMMA_TEXT_CFG = dict(
    hidden_size=GEMMA_HIDDEN,
    intermediate_size=48,
    num_hidden_layers=GEMMA_LAYERS,
    num_attention_heads=4,
    num_key_value_heads=2,  # grouped-query attention, as Gemma-3-12B (16 / 8)
    head_dim=8,
    query_pre_attn_scalar=12,  # differs from head_dim, so the scale is not 1/sqrt(head_dim)
    sliding_window=5,  # shorter than the prompts, so the window matters
    sliding_window_pattern=2,  # local, global, local, global
    rope_theta=1_000_000.0,
    rope_local_base_freq=10_000.0,
    rope_scaling={"rope_type": "linear", "factor": 8.0},  # as Gemma-3-12B
    max_position_embeddings=4096,
    rms_norm_eps=1e-6,
    hidden_activation="gelu_pytorch_tanh",
    attention_bias=False,
)

GEMMA_VISION_CFG = dict(
    hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2, image_size=28, patch_size=14
)

CONNECTORS_23 = dict(
    caption_channels=GEMMA_HIDDEN,
    text_proj_in_factor=GEMMA_LAYERS + 1,
    video_connector_num_attention_heads=2,
    video_connector_attention_head_dim=8,
    video_connector_num_layers=2,
    video_connector_num_learnable_registers=16,
    video_gated_attn=True,
    audio_connector_num_attention_heads=2,
    audio_connector_attention_head_dim=4,
    audio_connector_num_layers=2,
    audio_connector_num_learnable_registers=16,
    audio_gated_attn=True,
    connector_rope_base_seq_len=4096,
    rope_theta=10000.0,
    rope_double_precision=True,
    causal_temporal_positioning=False,
    rope_type="split",
    per_modality_projections=True,
    video_hidden_dim=16,
    audio_hidden_dim=8,
    proj_bias=True,
)

# 2.0: one shared projection after a masked mean/range normalisation, no gating. The rotary
# layout is "interleaved" here (the published 2.0 uses "split", which the 2.3 config covers) and
# rotary frequencies in f32, so both code paths of each option are checked.
CONNECTORS_20 = dict(
    caption_channels=GEMMA_HIDDEN,
    text_proj_in_factor=GEMMA_LAYERS + 1,
    video_connector_num_attention_heads=4,
    video_connector_attention_head_dim=8,
    video_connector_num_layers=2,
    video_connector_num_learnable_registers=16,
    video_gated_attn=False,
    audio_connector_num_attention_heads=4,
    audio_connector_attention_head_dim=8,
    audio_connector_num_layers=2,
    audio_connector_num_learnable_registers=16,
    audio_gated_attn=False,
    connector_rope_base_seq_len=4096,
    rope_theta=10000.0,
    rope_double_precision=False,
    causal_temporal_positioning=False,
    rope_type="interleaved",
    per_modality_projections=False,
    proj_bias=False,
)

VIDEO_LATENT = 8
AUDIO_LATENT = 2
MEL_BINS = 16

TRANSFORMER_23 = dict(
    in_channels=VIDEO_LATENT,
    out_channels=VIDEO_LATENT,
    patch_size=1,
    patch_size_t=1,
    num_attention_heads=2,
    attention_head_dim=8,  # inner 16: 16 // 6 frequencies per axis, so the rotary table is padded
    cross_attention_dim=16,
    vae_scale_factors=(8, 32, 32),
    pos_embed_max_pos=20,
    base_height=2048,
    base_width=2048,
    gated_attn=True,
    cross_attn_mod=True,
    audio_in_channels=AUDIO_LATENT * MEL_BINS // 4,
    audio_out_channels=AUDIO_LATENT * MEL_BINS // 4,
    audio_patch_size=1,
    audio_patch_size_t=1,
    audio_num_attention_heads=2,
    audio_attention_head_dim=4,
    audio_cross_attention_dim=8,
    audio_scale_factor=4,
    audio_pos_embed_max_pos=20,
    audio_sampling_rate=16000,
    audio_hop_length=160,
    audio_gated_attn=True,
    audio_cross_attn_mod=True,
    num_layers=2,
    activation_fn="gelu-approximate",
    qk_norm="rms_norm_across_heads",
    norm_elementwise_affine=False,
    norm_eps=1e-6,
    caption_channels=GEMMA_HIDDEN,
    attention_bias=True,
    attention_out_bias=True,
    rope_theta=10000.0,
    rope_double_precision=True,
    causal_offset=1,
    timestep_scale_multiplier=1000,
    cross_attn_timestep_scale_multiplier=1000,
    rope_type="split",
    use_prompt_embeddings=False,
    perturbed_attn=True,
)

TRANSFORMER_20 = dict(
    TRANSFORMER_23,
    cross_attention_dim=16,
    audio_cross_attention_dim=8,
    gated_attn=False,
    cross_attn_mod=False,
    audio_gated_attn=False,
    audio_cross_attn_mod=False,
    rope_type="interleaved",
    rope_double_precision=False,
    use_prompt_embeddings=True,
    perturbed_attn=False,
)

# The 2.3 video VAE layout with channels divided by 32 and one resnet per block.
VAE_23 = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=VIDEO_LATENT,
    block_out_channels=(8, 16, 32, 32),
    down_block_types=("LTX2VideoDownBlock3D",) * 4,
    decoder_block_out_channels=(8, 16, 16, 32),
    layers_per_block=(1, 1, 1, 1, 1),
    decoder_layers_per_block=(1, 1, 1, 1, 1),
    spatio_temporal_scaling=(True, True, True, True),
    decoder_spatio_temporal_scaling=(True, True, True, True),
    decoder_inject_noise=(False, False, False, False, False),
    downsample_type=("spatial", "temporal", "spatiotemporal", "spatiotemporal"),
    upsample_type=("spatiotemporal", "spatiotemporal", "temporal", "spatial"),
    upsample_residual=(False, False, False, False),
    upsample_factor=(2, 2, 1, 2),
    timestep_conditioning=False,
    patch_size=4,
    patch_size_t=1,
    resnet_norm_eps=1e-6,
    encoder_causal=True,
    decoder_causal=False,
    encoder_spatial_padding_mode="zeros",
    decoder_spatial_padding_mode="zeros",
    spatial_compression_ratio=32,
    temporal_compression_ratio=8,
)

# The 2.0 layout: residual upsamplers, reflect padding in the decoder. Timestep conditioning and
# noise injection are switched on here so that those paths (which published configs may set)
# are checked too.
VAE_20 = dict(
    VAE_23,
    block_out_channels=(8, 16, 32, 32),
    decoder_block_out_channels=(8, 16, 32),
    decoder_layers_per_block=(1, 1, 1, 1),
    decoder_spatio_temporal_scaling=(True, True, True),
    decoder_inject_noise=(False, True, False, False),
    upsample_type=("spatiotemporal", "spatiotemporal", "spatiotemporal"),
    upsample_residual=(True, True, True),
    upsample_factor=(2, 2, 2),
    timestep_conditioning=True,
    decoder_spatial_padding_mode="reflect",
)

AUDIO_VAE = dict(
    base_channels=AUDIO_LATENT * MEL_BINS // 4,  # the latent statistics have base_channels entries
    output_channels=2,
    ch_mult=(1, 2, 4),
    num_res_blocks=1,
    attn_resolutions=None,
    in_channels=2,
    resolution=256,
    latent_channels=AUDIO_LATENT,
    norm_type="pixel",
    causality_axis="height",
    dropout=0.0,
    mid_block_add_attention=False,
    sample_rate=16000,
    mel_hop_length=160,
    is_causal=True,
    mel_bins=MEL_BINS,
    double_z=True,
)

# 2.3: BigVGAN-style vocoder (snake-beta, anti-aliased activations) at 16 kHz followed by a
# bandwidth extender to 48 kHz through a causal STFT and mel filterbank. Fewer, wider upsampling
# stages than published (same total factors: 160 and 240 samples a mel frame) keep it small.
VOCODER_23 = dict(
    in_channels=2 * MEL_BINS,
    hidden_channels=64,
    out_channels=2,
    upsample_kernel_sizes=[11, 8, 4, 4, 4],
    upsample_factors=[5, 4, 2, 2, 2],
    resnet_kernel_sizes=[3, 7, 11],
    resnet_dilations=[[1, 3, 5], [1, 3, 5], [1, 3, 5]],
    act_fn="snakebeta",
    leaky_relu_negative_slope=0.1,
    antialias=True,
    antialias_ratio=2,
    antialias_kernel_size=12,
    final_act_fn=None,
    final_bias=False,
    bwe_in_channels=2 * MEL_BINS,
    bwe_hidden_channels=32,
    bwe_out_channels=2,
    bwe_upsample_kernel_sizes=[12, 11, 8, 4],
    bwe_upsample_factors=[6, 5, 4, 2],
    bwe_resnet_kernel_sizes=[3, 7, 11],
    bwe_resnet_dilations=[[1, 3, 5], [1, 3, 5], [1, 3, 5]],
    bwe_act_fn="snakebeta",
    bwe_leaky_relu_negative_slope=0.1,
    bwe_antialias=True,
    bwe_antialias_ratio=2,
    bwe_antialias_kernel_size=12,
    bwe_final_act_fn=None,
    bwe_final_bias=False,
    filter_length=128,
    hop_length=80,
    window_length=128,
    num_mel_channels=MEL_BINS,
    input_sampling_rate=16000,
    output_sampling_rate=48000,
)

# 2.0: HiFi-GAN-style vocoder (leaky ReLU, tanh) straight to 24 kHz.
VOCODER_20 = dict(
    in_channels=2 * MEL_BINS,
    hidden_channels=32,
    out_channels=2,
    upsample_kernel_sizes=[16, 15, 8, 4],
    upsample_factors=[6, 5, 4, 2],
    resnet_kernel_sizes=[3, 7, 11],
    resnet_dilations=[[1, 3, 5], [1, 3, 5], [1, 3, 5]],
    act_fn="leaky_relu",
    leaky_relu_negative_slope=0.1,
    antialias=False,
    final_act_fn="tanh",
    final_bias=True,
    output_sampling_rate=24000,
)

UPSAMPLER_23 = dict(
    in_channels=VIDEO_LATENT,
    mid_channels=32,  # GroupNorm(32, ...) needs a multiple of 32
    num_blocks_per_stage=1,
    dims=3,
    spatial_upsample=True,
    temporal_upsample=False,
    rational_spatial_scale=2.0,
    use_rational_resampler=False,
)
UPSAMPLER_20 = dict(UPSAMPLER_23, use_rational_resampler=True)

# As Lightricks' LTX-2 folders configure it: resolution-dependent (dynamic) shifting, stretched
# to a terminal sigma.
SCHEDULER_CFG = dict(
    num_train_timesteps=1000,
    shift=1.0,
    use_dynamic_shifting=True,
    base_shift=0.95,
    max_shift=2.05,
    base_image_seq_len=1024,
    max_image_seq_len=4096,
    shift_terminal=0.1,
    invert_sigmas=False,
    use_karras_sigmas=False,
    use_exponential_sigmas=False,
    use_beta_sigmas=False,
    time_shift_type="exponential",
)

CORPUS = """a red fox runs across a snowy field at dawn
the camera pans slowly over a quiet harbour with small boats
a woman in a blue coat walks through a busy market in the rain
she says in a warm voice: 'we should go home now.'
the old man whispers: 'listen to the wind.'
sound of waves crashing and gulls calling in the distance
close up of hands kneading bread dough on a wooden table
aerial view of a winding river through green hills and forests
a cat sleeps on a sunny windowsill while curtains move in the breeze
night city street with neon signs reflected in puddles, distant traffic hum
a child laughs and shouts: 'look at the kite!'
slow motion of coffee poured into a white cup with a soft clink
low quality, blurry, distorted, watermark, jittery, worst quality, robotic voice
"""

PROMPTS = [
    "a red fox runs across a snowy field at dawn",
    "She says in a warm voice: 'We should go home now.' Sound of waves.",
    "",
    "  the  old man\twhispers 12345 ü \u00e9t\u00e9  ",
    "low quality, blurry, distorted",
]

TEXT_MAX_LEN = 24


def build_tokenizer(folder):
    """A Gemma tokenizer (BPE with byte fallback, "▁" for spaces, <bos> prepended, left padding)
    trained on a small corpus, saved as the published Gemma-3 folders are (tokenizer.json)."""
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers.models import BPE
    from tokenizers.trainers import BpeTrainer
    from transformers import GemmaTokenizer

    specials = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"]
    byte_tokens = [f"<0x{i:02X}>" for i in range(256)]
    tok = Tokenizer(BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Replace(" ", "▁")
    tok.pre_tokenizer = pre_tokenizers.Split(pattern=" ", behavior="merged_with_previous", invert=False)
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()])
    trainer = BpeTrainer(vocab_size=400, special_tokens=specials + byte_tokens, show_progress=False)
    tok.train_from_iterator((CORPUS * 4).splitlines(), trainer=trainer)
    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in data["model"]["merges"]]
    gemma = GemmaTokenizer(
        vocab=vocab, merges=merges, model_max_length=1024, add_bos_token=True, add_eos_token=False
    )
    gemma.padding_side = "left"
    folder.mkdir(parents=True, exist_ok=True)
    gemma.save_pretrained(str(folder))
    reloaded = GemmaTokenizer.from_pretrained(str(folder))
    ids = reloaded("a fox").input_ids
    assert ids[0] == reloaded.bos_token_id, ids
    return reloaded


def build_text_encoder(vocab_size):
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    cfg = Gemma3Config(
        text_config=dict(GEMMA_TEXT_CFG, vocab_size=vocab_size),
        vision_config=GEMMA_VISION_CFG,
        mm_tokens_per_image=4,
    )
    torch.manual_seed(11)
    model = Gemma3ForConditionalGeneration(cfg).eval()
    perturb(model, 12)
    # Gemma's RMSNorm scales by (1 + weight) and trained weights sit around 0: centre them there,
    # so the residual stream keeps the size it has in the real model relative to its width.
    g = seeded(13)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if "language_model" in name and name.endswith("norm.weight"):
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
    round_to(model, torch.bfloat16)
    return model


def build_connectors(cfg, seed):
    from diffusers.pipelines.ltx2 import LTX2TextConnectors

    torch.manual_seed(seed)
    m = LTX2TextConnectors(**cfg).eval()
    perturb(m, seed + 1)
    round_to(m, torch.bfloat16)
    return m


def build_transformer(cfg, seed):
    from diffusers import LTX2VideoTransformer3DModel

    torch.manual_seed(seed)
    m = LTX2VideoTransformer3DModel(**cfg).eval()
    perturb(m, seed + 1)
    round_to(m, torch.bfloat16)
    return m


def build_vae(cfg, seed):
    from diffusers import AutoencoderKLLTX2Video

    torch.manual_seed(seed)
    m = AutoencoderKLLTX2Video(**cfg).eval()
    perturb(m, seed + 1)
    round_to(m, torch.bfloat16)
    return m


def build_audio_vae(seed):
    from diffusers import AutoencoderKLLTX2Audio

    torch.manual_seed(seed)
    m = AutoencoderKLLTX2Audio(**AUDIO_VAE).eval()
    perturb(m, seed + 1)
    round_to(m, torch.bfloat16)
    return m


def hann(n):
    # Periodic Hann window, as torch.hann_window(n) computes it.
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)


def mel_filterbank(n_mels, n_fft, sr, fmin=0.0, fmax=None):
    """Triangular filters on the HTK mel scale (a realistic basis for the causal STFT)."""
    fmax = fmax or sr / 2
    n_freqs = n_fft // 2 + 1

    def hz_to_mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    mels = np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    hz = mel_to_hz(mels)
    freqs = np.linspace(0.0, sr / 2, n_freqs)
    fb = np.zeros((n_mels, n_freqs))
    for i in range(n_mels):
        lo, mid, hi = hz[i], hz[i + 1], hz[i + 2]
        up = (freqs - lo) / (mid - lo)
        down = (hi - freqs) / (hi - mid)
        fb[i] = np.maximum(0.0, np.minimum(up, down))
    return fb


def build_vocoder_23(seed):
    from diffusers.pipelines.ltx2.vocoder import LTX2VocoderWithBWE

    torch.manual_seed(seed)
    m = LTX2VocoderWithBWE(**VOCODER_23).eval()
    # The published checkpoint stores the windowed DFT basis and the mel filterbank; give the
    # tiny one real ones (the port reads them from the weights either way).
    n_fft = VOCODER_23["filter_length"]
    win = hann(VOCODER_23["window_length"])
    k = np.arange(n_fft // 2 + 1)[:, None]
    t = np.arange(n_fft)[None, :]
    real = np.cos(2 * np.pi * k * t / n_fft) * win
    imag = -np.sin(2 * np.pi * k * t / n_fft) * win
    basis = np.concatenate([real, imag], axis=0)[:, None, :]
    with torch.no_grad():
        m.mel_stft.stft_fn.forward_basis.copy_(torch.from_numpy(basis).float())
        m.mel_stft.stft_fn.inverse_basis.copy_(torch.from_numpy(basis).float())
        fb = mel_filterbank(VOCODER_23["num_mel_channels"], n_fft, VOCODER_23["input_sampling_rate"])
        m.mel_stft.mel_basis.copy_(torch.from_numpy(fb).float())
    # Scaled so that the waveform varies without saturating the final clamp.
    perturb(m, seed + 1, scale_up=0.75)
    round_to(m, torch.bfloat16)
    return m


def build_vocoder_20(seed):
    from diffusers.pipelines.ltx2 import LTX2Vocoder

    torch.manual_seed(seed)
    m = LTX2Vocoder(**VOCODER_20).eval()
    # A tiny vocoder's output is almost only its last bias unless its weights are scaled up.
    perturb(m, seed + 1, scale_up=1.5)
    return m


def build_upsampler(cfg, seed):
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel

    torch.manual_seed(seed)
    m = LTX2LatentUpsamplerModel(**cfg).eval()
    perturb(m, seed + 1)
    round_to(m, torch.bfloat16)
    return m


# ----------------------------------------------------------------------------------------------
# Goldens


def golden_rng():
    r = NoiseRng(42)
    save(GOLDENS / "rng.safetensors", dict(seed42_first7=torch.from_numpy(r.normal(7))))


def golden_text(tokenizer, text_encoder):
    tokenizer.padding_side = "left"
    prompts = [p.strip() for p in PROMPTS]
    enc = tokenizer(
        prompts,
        padding="max_length",
        max_length=TEXT_MAX_LEN,
        truncation=True,
        add_special_tokens=True,
        return_tensors="pt",
    )
    ids, mask = enc.input_ids, enc.attention_mask
    with torch.no_grad():
        out = text_encoder(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    hidden = torch.stack(out.hidden_states, dim=-1)  # [B, L, H, layers + 1]
    save(GOLDENS / "text_encoder.safetensors", dict(ids=ids.float(), mask=mask.float(), hidden=hidden))
    # A prompt longer than the maximum length is cut on the right, as the pipeline truncates.
    long_prompt = " ".join([PROMPTS[0]] * 6)
    long_ids = tokenizer([long_prompt], padding="max_length", max_length=TEXT_MAX_LEN, truncation=True).input_ids
    write_json(
        GOLDENS / "text_encoder.json",
        dict(prompts=PROMPTS, max_length=TEXT_MAX_LEN, ids=ids.tolist(), long_prompt=long_prompt, long_ids=long_ids),
    )


def golden_connectors(path, connectors):
    """Random per-layer hidden states with left padding of different lengths."""
    g = seeded(500)
    seq = 64
    b = 2
    hidden = torch.randn(b, seq, GEMMA_HIDDEN * (GEMMA_LAYERS + 1), generator=g)
    mask = torch.zeros(b, seq, dtype=torch.long)
    mask[0, seq - 11 :] = 1
    mask[1, seq - 40 :] = 1
    with torch.no_grad():
        video, audio, out_mask = connectors(hidden, mask, padding_side="left")
    save(path, dict(hidden=hidden, mask=mask.float(), video=video, audio=audio, out_mask=out_mask.float()))


def video_coords_for(transformer, b, f, h, w, fps):
    return transformer.rope.prepare_video_coords(b, f, h, w, torch.device("cpu"), fps=fps)


def golden_transformer(path, transformer, cfg):
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2ConditionPipeline

    g = seeded(100)
    b = 2
    lf, lh, lw = 3, 2, 3  # non-square latent grid
    fps = 24.0
    n_main = lf * lh * lw
    coords = video_coords_for(transformer, b, lf, lh, lw, fps)
    # A keyframe condition at latent index 2 appended as extra tokens, as the condition pipeline
    # lays them out (coordinates without the causal shift, one pixel frame long).
    kf = LTX2ConditionPipeline._prepare_keyframe_coords(
        _FakePipe(transformer), 1, lh, lw, pixel_frame_idx=9, num_pixel_frames=1, fps=fps, device=torch.device("cpu")
    ).expand(b, -1, -1, -1)
    coords = torch.cat([coords, kf], dim=2)
    n = coords.shape[2]
    audio_frames = 7
    audio_coords = transformer.audio_rope.prepare_audio_coords(b, audio_frames, torch.device("cpu"))
    hidden = torch.randn(b, n, cfg["in_channels"], generator=g)
    audio = torch.randn(b, audio_frames, cfg["audio_in_channels"], generator=g)
    text_dim = cfg["caption_channels"] if cfg["use_prompt_embeddings"] else cfg["cross_attention_dim"]
    audio_text_dim = cfg["caption_channels"] if cfg["use_prompt_embeddings"] else cfg["audio_cross_attention_dim"]
    text = torch.randn(b, 16, text_dim, generator=g)
    audio_text = torch.randn(b, 16, audio_text_dim, generator=g)
    mask = torch.ones(b, 16)
    mask[0, :5] = 0  # left padding, as a folder without learnable registers would leave it
    sigma = torch.tensor([937.5, 120.0])
    audio_sigma = torch.tensor([901.0, 64.0])
    # Per-token video timesteps: conditioned tokens lower (first frame clean, keyframe at 80%).
    cond_mask = torch.zeros(b, n)
    cond_mask[:, : lh * lw] = 1.0
    cond_mask[:, n_main:] = 0.8
    video_t = sigma[:, None] * (1 - cond_mask)
    common = dict(
        hidden_states=hidden,
        audio_hidden_states=audio,
        encoder_hidden_states=text,
        audio_encoder_hidden_states=audio_text,
        encoder_attention_mask=mask,
        audio_encoder_attention_mask=mask,
        video_coords=coords,
        audio_coords=audio_coords,
        return_dict=False,
    )
    outs = {}
    with torch.no_grad():
        variants = {
            "plain": dict(timestep=video_t, audio_timestep=audio_sigma, sigma=sigma, audio_sigma=audio_sigma),
            "single_timestep": dict(timestep=sigma, sigma=sigma),
            "legacy_cross_timestep": dict(
                timestep=video_t, audio_timestep=audio_sigma, sigma=sigma, audio_sigma=audio_sigma,
                use_cross_timestep=False,
            ),
            "isolated": dict(
                timestep=video_t, audio_timestep=audio_sigma, sigma=sigma, audio_sigma=audio_sigma,
                isolate_modalities=True,
            ),
            "stg": dict(
                timestep=video_t, audio_timestep=audio_sigma, sigma=sigma, audio_sigma=audio_sigma,
                spatio_temporal_guidance_blocks=[1],
            ),
        }
        for name, kw in variants.items():
            kw.setdefault("use_cross_timestep", True)
            v, a = transformer(**common, **kw)
            outs[f"{name}.video"] = v
            outs[f"{name}.audio"] = a
    save(
        path,
        dict(
            hidden=hidden,
            audio=audio,
            text=text,
            audio_text=audio_text,
            mask=mask,
            coords=coords,
            audio_coords=audio_coords,
            video_timestep=video_t,
            sigma=sigma,
            audio_sigma=audio_sigma,
            **outs,
        ),
    )


class _FakePipe:
    """What `_prepare_keyframe_coords` reads from the pipeline."""

    def __init__(self, transformer):
        self.transformer_spatial_patch_size = transformer.config.patch_size
        self.transformer_temporal_patch_size = transformer.config.patch_size_t
        self.vae_temporal_compression_ratio = 8
        self.vae_spatial_compression_ratio = 32


def golden_video_vae(path, vae, video_hw, latent_hw, tiled):
    g = seeded(200)
    video = torch.rand(1, 3, 9, *video_hw, generator=g) * 2.0 - 1.0
    latents = torch.randn(1, VIDEO_LATENT, 2, *latent_hw, generator=g)
    tensors = dict(video=video, latents=latents)
    with torch.no_grad():
        post = vae.encode(video).latent_dist
        tensors["posterior_mode"] = post.mode()
        temb = torch.tensor([0.05]) if vae.config.timestep_conditioning else None
        if temb is not None:
            tensors["decode_timestep"] = temb
        with PatchedRandn(NoiseRng(8)):
            tensors["decoded"] = vae.decode(latents, temb, return_dict=False)[0]
        if tiled:
            # Temporal tiles of 2 latent frames (stride 1) and spatial tiles of 2x2 latents
            # (stride 1), blended as diffusers blends them; the last row and column of tiles are
            # one latent wide. (With reflect padding such a tile cannot be decoded, so only the
            # zero-padded layout is checked tiled.)
            vae.enable_tiling(
                tile_sample_min_height=64,
                tile_sample_min_width=64,
                tile_sample_min_num_frames=16,
                tile_sample_stride_height=32,
                tile_sample_stride_width=32,
                tile_sample_stride_num_frames=8,
            )
            vae.use_framewise_decoding = True
            vae.use_framewise_encoding = True
            with PatchedRandn(NoiseRng(9)):
                tensors["decoded_tiled"] = vae.decode(latents, temb, return_dict=False)[0]
            tensors["posterior_mode_tiled"] = vae.encode(video).latent_dist.mode()
            vae.disable_tiling()
            vae.use_framewise_decoding = False
            vae.use_framewise_encoding = False
    save(path, tensors)


def golden_audio_vae(path, audio_vae):
    g = seeded(250)
    latents = torch.randn(1, AUDIO_LATENT, 18, MEL_BINS // 4, generator=g)
    with torch.no_grad():
        mel = audio_vae.decode(latents, return_dict=False)[0]
    save(path, dict(latents=latents, mel=mel))


def golden_vocoder(path, vocoder):
    g = seeded(260)
    mel = torch.randn(1, 2, 69, MEL_BINS, generator=g) * 2.0 - 4.0
    with torch.no_grad():
        wave = vocoder(mel)
    assert float(wave.std()) > 1e-2, f"vocoder output is nearly constant (std {float(wave.std())})"
    save(path, dict(mel=mel, wave=wave))


def golden_upsampler(path, upsampler):
    g = seeded(270)
    latents = torch.randn(1, VIDEO_LATENT, 3, 2, 3, generator=g)
    with torch.no_grad():
        up = upsampler(latents)
    save(path, dict(latents=latents, upsampled=up))


def golden_scheduler():
    from diffusers import FlowMatchEulerDiscreteScheduler
    from diffusers.pipelines.ltx2.pipeline_ltx2 import calculate_shift
    from diffusers.pipelines.ltx2.utils import DISTILLED_SIGMA_VALUES, STAGE_2_DISTILLED_SIGMA_VALUES

    static = dict(SCHEDULER_CFG, use_dynamic_shifting=False, shift_terminal=None)
    cases = {
        "dynamic.30": (SCHEDULER_CFG, 30, None, 18 * 16),
        "dynamic.3": (SCHEDULER_CFG, 3, None, 6 * 16 * 24),
        "dynamic.distilled": (SCHEDULER_CFG, None, DISTILLED_SIGMA_VALUES, 4000),
        "static.distilled": (static, None, DISTILLED_SIGMA_VALUES, 4000),
        "static.stage2": (static, None, STAGE_2_DISTILLED_SIGMA_VALUES, 9000),
        "linear.7": (dict(SCHEDULER_CFG, time_shift_type="linear"), 7, None, 2000),
    }
    tensors, meta = {}, {}
    for key, (cfg, steps, sigmas, seq_len) in sorted(cases.items()):
        sched = FlowMatchEulerDiscreteScheduler(**cfg)
        if sigmas is None:
            sigmas_in = np.linspace(1.0, 1 / steps, steps)
        else:
            sigmas_in = sigmas
        mu = calculate_shift(
            seq_len, cfg["base_image_seq_len"], cfg["max_image_seq_len"], cfg["base_shift"], cfg["max_shift"]
        )
        sched.set_timesteps(len(sigmas_in), sigmas=sigmas_in, mu=mu)
        tensors[f"{key}.timesteps"] = sched.timesteps.clone()
        tensors[f"{key}.sigmas"] = sched.sigmas.clone()
        meta[key] = dict(config=cfg, steps=steps, sigmas=list(sigmas) if sigmas else None, seq_len=seq_len, mu=mu)
    save(GOLDENS / "scheduler.safetensors", tensors)
    write_json(GOLDENS / "scheduler.json", meta)


def make_image(seed, h, w):
    from PIL import Image

    g = seeded(seed)
    arr = (torch.rand(h, w, 3, generator=g) * 255.0).round().to(torch.uint8).numpy()
    yy, xx = np.mgrid[0:h, 0:w]
    arr = ((arr.astype(np.int32) // 3) + ((yy * 255 // h)[..., None] // 2) + ((xx * 255 // w)[..., None] // 4)).clip(0, 255)
    return Image.fromarray(arr.astype(np.uint8), "RGB")


def make_pipeline(parts):
    from diffusers import LTX2ConditionPipeline

    return LTX2ConditionPipeline(**parts)


GUIDED = dict(
    prompt="She says in a warm voice: 'We should go home now.' Sound of waves and gulls.",
    negative_prompt="low quality, blurry, robotic voice",
    height=32,
    width=64,
    num_frames=9,
    frame_rate=24.0,
    num_inference_steps=3,
    guidance_scale=3.0,
    stg_scale=1.0,
    modality_scale=3.0,
    guidance_rescale=0.7,
    audio_guidance_scale=7.0,
    audio_stg_scale=1.0,
    audio_modality_scale=3.0,
    audio_guidance_rescale=0.7,
    spatio_temporal_guidance_blocks=[1],
    use_cross_timestep=True,
    max_sequence_length=1024,
    seed=1234,
)

DISTILLED = dict(
    prompt="a red fox runs across a snowy field at dawn, wind howling",
    height=32,
    width=64,
    num_frames=17,
    frame_rate=24.0,
    guidance_scale=1.0,
    stg_scale=0.0,
    modality_scale=1.0,
    guidance_rescale=0.0,
    audio_guidance_scale=1.0,
    audio_stg_scale=0.0,
    audio_modality_scale=1.0,
    audio_guidance_rescale=0.0,
    use_cross_timestep=True,
    max_sequence_length=1024,
    seed=99,
)


def pipeline_args(spec):
    args = {k: v for k, v in spec.items() if k != "seed"}
    return args


def golden_generation_guided(pipe):
    """Text to video and sound, guided: CFG, STG and modality isolation combined in x0 space."""
    with torch.no_grad(), PatchedRandn(NoiseRng(GUIDED["seed"])) as pr:
        video, audio = pipe(**pipeline_args(GUIDED), output_type="np", return_dict=False)
    video = torch.from_numpy(np.asarray(video[0]))  # [F, H, W, 3] in [0, 1]
    save(GOLDENS / "generation_guided.safetensors", dict(video=video, audio=audio[0]))
    meta = dict(GUIDED)
    meta["draws"] = [list(s) for s in pr.log]
    write_json(GOLDENS / "generation_guided.json", meta)


def golden_generation_conditioned(pipe):
    """Distilled schedule, no guidance, a first-frame image (cover-resized and cropped from
    another size) and a keyframe at latent index 2 with strength 0.8."""
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    from diffusers.pipelines.ltx2.utils import DISTILLED_SIGMA_VALUES

    img0 = make_image(400, 50, 80)
    img1 = make_image(401, 32, 64)
    conditions = [
        LTX2VideoCondition(frames=img0, index=0, strength=1.0, crf=0),
        LTX2VideoCondition(frames=img1, index=2, strength=0.8, crf=0),
    ]
    with torch.no_grad(), PatchedRandn(NoiseRng(DISTILLED["seed"])) as pr:
        video, audio = pipe(
            conditions=conditions,
            **pipeline_args(DISTILLED),
            sigmas=DISTILLED_SIGMA_VALUES,
            num_inference_steps=len(DISTILLED_SIGMA_VALUES),
            output_type="np",
            return_dict=False,
        )
    video = torch.from_numpy(np.asarray(video[0]))
    save(
        GOLDENS / "generation_conditioned.safetensors",
        dict(
            cond0=torch.from_numpy(np.asarray(img0)).float(),
            cond1=torch.from_numpy(np.asarray(img1)).float(),
            video=video,
            audio=audio[0],
        ),
    )
    meta = dict(DISTILLED)
    meta["sigmas"] = DISTILLED_SIGMA_VALUES
    meta["conditions"] = [dict(image="cond0", index=0, strength=1.0), dict(image="cond1", index=2, strength=0.8)]
    meta["draws"] = [list(s) for s in pr.log]
    write_json(GOLDENS / "generation_conditioned.json", meta)


TWO_STAGE = dict(
    prompt="waves roll onto a pebble beach, gulls call overhead",
    negative_prompt="low quality, blurry",
    height=64,
    width=64,
    num_frames=9,
    frame_rate=24.0,
    num_inference_steps=3,
    guidance_scale=3.0,
    stg_scale=1.0,
    modality_scale=3.0,
    guidance_rescale=0.7,
    audio_guidance_scale=7.0,
    audio_stg_scale=1.0,
    audio_modality_scale=3.0,
    audio_guidance_rescale=0.7,
    spatio_temporal_guidance_blocks=[1],
    use_cross_timestep=True,
    max_sequence_length=1024,
    seed=77,
)


def golden_generation_two_stage(pipe, upsampler):
    """Lightricks' two-stage recipe as diffusers documents it: the guided stage at half size,
    the latent upsampler, then the three stage-2 sigmas without guidance on a scheduler with its
    shifting switched off, one generator throughout."""
    from diffusers import FlowMatchEulerDiscreteScheduler, LTX2LatentUpsamplePipeline
    from diffusers.pipelines.ltx2.utils import STAGE_2_DISTILLED_SIGMA_VALUES

    spec = pipeline_args(TWO_STAGE)
    stage1 = dict(spec, height=spec["height"] // 2, width=spec["width"] // 2)
    stage2 = dict(
        spec,
        sigmas=STAGE_2_DISTILLED_SIGMA_VALUES,
        num_inference_steps=len(STAGE_2_DISTILLED_SIGMA_VALUES),
        guidance_scale=1.0,
        stg_scale=0.0,
        modality_scale=1.0,
        guidance_rescale=0.0,
        audio_guidance_scale=1.0,
        audio_stg_scale=0.0,
        audio_modality_scale=1.0,
        audio_guidance_rescale=0.0,
    )
    original = pipe.scheduler
    with torch.no_grad(), PatchedRandn(NoiseRng(TWO_STAGE["seed"])) as pr:
        video_latent, audio_latent = pipe(**stage1, output_type="latent", return_dict=False)
        up_pipe = LTX2LatentUpsamplePipeline(vae=pipe.vae, latent_upsampler=upsampler)
        upscaled = up_pipe(latents=video_latent, output_type="latent", return_dict=False)[0]
        pipe.scheduler = FlowMatchEulerDiscreteScheduler.from_config(
            original.config, use_dynamic_shifting=False, shift_terminal=None
        )
        video, audio = pipe(
            latents=upscaled, audio_latents=audio_latent, **stage2, output_type="np", return_dict=False
        )
    pipe.scheduler = original
    video = torch.from_numpy(np.asarray(video[0]))
    save(GOLDENS / "generation_two_stage.safetensors", dict(video=video, audio=audio[0]))
    meta = dict(TWO_STAGE)
    meta["draws"] = [list(s) for s in pr.log]
    write_json(GOLDENS / "generation_two_stage.json", meta)


def write_fixture(pipe, upsampler):
    """The tiny model as a user's folder. Weights were rounded to bf16 before any golden was
    computed, so the bf16 files hold exactly the values the reference used (and the loader's
    dtype conversion is exercised). The 2.0 vocoder (in goldens/ltx2/v20) is stored in f32."""
    pipe.text_encoder.to(torch.bfloat16)
    pipe.connectors.to(torch.bfloat16)
    pipe.transformer.to(torch.bfloat16)
    pipe.vae.to(torch.bfloat16)
    pipe.vocoder.to(torch.bfloat16)
    pipe.audio_vae.to(torch.bfloat16)
    pipe.save_pretrained(str(FIXTURE), safe_serialization=True)
    upsampler.to(torch.bfloat16)
    upsampler.save_pretrained(str(UPSAMPLER_FIXTURE), safe_serialization=True)


def main():
    GOLDENS.mkdir(parents=True, exist_ok=True)
    from diffusers import FlowMatchEulerDiscreteScheduler

    tokenizer = build_tokenizer(FIXTURE / "tokenizer")
    text_encoder = build_text_encoder(len(tokenizer))
    connectors = build_connectors(CONNECTORS_23, 20)
    transformer = build_transformer(TRANSFORMER_23, 30)
    vae = build_vae(VAE_23, 40)
    audio_vae = build_audio_vae(50)
    vocoder = build_vocoder_23(60)
    upsampler = build_upsampler(UPSAMPLER_23, 70)
    scheduler = FlowMatchEulerDiscreteScheduler(**SCHEDULER_CFG)

    connectors20 = build_connectors(CONNECTORS_20, 120)
    transformer20 = build_transformer(TRANSFORMER_20, 130)
    vae20 = build_vae(VAE_20, 140)
    vocoder20 = build_vocoder_20(160)
    upsampler20 = build_upsampler(UPSAMPLER_20, 170)
    golden_rng()
    golden_text(tokenizer, text_encoder)
    golden_connectors(GOLDENS / "connectors.safetensors", connectors)
    golden_connectors(V20 / "connectors.safetensors", connectors20)
    golden_transformer(GOLDENS / "transformer.safetensors", transformer, TRANSFORMER_23)
    golden_transformer(V20 / "transformer.safetensors", transformer20, TRANSFORMER_20)
    golden_video_vae(GOLDENS / "vae.safetensors", vae, (32, 96), (2, 3), tiled=True)
    golden_video_vae(V20 / "vae.safetensors", vae20, (32, 64), (2, 3), tiled=False)
    golden_audio_vae(GOLDENS / "audio_vae.safetensors", audio_vae)
    golden_vocoder(GOLDENS / "vocoder.safetensors", vocoder)
    golden_vocoder(V20 / "vocoder.safetensors", vocoder20)
    golden_upsampler(GOLDENS / "upsampler.safetensors", upsampler)
    golden_upsampler(V20 / "upsampler.safetensors", upsampler20)
    golden_scheduler()

    pipe = make_pipeline(
        dict(
            scheduler=scheduler,
            vae=vae,
            audio_vae=audio_vae,
            text_encoder=text_encoder,
            tokenizer=tokenizer,
            connectors=connectors,
            transformer=transformer,
            vocoder=vocoder,
        )
    )
    golden_generation_guided(pipe)
    golden_generation_conditioned(pipe)
    golden_generation_two_stage(pipe, upsampler)
    write_fixture(pipe, upsampler)
    # The 2.0-layout components as they would sit in a 2.0 folder (the vocoder in f32, the rest
    # in bf16, which holds their values exactly).
    for name, module, dtype in [
        ("connectors", connectors20, torch.bfloat16),
        ("transformer", transformer20, torch.bfloat16),
        ("vae", vae20, torch.bfloat16),
        ("vocoder", vocoder20, torch.float32),
        ("latent_upsampler", upsampler20, torch.bfloat16),
    ]:
        module.to(dtype).save_pretrained(str(V20 / name), safe_serialization=True)

    digest = hashlib.sha256()
    for base in (GOLDENS, FIXTURE, UPSAMPLER_FIXTURE):
        for p in sorted(base.rglob("*")):
            if p.is_file():
                digest.update(str(p.relative_to(ROOT)).encode())
                digest.update(p.read_bytes())
    print("goldens written; content sha256", digest.hexdigest())


if __name__ == "__main__":
    main()
