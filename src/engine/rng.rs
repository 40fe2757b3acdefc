//! Named random streams derived from one seed.
//!
//! Every purpose draws from its own stream (`failures`, `arrivals`, `jitter`,
//! ...). A stream's state depends only on `(seed, name)`, so adding draws to one
//! stream never shifts another, and two policies compared under one seed see the
//! same failures (common random numbers).
//!
//! ```
//! use rackscale::engine::rng::RngStreams;
//! use rand::RngExt;
//! let streams = RngStreams::new(42);
//! let mut a = streams.stream("failures");
//! let mut b = streams.stream("failures");
//! assert_eq!(a.random::<u64>(), b.random::<u64>());
//! ```
//!
//! The generator is PCG-64 (`rand_pcg::Pcg64`), a fixed algorithm, so streams
//! are identical across platforms and releases of `rand`.

use rand::SeedableRng;
use rand_pcg::Pcg64;

/// The generator behind every stream.
pub type StreamRng = Pcg64;

/// Default seed when a scenario or the command line gives none.
pub const DEFAULT_SEED: u64 = 42;

/// A factory of independent, named random streams for one seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RngStreams {
    seed: u64,
}

impl RngStreams {
    /// Streams for `seed`.
    pub fn new(seed: u64) -> Self {
        Self { seed }
    }

    /// The seed, to echo in results.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The stream for `name`: same `(seed, name)`, same sequence.
    pub fn stream(&self, name: &str) -> StreamRng {
        self.substream(name, 0)
    }

    /// The `index`-th replication of stream `name` (Monte Carlo draw, shard).
    pub fn substream(&self, name: &str, index: u64) -> StreamRng {
        let mut seed = [0u8; 32];
        let mut state = self.seed ^ fnv1a(name.as_bytes()).rotate_left(17) ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for chunk in seed.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        Pcg64::from_seed(seed)
    }
}

/// FNV-1a hash of a stream name: fixed, unlike `std`'s randomized hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// SplitMix64 step, to spread a 64-bit state into well-mixed seed words.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    fn draws(rng: &mut StreamRng, n: usize) -> Vec<u64> {
        (0..n).map(|_| rng.random()).collect()
    }

    #[test]
    fn same_seed_and_name_give_same_sequence() {
        let s = RngStreams::new(7);
        assert_eq!(draws(&mut s.stream("arrivals"), 16), draws(&mut s.stream("arrivals"), 16));
    }

    #[test]
    fn names_seeds_and_indices_separate_streams() {
        let s = RngStreams::new(7);
        let base = draws(&mut s.stream("failures"), 4);
        assert_ne!(base, draws(&mut s.stream("arrivals"), 4));
        assert_ne!(base, draws(&mut RngStreams::new(8).stream("failures"), 4));
        assert_ne!(base, draws(&mut s.substream("failures", 1), 4));
    }

    #[test]
    fn drawing_from_one_stream_never_shifts_another() {
        let s = RngStreams::new(1);
        let mut failures = s.stream("failures");
        let undisturbed = draws(&mut s.stream("arrivals"), 8);
        let _ = draws(&mut failures, 1000);
        assert_eq!(undisturbed, draws(&mut s.stream("arrivals"), 8));
    }

    #[test]
    fn streams_are_pinned_across_releases() {
        // A change here changes every simulated result: make it on purpose.
        let first: u64 = RngStreams::new(42).stream("failures").random();
        assert_eq!(first, PINNED_FIRST_DRAW);
    }
    const PINNED_FIRST_DRAW: u64 = 2_182_216_475_469_383_655;

    #[test]
    fn uniform_draws_pass_chi_square() {
        // 10 bins, 100k draws: the 99.9% critical value of chi2(9) is 27.88.
        let mut rng = RngStreams::new(2026).stream("jitter");
        let mut bins = [0u32; 10];
        for _ in 0..100_000 {
            bins[rng.random_range(0..10usize)] += 1;
        }
        let expected = 10_000.0;
        let chi2: f64 = bins.iter().map(|&o| (f64::from(o) - expected).powi(2) / expected).sum();
        assert!(chi2 < 27.88, "chi2 = {chi2}, bins = {bins:?}");
    }
}
