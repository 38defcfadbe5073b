//! Counters that mean the same in both designs: every failed attempt is an error, every
//! attempt after a failure at the same work is a retry.

use engine::{Comparison, ControlAction, Scenario, SimTime};

/// Runs `json` with arrivals stopped at 5 s, long enough for every order to end.
fn settled(json: &str, until_s: u64) -> Comparison {
    let scenario = Scenario::from_json(json).expect("test scenario");
    let mut comparison = Comparison::new(&scenario, 11);
    comparison.run_until(SimTime::from_secs(5));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(until_s));
    comparison
}

/// A refusing Payment with two retries: each order makes three attempts, each refused, so
/// errors are exactly three per failed order and retries two.
#[test]
fn every_refused_sync_attempt_is_an_error() {
    let comparison = settled(
        r#"{"duration_s": 20, "workload": {"arrival_rate_per_s": 100},
            "sync": {"retries": {"attempts": 2, "backoff_ms": 10, "jitter": 0}},
            "faults": [{"kind": "outage", "target": "payment", "mode": "refuse", "start_s": 0}]}"#,
        20,
    );
    let sync = comparison.sync().summary();
    assert!(sync.orders_arrived > 400, "{sync:?}");
    assert_eq!(sync.orders_in_flight, 0, "{sync:?}");
    assert_eq!(sync.orders_failed, sync.orders_arrived, "{sync:?}");
    assert_eq!(sync.errors, 3 * sync.orders_failed, "{sync:?}");
    assert_eq!(sync.retries, 2 * sync.orders_failed, "{sync:?}");
}

/// A Payment whose every record fails, dead-lettered after 3 failures: each record is tried
/// three times, so errors are three per dead-lettered record and retries two, as in the chain.
#[test]
fn every_failed_event_attempt_is_an_error_and_every_repeat_a_retry() {
    let comparison = settled(
        r#"{"duration_s": 30, "workload": {"arrival_rate_per_s": 100},
            "event": {"dead_letter_after": 3, "retry_backoff_ms": 1},
            "faults": [{"kind": "error_rate", "target": "payment", "probability": 1, "start_s": 0}]}"#,
        30,
    );
    let event = comparison.event().summary();
    assert!(event.orders_arrived > 400, "{event:?}");
    assert_eq!(event.dead_lettered, event.orders_arrived, "{event:?}");
    assert_eq!(event.errors, 3 * event.dead_lettered, "{event:?}");
    assert_eq!(event.retries, 2 * event.dead_lettered, "{event:?}");
}

/// One synchronous instance crash after doing the work: the caller's answer is an error.
#[test]
fn a_sync_crash_answer_is_an_error() {
    let comparison = settled(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 50},
            "faults": [{"kind": "consumer_crash", "target": "payment", "start_s": 2, "restart_after_ms": 100}]}"#,
        10,
    );
    let sync = comparison.sync().summary();
    assert_eq!(sync.errors, 1, "{sync:?}");
}

/// Two overlapping crash windows on Payment each arm one crash. The first window's crash
/// happens (one order passes while both are armed), then that window ends: the second
/// window's crash must still be armed and happen once traffic resumes. Exactly two crashes,
/// so exactly two error answers in the chain.
#[test]
fn overlapping_crash_windows_each_keep_their_crash() {
    let scenario = Scenario::from_json(
        r#"{"duration_s": 12, "workload": {"arrival_rate_per_s": 0},
            "faults": [
              {"kind": "consumer_crash", "target": "payment", "start_s": 1, "end_s": 5, "restart_after_ms": 100},
              {"kind": "consumer_crash", "target": "payment", "start_s": 2, "restart_after_ms": 100}]}"#,
    )
    .expect("test scenario");
    // A seed for which exactly one order arrives in a short burst at 3 s.
    let (seed, mut comparison) = (0..200)
        .find_map(|seed| {
            let mut comparison = Comparison::new(&scenario, seed);
            comparison.run_until(SimTime::from_secs(3));
            comparison.apply(ControlAction::SetArrivalRate { per_s: 100.0 });
            comparison.run_until(SimTime::from_millis_f64(3_010.0));
            comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
            comparison.run_until(SimTime::from_secs(4));
            (comparison.sync().summary().orders_arrived == 1).then_some((seed, comparison))
        })
        .expect("some seed gives exactly one order");
    assert_eq!(
        comparison.sync().summary().errors,
        1,
        "seed {seed}: the first crash"
    );
    comparison.run_until(SimTime::from_secs(6));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 50.0 });
    comparison.run_until(SimTime::from_secs(12));
    let sync = comparison.sync().summary();
    assert!(sync.orders_arrived > 100, "{sync:?}");
    assert_eq!(
        sync.errors, 2,
        "seed {seed}: the second window's crash happened: {sync:?}"
    );
}
