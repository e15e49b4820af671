//! RIFF/WAVE encoding: 16-bit PCM, little-endian, the format every audio reader accepts.

pub struct Wav {
    pub sample_rate: u32,
    pub channels: u16,
    /// Interleaved samples in [-1, 1]; anything outside is clipped.
    pub samples: Vec<f64>,
}

impl Wav {
    pub fn mono(sample_rate: u32, samples: Vec<f64>) -> Wav {
        Wav {
            sample_rate,
            channels: 1,
            samples,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let block_align = self.channels * 2;
        let data_len = (self.samples.len() * 2) as u32;
        let mut out = Vec::with_capacity(44 + data_len as usize);
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&(36 + data_len).to_le_bytes());
        out.extend_from_slice(b"WAVE");
        out.extend_from_slice(b"fmt ");
        out.extend_from_slice(&16u32.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes()); // PCM
        out.extend_from_slice(&self.channels.to_le_bytes());
        out.extend_from_slice(&self.sample_rate.to_le_bytes());
        out.extend_from_slice(&(self.sample_rate * u32::from(block_align)).to_le_bytes());
        out.extend_from_slice(&block_align.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(b"data");
        out.extend_from_slice(&data_len.to_le_bytes());
        for &s in &self.samples {
            out.extend_from_slice(&quantize(s).to_le_bytes());
        }
        out
    }
}

fn quantize(s: f64) -> i16 {
    let clipped = s.clamp(-1.0, 1.0);
    (clipped * 32767.0).round() as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_samples() {
        let bytes = Wav::mono(22050, vec![0.0, 1.0, -1.0, 2.0]).encode();
        assert_eq!(&bytes[0..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()), 36 + 8);
        assert_eq!(&bytes[8..16], b"WAVEfmt ");
        assert_eq!(u32::from_le_bytes(bytes[24..28].try_into().unwrap()), 22050);
        assert_eq!(u32::from_le_bytes(bytes[28..32].try_into().unwrap()), 44100);
        assert_eq!(&bytes[36..40], b"data");
        assert_eq!(bytes.len(), 44 + 8);
        let s: Vec<i16> = bytes[44..]
            .chunks(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(s, vec![0, 32767, -32767, 32767]);
    }
}
