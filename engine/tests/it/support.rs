//! Shared helpers: scenario builders and a driver that runs a simulation under the checkers.

use crate::checkers::Checker;
use engine::scenario::{ServiceConfig, ServiceTime};
use engine::{Comparison, Scenario, ServiceId, SimTime, Simulation};
use proptest::prelude::ProptestConfig;

/// A small shop: every service, light load, a few cancellations, no faults.
pub fn shop(rate_per_s: f64, duration_s: f64) -> Scenario {
    let mut scenario = Scenario {
        duration_s,
        ..Scenario::default()
    };
    scenario.workload.arrival_rate_per_s = rate_per_s;
    scenario.workload.cancel_share = 0.05;
    scenario.workload.cancel_delay_ms = 100.0;
    scenario.trace.sample_every = 50;
    for (id, mean_ms) in [
        (ServiceId::Order, 2.0),
        (ServiceId::Payment, 6.0),
        (ServiceId::Inventory, 4.0),
        (ServiceId::Shipping, 4.0),
        (ServiceId::Notification, 2.0),
    ] {
        let config = ServiceConfig {
            workers: 8,
            queue_capacity: 10_000,
            service_time: ServiceTime::Exponential { mean_ms },
            consumers: None,
        };
        scenario.services.insert(id, config);
    }
    scenario
}

/// Runs both designs to `until`, checking every invariant after every event.
pub fn run_checked(comparison: &mut Comparison, until: SimTime, seed: u64) {
    let mut sync_checker = Checker::new(seed, "sync");
    let mut event_checker = Checker::new(seed, "event");
    while comparison
        .sync()
        .next_event_time()
        .is_some_and(|t| t <= until)
        || comparison
            .event()
            .next_event_time()
            .is_some_and(|t| t <= until)
    {
        comparison.step();
        sync_checker.observe(comparison.sync());
        event_checker.observe(comparison.event());
    }
    comparison.run_until(until);
}

/// Runs one design to `until`, checking every invariant after every event.
pub fn run_sim_checked(sim: &mut Simulation, until: SimTime, seed: u64) {
    let mut checker = Checker::new(seed, "simulation");
    while sim.next_event_time().is_some_and(|t| t <= until) {
        sim.step();
        checker.observe(sim);
    }
    sim.run_until(until);
}

pub fn secs(s: f64) -> SimTime {
    SimTime::from_secs_f64(s)
}

/// Far fewer cases in unoptimised builds, where each is much slower. Proptest's
/// `PROPTEST_CASES` variable still overrides the number, for longer soak runs.
pub fn proptest_config(cases: u32) -> ProptestConfig {
    let cases = if cfg!(debug_assertions) {
        cases / 8
    } else {
        cases
    };
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}
