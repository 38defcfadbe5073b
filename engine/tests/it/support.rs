//! Shared helpers: scenario builders and a driver that runs a simulation under the checkers.

use crate::checkers::Checker;
use engine::fault::{Fault, FaultKind};
use engine::scenario::{CommitPolicy, ServiceConfig, ServiceTime};
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

/// The small shop for 20 s, its Payment consumers crashing five times (every 3 s from 2 s,
/// back after 1 s), reading batches of 20 and committing by `commit`.
pub fn crash_scenario(commit: CommitPolicy, idempotent: bool) -> Scenario {
    let mut scenario = shop(200.0, 20.0);
    scenario.event.commit = commit;
    scenario.event.idempotent_consumers = idempotent;
    scenario.event.batch_size = 20;
    scenario.faults = (0..5)
        .map(|i| {
            let start = 2.0 + 3.0 * f64::from(i);
            Fault {
                restart_after_ms: Some(1000.0),
                ..Fault::new(FaultKind::ConsumerCrash)
                    .on(ServiceId::Payment)
                    .window(start, Some(start + 0.5))
            }
        })
        .collect();
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
