//! Per-shot seeds.
//!
//! A shot's seed is its own `seed` override, or the first 8 bytes (little-endian) of
//! `SHA-256("scenec/shot-seed/v1" ‖ 0 ‖ film seed as u64 LE ‖ shot name in UTF-8)`. Only the film
//! seed and the shot's *name* enter the hash, never its position, so inserting, removing,
//! reordering or editing other shots never changes it. The domain tag keeps these seeds apart
//! from any other hash the project derives from the same inputs.

use sha2::{Digest, Sha256};

use scene_check::film::Shot;

const DOMAIN: &[u8] = b"scenec/shot-seed/v1\0";

/// The seed a shot named `name` gets in a film seeded with `film_seed`, without an override.
pub fn derived_seed(film_seed: u64, name: &str) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(film_seed.to_le_bytes());
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

pub fn shot_seed(film_seed: u64, shot: &Shot) -> u64 {
    shot.overrides
        .seed
        .unwrap_or_else(|| derived_seed(film_seed, &shot.id))
}

/// SplitMix64: a small, well-mixed generator for deterministic noise (the handheld shake) drawn
/// from a shot's seed. Same seed, same sequence, on every machine.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_depend_on_film_seed_and_name_only() {
        assert_eq!(derived_seed(7, "opening"), derived_seed(7, "opening"));
        assert_ne!(derived_seed(7, "opening"), derived_seed(8, "opening"));
        assert_ne!(derived_seed(7, "opening"), derived_seed(7, "reply"));
    }

    #[test]
    fn seed_value_is_pinned() {
        // Seeds reach caches and goldens: changing the derivation must be a deliberate,
        // versioned decision, so values are pinned here (computed independently with Python's
        // hashlib).
        assert_eq!(derived_seed(0, "a"), 9613394368934030214);
        assert_eq!(derived_seed(7, "opening"), 11264110013982801241);
    }

    #[test]
    fn splitmix_is_deterministic_and_in_range() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        for _ in 0..100 {
            let x = a.next_f64();
            assert_eq!(x, b.next_f64());
            assert!((0.0..1.0).contains(&x));
        }
    }
}
