//! "Show me one": the engine remembers the last few orders each mishap happened to, and an
//! order's trace says in words why it failed.

use crate::support::{crash_scenario, run_checked, shop};
use engine::examples::{Example, KEEP};
use engine::fault::{Fault, FaultKind, OutageMode};
use engine::scenario::CommitPolicy;
use engine::{Comparison, Design, Scenario, ServiceId, SimTime, Status};

/// The orders `design`'s shop remembers `kind` happening to, newest first.
fn shown(comparison: &Comparison, design: Design, kind: Example) -> Vec<u64> {
    comparison.design(design).examples().recent(kind).collect()
}

/// Runs the synchronous shop of `scenario` again with `orders` pinned, so that each has its
/// whole trace, and checks that each failed and that its trace gives `cause`.
fn assert_sync_causes(scenario: &Scenario, seed: u64, until: SimTime, orders: &[u64], cause: &str) {
    let mut pinned = scenario.clone();
    pinned.trace.pinned = orders.to_vec();
    let mut replayed = Comparison::new(&pinned, seed);
    replayed.run_until(until);
    for &order in orders {
        let state = replayed.sync().order(order).expect("a recent order");
        assert_eq!(state.status, Status::Failed, "order {order}");
        let trace = replayed
            .sync()
            .trace(order)
            .expect("a pinned order's trace");
        assert_eq!(
            trace.failure_cause().as_deref(),
            Some(cause),
            "order {order}: {trace:?}"
        );
    }
}

/// Payment hangs and nobody set a timeout: Order's workers all wait, its queue fills, and
/// every order after the first 4 + 10 is turned away at once at the front. The orders shown
/// are exactly the last ones placed that have had their answer (the newest is still on its
/// way back to the customer), and each one's trace names the full queue.
#[test]
fn the_last_orders_turned_away_are_the_last_placed_and_their_trace_says_why() {
    let mut scenario = shop(100.0, 10.0);
    let order = scenario.services.get_mut(&ServiceId::Order).unwrap();
    order.workers = 4;
    order.queue_capacity = 10;
    scenario.faults = vec![Fault {
        mode: Some(OutageMode::Hang),
        ..Fault::new(FaultKind::Outage)
            .on(ServiceId::Payment)
            .window(0.0, None)
    }];
    scenario.workload.cancel_share = 0.0;
    let until = SimTime::from_secs(3);
    let mut comparison = Comparison::new(&scenario, 5);
    run_checked(&mut comparison, until, 5);
    let sync = comparison.sync();
    let placed = sync.summary().orders_arrived;
    let rejected = shown(&comparison, Design::Sync, Example::Rejected);
    assert_eq!(
        sync.summary().orders_in_flight,
        4 + 10 + 1,
        "{:?}",
        sync.summary()
    );
    let expected: Vec<u64> = (placed - 1 - KEEP as u64..placed - 1).rev().collect();
    assert_eq!(rejected, expected, "{:?}", sync.summary());
    // Nobody failed any other way, and the log turned nobody away.
    assert_eq!(
        shown(&comparison, Design::Sync, Example::Failed),
        Vec::<u64>::new()
    );
    assert_eq!(
        shown(&comparison, Design::Event, Example::Rejected),
        Vec::<u64>::new()
    );

    assert_sync_causes(
        &scenario,
        5,
        until,
        &rejected,
        "Order turned it away at once: its queue was full",
    );
}

/// The small shop at 10 orders/s, Payment hanging from 1 s; Order waits 40 ms per call and
/// tries three times, and the gateway waits `gateway_timeout_ms` for Order.
fn hanging_payment(gateway_timeout_ms: Option<f64>) -> Scenario {
    let mut scenario = shop(10.0, 10.0);
    scenario.sync.timeout_ms = Some(40.0);
    scenario.sync.gateway_timeout_ms = gateway_timeout_ms;
    scenario.sync.retries.attempts = 2;
    scenario.workload.cancel_share = 0.0;
    scenario.faults = vec![Fault {
        mode: Some(OutageMode::Hang),
        ..Fault::new(FaultKind::Outage)
            .on(ServiceId::Payment)
            .window(1.0, None)
    }];
    scenario
}

/// The last few orders that failed in the synchronous shop by `until` (seed 3), checking
/// that as many as are kept did.
fn failed_by(scenario: &Scenario, until: SimTime) -> Vec<u64> {
    let mut comparison = Comparison::new(scenario, 3);
    run_checked(&mut comparison, until, 3);
    let failed = shown(&comparison, Design::Sync, Example::Failed);
    assert_eq!(failed.len(), KEEP, "{:?}", comparison.sync().summary());
    failed
}

/// Payment hangs; Order waits 40 ms per call and tries three times. Every failed order's
/// trace ends with the third wait for Payment running out, and nothing else went wrong.
#[test]
fn a_failed_order_names_the_callee_it_waited_for_and_the_attempt() {
    let scenario = hanging_payment(None);
    let until = SimTime::from_secs(4);
    let failed = failed_by(&scenario, until);
    assert_sync_causes(
        &scenario,
        3,
        until,
        &failed,
        "the wait for Payment timed out (attempt 3)",
    );
    // An order that completed before the outage has nothing to explain.
    let mut pinned = scenario.clone();
    pinned.trace.pinned = vec![0];
    let mut early = Comparison::new(&pinned, 3);
    early.run_until(until);
    assert_eq!(
        early.sync().order(0).map(|o| o.status),
        Some(Status::Completed)
    );
    assert_eq!(early.sync().trace(0).and_then(|t| t.failure_cause()), None);
}

/// A breaker that opens on the failing callee: the orders it turns away say so.
#[test]
fn an_open_breaker_is_named_as_the_reason() {
    let mut scenario = shop(50.0, 10.0);
    scenario.workload.cancel_share = 0.0;
    scenario.sync.timeout_ms = Some(40.0);
    scenario.sync.circuit_breaker = Some(Default::default());
    scenario.faults = vec![
        Fault::new(FaultKind::Outage)
            .on(ServiceId::Payment)
            .window(1.0, None),
    ];
    let until = SimTime::from_secs(5);
    let mut comparison = Comparison::new(&scenario, 2);
    comparison.run_until(until);
    let rejected = shown(&comparison, Design::Sync, Example::Rejected);
    assert_eq!(rejected.len(), KEEP, "{:?}", comparison.sync().summary());
    assert_sync_causes(
        &scenario,
        2,
        until,
        &rejected,
        "the call to Payment was not made: the circuit breaker was open",
    );
}

/// Consumer crashes between charging and committing: every remembered double charge is an
/// order Payment charged at least twice, and there are as many as the shop has (up to the
/// few kept). A shop with idempotent consumers has none to show.
#[test]
fn double_charges_shown_are_orders_charged_twice() {
    let scenario = crash_scenario(CommitPolicy::AfterProcessing, false);
    let until = SimTime::from_secs(12);
    let mut comparison = Comparison::new(&scenario, 7);
    run_checked(&mut comparison, until, 7);
    let event = comparison.design(Design::Event);
    let charged_twice: Vec<u64> = (0..event.summary().orders_arrived)
        .filter(|&order| {
            event
                .order(order)
                .is_some_and(|o| o.effects[ServiceId::Payment.index()] >= 2)
        })
        .collect();
    let doubles = shown(&comparison, Design::Event, Example::DoubleCharge);
    assert!(!charged_twice.is_empty(), "{:?}", event.summary());
    assert_eq!(doubles.len(), charged_twice.len().min(KEEP));
    assert!(
        doubles.iter().all(|order| charged_twice.contains(order)),
        "{doubles:?} not all in {charged_twice:?}"
    );

    let idempotent = crash_scenario(CommitPolicy::AfterProcessing, true);
    let mut comparison = Comparison::new(&idempotent, 7);
    comparison.run_until(until);
    assert_eq!(
        shown(&comparison, Design::Event, Example::DoubleCharge),
        Vec::<u64>::new()
    );
}

/// The customer gives up first: the gateway waits 100 ms for Order, Order waits 40 ms for a
/// hanging Payment and would retry after 100 ms. The cause names the customer's wait and,
/// before it, the wait at the service that held things up.
#[test]
fn a_gateway_timeout_names_what_held_it_up() {
    let scenario = hanging_payment(Some(100.0));
    let until = SimTime::from_secs(4);
    let failed = failed_by(&scenario, until);
    assert_sync_causes(
        &scenario,
        3,
        until,
        &failed,
        "the wait for Order timed out; before that, the wait for Payment timed out",
    );
}

/// Each metrics bucket carries an order that failed in it and one turned away in it, exactly
/// when it counted any: Payment errors half the time (failures in both shops' counts where
/// they happen) and Order's small queue overflows during a spike of arrivals.
#[test]
fn every_bucket_with_a_no_carries_one_of_its_orders() {
    let mut scenario = shop(150.0, 12.0);
    let order = scenario.services.get_mut(&ServiceId::Order).unwrap();
    order.workers = 4;
    order.queue_capacity = 5;
    scenario.workload.cancel_share = 0.0;
    scenario.faults = vec![
        Fault {
            probability: Some(0.5),
            ..Fault::new(FaultKind::ErrorRate)
                .on(ServiceId::Payment)
                .window(2.0, Some(6.0))
        },
        Fault {
            multiplier: Some(20.0),
            ..Fault::new(FaultKind::TrafficSpike).window(8.0, Some(9.0))
        },
    ];
    let mut comparison = Comparison::new(&scenario, 11);
    run_checked(&mut comparison, SimTime::from_secs(12), 11);
    let (mut failed, mut rejected) = (0, 0);
    for design in [Design::Sync, Design::Event] {
        let sim = comparison.design(design);
        for bucket in sim.metrics().buckets().iter() {
            let end = bucket.start + bucket.width;
            assert_eq!(
                bucket.counts.failed > 0,
                bucket.examples.failed.is_some(),
                "{design:?} at {end:?}: {:?} {:?}",
                bucket.counts,
                bucket.examples
            );
            assert_eq!(
                bucket.counts.rejected > 0,
                bucket.examples.rejected.is_some(),
                "{design:?} at {end:?}"
            );
            for (example, status) in [
                (bucket.examples.failed, Status::Failed),
                (bucket.examples.rejected, Status::Failed),
            ] {
                if let Some(order) = example {
                    if let Some(state) = sim.order(order) {
                        assert_eq!(state.status, status, "order {order}");
                    }
                }
            }
            failed += u64::from(bucket.examples.failed.is_some());
            rejected += u64::from(bucket.examples.rejected.is_some());
        }
    }
    assert!(failed >= 10 && rejected >= 2, "{failed} {rejected}");
}
