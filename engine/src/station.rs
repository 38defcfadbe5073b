//! A service instance seen as a queueing station: a pool of workers, a bounded FIFO queue and a
//! service-time distribution. Jobs are small `Copy` handles owned by the design using it.

use crate::fault::Health;
use crate::rng::Rng;
use crate::scenario::{ServiceConfig, ServiceTime};
use crate::time::{SimTime, micros_from_f64};
use crate::ziggurat;
use std::collections::VecDeque;

/// z of the 99th percentile of the standard normal distribution.
const Z99: f64 = 2.326_347_874_040_841;

/// A service-time distribution in microseconds, prepared once.
#[derive(Clone, Copy, Debug)]
pub enum Distribution {
    Exponential { mean: f64 },
    Lognormal { mu: f64, sigma: f64 },
    Fixed { micros: u64 },
}

impl Distribution {
    pub fn new(time: &ServiceTime) -> Distribution {
        match *time {
            ServiceTime::Exponential { mean_ms } => Distribution::Exponential {
                mean: finite(mean_ms) * 1_000.0,
            },
            ServiceTime::Fixed { ms } => Distribution::Fixed {
                micros: micros_from_f64(finite(ms) * 1_000.0),
            },
            ServiceTime::Lognormal { median_ms, p99_ms } => {
                let median = (finite(median_ms) * 1_000.0).max(1.0);
                let p99 = (finite(p99_ms) * 1_000.0).max(median);
                let mu = median.ln();
                Distribution::Lognormal {
                    mu,
                    sigma: (p99.ln() - mu) / Z99,
                }
            }
        }
    }

    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match *self {
            Distribution::Exponential { mean } => ziggurat::exponential(rng) * mean,
            Distribution::Lognormal { mu, sigma } => (mu + sigma * ziggurat::normal(rng)).exp(),
            Distribution::Fixed { micros } => micros as f64,
        }
    }

    /// Mean in microseconds.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Exponential { mean } => mean,
            Distribution::Lognormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Distribution::Fixed { micros } => micros as f64,
        }
    }
}

fn finite(value: f64) -> f64 {
    if value.is_finite() {
        value.max(0.0)
    } else {
        0.0
    }
}

/// The shortest piece of work.
pub const MIN_WORK: SimTime = SimTime(1);

/// How long a piece of work whose healthy time is `base` microseconds takes under `health`
/// (slowed down, with latency added): at least a microsecond, so work done in a loop always
/// moves the clock (a fixed 0 ms would otherwise let a backlog or a retry storm pile millions
/// of events onto one instant).
#[inline]
pub fn work_time(base: f64, health: &Health) -> SimTime {
    let work = if health.slow_factor == 1.0 && health.extra_latency == SimTime::ZERO {
        SimTime(micros_from_f64(base))
    } else {
        SimTime(micros_from_f64(base * health.slow_factor)) + health.extra_latency
    };
    work.max(MIN_WORK)
}

/// Worker pool plus waiting line of one service.
#[derive(Clone)]
pub struct Station<J> {
    pub workers: u32,
    pub busy: u32,
    pub capacity: u32,
    pub queue: VecDeque<J>,
    pub distribution: Distribution,
    pub rng: Rng,
}

impl<J: Copy> Station<J> {
    pub fn new(config: &ServiceConfig, rng: Rng) -> Station<J> {
        Station {
            workers: config.workers.max(1),
            busy: 0,
            capacity: config.queue_capacity,
            queue: VecDeque::new(),
            distribution: Distribution::new(&config.service_time),
            rng,
        }
    }

    /// How long the next piece of work takes under the given health ([`work_time`]).
    #[inline]
    pub fn work_time(&mut self, health: &Health) -> SimTime {
        work_time(self.distribution.sample(&mut self.rng), health)
    }

    /// Takes a worker if one is free.
    #[inline]
    pub fn try_start(&mut self) -> bool {
        if self.busy < self.workers {
            self.busy += 1;
            true
        } else {
            false
        }
    }

    /// Queues a job; false when the queue is full.
    #[inline]
    pub fn enqueue(&mut self, job: J) -> bool {
        if (self.queue.len() as u64) < u64::from(self.capacity) {
            self.queue.push_back(job);
            true
        } else {
            false
        }
    }

    /// Frees a worker and hands back the next queued job, which then holds that worker.
    #[inline]
    pub fn finish(&mut self) -> Option<J> {
        debug_assert!(self.busy > 0, "a worker finished that was not busy");
        match self.queue.pop_front() {
            Some(job) => Some(job),
            None => {
                self.busy = self.busy.saturating_sub(1);
                None
            }
        }
    }
}
