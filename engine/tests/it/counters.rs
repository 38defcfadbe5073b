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

/// Two overlapping crash windows on Payment each arm one crash. The first window's crash
/// happens (one order passes while both are armed), then that window ends: the second
/// window's crash must still be armed and happen once traffic resumes. Exactly two crashes:
/// the first is the one error of the single order in the chain, and the event-driven Payment
/// group rebalances once per crash (each member restarts within its session timeout).
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
    let (sync, event) = comparison.summaries();
    assert!(sync.orders_arrived > 100, "{sync:?}");
    assert!(sync.errors >= 2, "seed {seed}: {sync:?}");
    assert_eq!(
        event.rebalances, 2,
        "seed {seed}: the second window's crash happened: {event:?}"
    );
}

/// A Payment member crashes after charging, before committing, under at-least-once: every record
/// it had processed since its last commit, the one in hand included, is processed again by the
/// group and charged again. So the redeliveries are exactly the double charges, and they are
/// all the duplicate deliveries there are.
#[test]
fn every_redelivery_after_a_crash_is_counted_and_charges_again() {
    for seed in [1, 2, 3] {
        let scenario = Scenario::from_json(
            r#"{"duration_s": 20, "workload": {"arrival_rate_per_s": 200},
                "event": {"batch_size": 20, "partitions": 2},
                "services": {"order": {"workers": 64}, "payment": {"consumers": 1},
                             "inventory": {}, "shipping": {}, "notification": {}},
                "faults": [{"kind": "consumer_crash", "target": "payment", "start_s": 2,
                            "restart_after_ms": 500}]}"#,
        )
        .expect("test scenario");
        let mut comparison = Comparison::new(&scenario, seed);
        comparison.run_until(SimTime::from_secs(5));
        comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
        comparison.run_until(SimTime::from_secs(20));
        let event = comparison.event().summary();
        assert_eq!(event.orders_in_flight, 0, "seed {seed}: {event:?}");
        assert!(event.redeliveries >= 1, "seed {seed}: {event:?}");
        assert_eq!(
            event.double_charges, event.redeliveries,
            "seed {seed}: {event:?}"
        );
        assert_eq!(
            event.duplicate_deliveries, event.redeliveries,
            "seed {seed}: {event:?}"
        );
        assert_eq!(
            event.fault_duplicates + event.producer_duplicates,
            0,
            "seed {seed}"
        );
    }
}

/// Deliveries to Payment repeated with probability 0.3: in both designs each repeat charges
/// again, so the fault's duplicates are exactly the double charges. In the event design the
/// repeated Payment also sends what it produces twice (its acknowledgement is lost), and the
/// total is the sum of the causes.
#[test]
fn duplicate_deliveries_are_the_sum_of_their_causes() {
    let scenario = Scenario::from_json(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 200},
            "services": {"order": {"workers": 64}, "payment": {}, "inventory": {}, "shipping": {},
                         "notification": {}},
            "faults": [{"kind": "duplicate_delivery", "target": "payment", "probability": 0.3,
                        "start_s": 0}]}"#,
    )
    .expect("test scenario");
    let mut comparison = Comparison::new(&scenario, 5);
    comparison.run_until(SimTime::from_secs(5));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(10));
    let (sync, event) = comparison.summaries();
    for (name, s) in [("sync", &sync), ("event", &event)] {
        assert_eq!(s.orders_in_flight, 0, "{name}: {s:?}");
        assert_eq!(s.fault_duplicates, s.double_charges, "{name}: {s:?}");
        assert_eq!(
            s.duplicate_deliveries,
            s.fault_duplicates + s.redeliveries + s.producer_duplicates,
            "{name}: {s:?}"
        );
        // About 0.3 of some 1,000 orders: within five standard deviations.
        let n = s.orders_arrived as f64;
        let spread = 5.0 * (n * 0.3 * 0.7).sqrt();
        assert!(
            (s.fault_duplicates as f64 - 0.3 * n).abs() < spread,
            "{name}: {} of {n}",
            s.fault_duplicates
        );
    }
    assert_eq!(sync.redeliveries + sync.producer_duplicates, 0, "{sync:?}");
    assert!(event.producer_duplicates > 0, "{event:?}");
}

/// A synchronous instance crash takes the whole instance down for `restart_after_ms`: what it
/// held fails and calls meanwhile are refused. Without retries every failed order is exactly
/// one error, and every request that reached Payment either completed or failed. A second of
/// downtime at 100 orders a second fails about a hundred orders, not one.
#[test]
fn a_sync_crash_costs_the_instance_for_its_restart() {
    let comparison = settled(
        r#"{"duration_s": 12, "workload": {"arrival_rate_per_s": 100},
            "services": {"order": {"workers": 64}, "payment": {"workers": 4,
                         "service_time": {"kind": "fixed", "ms": 20}},
                         "inventory": {}, "shipping": {}, "notification": {}},
            "faults": [{"kind": "consumer_crash", "target": "payment", "start_s": 2,
                        "restart_after_ms": 1000}]}"#,
        12,
    );
    let sync = comparison.sync().summary();
    let payment = comparison.sync().metrics().service_totals[engine::ServiceId::Payment.index()];
    assert_eq!(sync.orders_in_flight, 0, "{sync:?}");
    assert_eq!(sync.errors, sync.orders_failed, "{sync:?}");
    assert_eq!(
        payment.arrivals,
        payment.completions + payment.errors - 1,
        "{payment:?}"
    );
    assert!((50..=160).contains(&sync.orders_failed), "{sync:?}");
}
