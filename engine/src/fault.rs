//! Faults are data: a kind, a target, a window and parameters; and what the active ones do to
//! a service (`Health`). Live control actions, which can start and heal faults, are in
//! [`crate::control`].

use crate::ids::ServiceId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The target is down: it refuses calls (`mode: refuse`) or never answers (`mode: hang`).
    Outage,
    /// Work takes `factor` times longer plus `extra_latency_ms`.
    Slowdown,
    /// Each request fails with `probability`.
    ErrorRate,
    /// Arrivals are multiplied by `multiplier`.
    TrafficSpike,
    /// Each message to the target is delivered twice with `probability`.
    DuplicateDelivery,
    /// Messages are delayed by up to `jitter_ms` at random, and events lose their key.
    Reordering,
    /// One instance of the target crashes after its next piece of work, before committing or
    /// answering; it comes back after `restart_after_ms`.
    ConsumerCrash,
    /// Partition `partition` of every topic can neither be written nor read.
    PartitionUnavailable,
    /// Orders placed in the window are poison for the target with `probability`: it fails on
    /// them every time.
    PoisonEvent,
}

crate::deserialize_by_name!(FaultKind { Outage => "outage", Slowdown => "slowdown", ErrorRate => "error_rate", TrafficSpike => "traffic_spike", DuplicateDelivery => "duplicate_delivery", Reordering => "reordering", ConsumerCrash => "consumer_crash", PartitionUnavailable => "partition_unavailable", PoisonEvent => "poison_event" });

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutageMode {
    #[default]
    Refuse,
    Hang,
}

/// A fault with its window. Parameters that do not apply to the kind must be left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub kind: FaultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ServiceId>,
    /// Start, in seconds from the beginning of the run (for a live action: from its moment).
    #[serde(default)]
    pub start_s: f64,
    /// End; `null` lasts until healed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<OutageMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_latency_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_after_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<u32>,
}

impl Fault {
    /// A fault of `kind` with no target, window from 0 to forever and no parameters.
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            kind,
            target: None,
            start_s: 0.0,
            end_s: None,
            mode: None,
            factor: None,
            extra_latency_ms: None,
            probability: None,
            multiplier: None,
            jitter_ms: None,
            restart_after_ms: None,
            partition: None,
        }
    }
    pub fn on(mut self, target: ServiceId) -> Fault {
        self.target = Some(target);
        self
    }
    pub fn window(mut self, start_s: f64, end_s: Option<f64>) -> Fault {
        self.start_s = start_s;
        self.end_s = end_s;
        self
    }
}

/// The effect of the active faults on one service, recomputed whenever a fault starts or ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Health {
    pub refusing: bool,
    pub hanging: bool,
    pub slow_factor: f64,
    pub extra_latency: SimTime,
    pub error_probability: f64,
    pub duplicate_probability: f64,
    pub jitter: SimTime,
    /// Crashes armed and not yet triggered.
    pub crash_pending: u32,
    pub restart_after: SimTime,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            refusing: false,
            hanging: false,
            slow_factor: 1.0,
            extra_latency: SimTime::ZERO,
            error_probability: 0.0,
            duplicate_probability: 0.0,
            jitter: SimTime::ZERO,
            crash_pending: 0,
            restart_after: SimTime::from_secs(1),
        }
    }
}

/// How a service looks from outside, for drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    Up,
    Slow,
    Erroring,
    DownRefusing,
    DownHanging,
}

impl Health {
    pub fn state(&self) -> HealthState {
        if self.hanging {
            HealthState::DownHanging
        } else if self.refusing {
            HealthState::DownRefusing
        } else if self.error_probability > 0.0 {
            HealthState::Erroring
        } else if self.slow_factor != 1.0 || self.extra_latency > SimTime::ZERO {
            HealthState::Slow
        } else {
            HealthState::Up
        }
    }

    /// Folds one active fault into the health of the service it targets.
    pub fn apply(&mut self, fault: &Fault) {
        match fault.kind {
            FaultKind::Outage => match fault.mode.unwrap_or_default() {
                OutageMode::Refuse => self.refusing = true,
                OutageMode::Hang => self.hanging = true,
            },
            FaultKind::Slowdown => {
                self.slow_factor *= fault.factor.unwrap_or(1.0).clamp(0.0, 1e6);
                self.extra_latency +=
                    SimTime::from_millis_f64(fault.extra_latency_ms.unwrap_or(0.0));
            }
            FaultKind::ErrorRate => {
                let p = fault.probability.unwrap_or(0.0).clamp(0.0, 1.0);
                self.error_probability = 1.0 - (1.0 - self.error_probability) * (1.0 - p);
            }
            FaultKind::DuplicateDelivery => {
                let p = fault.probability.unwrap_or(0.0).clamp(0.0, 1.0);
                self.duplicate_probability = self.duplicate_probability.max(p);
            }
            FaultKind::Reordering => {
                self.jitter = self
                    .jitter
                    .max(SimTime::from_millis_f64(fault.jitter_ms.unwrap_or(0.0)));
            }
            FaultKind::ConsumerCrash => {
                if let Some(ms) = fault.restart_after_ms {
                    self.restart_after = SimTime::from_millis_f64(ms);
                }
            }
            FaultKind::TrafficSpike | FaultKind::PartitionUnavailable | FaultKind::PoisonEvent => {}
        }
    }
}
