//! How closely a render must match its goldens.

use serde::{Deserialize, Serialize};

/// Thresholds for model backends, whose output may differ in the last bits across machines.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tolerance {
    /// Minimum peak signal-to-noise ratio, dB.
    pub psnr: f64,
    /// Minimum structural similarity, 0–1.
    pub ssim: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            psnr: 30.0,
            ssim: 0.95,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// Every frame's content hash must match (deterministic backends such as previz).
    Exact,
    /// The thumbnails must be within the tolerance.
    Perceptual(Tolerance),
}

impl Tolerance {
    /// Parse `psnr=30,ssim=0.95` (either part may be omitted; omitted parts keep `self`'s).
    pub fn parse_over(self, text: &str) -> Result<Tolerance, String> {
        let mut t = self;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}`: expected `psnr=DB` or `ssim=0..1`"))?;
            let v: f64 = value
                .trim()
                .parse()
                .map_err(|_| format!("`{part}`: `{}` is not a number", value.trim()))?;
            match key.trim() {
                "psnr" if v.is_finite() && v > 0.0 => t.psnr = v,
                "ssim" if (0.0..=1.0).contains(&v) => t.ssim = v,
                "psnr" => return Err(format!("`{part}`: psnr must be a positive number of dB")),
                "ssim" => return Err(format!("`{part}`: ssim must be between 0 and 1")),
                other => {
                    return Err(format!(
                        "unknown tolerance `{other}`; expected `psnr` or `ssim`"
                    ))
                }
            }
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_and_either() {
        let d = Tolerance::default();
        assert_eq!(
            d.parse_over("psnr=35,ssim=0.9").unwrap(),
            Tolerance {
                psnr: 35.0,
                ssim: 0.9
            }
        );
        assert_eq!(
            d.parse_over("ssim=0.8").unwrap(),
            Tolerance {
                psnr: 30.0,
                ssim: 0.8
            }
        );
        assert!(d
            .parse_over("ssim=2")
            .unwrap_err()
            .contains("between 0 and 1"));
        assert!(d
            .parse_over("lpips=0.1")
            .unwrap_err()
            .contains("unknown tolerance"));
        assert!(d.parse_over("psnr").unwrap_err().contains("expected"));
    }
}
