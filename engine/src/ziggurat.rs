//! Exponential and standard normal draws by the ziggurat method: the same numbers, draw for
//! draw, as rand_distr's `Exp1` and `StandardNormal`, without shipping their tables.
//!
//! rand_distr keeps four tables of 257 `f64`s (8 KB that no compression shrinks, 2 % of the
//! page). They follow from a short recurrence (Marsaglia and Tsang 2000; Doornik 2005), so the
//! engine rebuilds them the first time a draw needs them. rand_distr's tables were printed by a
//! script using another maths library, so a rebuilt value can sit an ulp or two away from the
//! published one; each such entry is nudged back by the listed number of ulps. The rebuild uses
//! the `libm` crate, not the platform's maths, so it gives the same tables natively and in the
//! browser. A test draws millions of numbers with both and compares them bit for bit.

use crate::rng::{Rng, unit};
use rand::RngCore;
use std::sync::OnceLock;

/// Layers plus one: `x[i]` is a layer's right edge, `f[i]` the density there.
struct Layers {
    x: [f64; 257],
    f: [f64; 257],
}

/// What defines one ziggurat: the base layer's edge `r`, the common area `v`, the
/// (unnormalised) density and its inverse, and the published tables' differences in ulps.
struct Shape {
    r: f64,
    v: f64,
    density: fn(f64) -> f64,
    inverse: fn(f64) -> f64,
    x_ulps: &'static [(u8, i8)],
    f_ulps: &'static [(u8, i8)],
}

const EXP_R: f64 = 7.697_117_470_131_05;
const NORM_R: f64 = 3.654_152_885_361_009;

#[rustfmt::skip]
const EXP: Shape = Shape {
    r: EXP_R,
    v: 0.003_949_659_822_581_557,
    density: |x| libm::exp(-x),
    inverse: |y| -libm::log(y),
    x_ulps: &[
        (5, 1), (27, -1), (33, -1), (45, -1), (50, 1), (68, 1), (74, -1), (79, -1), (80, 1),
        (103, 1), (113, -1), (115, 1), (121, -1), (124, -1), (125, -1), (127, -1), (133, 1),
        (143, 1), (146, -1), (149, 1), (167, -1), (169, 1), (171, 1), (177, 1), (178, 1),
        (182, 1), (183, 1), (185, -1), (186, -1), (190, -1), (195, 1), (199, 1), (213, -1),
        (223, -1), (232, 1), (233, 1), (235, 1),
    ],
    f_ulps: &[
        (0, -14), (1, 7), (2, -3), (3, 2), (5, 1), (9, 1), (14, -1), (27, -1), (34, 1), (49, -1),
        (77, -1), (79, -1), (81, 1), (87, -1), (102, -1), (113, 1), (114, -1), (115, 1),
        (116, 1), (124, 1), (126, 1), (132, -1), (136, -1), (142, -1), (166, 1), (169, -1),
        (170, -1), (177, -1), (181, -1), (184, 1), (185, 1), (198, -1),
    ],
};

#[rustfmt::skip]
const NORM: Shape = Shape {
    r: NORM_R,
    v: 0.004_928_673_233_99,
    density: |x| libm::exp(-x * x / 2.0),
    inverse: |y| (-2.0 * libm::log(y)).sqrt(),
    x_ulps: &[
        (54, 1), (81, 1), (85, 1), (86, -1), (87, -1), (102, 1), (127, 1), (137, -1), (145, 1),
        (146, 1), (149, 1), (175, -1), (186, -1), (204, 1), (206, -1), (224, -2), (225, 1),
        (226, 1), (234, 1),
    ],
    f_ulps: &[
        (0, -6), (3, 1), (6, -1), (17, -1), (22, -1), (23, -1), (45, 1), (51, -1), (53, -1),
        (55, 1), (72, 1), (84, -1), (85, 1), (86, 1), (90, 1), (94, -1), (95, 1), (97, 1),
        (101, -1), (136, 1), (145, -1), (148, -1), (149, 1), (154, -1), (164, -1), (223, 1),
        (224, -1), (225, -1),
    ],
};

fn nudged(value: f64, index: usize, ulps: &[(u8, i8)]) -> f64 {
    match ulps.iter().find(|&&(at, _)| usize::from(at) == index) {
        Some(&(_, by)) => f64::from_bits(value.to_bits().wrapping_add_signed(i64::from(by))),
        None => value,
    }
}

impl Shape {
    fn layers(&self) -> Layers {
        let mut x = [0.0; 257];
        x[0] = nudged(self.v / (self.density)(self.r), 0, self.x_ulps);
        x[1] = self.r;
        for i in 2..256 {
            let edge = (self.inverse)(self.v / x[i - 1] + (self.density)(x[i - 1]));
            x[i] = nudged(edge, i, self.x_ulps);
        }
        let mut f = [0.0; 257];
        for (i, (f, &x)) in f.iter_mut().zip(&x).enumerate() {
            *f = nudged((self.density)(x), i, self.f_ulps);
        }
        Layers { x, f }
    }
}

fn exp_layers() -> &'static Layers {
    static LAYERS: OnceLock<Layers> = OnceLock::new();
    LAYERS.get_or_init(|| EXP.layers())
}

fn norm_layers() -> &'static Layers {
    static LAYERS: OnceLock<Layers> = OnceLock::new();
    LAYERS.get_or_init(|| NORM.layers())
}

/// 52 random bits as a float in [2^e, 2^(e+1)).
#[inline]
fn with_exponent(bits: u64, exponent: u64) -> f64 {
    f64::from_bits(bits >> 12 | (1023 + exponent) << 52)
}

/// 52 random bits as a float in (0, 1), as rand's `Open01` makes it.
#[inline]
fn open_unit(bits: u64) -> f64 {
    with_exponent(bits, 0) - (1.0 - f64::EPSILON / 2.0)
}

/// One draw from the ziggurat `layers`: the low 8 bits of a 64-bit draw choose the layer, the
/// top 52 the point in it, in [-1, 1) for a `symmetric` density and in (0, 1) otherwise.
/// `tail` draws beyond the base layer. The same steps, in the same order, as rand_distr's.
#[inline(always)]
fn ziggurat(
    rng: &mut Rng,
    layers: &Layers,
    symmetric: bool,
    density: fn(f64) -> f64,
    tail: fn(&mut Rng, f64) -> f64,
) -> f64 {
    loop {
        let bits = rng.next_u64();
        let i = (bits & 0xff) as usize;
        let u = if symmetric {
            with_exponent(bits, 1) - 3.0
        } else {
            open_unit(bits)
        };
        let x = u * layers.x[i];
        if (if symmetric { x.abs() } else { x }) < layers.x[i + 1] {
            return x;
        }
        if i == 0 {
            return tail(rng, u);
        }
        if layers.f[i + 1] + (layers.f[i] - layers.f[i + 1]) * unit(rng) < density(x) {
            return x;
        }
    }
}

/// An exponential draw with mean 1.
#[inline]
pub fn exponential(rng: &mut Rng) -> f64 {
    ziggurat(
        rng,
        exp_layers(),
        false,
        |x| (-x).exp(),
        |rng, _| EXP_R - unit(rng).ln(),
    )
}

/// A standard normal draw.
#[inline]
pub fn normal(rng: &mut Rng) -> f64 {
    ziggurat(
        rng,
        norm_layers(),
        true,
        |x| (-x * x / 2.0).exp(),
        normal_tail,
    )
}

/// Beyond the base layer's edge, by Marsaglia's method.
#[cold]
fn normal_tail(rng: &mut Rng, u: f64) -> f64 {
    let (mut x, mut y) = (1.0f64, 0.0f64);
    while -2.0 * y < x * x {
        x = open_unit(rng.next_u64()).ln() / NORM_R;
        y = open_unit(rng.next_u64()).ln();
    }
    if u < 0.0 { x - NORM_R } else { NORM_R - x }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;
    use rand::Rng as _;
    use rand_distr::{Exp1, StandardNormal};

    /// Draws with ours and rand_distr's from the same stream; also counts how many landed in
    /// the tail beyond the base layer, so the test shows that path was taken.
    fn compare(draw: fn(&mut Rng) -> f64, theirs: fn(&mut Rng) -> f64, r: f64) -> usize {
        let mut tails = 0;
        for seed in 0..4 {
            let mut mine = rng::stream(seed, 7);
            let mut reference = rng::stream(seed, 7);
            for n in 0..1_000_000 {
                let (a, b) = (draw(&mut mine), theirs(&mut reference));
                assert_eq!(
                    a.to_bits(),
                    b.to_bits(),
                    "seed {seed}, draw {n}: {a} vs {b}"
                );
                tails += usize::from(a.abs() > r);
            }
        }
        tails
    }

    #[test]
    fn exponential_draws_are_rand_distrs() {
        let tails = compare(exponential, |rng| rng.sample(Exp1), EXP_R);
        // P(X > r) = e^-r: about 1,820 of 4 M.
        assert!((1_500..2_200).contains(&tails), "{tails} tail draws");
    }

    #[test]
    fn normal_draws_are_rand_distrs() {
        let tails = compare(normal, |rng| rng.sample(StandardNormal), NORM_R);
        // P(|Z| > r) = 2.58e-4: about 1,030 of 4 M.
        assert!((800..1_300).contains(&tails), "{tails} tail draws");
    }
}
