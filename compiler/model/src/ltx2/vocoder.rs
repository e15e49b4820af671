//! LTX-2's vocoders (diffusers `pipelines/ltx2/vocoder.py`): stereo log-mel spectrogram
//! [B, 2, T, M] to a waveform [B, 2, samples].
//!
//! * `LTX2Vocoder` (2.0): HiFi-GAN — transposed-convolution upsamplers, each followed by the
//!   mean of three dilated residual stacks with leaky ReLUs, tanh at the end; 24 kHz.
//! * `LTX2VocoderWithBWE` (2.3): the same generator with BigVGAN's anti-aliased snake-beta
//!   activations at 16 kHz, then a bandwidth extender: the waveform's causal-STFT log-mel
//!   spectrogram drives a second generator whose output is added to the waveform resampled
//!   to 48 kHz (a windowed-sinc interpolator), clamped to [-1, 1].
//!
//! The mel spectrogram is flattened channel-major (`[B, 2·M, T]`) before the first convolution.
//! The low-pass filters, the windowed DFT basis and the mel filterbank are read from the
//! weights as the reference stores them; the resampler's filter is computed as the reference
//! computes it (it is not stored).

use candle_core::{DType, Module, Tensor};
use candle_nn::{Conv1d, Conv1dConfig, VarBuilder};
use serde::Deserialize;

use crate::error::{ModelError, Result};

use super::fir;

const COMPONENT: &str = "vocoder";

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct GeneratorConfig {
    #[serde(default = "d128")]
    pub in_channels: usize,
    #[serde(default = "d1024")]
    pub hidden_channels: usize,
    #[serde(default = "d2")]
    pub out_channels: usize,
    #[serde(default = "d_up_k")]
    pub upsample_kernel_sizes: Vec<usize>,
    #[serde(default = "d_up_f")]
    pub upsample_factors: Vec<usize>,
    #[serde(default = "d_res_k")]
    pub resnet_kernel_sizes: Vec<usize>,
    #[serde(default = "d_res_d")]
    pub resnet_dilations: Vec<Vec<usize>>,
    #[serde(default = "d_leaky")]
    pub act_fn: String,
    #[serde(default = "d_slope")]
    pub leaky_relu_negative_slope: f64,
    #[serde(default)]
    pub antialias: bool,
    #[serde(default = "d2")]
    pub antialias_ratio: usize,
    #[serde(default = "d12")]
    pub antialias_kernel_size: usize,
    #[serde(default = "d_tanh")]
    pub final_act_fn: Option<String>,
    #[serde(default = "d_true")]
    pub final_bias: bool,
    #[serde(default = "d24000")]
    pub output_sampling_rate: usize,
}

fn d2() -> usize {
    2
}
fn d12() -> usize {
    12
}
fn d128() -> usize {
    128
}
fn d1024() -> usize {
    1024
}
fn d24000() -> usize {
    24000
}
fn d_up_k() -> Vec<usize> {
    vec![16, 15, 8, 4, 4]
}
fn d_up_f() -> Vec<usize> {
    vec![6, 5, 2, 2, 2]
}
fn d_res_k() -> Vec<usize> {
    vec![3, 7, 11]
}
fn d_res_d() -> Vec<Vec<usize>> {
    vec![vec![1, 3, 5]; 3]
}
fn d_leaky() -> String {
    "leaky_relu".into()
}
fn d_slope() -> f64 {
    0.1
}
fn d_tanh() -> Option<String> {
    Some("tanh".into())
}
fn d_true() -> bool {
    true
}

impl GeneratorConfig {
    fn validate(&self) -> Result<()> {
        let bad = |key: &str, value: &dyn std::fmt::Debug, reason: &str| {
            Err(ModelError::unsupported(COMPONENT, key, value, reason))
        };
        if self.upsample_kernel_sizes.len() != self.upsample_factors.len() {
            return bad(
                "upsample_factors",
                &self.upsample_factors,
                "needs one kernel size per factor",
            );
        }
        if self.resnet_kernel_sizes.len() != self.resnet_dilations.len() {
            return bad(
                "resnet_dilations",
                &self.resnet_dilations,
                "needs one list per resnet kernel size",
            );
        }
        if self.resnet_kernel_sizes.iter().any(|k| k % 2 == 0) {
            return bad(
                "resnet_kernel_sizes",
                &self.resnet_kernel_sizes,
                "must be odd (`same` padding)",
            );
        }
        for (k, s) in self
            .upsample_kernel_sizes
            .iter()
            .zip(&self.upsample_factors)
        {
            if k < s || (k - s) % 2 != 0 {
                return bad(
                    "upsample_kernel_sizes",
                    &self.upsample_kernel_sizes,
                    "each kernel must exceed its factor by an even amount",
                );
            }
        }
        if !matches!(self.act_fn.as_str(), "leaky_relu" | "snake" | "snakebeta") {
            return bad(
                "act_fn",
                &self.act_fn,
                "must be leaky_relu, snake or snakebeta",
            );
        }
        if !matches!(
            self.final_act_fn.as_deref(),
            None | Some("tanh") | Some("clamp")
        ) {
            return bad(
                "final_act_fn",
                &self.final_act_fn,
                "must be tanh, clamp or none",
            );
        }
        if self.hidden_channels >> self.upsample_factors.len() == 0 {
            return bad(
                "hidden_channels",
                &self.hidden_channels,
                "halves below one channel",
            );
        }
        Ok(())
    }

    pub fn upsampling(&self) -> usize {
        self.upsample_factors.iter().product()
    }
}

/// `LTX2VocoderWithBWE`'s extra settings.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct BweConfig {
    pub bwe_in_channels: usize,
    pub bwe_hidden_channels: usize,
    pub bwe_out_channels: usize,
    pub bwe_upsample_kernel_sizes: Vec<usize>,
    pub bwe_upsample_factors: Vec<usize>,
    pub bwe_resnet_kernel_sizes: Vec<usize>,
    pub bwe_resnet_dilations: Vec<Vec<usize>>,
    pub bwe_act_fn: String,
    #[serde(default = "d_slope")]
    pub bwe_leaky_relu_negative_slope: f64,
    pub bwe_antialias: bool,
    #[serde(default = "d2")]
    pub bwe_antialias_ratio: usize,
    #[serde(default = "d12")]
    pub bwe_antialias_kernel_size: usize,
    #[serde(default)]
    pub bwe_final_act_fn: Option<String>,
    #[serde(default)]
    pub bwe_final_bias: bool,
    pub filter_length: usize,
    pub hop_length: usize,
    pub window_length: usize,
    pub num_mel_channels: usize,
    pub input_sampling_rate: usize,
    pub output_sampling_rate: usize,
}

/// The vocoder folder's config: the 2.0 generator alone, or 2.3's generator and extender.
#[derive(Debug, Clone, PartialEq)]
pub enum VocoderConfig {
    Plain(GeneratorConfig),
    WithBwe(GeneratorConfig, BweConfig),
}

impl VocoderConfig {
    /// Reads `config.json`; the class name (`_class_name`) says which vocoder it is.
    pub fn from_json(value: &serde_json::Value) -> Result<Self> {
        let class = value
            .get("_class_name")
            .and_then(|c| c.as_str())
            .unwrap_or("LTX2Vocoder");
        let bad_json = |e: serde_json::Error| ModelError::BadJson {
            path: "vocoder/config.json".into(),
            reason: e.to_string(),
        };
        let generator: GeneratorConfig = serde_json::from_value(value.clone()).map_err(bad_json)?;
        let cfg = match class {
            "LTX2Vocoder" => Self::Plain(generator),
            "LTX2VocoderWithBWE" => {
                let bwe: BweConfig = serde_json::from_value(value.clone()).map_err(bad_json)?;
                Self::WithBwe(generator, bwe)
            }
            other => {
                return Err(ModelError::unsupported(
                    COMPONENT,
                    "_class_name",
                    other,
                    "must be LTX2Vocoder or LTX2VocoderWithBWE",
                ))
            }
        };
        cfg.validate()?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<()> {
        match self {
            Self::Plain(g) => g.validate(),
            Self::WithBwe(g, b) => {
                g.validate()?;
                b.generator().validate()?;
                let ratio = b.output_sampling_rate / b.input_sampling_rate.max(1);
                if ratio == 0 || b.output_sampling_rate % b.input_sampling_rate.max(1) != 0 {
                    return Err(ModelError::unsupported(
                        COMPONENT,
                        "output_sampling_rate",
                        b.output_sampling_rate,
                        "must be a whole multiple of input_sampling_rate",
                    ));
                }
                if b.bwe_in_channels != 2 * b.num_mel_channels
                    && b.bwe_in_channels != b.num_mel_channels * g.out_channels
                {
                    return Err(ModelError::unsupported(
                        COMPONENT,
                        "bwe_in_channels",
                        b.bwe_in_channels,
                        "must be the channels times the extender's mel bins",
                    ));
                }
                if b.hop_length == 0 || b.window_length < b.hop_length {
                    return Err(ModelError::unsupported(
                        COMPONENT,
                        "hop_length",
                        b.hop_length,
                        "must be positive and at most window_length",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The waveform's sample rate.
    pub fn output_sampling_rate(&self) -> usize {
        match self {
            Self::Plain(g) => g.output_sampling_rate,
            Self::WithBwe(_, b) => b.output_sampling_rate,
        }
    }

    /// Channels × mel bins the first convolution reads.
    pub fn in_channels(&self) -> usize {
        match self {
            Self::Plain(g) | Self::WithBwe(g, _) => g.in_channels,
        }
    }
}

impl BweConfig {
    fn generator(&self) -> GeneratorConfig {
        GeneratorConfig {
            in_channels: self.bwe_in_channels,
            hidden_channels: self.bwe_hidden_channels,
            out_channels: self.bwe_out_channels,
            upsample_kernel_sizes: self.bwe_upsample_kernel_sizes.clone(),
            upsample_factors: self.bwe_upsample_factors.clone(),
            resnet_kernel_sizes: self.bwe_resnet_kernel_sizes.clone(),
            resnet_dilations: self.bwe_resnet_dilations.clone(),
            act_fn: self.bwe_act_fn.clone(),
            leaky_relu_negative_slope: self.bwe_leaky_relu_negative_slope,
            antialias: self.bwe_antialias,
            antialias_ratio: self.bwe_antialias_ratio,
            antialias_kernel_size: self.bwe_antialias_kernel_size,
            final_act_fn: self.bwe_final_act_fn.clone(),
            final_bias: self.bwe_final_bias,
            output_sampling_rate: self.output_sampling_rate,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Filters and activations

/// A filter applied to every channel alike: [B, C, T] is treated as B·C one-channel signals.
fn per_channel_conv(
    x: &Tensor,
    filter: &Tensor,
    stride: usize,
    transposed: bool,
) -> candle_core::Result<Tensor> {
    let (b, c, t) = x.dims3()?;
    let k = filter.elem_count();
    let xs = x.reshape((b * c, 1, t))?;
    let f = filter.reshape((1, 1, k))?.to_dtype(x.dtype())?;
    let y = if transposed {
        xs.conv_transpose1d(&f, 0, 0, stride, 1, 1)?
    } else {
        xs.conv1d(&f, 0, stride, 1, 1)?
    };
    let n = y.dim(2)?;
    y.reshape((b, c, n))
}

/// Replicate padding on the last dimension.
fn pad_replicate(x: &Tensor, left: usize, right: usize) -> candle_core::Result<Tensor> {
    x.pad_with_same(2, left, right)
}

/// `UpSample1d`: replicate-pad, transposed convolution with the low-pass filter at `ratio`,
/// scaled by `ratio`, cropped.
#[derive(Debug, Clone)]
struct UpSample {
    filter: Tensor,
    taps: Vec<f32>,
    ratio: usize,
    pad: usize,
    crop_left: usize,
    crop_right: usize,
}

impl UpSample {
    /// The Kaiser-windowed sinc variant (BigVGAN's), filter read from the weights.
    fn kaiser(ratio: usize, kernel: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        let pad = kernel / ratio - 1;
        let filter = vb.get((1, 1, kernel), "filter")?;
        Ok(Self {
            taps: filter.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?,
            filter,
            ratio,
            pad,
            crop_left: pad * ratio + (kernel - ratio) / 2,
            crop_right: pad * ratio + (kernel - ratio + 1) / 2,
        })
    }

    /// The Hann-windowed sinc resampler of the bandwidth extender, computed as the reference
    /// computes it in f32 (rolloff 0.99, six zero crossings).
    fn hann(ratio: usize, dev: &candle_core::Device) -> candle_core::Result<Self> {
        let rolloff = 0.99f32;
        let zero_crossings = 6.0f32;
        let width = (zero_crossings / rolloff).ceil() as usize;
        let kernel = 2 * width * ratio + 1;
        let pi = std::f32::consts::PI;
        let filter: Vec<f32> = (0..kernel)
            .map(|i| {
                let t = (i as f32 / ratio as f32 - width as f32) * rolloff;
                let clamped = t.clamp(-zero_crossings, zero_crossings);
                let window = (clamped * pi / zero_crossings / 2.0).cos().powi(2);
                let sinc = if t == 0.0 {
                    1.0
                } else {
                    (pi * t).sin() / (pi * t)
                };
                sinc * window * rolloff / ratio as f32
            })
            .collect();
        Ok(Self {
            filter: Tensor::from_vec(filter.clone(), (1, 1, kernel), dev)?,
            taps: filter,
            ratio,
            pad: width,
            crop_left: 2 * width * ratio,
            crop_right: kernel - ratio,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        if fir::applies(x) {
            return fir::upsample(
                x,
                &self.taps,
                self.ratio,
                self.pad,
                (self.crop_left, self.crop_right),
                self.ratio as f32,
            );
        }
        let x = pad_replicate(x, self.pad, self.pad)?;
        let y = (per_channel_conv(&x, &self.filter, self.ratio, true)? * self.ratio as f64)?;
        let n = y.dim(2)?;
        y.narrow(2, self.crop_left, n - self.crop_left - self.crop_right)
    }
}

/// `DownSample1d`: replicate-pad, low-pass filter with stride `ratio`.
#[derive(Debug, Clone)]
struct DownSample {
    filter: Tensor,
    taps: Vec<f32>,
    ratio: usize,
    pad_left: usize,
    pad_right: usize,
}

impl DownSample {
    fn load(ratio: usize, kernel: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        let filter = vb.get((1, 1, kernel), "filter")?;
        Ok(Self {
            taps: filter.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?,
            filter,
            ratio,
            pad_left: kernel / 2 + kernel % 2 - 1,
            pad_right: kernel / 2,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        if fir::applies(x) {
            return fir::downsample(x, &self.taps, self.ratio, (self.pad_left, self.pad_right));
        }
        let x = pad_replicate(x, self.pad_left, self.pad_right)?;
        per_channel_conv(&x, &self.filter, self.ratio, false)
    }
}

/// Snake (`x + sin²(αx)/α`) or snake-beta (`x + sin²(αx)/β`), α and β stored as logarithms.
#[derive(Debug, Clone)]
struct Snake {
    alpha: Tensor,
    inv_amplitude: Tensor,
}

impl Snake {
    fn load(channels: usize, beta: bool, vb: VarBuilder) -> candle_core::Result<Self> {
        let alpha = vb.get(channels, "alpha")?.exp()?;
        let amplitude = if beta {
            vb.get(channels, "beta")?.exp()?
        } else {
            alpha.clone()
        };
        Ok(Self {
            alpha: alpha.reshape((1, channels, 1))?,
            inv_amplitude: (amplitude + 1e-9)?.recip()?.reshape((1, channels, 1))?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let s = x.broadcast_mul(&self.alpha)?.sin()?.sqr()?;
        x.add(&s.broadcast_mul(&self.inv_amplitude)?)
    }
}

#[derive(Debug, Clone)]
enum Activation {
    Leaky(f64),
    Snake(Snake),
    /// Upsample, activate, downsample (BigVGAN's anti-aliased activation).
    AntiAliased(UpSample, Box<Activation>, DownSample),
}

impl Activation {
    fn load(cfg: &GeneratorConfig, channels: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        let inner_vb = if cfg.antialias {
            vb.pp("act")
        } else {
            vb.clone()
        };
        let inner = match cfg.act_fn.as_str() {
            "snakebeta" => Activation::Snake(Snake::load(channels, true, inner_vb)?),
            "snake" => Activation::Snake(Snake::load(channels, false, inner_vb)?),
            _ => Activation::Leaky(cfg.leaky_relu_negative_slope),
        };
        if !cfg.antialias {
            return Ok(inner);
        }
        let (r, k) = (cfg.antialias_ratio, cfg.antialias_kernel_size);
        Ok(Activation::AntiAliased(
            UpSample::kaiser(r, k, vb.pp("upsample"))?,
            Box::new(inner),
            DownSample::load(r, k, vb.pp("downsample"))?,
        ))
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Activation::Leaky(slope) => leaky_relu(x, *slope),
            Activation::Snake(s) => s.forward(x),
            Activation::AntiAliased(up, act, down) => down.forward(&act.forward(&up.forward(x)?)?),
        }
    }
}

fn leaky_relu(x: &Tensor, slope: f64) -> candle_core::Result<Tensor> {
    x.maximum(&(x * slope)?)
}

/// `ResBlock`: for each dilation, x + conv(act(conv_dilated(act(x)))).
#[derive(Debug, Clone)]
struct ResBlock {
    layers: Vec<(Activation, Conv1d, Activation, Conv1d)>,
}

impl ResBlock {
    fn load(
        cfg: &GeneratorConfig,
        channels: usize,
        kernel: usize,
        dilations: &[usize],
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let conv = |d: usize, vb: VarBuilder| {
            candle_nn::conv1d(
                channels,
                channels,
                kernel,
                Conv1dConfig {
                    padding: d * (kernel - 1) / 2,
                    dilation: d,
                    ..Default::default()
                },
                vb,
            )
        };
        let layers = dilations
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                let i = i.to_string();
                Ok((
                    Activation::load(cfg, channels, vb.pp("acts1").pp(&i))?,
                    conv(d, vb.pp("convs1").pp(&i))?,
                    Activation::load(cfg, channels, vb.pp("acts2").pp(&i))?,
                    conv(1, vb.pp("convs2").pp(&i))?,
                ))
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self { layers })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mut x = x.clone();
        for (a1, c1, a2, c2) in &self.layers {
            let h = c2.forward(&a2.forward(&c1.forward(&a1.forward(&x)?)?)?)?;
            x = (x + h)?;
        }
        Ok(x)
    }
}

/// `ConvTranspose1d(k, stride, padding = (k - stride) / 2)`, computed without padding and then
/// cropped: candle's CPU kernel has a GEMM-and-col2im path only for unpadded transposed
/// convolutions, and the padded one is a scalar loop.
#[derive(Debug, Clone)]
struct TransposedConv {
    weight: Tensor,
    bias: Tensor,
    stride: usize,
    padding: usize,
}

impl TransposedConv {
    fn load(
        cin: usize,
        cout: usize,
        k: usize,
        stride: usize,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        Ok(Self {
            weight: vb.get((cin, cout, k), "weight")?,
            bias: vb.get(cout, "bias")?,
            stride,
            padding: (k - stride) / 2,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let y = x.conv_transpose1d(&self.weight, 0, 0, self.stride, 1, 1)?;
        let n = y.dim(2)?;
        let y = y.narrow(2, self.padding, n - 2 * self.padding)?;
        let c = self.bias.dim(0)?;
        y.broadcast_add(&self.bias.reshape((1, c, 1))?)
    }
}

/// `LTX2Vocoder`: one generator.
#[derive(Debug, Clone)]
struct Generator {
    cfg: GeneratorConfig,
    conv_in: Conv1d,
    stages: Vec<(TransposedConv, Vec<ResBlock>)>,
    act_out: Activation,
    conv_out: Conv1d,
}

impl Generator {
    fn load(cfg: &GeneratorConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let conv_in = candle_nn::conv1d(
            cfg.in_channels,
            cfg.hidden_channels,
            7,
            Conv1dConfig {
                padding: 3,
                ..Default::default()
            },
            vb.pp("conv_in"),
        )?;
        let mut ch = cfg.hidden_channels;
        let mut stages = Vec::new();
        let per = cfg.resnet_kernel_sizes.len();
        for (i, (&k, &s)) in cfg
            .upsample_kernel_sizes
            .iter()
            .zip(&cfg.upsample_factors)
            .enumerate()
        {
            let out = ch / 2;
            let up = TransposedConv::load(ch, out, k, s, vb.pp("upsamplers").pp(i.to_string()))?;
            let blocks = cfg
                .resnet_kernel_sizes
                .iter()
                .zip(&cfg.resnet_dilations)
                .enumerate()
                .map(|(j, (&rk, dil))| {
                    ResBlock::load(
                        cfg,
                        out,
                        rk,
                        dil,
                        vb.pp("resnets").pp((i * per + j).to_string()),
                    )
                })
                .collect::<candle_core::Result<Vec<_>>>()?;
            stages.push((up, blocks));
            ch = out;
        }
        let act_out = match cfg.act_fn.as_str() {
            // As the reference: snake activations at the output are always anti-aliased, and
            // the leaky ReLU there uses torch's default slope, not the configured one.
            "snake" | "snakebeta" => {
                let aa = GeneratorConfig {
                    antialias: true,
                    act_fn: "snakebeta".into(),
                    ..cfg.clone()
                };
                Activation::load(&aa, ch, vb.pp("act_out"))?
            }
            _ => Activation::Leaky(0.01),
        };
        let conv_out_cfg = Conv1dConfig {
            padding: 3,
            ..Default::default()
        };
        let conv_out = if cfg.final_bias {
            candle_nn::conv1d(ch, cfg.out_channels, 7, conv_out_cfg, vb.pp("conv_out"))?
        } else {
            candle_nn::conv1d_no_bias(ch, cfg.out_channels, 7, conv_out_cfg, vb.pp("conv_out"))?
        };
        Ok(Self {
            cfg: cfg.clone(),
            conv_in,
            stages,
            act_out,
            conv_out,
        })
    }

    /// Mel [B, C, T, M] to a waveform [B, out, T · upsampling].
    fn forward(&self, mel: &Tensor) -> candle_core::Result<Tensor> {
        let (b, c, t, m) = mel.dims4()?;
        let x = mel.transpose(2, 3)?.reshape((b, c * m, t))?;
        let mut x = self.conv_in.forward(&x)?;
        for (up, blocks) in &self.stages {
            if self.cfg.act_fn == "leaky_relu" {
                x = leaky_relu(&x, self.cfg.leaky_relu_negative_slope)?;
            }
            x = up.forward(&x)?;
            let mut sum: Option<Tensor> = None;
            for block in blocks {
                let y = block.forward(&x)?;
                sum = Some(match sum {
                    Some(s) => (s + y)?,
                    None => y,
                });
            }
            if let Some(s) = sum {
                x = (s / blocks.len() as f64)?;
            }
        }
        let x = self.conv_out.forward(&self.act_out.forward(&x)?)?;
        match self.cfg.final_act_fn.as_deref() {
            Some("tanh") => x.tanh(),
            Some("clamp") => x.clamp(-1f32, 1f32),
            _ => Ok(x),
        }
    }
}

/// The bandwidth extender's causal log-mel front end (`MelSTFT`).
#[derive(Debug, Clone)]
struct MelStft {
    forward_basis: Tensor,
    mel_basis: Tensor,
    hop: usize,
    left_pad: usize,
}

impl MelStft {
    fn load(cfg: &BweConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let n_freqs = cfg.filter_length / 2 + 1;
        Ok(Self {
            forward_basis: vb.get((2 * n_freqs, 1, cfg.filter_length), "stft_fn.forward_basis")?,
            mel_basis: vb.get((cfg.num_mel_channels, n_freqs), "mel_basis")?,
            hop: cfg.hop_length,
            left_pad: cfg.window_length.saturating_sub(cfg.hop_length),
        })
    }

    /// Waveforms [N, T] to log-mel [N, mels, frames].
    fn forward(&self, wave: &Tensor) -> candle_core::Result<Tensor> {
        let x = wave.unsqueeze(1)?.pad_with_zeros(2, self.left_pad, 0)?;
        let spec = x.conv1d(&self.forward_basis, 0, self.hop, 1, 1)?;
        let nf = spec.dim(1)? / 2;
        let re = spec.narrow(1, 0, nf)?;
        let im = spec.narrow(1, nf, nf)?;
        let mag = (re.sqr()? + im.sqr()?)?.sqrt()?;
        let mel = self.mel_basis.unsqueeze(0)?.broadcast_matmul(&mag)?;
        mel.clamp(1e-5f32, f32::MAX)?.log()
    }
}

#[derive(Debug, Clone)]
enum Kind {
    Plain,
    WithBwe {
        bwe: Generator,
        mel: MelStft,
        resampler: UpSample,
        hop: usize,
        ratio: usize,
    },
}

/// Either LTX-2 vocoder.
#[derive(Debug, Clone)]
pub struct Vocoder {
    cfg: VocoderConfig,
    generator: Generator,
    kind: Kind,
}

impl Vocoder {
    pub fn load(cfg: &VocoderConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        match cfg {
            VocoderConfig::Plain(g) => Ok(Self {
                cfg: cfg.clone(),
                generator: Generator::load(g, vb)?,
                kind: Kind::Plain,
            }),
            VocoderConfig::WithBwe(g, b) => {
                let ratio = b.output_sampling_rate / b.input_sampling_rate;
                Ok(Self {
                    cfg: cfg.clone(),
                    generator: Generator::load(g, vb.pp("vocoder"))?,
                    kind: Kind::WithBwe {
                        bwe: Generator::load(&b.generator(), vb.pp("bwe_generator"))?,
                        mel: MelStft::load(b, vb.pp("mel_stft"))?,
                        resampler: UpSample::hann(ratio, vb.device())?,
                        hop: b.hop_length,
                        ratio,
                    },
                })
            }
        }
    }

    pub fn config(&self) -> &VocoderConfig {
        &self.cfg
    }

    /// Mel spectrogram [B, 2, T, M] to a waveform [B, 2, samples] at
    /// [`VocoderConfig::output_sampling_rate`], in f32.
    pub fn forward(&self, mel: &Tensor) -> candle_core::Result<Tensor> {
        let dtype = self.generator.conv_in.weight().dtype();
        let x = self.generator.forward(&mel.to_dtype(dtype)?)?;
        let out = match &self.kind {
            Kind::Plain => x,
            Kind::WithBwe {
                bwe,
                mel: stft,
                resampler,
                hop,
                ratio,
            } => {
                let (b, c, n) = x.dims3()?;
                // Whole hops only, so the spectrogram's frames cover the waveform exactly.
                let rem = n % hop;
                let x = if rem != 0 {
                    x.pad_with_zeros(2, 0, hop - rem)?
                } else {
                    x
                };
                let padded = x.dim(2)?;
                let logmel = stft.forward(&x.reshape((b * c, padded))?)?;
                let (_, mels, frames) = logmel.dims3()?;
                let logmel = logmel.reshape((b, c, mels, frames))?.transpose(2, 3)?;
                let residual = bwe.forward(&logmel)?;
                let skip = resampler.forward(&x)?;
                let wave = (residual + skip)?.clamp(-1f32, 1f32)?;
                wave.narrow(2, 0, n * ratio)?
            }
        };
        out.to_dtype(DType::F32)
    }
}
