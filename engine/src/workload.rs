//! The order stream: Poisson arrivals whose rate follows spikes and live changes, and the
//! details of each order. Both designs draw from identical streams, so they see the same
//! orders at the same times.

use crate::rng::{self, Rng, stream};
use crate::scenario::{ServiceId, Workload};
use crate::time::{SimTime, micros_from_f64};
use crate::ziggurat;
use rand::RngCore;

/// The details of one placed order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrderDetails {
    pub customer: u32,
    pub amount_cents: u32,
    pub items: u16,
    /// When the customer cancels it, if they do.
    pub cancel_after: Option<SimTime>,
    /// Services that turn it down for a business reason (bit per service index): Payment
    /// (card declined), Inventory (out of stock).
    pub declines: u8,
}

#[derive(Clone)]
pub struct Arrivals {
    interarrival: Rng,
    details: Rng,
    cancellations: Rng,
    business: Rng,
    config: Workload,
    pub base_rate_per_s: f64,
    pub multiplier: f64,
    /// Remaining unit-rate exponential work when the rate is zero.
    residual: f64,
    pub next_at: SimTime,
}

impl Arrivals {
    pub fn new(seed: u64, config: &Workload) -> Arrivals {
        let mut arrivals = Arrivals {
            interarrival: rng::stream(seed, stream::ARRIVALS),
            details: rng::stream(seed, stream::ORDER_DETAILS),
            cancellations: rng::stream(seed, stream::CANCELLATIONS),
            business: rng::stream(seed, stream::BUSINESS),
            config: config.clone(),
            base_rate_per_s: sane_rate(config.arrival_rate_per_s),
            multiplier: 1.0,
            residual: 0.0,
            next_at: SimTime::NEVER,
        };
        arrivals.residual = ziggurat::exponential(&mut arrivals.interarrival);
        arrivals.place(SimTime::ZERO);
        arrivals
    }

    fn rate(&self) -> f64 {
        self.base_rate_per_s * self.multiplier
    }

    /// Turns the residual work into the next arrival time at the current rate.
    fn place(&mut self, now: SimTime) {
        let rate = self.rate();
        self.next_at = if rate > 0.0 && rate.is_finite() {
            now + SimTime(micros_from_f64(self.residual / rate * 1_000_000.0)).max(SimTime(1))
        } else {
            SimTime::NEVER
        };
    }

    /// Called when an arrival happens: draws the gap to the next one.
    pub fn advance(&mut self, now: SimTime) {
        // The ziggurat draw avoids a logarithm per order.
        self.residual = ziggurat::exponential(&mut self.interarrival);
        self.place(now);
    }

    /// Changes the rate at `now` without redrawing: by memorylessness the unused part of the
    /// current gap is rescaled, which keeps both designs' arrivals in step.
    pub fn set_rate(&mut self, now: SimTime, base_rate_per_s: f64, multiplier: f64) {
        let old = self.rate();
        if old > 0.0 && self.next_at != SimTime::NEVER {
            self.residual = (self.next_at - now).as_micros() as f64 / 1_000_000.0 * old;
        }
        self.base_rate_per_s = sane_rate(base_rate_per_s);
        self.multiplier = sane_multiplier(multiplier);
        self.place(now);
    }

    pub fn details(&mut self) -> OrderDetails {
        let customers = u64::from(self.config.customers.max(1));
        let customer = (self.details.next_u64() % customers) as u32;
        let span = (self.config.amount_max - self.config.amount_min).max(0.0);
        let amount = self.config.amount_min.max(0.0) + span * rng::unit(&mut self.details);
        let items_max = u64::from(self.config.items_max.clamp(1, 1_000));
        let items = 1 + (self.details.next_u64() % items_max) as u16;
        let cancel_after = if rng::chance(&mut self.cancellations, self.config.cancel_share) {
            let mean_micros = self.config.cancel_delay_ms.max(0.0) * 1_000.0;
            Some(SimTime(micros_from_f64(
                rng::exp1(&mut self.cancellations) * mean_micros,
            )))
        } else {
            None
        };
        let amount_cents = micros_from_f64(amount * 100.0).min(u64::from(u32::MAX)) as u32;
        // Drawn only when asked for, so runs without business failures keep their draws.
        let mut declines = 0;
        for (service, share) in [
            (ServiceId::Payment, self.config.decline_share),
            (ServiceId::Inventory, self.config.out_of_stock_share),
        ] {
            if share > 0.0 && rng::chance(&mut self.business, share) {
                declines |= 1 << service.index();
            }
        }
        OrderDetails {
            customer,
            amount_cents,
            items,
            cancel_after,
            declines,
        }
    }
}

/// An arrival rate as the engine takes it: finite, 0 to 10 M a second.
pub(crate) fn sane_rate(rate: f64) -> f64 {
    if rate.is_finite() {
        rate.clamp(0.0, 1e7)
    } else {
        0.0
    }
}

/// A traffic multiplier as the engine takes it: finite (else none), 0 to 10,000.
pub(crate) fn sane_multiplier(multiplier: f64) -> f64 {
    if multiplier.is_finite() {
        multiplier.clamp(0.0, 1e4)
    } else {
        1.0
    }
}
