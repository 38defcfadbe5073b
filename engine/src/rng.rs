//! Seeded random streams, one per purpose, so that both designs see the same orders and
//! switching a fault on does not reshuffle draws that have nothing to do with it.

use rand::SeedableRng;
use rand_pcg::Pcg32;

/// The generator behind every stream: small, fast and identical on every platform. PCG32 keeps
/// 64 bits of state, so each draw is a 64-bit multiply: one instruction in WebAssembly, where a
/// 128-bit generator (PCG64) needs a slow multi-word multiply for every number.
pub type Rng = Pcg32;

/// Stable stream identifiers. Changing a value changes every run with that seed, so new
/// purposes get new numbers rather than reusing old ones.
pub mod stream {
    pub const ARRIVALS: u64 = 1;
    pub const ORDER_DETAILS: u64 = 2;
    pub const CANCELLATIONS: u64 = 3;
    pub const RETRY_JITTER: u64 = 4;
    pub const PARTITIONER: u64 = 5;
    /// Which orders a card issuer declines or Inventory cannot fill.
    pub const BUSINESS: u64 = 6;
    /// Plus the service index.
    pub const SERVICE_TIME: u64 = 0x100;
    /// Plus the service index: error draws kept apart from service times.
    pub const SERVICE_FAULTS: u64 = 0x200;
    /// Plus the fault index.
    pub const FAULT: u64 = 0x1000;
    pub const LIVE_FAULT: u64 = 0x10_0000;
}

/// SplitMix64's finaliser: spreads nearby seeds and stream ids over the whole state space.
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The stream for one purpose of one run.
pub fn stream(seed: u64, id: u64) -> Rng {
    Rng::seed_from_u64(splitmix64(
        splitmix64(seed) ^ id.wrapping_mul(0xA24B_AED4_963E_E407),
    ))
}

/// A uniform draw in [0, 1) built from 53 random bits, identical on every platform.
#[inline]
pub fn unit(rng: &mut Rng) -> f64 {
    use rand::RngCore;
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// True with probability `p` (clamped to [0, 1]); draws nothing when the answer is certain so
/// a fault that is off consumes no randomness.
pub fn chance(rng: &mut Rng, p: f64) -> bool {
    if p <= 0.0 || p.is_nan() {
        false
    } else if p >= 1.0 {
        true
    } else {
        unit(rng) < p
    }
}

/// An exponential draw with mean 1.
pub fn exp1(rng: &mut Rng) -> f64 {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    -(1.0 - unit(rng)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_id_and_repeat_by_seed() {
        let a: Vec<f64> = (0..4).map(|_| unit(&mut stream(1, 1))).collect();
        let mut s1 = stream(1, 1);
        let mut s2 = stream(1, 2);
        let x = unit(&mut s1);
        assert_eq!(a[0], x);
        assert_ne!(x, unit(&mut s2));
        let mean: f64 = (0..100_000).map(|_| exp1(&mut s1)).sum::<f64>() / 100_000.0;
        assert!((mean - 1.0).abs() < 0.02, "mean {mean}");
    }
}
