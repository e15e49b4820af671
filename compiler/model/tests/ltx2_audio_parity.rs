//! The audio side against diffusers: `AutoencoderKLLTX2Audio`'s decoder, the 2.3 vocoder with
//! bandwidth extension (anti-aliased snake-beta, causal STFT, mel filterbank, 48 kHz
//! resampler) and the 2.0 HiFi-GAN vocoder.

mod ltx2common;

use std::path::Path;

use candle_core::{DType, Device};
use ltx2common::*;
use scene_model::loader::{read_json, Weights};
use scene_model::ltx2::audio_vae::{AudioDecoder, AudioVaeConfig};
use scene_model::ltx2::vocoder::{Vocoder, VocoderConfig};

fn vocoder(dir: &Path) -> Vocoder {
    let cfg = VocoderConfig::from_json(&read_json(&dir.join("config.json")).unwrap()).unwrap();
    Weights::open("vocoder", dir)
        .unwrap()
        .build(DType::F32, &Device::Cpu, |vb| Vocoder::load(&cfg, vb))
        .unwrap()
}

#[test]
fn audio_vae_decoder_parity() {
    let dir = fixture().join("audio_vae");
    let cfg: AudioVaeConfig = read_json(&dir.join("config.json")).unwrap();
    cfg.validate().unwrap();
    let dec = Weights::open("audio_vae", &dir)
        .unwrap()
        .build(DType::F32, &Device::Cpu, |vb| AudioDecoder::load(&cfg, vb))
        .unwrap();
    let g = golden("audio_vae");
    let mel = dec.decode(&g["latents"]).unwrap();
    assert_within("audio VAE decode", &mel, &g["mel"], DECODER_TOLERANCE);
}

#[test]
fn vocoder_with_bandwidth_extension_parity_2_3() {
    let v = vocoder(&fixture().join("vocoder"));
    assert!(matches!(v.config(), VocoderConfig::WithBwe(..)));
    assert_eq!(v.config().output_sampling_rate(), 48000);
    let g = golden("vocoder");
    let wave = v.forward(&g["mel"]).unwrap();
    assert_within("2.3 vocoder (BWE)", &wave, &g["wave"], DECODER_TOLERANCE);
}

#[test]
fn hifigan_vocoder_parity_2_0() {
    let v = vocoder(&v20().join("vocoder"));
    assert!(matches!(v.config(), VocoderConfig::Plain(..)));
    let g = load(v20().join("vocoder.safetensors"));
    let wave = v.forward(&g["mel"]).unwrap();
    assert_within("2.0 vocoder", &wave, &g["wave"], DECODER_TOLERANCE);
}
