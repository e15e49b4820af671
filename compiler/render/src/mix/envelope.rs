//! Gain envelopes at one value per millisecond, interpolated linearly per sample.
//!
//! Ducking and limiting are decided over the whole film before anything is encoded, so the mix
//! can still be computed block by block on demand: each is a list of gains at every
//! [`STEP`]-th sample. Between two nodes the gain moves in a straight line, so it never exceeds
//! the larger of the two — the property the limiter relies on.

/// Samples between nodes: 1 ms at 48 kHz.
pub const STEP: usize = 48;

#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// Node `i` is the gain at sample `i * STEP`; the last node holds to the end.
    nodes: Vec<f32>,
}

/// Nodes an envelope over `total` samples needs.
pub fn nodes_for(total: u64) -> usize {
    (total as usize).div_ceil(STEP) + 1
}

impl Envelope {
    pub fn constant(total: u64, gain: f32) -> Envelope {
        Envelope {
            nodes: vec![gain; nodes_for(total)],
        }
    }

    pub fn from_nodes(nodes: Vec<f32>) -> Envelope {
        Envelope { nodes }
    }

    pub fn nodes(&self) -> &[f32] {
        &self.nodes
    }

    /// The gain at sample `s`.
    pub fn at(&self, s: u64) -> f32 {
        let Some(&last) = self.nodes.last() else {
            return 1.0;
        };
        let i = (s / STEP as u64) as usize;
        if i + 1 >= self.nodes.len() {
            return last;
        }
        let (a, b) = (self.nodes[i], self.nodes[i + 1]);
        let f = (s % STEP as u64) as f32 / STEP as f32;
        a + (b - a) * f
    }

    /// Multiply samples `from..from + samples.len()` by the envelope.
    pub fn apply(&self, from: u64, samples: &mut [f32]) {
        for (k, v) in samples.iter_mut().enumerate() {
            *v *= self.at(from + k as u64);
        }
    }

    /// Whether every node is 1 (nothing to apply).
    pub fn is_unity(&self) -> bool {
        self.nodes.iter().all(|&g| g == 1.0)
    }
}

pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

pub fn gain_to_db(gain: f64) -> f64 {
    20.0 * gain.log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_between_nodes_and_holds_after_the_last() {
        let e = Envelope::from_nodes(vec![1.0, 0.5, 0.5]);
        assert_eq!(e.at(0), 1.0);
        assert_eq!(e.at(24), 0.75);
        assert_eq!(e.at(48), 0.5);
        assert_eq!(e.at(10_000), 0.5);
        assert_eq!(nodes_for(96), 3);
        assert_eq!(nodes_for(97), 4);
    }
}
