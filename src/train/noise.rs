//! The random stream of Langevin's Gaussian noise: xoshiro256++ seeded
//! through SplitMix64, fed to `rand_distr`'s ziggurat normal sampler.
//!
//! Langevin draws one normal number per parameter per step, so the noise
//! can cost as much as the gradient at small sizes. xoshiro256++ makes a
//! 64-bit word with a handful of shifts, rotations and additions, where
//! ChaCha8 runs eight cipher rounds per block. Its statistical quality is
//! ample for sampling noise, though it is not meant to be unpredictable.
//! The stream is a pure function of the seed, so runs stay reproducible on
//! every platform.

use std::convert::Infallible;

use rand::{SeedableRng, TryRng};

/// The xoshiro256++ generator of Blackman and Vigna (2018): 256 bits of
/// state, period `2^256 - 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoiseRng {
    state: [u64; 4],
}

impl NoiseRng {
    /// Seeds the four state words with consecutive SplitMix64 outputs, which
    /// cannot all be zero.
    pub fn from_seed_u64(seed: u64) -> Self {
        let mut counter = seed;
        let mut next = || splitmix64(&mut counter);
        NoiseRng {
            state: [next(), next(), next(), next()],
        }
    }

    fn next_word(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.state;
        let result = s0.wrapping_add(*s3).rotate_left(23).wrapping_add(*s0);
        let shifted = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= shifted;
        *s3 = s3.rotate_left(45);
        result
    }
}

/// One step of SplitMix64 (Steele, Lea and Flood 2014): advances `counter`
/// by the golden-ratio increment and returns its mixed value.
fn splitmix64(counter: &mut u64) -> u64 {
    *counter = counter.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *counter;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl TryRng for NoiseRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        // The high half has the best statistical quality.
        Ok((self.next_word() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next_word())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_word().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

impl SeedableRng for NoiseRng {
    type Seed = [u8; 32];

    /// Uses the 32 bytes as the four little-endian state words. xoshiro
    /// cannot leave the all-zero state, so an all-zero seed is replaced by
    /// the SplitMix64 seeding of 0.
    fn from_seed(seed: [u8; 32]) -> Self {
        let mut state = [0; 4];
        for (word, bytes) in state.iter_mut().zip(seed.chunks_exact(8)) {
            let mut array = [0; 8];
            array.copy_from_slice(bytes);
            *word = u64::from_le_bytes(array);
        }
        if state == [0; 4] {
            return NoiseRng::from_seed_u64(0);
        }
        NoiseRng { state }
    }

    fn seed_from_u64(seed: u64) -> Self {
        NoiseRng::from_seed_u64(seed)
    }
}

#[cfg(test)]
mod tests {
    use rand::Rng;
    use rand_distr::{Distribution, StandardNormal};

    use super::*;

    #[test]
    fn splitmix64_matches_reference_values() {
        // The first three SplitMix64 outputs from state 0, widely published
        // as test vectors of the generator.
        let mut counter = 0;
        assert_eq!(splitmix64(&mut counter), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(&mut counter), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(splitmix64(&mut counter), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn xoshiro_step_follows_the_recurrence() {
        // From state (1, 2, 3, 4): result = rotl(1 + 4, 23) + 1, and the
        // state update written out by hand.
        let mut rng = NoiseRng {
            state: [1, 2, 3, 4],
        };
        assert_eq!(rng.next_u64(), (5_u64 << 23) + 1);
        let (s2, s3): (u64, u64) = (3 ^ 1, 4 ^ 2);
        let s1 = 2 ^ s2;
        let s0 = 1 ^ s3;
        let expected = [s0, s1, s2 ^ (2 << 17), s3.rotate_left(45)];
        assert_eq!(rng.state, expected);
    }

    #[test]
    fn same_seed_gives_same_stream() {
        let mut first = NoiseRng::seed_from_u64(42);
        let mut second = NoiseRng::seed_from_u64(42);
        let mut other = NoiseRng::seed_from_u64(43);
        let a: Vec<u64> = (0..8).map(|_| first.next_u64()).collect();
        let b: Vec<u64> = (0..8).map(|_| second.next_u64()).collect();
        let c: Vec<u64> = (0..8).map(|_| other.next_u64()).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn zero_seed_bytes_do_not_stall() {
        let mut rng = NoiseRng::from_seed([0; 32]);
        assert_ne!(rng.next_u64(), 0);
        assert_ne!(rng.state, [0; 4]);
    }

    #[test]
    fn normal_moments_match_standard_normal() {
        // 400000 draws: the sample mean has sd 1/sqrt(n) = 1.6e-3 and the
        // sample variance sd sqrt(2/n) = 2.2e-3; the kurtosis estimate
        // (3 for a normal) has sd sqrt(96/n) = 1.5e-2. Bounds at 4 to 5 sd.
        let mut rng = NoiseRng::seed_from_u64(7);
        let n = 400_000;
        let draws: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let variance = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        let fourth = draws.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 8e-3, "mean {mean}");
        assert!((variance - 1.0).abs() < 1e-2, "variance {variance}");
        let kurtosis = fourth / (variance * variance);
        assert!((kurtosis - 3.0).abs() < 0.07, "kurtosis {kurtosis}");
    }
}
